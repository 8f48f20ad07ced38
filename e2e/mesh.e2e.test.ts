// Issue #2 end to end: relay + two Chromium tabs + one Node provider + an SDK requester, all on loopback
// (run through scripts/netns.sh: a network namespace with only `lo`).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { after, before, describe, it } from 'node:test'
import binaryen from 'binaryen'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient, TabmeshError } from '../sdk/index.ts'
import type { TabmeshClient, TaskOutcome } from '../sdk/index.ts'
import { hostileModules, NAN_BITS_OUTPUT } from '../testing/hostile-modules.ts'
import { WASI_TESTSUITE, wasiTestMismatch, wasiTests, wasiTestsuitePresent } from '../testing/wasi-testsuite.ts'

/** WASI testsuite jobs in flight at once in the Chromium run. */
const WASI_JOBS_AT_ONCE = 6
import { resolveLimits } from '../worker-runtime/limits.ts'
import { WorkerPool } from '../worker-runtime/pool.ts'
import { spawnNodeWorker } from '../worker-runtime/spawn-node.ts'
import type { TabProviderState } from '../web/provider/tab-provider.ts'
import { launchChromium, openProvidingTab, recordReachableShown, reachableShownAt, tempDir, until, screenshot } from '../testing/browser.ts'

const primes = readFileSync(bundledPrimesPath())
const jobsDir = new URL('../jobs/', import.meta.url)
const mandelbrot = readFileSync(new URL('mandelbrot/build/mandelbrot.wasm', jobsDir))
const wordfreq = readFileSync(new URL('wasi-c/build/wordfreq.wasm', jobsDir))
/** Screenshots land here (gitignored) for people to look at. */
const dec = new TextDecoder()
const PI_1E9 = 50_847_534
const TASKS = 100
const STEP = 1_000_000_000 / TASKS
const ranges = Array.from({ length: TASKS }, (_, i) => `${i * STEP} ${(i + 1) * STEP}`)

function wat (text: string): Uint8Array {
  const m = binaryen.parseText(text)
  try { return m.emitBinary() } finally { m.dispose() }
}


async function tabState (page: Page): Promise<TabProviderState | undefined> {
  return await page.evaluate(() => window.tabmesh?.state())
}

describe('e2e: a real Wasm job across Chromium tabs and a Node provider', () => {
  let relay: RelayHandle
  let web: WebServerHandle
  let nodeProvider: NodeProviderHandle
  let browser: Browser
  const tabs: Array<{ context: BrowserContext, page: Page, peerId: string, errors: string[] }> = []
  let client: TabmeshClient

  before(async () => {
    relay = await startRelay({ port: 0 })
    web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs })
    nodeProvider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: tempDir('tabmesh-e2e-'), primesModulePath: bundledPrimesPath() })
    browser = await launchChromium()
    for (let i = 0; i < 2; i++) {
      const errors: string[] = []
      const { context, page, state } = await openProvidingTab(browser, web.url, {
        timeoutMs: 60_000,
        onPage: page => {
          void recordReachableShown(page)
          page.on('pageerror', e => errors.push(e.message))
          page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
        }
      })
      tabs.push({ context, page, peerId: state.peerId, errors })
    }
    client = await createClient({ bootstrap: relay.multiaddrs })
    await client.waitForProviders(3, { signal: AbortSignal.timeout(60_000) })
  })

  after(async () => {
    await client?.stop()
    await browser?.close()
    await nodeProvider?.stop()
    await web?.stop()
    await relay?.stop()
  })

  it('shows a tab that provides at once, with peers, and no console errors', async () => {
    const [a] = tabs
    await screenshot(a!.page, 'contribute')
    await assert.doesNotReject(a!.page.getByRole('button', { name: 'Pause' }).waitFor())
    assert.equal(await a!.page.getByTestId('status').textContent(), 'Contributing')
    // The page comes to say the tab is reachable (how soon after the reservation is a timing, measured
    // in bench/suites/first-task.ts: "shown reachable" among the tab's steps).
    for (const { page } of tabs) {
      await until('the page to show the tab reachable', async () => await reachableShownAt(page) !== undefined ? true : undefined, 30_000)
      assert.ok((await tabState(page))?.multiaddrs.some(a => a.includes('/webrtc')), 'the page says reachable only with a /webrtc address')
    }
    assert.deepEqual(tabs.flatMap(t => t.errors), [])
  })

  it('connects the two tabs to each other over a direct WebRTC connection', async () => {
    const [a, b] = tabs
    const peer = await until('tab A to reach tab B over WebRTC', async () => {
      const s = await tabState(a!.page)
      return s?.peers.find(p => p.peerId === b!.peerId && p.kinds.includes('webrtc'))
    }, 90_000)
    assert.ok(peer.kinds.includes('webrtc'))
    assert.equal(peer.tier, 'tab')
  })

  it('gives byte-identical outputs in Chromium and in Node, NaN bits included (redundancy 3: both tabs and the Node provider agree)', async () => {
    // Reads random_get and both clocks: deterministic by design, seeded from the task input.
    const entropy = wat(`(module
      (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (drop (call $random (i32.const 100) (i32.const 32)))
        (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 132)))
        (drop (call $clock (i32.const 1) (i64.const 1) (i32.const 140)))
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 48))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`)
    const jobs: Array<[string, Uint8Array, string[]]> = [
      ['mandelbrot', mandelbrot, ['256 192 0 0 128 96 500', '256 192 128 96 128 96 500']],
      ['wasi-c', wordfreq, ['the quick brown fox jumps over the lazy dog the end']],
      ['entropy', entropy, ['seed one', 'seed two']],
      // NaNs made by the CPU (x86: ffc00000) come out canonical in Chromium and in Node alike.
      ['nan-bits', hostileModules().nanBits, ['']]
    ]
    const entropyOutputs: string[] = []
    for (const [name, module, inputs] of jobs) {
      const job = client.submit({ module, inputs, redundancy: 3, maxProvidersPerTask: 3 })
      for await (const r of job.results()) {
        assert.ok(r.ok, `${name} task ${r.index}: ${JSON.stringify(r.ok ? '' : r.error)}`)
        assert.equal(new Set(r.providers).size, 3)
        assert.ok(r.providers.includes(tabs[0]!.peerId) && r.providers.includes(tabs[1]!.peerId) && r.providers.includes(nodeProvider.node.peerId.toString()), 'both tabs and the Node provider agreed')
        if (name === 'mandelbrot') assert.equal(r.output.length, 128 * 96 * 4)
        if (name === 'entropy') entropyOutputs.push(Buffer.from(r.output).toString('hex'))
        if (name === 'nan-bits') assert.equal(Buffer.from(r.output).toString('hex'), Buffer.from(NAN_BITS_OUTPUT).toString('hex'))
      }
    }
    assert.equal(entropyOutputs.length, 2)
    assert.notEqual(entropyOutputs[0], entropyOutputs[1], 'random_get is seeded from the task input')
  })

  it('runs the WASI testsuite as jobs: both Chromium tabs and the Node provider give each test its expected result, byte for byte alike', { skip: wasiTestsuitePresent() ? false : `the WASI testsuite is not at ${WASI_TESTSUITE}` }, async () => {
    const tests = wasiTests()
    const mismatches: string[] = []
    let agreed = 0
    // A few jobs at a time: every test is its own module (up to 2.2 MB), fetched by all three providers.
    for (let i = 0; i < tests.length; i += WASI_JOBS_AT_ONCE) {
      await Promise.all(tests.slice(i, i + WASI_JOBS_AT_ONCE).map(async t => {
        const job = client.submit({
          module: t.module,
          inputs: [{ args: t.args.slice(1), env: Object.fromEntries(t.env.map(e => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])) }],
          mounts: t.mounts,
          redundancy: 3,
          maxProvidersPerTask: 3,
          verification: 'replicate',
          limits: { timeoutMs: 30_000 }
        })
        for await (const r of job.results()) {
          const why = wasiTestMismatch(t, r.ok ? 0 : r.error.exitCode, r.ok ? r.output : undefined, r.ok ? '' : `${r.error.code} ${r.error.message}`)
          if (why !== undefined) mismatches.push(`${t.name}: ${why}`)
          else if (r.providers.length === 3) agreed++
        }
      }))
    }
    console.log(`# measured: WASI testsuite as jobs on 2 tabs + 1 Node provider: ${tests.length - mismatches.length} of ${tests.length} as expected, ${agreed} agreed by all three`)
    assert.deepEqual(mismatches, [])
    assert.equal(agreed, tests.length, 'every test gave the same bytes (or the same failure) in both tabs and in Node')
  })

  it('counts the primes below 10^9 in 100 tasks with redundancy 2, and survives a tab closing mid-job', async () => {
    const started = performance.now()
    const job = client.submit({ module: primes, inputs: ranges, redundancy: 2, verification: 'replicate', limits: { timeoutMs: 20_000 } })
    const outcomes: TaskOutcome[] = []
    let closed = false
    for await (const r of job.results()) {
      outcomes.push(r)
      if (!closed && outcomes.length === 15) {
        closed = true
        await tabs[1]!.context.close() // tab B goes away with tasks in flight
      }
    }
    const meshSeconds = (performance.now() - started) / 1000
    const summary = await job.done
    assert.ok(closed)
    assert.equal(summary.accepted, TASKS)
    assert.equal(summary.failed, 0)
    let total = 0
    const contributors = new Set<string>()
    for (const r of outcomes) {
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(new Set(r.providers).size, 2, 'two distinct providers agreed')
      for (const p of r.providers) contributors.add(p)
      total += Number(dec.decode(r.output))
    }
    assert.equal(total, PI_1E9)
    assert.ok(contributors.has(tabs[0]!.peerId), 'tab A ran tasks')
    assert.ok(contributors.has(nodeProvider.node.peerId.toString()), 'the Node provider ran tasks')

    const a = await tabState(tabs[0]!.page)
    assert.ok((a?.tasksDone ?? 0) > 0)

    // The same 200 task runs (100 × redundancy 2) on a local worker pool of all cores, in this process.
    const pool = new WorkerPool({ size: availableParallelism(), spawn: spawnNodeWorker })
    try {
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const t0 = performance.now()
      await Promise.all([...ranges, ...ranges].map(async input => await pool.run({ module, input: new TextEncoder().encode(input), args: ['primes'], env: [], limits, seed: new Uint8Array(16) })))
      const localSeconds = (performance.now() - t0) / 1000
      console.log(`# measured: mesh ${(TASKS / meshSeconds).toFixed(1)} tasks/s (${meshSeconds.toFixed(1)} s, redundancy 2, a tab closed mid-job); local pool ${(2 * TASKS / localSeconds).toFixed(1)} task-runs/s = ${(TASKS / localSeconds).toFixed(1)} tasks/s at redundancy 2 (${localSeconds.toFixed(1)} s)`)
    } finally {
      pool.stop()
    }
  })

  it('gives hostile modules typed errors and keeps serving', async () => {
    const hostile = hostileModules()
    const expectations: Array<[Uint8Array, string, Record<string, number>]> = [
      [hostile.runaway, 'TIMEOUT', { timeoutMs: 1500 }],
      [hostile.memoryBomb, 'MEMORY_LIMIT', { memoryPages: 2048 }],
      [hostile.unknownImport, 'INVALID_MODULE', {}],
      // Admission, in Chromium as in Node: no second memory, no GC arrays, tables that cannot grow past the bound.
      [hostile.twoMemories, 'INVALID_MODULE', {}],
      [hostile.gcArrays, 'INVALID_MODULE', {}],
      [hostile.tableBomb, 'TRAP', {}]
    ]
    for (const [module, code, limits] of expectations) {
      const job = client.submit({ module, inputs: ['x', 'y'], redundancy: 2, limits })
      const outcomes: TaskOutcome[] = []
      for await (const r of job.results()) outcomes.push(r)
      assert.equal(outcomes.length, 2)
      for (const r of outcomes) {
        assert.equal(r.ok, false)
        assert.equal(!r.ok && r.error.code, code)
        assert.equal(r.providers.length, 2, 'two providers agreed on the error')
      }
    }

    const malformed = client.submit({ module: new TextEncoder().encode('\0asm but not really'), inputs: ['x'] })
    await assert.rejects(malformed.done, (err: unknown) => err instanceof TabmeshError && err.code === 'INVALID_MODULE')

    const after = client.submit({ module: primes, inputs: ['0 1000000', '1000000 2000000'], redundancy: 2 })
    let sum = 0
    for await (const r of after.results()) { assert.ok(r.ok); sum += Number(dec.decode(r.output)) }
    assert.equal(sum, 148_933, 'π(2·10^6): the providers still serve')
    assert.equal((await tabState(tabs[0]!.page))?.status, 'providing')
  })
})
