import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { startNodeProvider, bundledPrimesPath } from './provider/node-provider.ts'
import type { NodeProviderHandle } from './provider/node-provider.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient, TaskOutcome } from '../sdk/index.ts'

const primes = readFileSync(bundledPrimesPath())
const dec = new TextDecoder()

describe('mesh over loopback: relay + 2 Node providers + SDK requester', () => {
  let relay: RelayHandle
  const providers: NodeProviderHandle[] = []
  let client: TabmeshClient

  before(async () => {
    relay = await startRelay({ port: 0 })
    const cache = mkdtempSync(join(tmpdir(), 'tabmesh-test-'))
    for (let i = 0; i < 2; i++) {
      providers.push(await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(cache, String(i)), primesModulePath: bundledPrimesPath() }))
    }
    client = await createClient({ bootstrap: relay.multiaddrs })
    await client.waitForProviders(2, { signal: AbortSignal.timeout(30_000) })
  })

  after(async () => {
    await client?.stop()
    for (const p of providers) await p.stop()
    await relay?.stop()
  })

  it('advertises validated capacity with a benchmark score', () => {
    const live = client.providers()
    assert.equal(live.length, 2)
    for (const { ad } of live) {
      assert.equal(ad.tier, 'node')
      assert.equal(ad.workers, 1)
      assert.ok(ad.scoreMilli > 0, 'benchmark score measured')
      assert.ok(ad.multiaddrs.length > 0)
    }
  })

  it('runs a primes job with redundancy 2: every task verified by two distinct providers', async () => {
    const ranges = Array.from({ length: 10 }, (_, i) => `${i * 1_000_000} ${(i + 1) * 1_000_000}`)
    const job = client.submit({ module: primes, inputs: ranges, redundancy: 2, verification: 'replicate' })
    const outcomes: TaskOutcome[] = []
    for await (const r of job.results()) outcomes.push(r)
    const summary = await job.done
    assert.equal(summary.accepted, 10)
    assert.equal(summary.failed, 0)
    let total = 0
    for (const r of outcomes) {
      assert.ok(r.ok)
      assert.equal(new Set(r.providers).size, 2)
      total += Number(dec.decode(r.output))
    }
    assert.equal(total, 664_579, 'π(10^7)')
  })

  it('fails a task with the typed error every provider agrees on', async () => {
    const job = client.submit({ module: primes, inputs: ['not numbers', '0 100'], redundancy: 2 })
    const byIndex = new Map<number, TaskOutcome>()
    for await (const r of job.results()) byIndex.set(r.index, r)
    const bad = byIndex.get(0)
    assert.ok(bad !== undefined && !bad.ok)
    assert.equal(bad.error.code, 'EXIT_NONZERO')
    assert.equal(bad.error.exitCode, 2)
    const good = byIndex.get(1)
    assert.ok(good?.ok)
    assert.equal(dec.decode(good.output), '25\n')
  })

  it('gives each task its own args and env (after and over the job\'s), the same on every provider of its quorum', async () => {
    const printenv = readFileSync(new URL('../jobs/wasi-c/build/printenv.wasm', import.meta.url))
    const job = client.submit({
      module: printenv,
      args: ['--job'],
      env: { A: 'job', B: 'job' },
      redundancy: 2,
      verification: 'replicate',
      inputs: [
        'plain stdin',
        { stdin: 'x', args: ['--task', 'a b'], env: { B: 'task', C: 'only this task' } },
        { env: { A: '' } }
      ]
    })
    const outputs = new Map<number, string>()
    for await (const r of job.results()) {
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(r.providers.length, 2)
      outputs.set(r.index, dec.decode(r.output))
    }
    assert.equal(outputs.get(0), 'arg 0 task\narg 1 --job\nenv A=job\nenv B=job\nstdin plain stdin\n')
    assert.equal(outputs.get(1), 'arg 0 task\narg 1 --job\narg 2 --task\narg 3 a b\nenv A=job\nenv B=task\nenv C=only this task\nstdin x\n')
    assert.equal(outputs.get(2), 'arg 0 task\narg 1 --job\nenv A=\nenv B=job\nstdin \n')
    await assert.rejects(async () => await client.submit({ module: printenv, inputs: [{ env: { 'A=B': '1' } }] }).done, /environment variable name "A=B"/)
  })

  it('streams each run\'s stderr and progress while it runs (logs: true), before its result; nothing without it', async () => {
    const steps = readFileSync(new URL('../jobs/wasi-c/build/steps.wasm', import.meta.url))
    const job = client.submit({ module: steps, inputs: ['', ''], args: ['6', '15'], redundancy: 2, verification: 'replicate', logs: true })
    const logs = new Map<string, { stderr: string, progress: number[], beforeResult: boolean }>()
    const resulted = new Set<number>()
    job.addEventListener('log', (e) => {
      const { index, provider, stderr, progress } = e.detail
      const run = logs.get(`${index} ${provider}`) ?? { stderr: '', progress: [], beforeResult: true }
      run.stderr += stderr
      if (progress !== undefined) run.progress.push(progress)
      if (resulted.has(index)) run.beforeResult = false
      logs.set(`${index} ${provider}`, run)
    })
    job.addEventListener('result', (e) => { resulted.add(e.detail.index) })
    const summary = await job.done
    assert.equal(summary.accepted, 2)
    assert.equal(logs.size, 4, 'a log per run: 2 tasks × 2 providers')
    for (const [run, log] of logs) {
      assert.equal(log.stderr, Array.from({ length: 6 }, (_, i) => `step ${i + 1} of 6\n`).join(''), run)
      assert.equal(log.progress.at(-1), 1, `${run}: progress ends at 1`)
      assert.ok(log.progress.length >= 2, `${run}: progress came in steps (${log.progress.join(', ')})`)
      assert.ok(log.progress.every((p, i) => i === 0 || p >= log.progress[i - 1]!), 'progress only grows')
      assert.ok(log.beforeResult, `${run}: the log came before the task's result`)
    }
    const quiet = client.submit({ module: steps, inputs: [''], args: ['2', '1'], redundancy: 1 })
    let heard = 0
    quiet.addEventListener('log', () => { heard++ })
    assert.equal((await quiet.done).accepted, 1)
    assert.equal(heard, 0, 'no logs unless asked')
  })

  it('mounts a tree in every task: two providers list it identically (inode numbers, times) and the quorum accepts it', async () => {
    const lstree = readFileSync(new URL('../jobs/wasi-c/build/lstree.wasm', import.meta.url))
    const enc = new TextEncoder()
    const job = client.submit({
      module: lstree,
      args: ['/data'],
      redundancy: 2,
      verification: 'replicate',
      mounts: [{ guestPath: '/data', tree: { 'log.txt': { type: 'file', data: enc.encode('log\n') }, sub: { type: 'dir', entries: { 'x.bin': { type: 'file', data: new Uint8Array(300) } } } } }],
      inputs: ['', '']
    })
    const outputs: string[] = []
    for await (const r of job.results()) {
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(r.providers.length, 2, 'both providers returned the same bytes')
      outputs.push(dec.decode(r.output))
    }
    assert.equal(outputs.length, 2)
    assert.equal(outputs[0], outputs[1])
    assert.match(outputs[0]!, /^log\.txt ino=\d+ size=4 mtime=1704067200\nsub ino=\d+ size=0 mtime=1704067200\/\n {2}x\.bin ino=\d+ size=300 mtime=1704067200\nlog\.txt: log\nappended by this task\n$/)
    await assert.rejects(async () => await client.submit({ module: lstree, inputs: [''], mounts: [{ guestPath: 'data', tree: {} }] }).done, /mount path "data" must be "\/" or an absolute path/)
  })

  it('gives each task its own input files (TaskInput.files) beside the job\'s mounts, verified by both providers', async () => {
    const lstree = readFileSync(new URL('../jobs/wasi-c/build/lstree.wasm', import.meta.url))
    const job = client.submit({
      module: lstree,
      redundancy: 2,
      verification: 'replicate',
      mounts: [{ guestPath: '/data', tree: { 'shared.txt': { type: 'file', data: new TextEncoder().encode('job\n') } } }],
      inputs: [{ args: ['/in'], files: { '/in/a.txt': 'one\n' } }, { args: ['/in'], files: { '/in/b.txt': 'two\n', '/in/sub/c.bin': new Uint8Array(5) } }, { args: ['/data'] }]
    })
    const outputs = new Map<number, string>()
    for await (const r of job.results()) {
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(r.providers.length, 2)
      outputs.set(r.index, dec.decode(r.output))
    }
    assert.match(outputs.get(0)!, /^a\.txt ino=\d+ size=4 mtime=1704067200\n/)
    assert.doesNotMatch(outputs.get(0)!, /b\.txt/, 'task 0 sees only its own files')
    assert.match(outputs.get(1)!, /^b\.txt ino=\d+ size=4 mtime=1704067200\nsub ino=\d+ size=0 mtime=1704067200\/\n {2}c\.bin ino=\d+ size=5 /)
    assert.match(outputs.get(2)!, /^shared\.txt ino=\d+ size=4 /, 'the job mount is there for every task')
    await assert.rejects(async () => await client.submit({ module: lstree, mounts: [{ guestPath: '/data', tree: {} }], inputs: [{ files: { '/data/x': 'x' } }] }).done, /inside the job's mount \/data/)
  })

  it('collects the files tasks leave in /out, verified with stdout by both providers, each task its own', async () => {
    const lstree = readFileSync(new URL('../jobs/wasi-c/build/lstree.wasm', import.meta.url))
    const job = client.submit({
      module: lstree,
      redundancy: 2,
      verification: 'replicate',
      outDir: '/out',
      mounts: [{ guestPath: '/out', tree: { 'log.txt': { type: 'file', data: new TextEncoder().encode('seed\n') } } }],
      inputs: [{ args: ['/out'] }, { args: ['/out'], env: { X: '1' } }]
    })
    const results = []
    for await (const r of job.results()) results.push(r)
    assert.equal(results.length, 2)
    for (const r of results) {
      assert.ok(r.ok, JSON.stringify(r))
      assert.equal(r.providers.length, 2)
      assert.deepEqual(Object.keys(r.files ?? {}), ['log.txt'])
      assert.equal(dec.decode(r.files!['log.txt']), 'seed\nappended by this task\n', 'each task appended to its own copy once')
      assert.match(dec.decode(r.output), /^log\.txt ino=\d+ size=5 /)
    }
  })
})
