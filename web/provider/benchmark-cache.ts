/**
 * The tab's last benchmark score (mesh/provider/benchmark.ts), kept in localStorage so a returning
 * tab advertises at once with it instead of after measuring again (the benchmark took 250–350 ms
 * after libp2p was up: bench/suites/first-task.ts). The score is only a requester's prior — it
 * times every provider itself after a few tasks (mesh/requester/speed.ts) — so a stale or edited
 * one costs a tab, at worst, a few tasks' worth of ranking.
 */

/** localStorage key: `{ workers, cores, agent, scoreMilli, at }`. */
const BENCHMARK_SCORE = 'tabmesh.benchmark'
/** 7 days: a saved score older than this is measured again before it is used. */
export const BENCHMARK_SCORE_MAX_AGE_MS = 7 * 24 * 3600 * 1000
/** Scores outside (0, this] are not a benchmark's (tasks/s × 1000; 10^4 tasks/s is 40× a fast core). */
const MAX_SCORE_MILLI = 10_000_000

/** What the saved score was measured on: a score counts only for the same pool size, cores and browser. */
export interface BenchmarkKey { workers: number, cores: number, agent: string }

/**
 * The score saved for `key` within BENCHMARK_SCORE_MAX_AGE_MS of `now` (ms since the epoch), else
 * undefined. Anything else in storage (another device's key, garbage, a number out of range) yields
 * undefined, never an error.
 */
export function loadBenchmarkScore (key: BenchmarkKey, now = Date.now(), storage: Pick<Storage, 'getItem'> = localStorage): number | undefined {
  try {
    const saved: unknown = JSON.parse(storage.getItem(BENCHMARK_SCORE) ?? 'null')
    if (typeof saved !== 'object' || saved === null) return undefined
    const s = saved as Record<string, unknown>
    if (s.workers !== key.workers || s.cores !== key.cores || s.agent !== key.agent) return undefined
    if (typeof s.at !== 'number' || !(now - s.at >= 0 && now - s.at <= BENCHMARK_SCORE_MAX_AGE_MS)) return undefined
    if (typeof s.scoreMilli !== 'number' || !Number.isInteger(s.scoreMilli) || s.scoreMilli <= 0 || s.scoreMilli > MAX_SCORE_MILLI) return undefined
    return s.scoreMilli
  } catch {
    return undefined
  }
}

/** Saves a measured score for `key`. Storage errors (quota, private mode) are ignored: the tab measures again next time. */
export function saveBenchmarkScore (key: BenchmarkKey, scoreMilli: number, now = Date.now(), storage: Pick<Storage, 'setItem'> = localStorage): void {
  try { storage.setItem(BENCHMARK_SCORE, JSON.stringify({ ...key, scoreMilli, at: now })) } catch {}
}
