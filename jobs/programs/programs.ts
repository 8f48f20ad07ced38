// Real, widely used C programs built from their unmodified upstream source (jobs/programs/sources.ts)
// for wasm32-wasi with Debian's clang-19 + wasi-libc, and natively with the same compiler so tests can
// compare a job's output with the program run on this machine.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SOURCES, fetchSource } from './sources.ts'
import type { ProgramSource } from './sources.ts'

const here = dirname(fileURLToPath(import.meta.url))
/** jobs/programs/build: `<name>.wasm` and `native/<name>`. */
export const PROGRAMS_BUILD_DIR = join(here, 'build')
const SOURCE_CACHE = join(PROGRAMS_BUILD_DIR, 'sources')

export interface ProgramRecipe {
  name: string
  source: ProgramSource
  /** C files, relative to the unpacked source directory. */
  files: string[]
  /** -D flags for both builds. */
  defines: string[]
  /** Extra flags for the wasm32-wasi build only (wasi-libc's emulation libraries). */
  wasiFlags: string[]
  /** What the program is, for the Jobs page and the README. */
  description: string
}

/**
 * WASI has no chmod(), and this wasi-libc (Debian's 2022 snapshot) declares no realpath(): both are
 * given by jobs/programs/wasi-compat.c (`-include`d header), so the upstream files stay untouched.
 */
const WASI_COMPAT = ['-include', join(here, 'wasi-compat.h'), join(here, 'wasi-compat.c')]

export const PROGRAMS = {
  /**
   * The SQLite command-line shell. No threads, no loadable extensions, no `.system`/`.shell`
   * (WASI has no processes), rollback journal instead of WAL and no mmap (WASI has no shared memory
   * or file locks); wasi-libc's signal/clock/getpid emulations for the shell's ^C handler and timer.
   */
  sqlite3: {
    name: 'sqlite3',
    source: SOURCES.sqlite,
    files: ['sqlite-autoconf-3520000/shell.c', 'sqlite-autoconf-3520000/sqlite3.c'],
    defines: ['SQLITE_THREADSAFE=0', 'SQLITE_OMIT_LOAD_EXTENSION', 'SQLITE_OMIT_WAL', 'SQLITE_MAX_MMAP_SIZE=0', 'SQLITE_NOHAVE_SYSTEM'],
    wasiFlags: ['-D_WASI_EMULATED_SIGNAL', '-D_WASI_EMULATED_PROCESS_CLOCKS', '-D_WASI_EMULATED_GETPID', '-lwasi-emulated-signal', '-lwasi-emulated-process-clocks', '-lwasi-emulated-getpid', ...WASI_COMPAT],
    description: 'SQLite 3.52 shell: SQL on stdin, a database file from a mounted folder'
  },
  /** Zopfli, Google's deflate compressor (gzip, zlib or raw deflate; `-c` writes to stdout). */
  zopfli: {
    name: 'zopfli',
    source: SOURCES.zopfli,
    files: ['blocksplitter.c', 'cache.c', 'deflate.c', 'gzip_container.c', 'hash.c', 'katajainen.c', 'lz77.c', 'squeeze.c', 'tree.c', 'util.c', 'zlib_container.c', 'zopfli_lib.c', 'zopfli_bin.c'].map(f => `package/zopfli/src/zopfli/${f}`),
    defines: [],
    wasiFlags: [],
    description: 'Zopfli: gzip-compatible compression of mounted files'
  }
} as const satisfies Record<string, ProgramRecipe>

export type ProgramName = keyof typeof PROGRAMS

/** Where a program's module is after `npm run build:jobs`. */
export function programModulePath (name: ProgramName): string {
  return join(PROGRAMS_BUILD_DIR, `${name}.wasm`)
}

/** Where the same program built for this machine is (tests compare against it). */
export function programNativePath (name: ProgramName): string {
  return join(PROGRAMS_BUILD_DIR, 'native', name)
}

/**
 * Builds `recipe` for wasm32-wasi and natively (in parallel), skipping a build whose output exists and
 * whose command line and compat files are unchanged. Throws when a compiler fails (its stderr in the message).
 */
export async function buildProgram (recipe: ProgramRecipe): Promise<void> {
  const src = fetchSource(recipe.source, SOURCE_CACHE)
  const files = recipe.files.map(f => join(src, f))
  const defines = recipe.defines.map(d => `-D${d}`)
  const builds: Array<{ out: string, args: string[] }> = [
    { out: programModulePath(recipe.name as ProgramName), args: ['--target=wasm32-wasi', '-O2', ...defines, ...recipe.wasiFlags, ...files, '-lm'] },
    { out: programNativePath(recipe.name as ProgramName), args: ['-O2', ...defines, ...files, '-lm'] }
  ]
  const compat = readFileSync(join(here, 'wasi-compat.c'), 'utf8') + readFileSync(join(here, 'wasi-compat.h'), 'utf8')
  await Promise.all(builds.map(async ({ out, args }) => {
    const full = [...args, '-o', out]
    const stamp = createHash('sha256').update(JSON.stringify(full)).update(compat).digest('hex')
    const stampFile = `${out}.stamp`
    if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return
    mkdirSync(dirname(out), { recursive: true })
    await compile(full)
    writeFileSync(stampFile, stamp)
    console.log(`built ${out.slice(join(here, '..', '..').length + 1)}`)
  }))
}

async function compile (args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('clang-19', args, { stdio: ['ignore', 'inherit', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('exit', code => { code === 0 ? resolve() : reject(new Error(`clang-19 ${args.join(' ')} failed (${code}):\n${stderr.slice(-4000)}`)) })
  })
}
