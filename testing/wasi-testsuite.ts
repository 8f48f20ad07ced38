// The WebAssembly/wasi-testsuite's prebuilt preview1 tests as the worker-runtime test and the
// Chromium e2e read them: where the suite is, each test's module, args, env, mounted directories and
// what it must give back.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { treeFromDirectory } from '../worker-runtime/node-tree.ts'
import type { TaskMount } from '../worker-runtime/wasi-fs.ts'

/** $TABMESH_WASI_TESTSUITE, else `wasi-testsuite` in the folder CI lays beside the repository's clone (`shared/`). */
export const WASI_TESTSUITE = process.env.TABMESH_WASI_TESTSUITE ?? join(import.meta.dirname, '../../shared/wasi-testsuite')
const LANGUAGES = ['assemblyscript', 'c', 'rust']

export interface WasiTest {
  /** `lang/name`, e.g. `rust/fd_readdir`. */
  name: string
  module: Uint8Array
  /** argv, the program name first. */
  args: string[]
  env: string[]
  /** The test's directory (`root`) at `/`, and any `dirs` at their own names. */
  mounts: TaskMount[]
  exitCode: number
  stdout: string | undefined
}

/** Whether the suite is there; CI must have it (a missing suite fails there, and is said outside). */
export function wasiTestsuitePresent (): boolean {
  const present = existsSync(WASI_TESTSUITE)
  if (!present && process.env.CI !== undefined) throw new Error(`the WASI testsuite is missing at ${WASI_TESTSUITE}: CI lays it beside the clone (shared/wasi-testsuite), or set TABMESH_WASI_TESTSUITE`)
  return present
}

export function wasiTests (): WasiTest[] {
  return LANGUAGES.flatMap(lang => readdirSync(join(WASI_TESTSUITE, lang)).filter(f => f.endsWith('.wasm')).sort().map(f => {
    const base = f.slice(0, -'.wasm'.length)
    const dir = join(WASI_TESTSUITE, lang)
    const json = join(dir, `${base}.json`)
    const config = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) as { args?: string[], env?: Record<string, string>, exit_code?: number, stdout?: string, root?: string, dirs?: string[] } : {}
    const mounts = [...(config.root !== undefined ? [{ guestPath: '/', dir: config.root }] : []), ...(config.dirs ?? []).map(d => ({ guestPath: `/${d}`, dir: d }))]
    return {
      name: `${lang}/${base}`,
      module: new Uint8Array(readFileSync(join(dir, f))),
      args: [base, ...(config.args ?? [])],
      env: Object.entries(config.env ?? {}).map(([k, v]) => `${k}=${v}`),
      mounts: mounts.map(m => ({ guestPath: m.guestPath, tree: treeFromDirectory(join(dir, m.dir)) })),
      exitCode: config.exit_code ?? 0,
      stdout: config.stdout
    }
  }))
}

/** Why a run's exit code and stdout are not what the test expects, or undefined when they are. */
export function wasiTestMismatch (test: WasiTest, exitCode: number | undefined, stdout: Uint8Array | undefined, detail = ''): string | undefined {
  if (exitCode !== test.exitCode) return `exit ${String(exitCode)} (want ${test.exitCode}) ${detail}`
  if (test.stdout !== undefined && (stdout === undefined || new TextDecoder().decode(stdout) !== test.stdout)) return `stdout ${stdout === undefined ? '(none)' : JSON.stringify(new TextDecoder().decode(stdout))} (want ${JSON.stringify(test.stdout)})`
  return undefined
}
