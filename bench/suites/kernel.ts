// Wasm task time in a worker vs the same kernel as native C (gcc -O2) and as plain JavaScript.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledPrimesPath } from '../../mesh/provider/node-provider.ts'
import { resolveLimits } from '../../worker-runtime/limits.ts'
import { WorkerPool } from '../../worker-runtime/pool.ts'
import { spawnNodeWorker } from '../../worker-runtime/spawn-node.ts'
import { countPrimes } from '../kernels/primes.ts'
import { median } from '../lib/results.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const RUNS = 3
const LO = 0
const HI = 1_000_000_000
const INPUT = `${LO} ${HI}`

async function wasmTimes (pool: WorkerPool, bytes: Uint8Array): Promise<number[]> {
  const limits = resolveLimits({ timeoutMs: 120_000 })
  const module = await pool.prepare({ bytes, memoryPages: limits.memoryPages, metered: false })
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const r = await pool.run({ module, input: new TextEncoder().encode(INPUT), args: ['primes'], env: [], limits, seed: new Uint8Array(16) })
    if (!r.ok) throw new Error(`wasm run failed: ${r.error.code}`)
    times.push(r.durationMs)
  }
  return times
}

export const kernelSuite: BenchSuite = {
  name: 'kernel',
  async run () {
    const source = new URL('../kernels/primes.c', import.meta.url).pathname
    const native = join(tmpdir(), `tabmesh-primes-native-${process.pid}`)
    const wasm = join(tmpdir(), `tabmesh-primes-c-${process.pid}.wasm`)
    execFileSync('gcc', ['-O2', '-o', native, source, '-lm'])
    execFileSync('clang-19', ['--target=wasm32-wasi', '-O2', '-o', wasm, source])
    const nativeTimes: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const r = spawnSync(native, { input: INPUT, encoding: 'utf8' })
      nativeTimes.push(performance.now() - t0)
      if (r.stdout.trim() !== '50847534') throw new Error(`native kernel printed ${r.stdout}`)
    }
    const jsTimes: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      if (countPrimes(LO, HI) !== 50_847_534) throw new Error('JS kernel wrong')
      jsTimes.push(performance.now() - t0)
    }
    const pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker })
    let cWasm: number[]
    let asWasm: number[]
    try {
      cWasm = await wasmTimes(pool, readFileSync(wasm))
      asWasm = await wasmTimes(pool, readFileSync(bundledPrimesPath()))
    } finally {
      pool.stop()
    }
    const nativeMs = { name: 'native C, gcc -O2', value: median(nativeTimes), unit: 'ms' }
    const jsMs = { name: 'plain JS, same algorithm', value: median(jsTimes), unit: 'ms' }
    const rows: BenchRow[] = [
      { benchmark: 'Wasm kernel', case: `π(10^9), C → wasm32-wasi (clang -O2), in a worker`, tabmesh: { value: median(cWasm), unit: 'ms' }, baseline: nativeMs, note: `median of ${RUNS}; native includes process start` },
      { benchmark: 'Wasm kernel', case: 'same, vs plain JS', tabmesh: { value: median(cWasm), unit: 'ms' }, baseline: jsMs },
      { benchmark: 'Wasm kernel', case: 'jobs/primes (AssemblyScript) in a worker', tabmesh: { value: median(asWasm), unit: 'ms' }, baseline: nativeMs }
    ]
    return rows
  }
}
