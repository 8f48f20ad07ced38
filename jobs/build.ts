// Builds every job module from source into jobs/<name>/build/<name>.wasm.
// AssemblyScript jobs with asc (+ @assemblyscript/wasi-shim); the C jobs with clang-19 --target=wasm32-wasi;
// the real programs of jobs/programs (upstream sources, for wasm32-wasi and natively) the same way.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import asc from 'assemblyscript/asc'
import { PROGRAMS, buildProgram } from './programs/programs.ts'

const jobsDir = dirname(fileURLToPath(import.meta.url))
const root = join(jobsDir, '..')
// asc resolves the wasi-shim config's relative `lib` against the working directory.
process.chdir(root)
const wasiShimFlags = ['--config', 'node_modules/@assemblyscript/wasi-shim/asconfig.json']

/** AssemblyScript jobs: name → entry file. */
const ascJobs: Record<string, string> = {
  primes: 'primes/primes.ts',
  mandelbrot: 'mandelbrot/mandelbrot.ts'
}

for (const [name, entry] of Object.entries(ascJobs)) {
  const out = join(jobsDir, name, 'build', `${name}.wasm`)
  mkdirSync(dirname(out), { recursive: true })
  const { error, stderr } = await asc.main([
    join(jobsDir, entry),
    ...wasiShimFlags,
    '--outFile', out,
    '--optimizeLevel', '3', '--shrinkLevel', '0',
    '--runtime', 'incremental',
    '--noAssert'
  ])
  if (error != null) {
    console.error(stderr.toString())
    throw new Error(`asc failed for jobs/${entry}: ${error.message}`)
  }
  console.log(`built jobs/${name}/build/${name}.wasm`)
}

/** C jobs (jobs/wasi-c): name → source, built with clang-19 for wasm32-wasi. */
const cJobs: Record<string, string> = {
  wordfreq: 'wasi-c/wordfreq.c',
  printenv: 'wasi-c/printenv.c',
  lstree: 'wasi-c/lstree.c',
  steps: 'wasi-c/steps.c'
}
const clang = spawnSync('clang-19', ['--version'])
if (clang.status !== 0) {
  console.warn('clang-19 not found: jobs/wasi-c not built (install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32; .ci/run does)')
} else {
  for (const [name, source] of Object.entries(cJobs)) {
    const out = join(jobsDir, 'wasi-c', 'build', `${name}.wasm`)
    mkdirSync(dirname(out), { recursive: true })
    const r = spawnSync('clang-19', ['--target=wasm32-wasi', '-O2', '-o', out, join(jobsDir, source)], { stdio: 'inherit' })
    if (r.status !== 0 || !existsSync(out)) throw new Error(`clang-19 failed to build jobs/${source}`)
    console.log(`built jobs/wasi-c/build/${name}.wasm`)
  }
  // Real programs from upstream source (jobs/programs): SQLite's shell and Zopfli, ~1 min the first time.
  for (const recipe of Object.values(PROGRAMS)) await buildProgram(recipe)
}
