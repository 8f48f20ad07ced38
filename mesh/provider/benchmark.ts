import { resolveLimits } from '../../worker-runtime/limits.ts'
import type { WorkerPool } from '../../worker-runtime/pool.ts'

/** The benchmark task: primes below 2·10^6 (~20–40 ms on one core), the reference job's kernel. */
export const BENCHMARK_INPUT = '0 2000000'
/** Tasks per worker in the benchmark run. */
const TASKS_PER_WORKER = 3

/**
 * Measures this provider's throughput on jobs/primes: `pool.size × 3` tasks over BENCHMARK_INPUT on
 * all workers, after one warm-up task. The capacity ad carries it as `scoreMilli` (tasks/s × 1000).
 */
export async function benchmarkPool (pool: WorkerPool, primesModule: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<number> {
  const limits = resolveLimits({ timeoutMs: 30_000 })
  const module = await pool.prepare({ bytes: primesModule, memoryPages: limits.memoryPages, metered: false }, options)
  const input = new TextEncoder().encode(BENCHMARK_INPUT)
  const task = { module, input, args: ['primes'], env: [], limits, seed: new Uint8Array(16) }
  await pool.run(task, options)
  const count = pool.size * TASKS_PER_WORKER
  const started = performance.now()
  await Promise.all(Array.from({ length: count }, async () => await pool.run(task, options)))
  const seconds = (performance.now() - started) / 1000
  return Math.round((count / seconds) * 1000)
}
