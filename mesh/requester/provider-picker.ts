import type { ProviderEntry } from '../ads/directory.ts'
import type { ReputationBook } from './reputation.ts'
import { nextTaskMs, providerSpeed } from './speed.ts'

/** A provider that answered BUSY or UNPAID is left alone this long, ms. */
const BUSY_BACKOFF_MS = 1_000
/** First back-off after a transport failure (dial, lost session, missed deadline), doubled per failure up to MAX. */
const FAILURE_BACKOFF_MS = 2_000
const MAX_FAILURE_BACKOFF_MS = 30_000
/** Weight of a new latency sample in the per-provider moving average. */
const RTT_EWMA_ALPHA = 0.2
/** Latency assumed for a provider not measured yet, ms. */
const DEFAULT_RTT_MS = 50
/**
 * A provider that ran the job's module lately (JobSpec.warm) counts 4× in the ranking: it has the
 * module compiled, so a short task or function call starts at once, and ×4 outweighs the random
 * factor (0.5–1.5) against an equally fast cold provider.
 */
const WARM_PROVIDER_WEIGHT = 4

/** What one job has learnt of one provider. */
export interface ProviderRecord {
  failures: number
  backoffUntil: number
  rttMs: number
  /** Tasks of this job timed on it, and their mean time request → result, ms (speed.ts). */
  timed: number
  taskMs?: number
  /** The TaskBook.version at which no task of this job was left for it. */
  noTaskAt: number
}

export interface ProviderPickerParameters {
  reputation?: ReputationBook
  /** Providers that hold the job's module compiled. */
  warm?: ReadonlySet<string>
  /** A random number in [0, 1) (tests pass a fixed one). Default Math.random. */
  random?: () => number
}

/**
 * Ranks a job's providers: measured speed (the advertised benchmark only until 3 tasks are timed),
 * price, latency, reputation and whether the module is warm there, times a random factor in
 * [0.5, 1.5) so load spreads; and keeps their back-offs. No network: the scheduler tells it what
 * happened.
 */
export class ProviderPicker {
  private readonly params: ProviderPickerParameters
  private readonly records = new Map<string, ProviderRecord>()

  constructor (params: ProviderPickerParameters = {}) {
    this.params = params
  }

  record (peer: string): ProviderRecord {
    let p = this.records.get(peer)
    if (p === undefined) {
      p = { failures: 0, backoffUntil: 0, rttMs: DEFAULT_RTT_MS, timed: 0, noTaskAt: -1 }
      this.records.set(peer, p)
    }
    return p
  }

  /** Whether `peer` is backed off at `now` (ms since the epoch). */
  backedOff (peer: string, now: number): boolean {
    return (this.records.get(peer)?.backoffUntil ?? 0) > now
  }

  /** `entries` not backed off, best first. */
  rank (entries: ProviderEntry[], now: number): ProviderEntry[] {
    const referenceMs = this.referenceTaskMs()
    const random = this.params.random ?? Math.random
    return entries
      .filter(e => !this.backedOff(e.ad.peerId, now))
      .map(entry => ({ entry, key: this.weight(entry, referenceMs) * (0.5 + random()) }))
      .sort((a, b) => b.key - a.key)
      .map(r => r.entry)
  }

  /** An answer came back `elapsedMs` after the task was sent; the provider says it ran `durationMs`. */
  answered (peer: string, elapsedMs: number, durationMs: number): void {
    const p = this.record(peer)
    p.failures = 0
    p.rttMs = (1 - RTT_EWMA_ALPHA) * p.rttMs + RTT_EWMA_ALPHA * Math.max(0, elapsedMs - durationMs)
    // Timed here, end to end: the provider's own durationMs and its ad's score are self-reported.
    p.taskMs = nextTaskMs(p.taskMs, elapsedMs)
    p.timed++
  }

  /** Unreachable, lost session or missed deadline: exponential back-off. */
  lost (peer: string): void {
    const p = this.record(peer)
    p.failures++
    p.backoffUntil = Date.now() + Math.min(MAX_FAILURE_BACKOFF_MS, FAILURE_BACKOFF_MS * 2 ** (p.failures - 1))
  }

  /** BUSY or UNPAID: a short back-off. */
  busy (peer: string): void {
    this.record(peer).backoffUntil = Date.now() + BUSY_BACKOFF_MS
  }

  /** A refusal or an invalid answer: counts as a failure without a back-off. */
  refused (peer: string): void {
    this.record(peer).failures++
  }

  /** Higher is better: speed over price and latency, times reputation and warmth. */
  private weight (entry: ProviderEntry, referenceMs: number): number {
    const record = this.records.get(entry.ad.peerId)
    const score = providerSpeed({ claimedMilli: entry.ad.scoreMilli, timed: record?.timed ?? 0, taskMs: record?.taskMs ?? 0, referenceMs })
    const price = Math.log10(1 + Number(entry.ad.price))
    const rtt = record?.rttMs ?? DEFAULT_RTT_MS
    const reputation = this.params.reputation?.weight(entry.ad.peerId, entry.ad.owner) ?? 1
    const warm = this.params.warm?.has(entry.ad.peerId) === true ? WARM_PROVIDER_WEIGHT : 1
    return warm * reputation * score / (1 + price) / (1 + rtt / 100)
  }

  /** The mean task time over every provider timed in this job, ms (0 before any). */
  private referenceTaskMs (): number {
    let sum = 0
    let n = 0
    for (const p of this.records.values()) if (p.taskMs !== undefined) { sum += p.taskMs; n++ }
    return n === 0 ? 0 : sum / n
  }
}
