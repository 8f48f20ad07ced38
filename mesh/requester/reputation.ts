import { TabmeshError } from '../../errors/base.ts'

/**
 * Consecutive agreeing (quorum-verified) results after which a provider is trusted. BOINC's adaptive
 * replication uses a host's run of consecutive valid results the same way; 10 keeps the cost of
 * earning trust (10 fully replicated tasks) small next to a job of hundreds of tasks.
 */
export const DEFAULT_TRUST_THRESHOLD = 10
/** Fraction of a trusted provider's tasks that are still replicated (spot-checked), (0, 1]. */
export const DEFAULT_SPOT_CHECK_RATE = 0.1

export interface ReputationPolicy {
  /** Consecutive agreeing results before a provider (peer id and owner address alike) is trusted. */
  trustThreshold: number
  /** Probability, (0, 1], that a trusted provider's task is replicated anyway. */
  spotCheckRate: number
}

/** What a requester knows of one provider (a peer id, or a owner address). */
export interface ProviderReputation {
  /** `peer:<peer id>` or `address:<0x… lower case>`. */
  key: string
  /** Agreeing results since the last disagreement. */
  consecutive: number
  /** Results that agreed with a quorum, ever. */
  agreed: number
  /** Results outvoted by a quorum, ever. */
  disagreed: number
  /** Results accepted on trust alone (not replicated). */
  trusted: number
  /** Last change, ms since the epoch. */
  updatedAt: number
}

/** Fired as `distrusted` when a provider disagrees with a quorum: its results accepted on trust must be re-checked. */
export interface DistrustedDetail {
  peerId: string
  owner: string
}

/**
 * Per-provider reputation for adaptive replication (after BOINC's adaptive replication,
 * https://boinc.berkeley.edu/trac/wiki/AdaptiveReplication): a provider starts untrusted and every
 * task it takes is replicated `redundancy` times; after `trustThreshold` consecutive results that
 * agree with a quorum it is trusted, and only a `spotCheckRate` random sample of its tasks is
 * replicated. One disagreement resets it to untrusted and fires `distrusted`, so schedulers re-check
 * the results they accepted from it on trust.
 *
 * Reputation is kept per peer id and per owner address: a provider is trusted only when both are,
 * so a caught cheater gains nothing by a new peer id (same address) or a new address (same peer id).
 * One book is shared by all jobs of a client. See docs/verification.md for the odds that a wrong
 * result survives.
 *
 * @example
 * const book = new ReputationBook({ spotCheckRate: 0.1 })
 * if (book.shouldReplicate(peerId, owner)) { ... send to `redundancy` providers ... }
 */
export class ReputationBook extends EventTarget {
  readonly policy: ReputationPolicy
  private readonly records = new Map<string, ProviderReputation>()
  private readonly random: () => number

  /**
   * @param policy trust threshold and spot-check rate (defaults above)
   * @param random uniform [0, 1) source; tests pass a seeded one
   * @throws TabmeshError INVALID_ARGUMENT when the threshold is not a positive integer or the rate is outside (0, 1]
   */
  constructor (policy: Partial<ReputationPolicy> = {}, random: () => number = Math.random) {
    super()
    this.policy = { trustThreshold: DEFAULT_TRUST_THRESHOLD, spotCheckRate: DEFAULT_SPOT_CHECK_RATE, ...policy }
    const { trustThreshold, spotCheckRate } = this.policy
    if (!Number.isInteger(trustThreshold) || trustThreshold < 1) throw new TabmeshError('INVALID_ARGUMENT', `trustThreshold must be a positive integer, got ${trustThreshold}`)
    if (!(spotCheckRate > 0 && spotCheckRate <= 1)) throw new TabmeshError('INVALID_ARGUMENT', `spotCheckRate must be in (0, 1], got ${spotCheckRate}`)
    this.random = random
  }

  /** True when both the peer id and (if any) the owner address have a run of `trustThreshold` agreeing results. */
  isTrusted (peerId: string, owner = ''): boolean {
    return this.keys(peerId, owner).every(k => (this.records.get(k)?.consecutive ?? 0) >= this.policy.trustThreshold)
  }

  /** Whether a task about to go to this provider must be replicated: always when untrusted, else with probability `spotCheckRate`. */
  shouldReplicate (peerId: string, owner = ''): boolean {
    return !this.isTrusted(peerId, owner) || this.random() < this.policy.spotCheckRate
  }

  /** The provider's result agreed with a quorum. */
  recordAgreement (peerId: string, owner = ''): void {
    for (const r of this.touch(peerId, owner)) { r.consecutive++; r.agreed++ }
    this.changed()
  }

  /** The provider's result was outvoted: untrusted again; fires `distrusted`. */
  recordDisagreement (peerId: string, owner = ''): void {
    for (const r of this.touch(peerId, owner)) { r.consecutive = 0; r.disagreed++ }
    this.dispatchEvent(new CustomEvent<DistrustedDetail>('distrusted', { detail: { peerId, owner } }))
    this.changed()
  }

  /** A result was accepted from this provider on trust alone. */
  recordUnverified (peerId: string, owner = ''): void {
    for (const r of this.touch(peerId, owner)) r.trusted++
    this.changed()
  }

  /** The peer id's record (zeros if never seen). */
  get (peerId: string): ProviderReputation {
    return { ...(this.records.get(`peer:${peerId}`) ?? empty(`peer:${peerId}`)) }
  }

  /** Every record, peer ids and owner addresses. */
  list (): ProviderReputation[] {
    return [...this.records.values()].map(r => ({ ...r }))
  }

  /**
   * Selection weight factor for a provider, [0.5, 2]: providers with a longer agreeing run are
   * preferred, and one caught lying (and not yet re-earning trust) is used last.
   */
  weight (peerId: string, owner = ''): number {
    const runs = this.keys(peerId, owner).map(k => this.records.get(k))
    if (runs.some(r => r !== undefined && r.disagreed > 0 && r.consecutive < this.policy.trustThreshold)) return 0.5
    const run = Math.min(...runs.map(r => r?.consecutive ?? 0))
    return 1 + Math.min(run, this.policy.trustThreshold) / this.policy.trustThreshold
  }

  private keys (peerId: string, owner: string): string[] {
    return owner === '' ? [`peer:${peerId}`] : [`peer:${peerId}`, `address:${owner.toLowerCase()}`]
  }

  private touch (peerId: string, owner: string): ProviderReputation[] {
    return this.keys(peerId, owner).map(k => {
      let r = this.records.get(k)
      if (r === undefined) { r = empty(k); this.records.set(k, r) }
      r.updatedAt = Date.now()
      return r
    })
  }

  private changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}

function empty (key: string): ProviderReputation {
  return { key, consecutive: 0, agreed: 0, disagreed: 0, trusted: 0, updatedAt: 0 }
}
