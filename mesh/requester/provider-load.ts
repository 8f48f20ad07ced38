/**
 * Task runs a requester has in flight on each provider, across all of its jobs: schedulers of one
 * client share it, so two jobs together never ask a provider for more than its advertised capacity
 * (it would answer BUSY and be backed off for a second). Fires `release` when a slot frees, so the
 * other jobs' schedulers can use it at once.
 */
export class ProviderLoad extends EventTarget {
  private readonly inflight = new Map<string, number>()

  /** Task runs in flight on `peer`. */
  of (peer: string): number {
    return this.inflight.get(peer) ?? 0
  }

  acquire (peer: string): void {
    this.inflight.set(peer, this.of(peer) + 1)
  }

  release (peer: string): void {
    const n = this.of(peer) - 1
    if (n > 0) this.inflight.set(peer, n)
    else this.inflight.delete(peer)
    this.dispatchEvent(new Event('release'))
  }
}
