// The WebAssembly/wasi-testsuite's prebuilt preview1 tests (AssemblyScript, C, Rust), run through the
// worker runtime as a provider runs a task: admitted and NaN-canonicalised by prepare, run in a
// worker_threads runtime worker with the test's args and env, its directory (`root`) mounted at `/`
// as a fresh copy. A test passes when its exit code and stdout are the ones its .json expects.
// Tests that fail would be listed with their reason in wasi-testsuite.known-failures.json (empty
// today); each listed one must still fail, every other one must pass. e2e/mesh.e2e.test.ts runs the
// same suite as jobs in Chromium tabs. Where the suite is: testing/wasi-testsuite.ts.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { WASI_TESTSUITE, wasiTestMismatch, wasiTests, wasiTestsuitePresent } from '../testing/wasi-testsuite.ts'
import { resolveLimits } from './limits.ts'
import { WorkerPool } from './pool.ts'
import { spawnNodeWorker } from './spawn-node.ts'

const KNOWN_FAILURES = JSON.parse(readFileSync(new URL('./wasi-testsuite.known-failures.json', import.meta.url), 'utf8')) as Record<string, string>
const present = wasiTestsuitePresent()

describe('WASI testsuite (preview1) through the worker runtime', { skip: present ? false : `the WASI testsuite is not at ${WASI_TESTSUITE} (set TABMESH_WASI_TESTSUITE)` }, () => {
  let pool: WorkerPool
  const tests = present ? wasiTests() : []
  const passed: string[] = []
  before(() => { pool = new WorkerPool({ size: 2, spawn: spawnNodeWorker }) })
  after(async () => {
    await pool?.stop()
    console.log(`# measured: WASI testsuite ${passed.length} of ${tests.length} pass in Node (known failures: ${Object.keys(KNOWN_FAILURES).length})`)
  })

  const limits = resolveLimits({ timeoutMs: 20_000 })
  for (const t of tests) {
    const known = KNOWN_FAILURES[t.name]
    it(known === undefined ? t.name : `${t.name} still fails (known: ${known})`, async () => {
      const module = await pool.prepare({ bytes: t.module, memoryPages: limits.memoryPages, metered: false })
      const r = await pool.run({ module, input: new Uint8Array(0), args: t.args, env: t.env, limits, seed: new Uint8Array(16), mounts: t.mounts })
      const why = wasiTestMismatch(t, r.ok ? 0 : r.error.exitCode, r.ok ? r.output : undefined, r.ok ? '' : `${r.error.code} ${r.error.message} ${r.error.stderrTail ?? ''}`)
      if (why === undefined) passed.push(t.name)
      if (known === undefined) assert.equal(why, undefined)
      else assert.notEqual(why, undefined, `${t.name} passes now: remove it from wasi-testsuite.known-failures.json`)
    })
  }
})
