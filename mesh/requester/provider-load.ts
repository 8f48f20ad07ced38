import { TypedEventEmitter } from 'main-event'

export interface ProviderLoadEvents {
  /** A run ended and freed its slot on a provider. */
  release: Event
}

/**
 * Task runs a requester has in flight on each provider, across all of its jobs: schedulers of one
 * client share it, so jobs together never ask a provider for more than its advertised capacity (it
 * would answer BUSY and be backed off), and split it fairly: while several jobs have tasks waiting,
 * each may hold at most an equal share of a provider's slots (at least one). Fires `release` when a
 * slot frees, so every job's scheduler can try at once.
 */
export class ProviderLoad extends TypedEventEmitter<ProviderLoadEvents> {
  private readonly inflight = new Map<string, number>()
  private readonly byJob = new Map<object, Map<string, number>>()
  /** Jobs that have tasks waiting for a provider. */
  private readonly waiting = new Set<object>()

  /** Task runs in flight on `peer`, all jobs together, or one job's. */
  of (peer: string, job?: object): number {
    return job === undefined ? this.inflight.get(peer) ?? 0 : this.byJob.get(job)?.get(peer) ?? 0
  }

  /** Whether `job` may start one more run on `peer`, whose capacity is `slots` runs in flight. */
  mayTake (peer: string, job: object, slots: number): boolean {
    if (this.of(peer) >= slots) return false
    const share = Math.max(1, Math.floor(slots / Math.max(1, this.waiting.size)))
    return this.of(peer, job) < share
  }

  /** Marks `job` as having tasks waiting (or not), for the fair share. */
  setWaiting (job: object, waiting: boolean): void {
    if (waiting) this.waiting.add(job)
    else this.waiting.delete(job)
  }

  acquire (peer: string, job: object): void {
    this.inflight.set(peer, this.of(peer) + 1)
    const mine = this.byJob.get(job) ?? new Map<string, number>()
    mine.set(peer, (mine.get(peer) ?? 0) + 1)
    this.byJob.set(job, mine)
  }

  release (peer: string, job: object): void {
    decrement(this.inflight, peer)
    const mine = this.byJob.get(job)
    if (mine !== undefined) {
      decrement(mine, peer)
      if (mine.size === 0) this.byJob.delete(job)
    }
    if (this.listenerCount('release') > 0) this.dispatchEvent(new Event('release'))
  }
}

function decrement (counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1
  if (n > 0) counts.set(key, n)
  else counts.delete(key)
}
