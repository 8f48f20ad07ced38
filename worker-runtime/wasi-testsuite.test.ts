// The WebAssembly/wasi-testsuite's prebuilt preview1 tests (AssemblyScript, C, Rust), run through the
// worker runtime as a provider runs a task: admitted and NaN-canonicalised by prepare, run in a
// worker_threads runtime worker with the test's args and env, its directory (`root`) mounted at `/`
// as a fresh copy. A test passes when its exit code and stdout are the ones its .json expects.
// Tests that fail today are listed with their reason in wasi-testsuite.known-failures.json; each of
// them must still fail (remove it from the list when it passes), every other one must pass.
//
// Where the suite is: $TABMESH_WASI_TESTSUITE, else `wasi-testsuite` in the folder CI lays beside the
// repository's clone (`shared/`). Outside CI a missing suite skips this file, saying so.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { resolveLimits } from './limits.ts'
import { WorkerPool } from './pool.ts'
import { spawnNodeWorker } from './spawn-node.ts'
import { treeFromDirectory } from './node-tree.ts'

const SUITE = process.env.TABMESH_WASI_TESTSUITE ?? join(import.meta.dirname, '../../shared/wasi-testsuite')
const LANGUAGES = ['assemblyscript', 'c', 'rust']
const KNOWN_FAILURES = JSON.parse(readFileSync(new URL('./wasi-testsuite.known-failures.json', import.meta.url), 'utf8')) as Record<string, string>

interface TestConfig { args?: string[], env?: Record<string, string>, exit_code?: number, stdout?: string, root?: string, dirs?: string[] }

function tests (): Array<{ name: string, dir: string, file: string, config: TestConfig }> {
  return LANGUAGES.flatMap(lang => readdirSync(join(SUITE, lang)).filter(f => f.endsWith('.wasm')).sort().map(f => {
    const base = f.slice(0, -'.wasm'.length)
    const json = join(SUITE, lang, `${base}.json`)
    return { name: `${lang}/${base}`, dir: join(SUITE, lang), file: join(SUITE, lang, f), config: existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) as TestConfig : {} }
  }))
}

const present = existsSync(SUITE)
if (!present && process.env.CI !== undefined) throw new Error(`the WASI testsuite is missing at ${SUITE}: CI lays it beside the clone (shared/wasi-testsuite), or set TABMESH_WASI_TESTSUITE`)

describe('WASI testsuite (preview1) through the worker runtime', { skip: present ? false : `the WASI testsuite is not at ${SUITE} (set TABMESH_WASI_TESTSUITE)` }, () => {
  let pool: WorkerPool
  const passed: string[] = []
  before(() => { pool = new WorkerPool({ size: 2, spawn: spawnNodeWorker }) })
  after(async () => {
    await pool?.stop()
    console.log(`# measured: WASI testsuite ${passed.length} of ${tests().length} pass (known failures: ${Object.keys(KNOWN_FAILURES).length})`)
  })

  const limits = resolveLimits({ timeoutMs: 20_000 })
  async function runOne (t: ReturnType<typeof tests>[number]): Promise<{ ok: boolean, why: string }> {
    const module = await pool.prepare({ bytes: new Uint8Array(readFileSync(t.file)), memoryPages: limits.memoryPages, metered: false })
    const dirs = [...(t.config.root !== undefined ? [{ guestPath: '/', dir: t.config.root }] : []), ...(t.config.dirs ?? []).map(d => ({ guestPath: d, dir: d }))]
    const r = await pool.run({
      module,
      input: new Uint8Array(0),
      args: [t.name.split('/')[1]!, ...(t.config.args ?? [])],
      env: Object.entries(t.config.env ?? {}).map(([k, v]) => `${k}=${v}`),
      limits,
      seed: new Uint8Array(16),
      mounts: dirs.map(d => ({ guestPath: d.guestPath, tree: treeFromDirectory(join(t.dir, d.dir)) }))
    })
    const exitCode = r.ok ? 0 : r.error.exitCode
    const want = t.config.exit_code ?? 0
    if (exitCode !== want) return { ok: false, why: `exit ${String(exitCode)} (want ${want}): ${r.ok ? '' : `${r.error.code} ${r.error.message} ${r.error.stderrTail ?? ''}`}` }
    if (t.config.stdout !== undefined && (!r.ok || new TextDecoder().decode(r.output) !== t.config.stdout)) return { ok: false, why: `stdout ${r.ok ? JSON.stringify(new TextDecoder().decode(r.output)) : '(none)'} (want ${JSON.stringify(t.config.stdout)})` }
    return { ok: true, why: '' }
  }

  for (const t of present ? tests() : []) {
    const known = KNOWN_FAILURES[t.name]
    it(known === undefined ? t.name : `${t.name} still fails (known: ${known})`, async () => {
      const { ok, why } = await runOne(t)
      if (ok) passed.push(t.name)
      if (known === undefined) assert.ok(ok, why)
      else assert.ok(!ok, `${t.name} passes now: remove it from wasi-testsuite.known-failures.json`)
    })
  }
})
