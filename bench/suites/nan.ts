// What NaN canonicalisation (worker-runtime/canonical-nan.ts) costs: the same task prepared with and
// without it, run alternately in one worker, on jobs/mandelbrot and on a float-heavy C kernel (n-body,
// which stores a float after every few operations — the worst case for canonicalising at stores).
// The goal: at most 10% slower. Outputs must be identical (neither makes a NaN).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveLimits } from '../../worker-runtime/limits.ts'
import { WorkerPool } from '../../worker-runtime/pool.ts'
import { spawnNodeWorker } from '../../worker-runtime/spawn-node.ts'
import { median } from '../lib/results.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const RUNS = 5
/** A 1024 × 1024 tile at 2,000 iterations: ~1 s of f64 arithmetic. */
const MANDELBROT_INPUT = '1024 1024 0 0 1024 1024 2000'
/** 5 M steps of the n-body integrator: ~1 s. */
const NBODY_INPUT = '5000000'

async function compare (pool: WorkerPool, bytes: Uint8Array, input: string): Promise<{ canonical: number[], plain: number[] }> {
  const limits = resolveLimits({ timeoutMs: 120_000, maxOutputBytes: 16 * 1024 * 1024 })
  const prepared = {
    canonical: await pool.prepare({ bytes, memoryPages: limits.memoryPages, metered: false }),
    plain: await pool.prepare({ bytes, memoryPages: limits.memoryPages, metered: false, canonicalNaNs: false })
  }
  const times = { canonical: [] as number[], plain: [] as number[] }
  const outputs = new Set<string>()
  for (let i = 0; i < RUNS; i++) {
    for (const which of ['plain', 'canonical'] as const) {
      const r = await pool.run({ module: prepared[which], input: new TextEncoder().encode(input), args: ['kernel'], env: [], limits, seed: new Uint8Array(16) })
      if (!r.ok) throw new Error(`${which} run failed: ${r.error.code} ${r.error.message}`)
      times[which].push(r.durationMs)
      outputs.add(Buffer.from(r.output).toString('base64'))
    }
  }
  if (outputs.size !== 1) throw new Error('canonicalisation changed the output of a kernel that makes no NaN')
  return times
}

export const nanSuite: BenchSuite = {
  name: 'nan',
  async run () {
    const nbody = join(tmpdir(), `tabmesh-nbody-${process.pid}.wasm`)
    execFileSync('clang-19', ['--target=wasm32-wasi', '-O2', '-o', nbody, new URL('../kernels/nbody.c', import.meta.url).pathname, '-lm'])
    const pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker })
    try {
      const cases: Array<[string, Uint8Array, string]> = [
        ['jobs/mandelbrot (AssemblyScript, f64), one 1024² tile at 2,000 iterations', readFileSync(new URL('../../jobs/mandelbrot/build/mandelbrot.wasm', import.meta.url)), MANDELBROT_INPUT],
        ['n-body (C, clang -O2, f64 sqrt/div/mul), 5 M steps', readFileSync(nbody), NBODY_INPUT]
      ]
      const rows: BenchRow[] = []
      for (const [name, bytes, input] of cases) {
        const { canonical, plain } = await compare(pool, bytes, input)
        rows.push({
          benchmark: 'NaN canonicalisation',
          case: name,
          tabmesh: { value: median(canonical), unit: 'ms' },
          baseline: { name: 'same module, NaNs left to the CPU', value: median(plain), unit: 'ms' },
          note: `median of ${RUNS}, run alternately in one worker; identical output`
        })
      }
      return rows
    } finally {
      pool.stop()
    }
  }
}
