import type { Address, Hex, LocalAccount } from 'viem'
import { TabmeshError } from '../../errors/base.ts'
import { publicClientFor, walletClientFor } from '../../chain/clients.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { paymentLanesAbi } from '../../chain/generated/contracts.ts'
import { claim } from '../../chain/actions/claim.ts'
import { claimMany } from '../../chain/actions/claim-many.ts'
import { readLane } from '../../chain/actions/read-lane.ts'
import type { LaneState } from '../../chain/actions/read-lane.ts'
import { readStake } from '../../chain/actions/read-stake.ts'
import { CHEQUE_GRACE_MS, CLAIM_THRESHOLD_TASKS, LANE_CLOSE_MARGIN_MS, MAX_UNPAID_TASKS } from '../constants.ts'
import { isLaneRecord, laneKey } from './cheque-store.ts'
import type { ChequeRecord, ChequeStore } from './cheque-store.ts'
import { signTyped, signedBy } from '../../chain/signatures.ts'

/**
 * Share of delivered results a requester may decline (cancel after they were sent): 10%. Honest
 * requesters decline only runs that crossed their cancel on the wire — a third run of a task two
 * others settled, a run past its deadline — a few percent of runs at most.
 */
const DECLINED_SHARE = 0.1
/** Declines allowed on top of DECLINED_SHARE (a lane's first results). */
const DECLINED_SLACK = 2
/** Tries at reading a lane again after one of its events, before waiting for the next event: 5. */
const LANE_EVENT_READ_ATTEMPTS = 5
/** Between those tries, ms: 1 s (anvil or an RPC busy for a moment). */
const LANE_EVENT_RETRY_MS = 1000

export interface ProviderEarnings {
  /** Sum of the newest cheques' cumulative amounts over all lanes, payment-token base units. */
  received: bigint
  claimed: bigint
  claimable: bigint
}

/** Why a paid task is refused: `UNPAID` (the lane cannot cover it, or its cheques lag) or `BAD_REQUEST`. */
export interface PaidRefusal {
  code: 'UNPAID' | 'BAD_REQUEST'
  message: string
}

/** A delivered paid task not yet covered by a cheque. */
interface Unpaid {
  price: bigint
  at: number
}

/** Delivered-but-unpaid entries older than this are written off, ms: a requester that never pays loses this provider's work for that long per lane. */
const UNPAID_FORGET_MS = 10 * 60_000
/** How often closing lanes are checked for a claim that must land before the window ends, ms. */
const CLOSE_WATCH_MS = 5_000
/** Owner stake reads are cached this long (ms): the capacity ad shows it. */
const STAKE_CACHE_MS = 5_000

/** A cheque was refused: wrong signer, wrong lane, or lower than the one held. */
export class ChequeRejectedError extends TabmeshError {
  constructor (reason: string) { super('CHEQUE_REJECTED', reason) }
}

export interface ProviderPaymentsOptions {
  chain: ChainConfig
  /** The operator key: signs receipts and peer bindings, sends claims (needs gas; claims pay the owner). */
  account: LocalAccount
  /** The owner paid and slashed (default: the operator itself — the burner-only flow). */
  owner?: Address
  store: ChequeStore
  /** How long a delivered result may wait for its cheque, ms (default CHEQUE_GRACE_MS). */
  chequeGraceMs?: number
}

/**
 * A provider operator's money side over payment lanes (contracts/src/PaymentLanes.sol):
 * - before a paid task, checks the requester's lane to this owner covers everything delivered and not
 *   yet paid plus this task, that the lane is not closing within LANE_CLOSE_MARGIN_MS, and that the
 *   requester is at most MAX_UNPAID_TASKS behind on cheques (after the grace) — all per lane, i.e. per
 *   requester address, whatever peer id it uses;
 * - keeps each lane's newest cheque (checked against the lane when it arrives);
 * - claims when a lane's unclaimed credit passes CLAIM_THRESHOLD_TASKS tasks, and always before a
 *   started close's window ends. Lane state comes from PaymentLanes' events (watched from now on,
 *   never scanned from block 0) with a read on first use.
 * Events: `change` (earnings changed), `claimed` (CustomEvent<{ requester?, hash, amount }>, base units).
 */
export class ProviderPayments extends EventTarget {
  /** The operator address. */
  readonly address: Address
  /** The owner paid for this operator's work. */
  readonly owner: Address
  readonly chain: ChainConfig
  private readonly account: LocalAccount
  private readonly store: ChequeStore
  readonly publicClient: TabmeshPublicClient
  /** The operator's wallet client (claims, arbiter votes). */
  readonly walletClient: TabmeshWalletClient
  private readonly graceMs: number
  private readonly latest = new Map<string, ChequeRecord>()
  private readonly laneStates = new Map<string, { state: LaneState, at: number, seq: number }>()
  /** Orders lane reads: an older read that answers late never replaces a newer one. */
  private laneReads = 0
  private readonly unpaid = new Map<string, Unpaid[]>()
  /** Newest cheque amount per lane known at first contact in this process (what unpaid tasks add to). */
  private readonly prices = new Map<string, bigint>()
  /** Per lane: results delivered, and how many of them the requester declined (recordDeclined). */
  private readonly declines = new Map<string, { delivered: number, declined: number }>()
  private readonly bindings = new Map<string, Promise<Hex>>()
  private readonly claiming = new Map<string, Promise<Hex | undefined>>()
  private readonly loaded: Promise<void>
  private stakeCache: { value: bigint, at: number } | undefined
  /** Chain time minus this machine's clock, ms (lanes close by block timestamps). */
  private chainOffsetMs = 0
  private unwatch: (() => void) | undefined
  private closeTimer: ReturnType<typeof setInterval> | undefined
  /** Claim by the threshold and before closes end (default true); otherwise cheques wait for `claim`/`claimAll`. */
  autoClaim = true

  constructor (options: ProviderPaymentsOptions) {
    super()
    this.chain = options.chain
    this.account = options.account
    this.address = options.account.address
    this.owner = options.owner ?? options.account.address
    this.store = options.store
    this.graceMs = options.chequeGraceMs ?? CHEQUE_GRACE_MS
    this.publicClient = publicClientFor(options.chain)
    this.walletClient = walletClientFor(options.chain, options.account)
    this.loaded = this.store.all().then(records => {
      for (const r of records) if (isLaneRecord(r) && r.owner.toLowerCase() === this.owner.toLowerCase()) this.latest.set(r.lane, r)
    })
  }

  /** Watches this owner's lanes on chain and claims before closes end. Idempotent. */
  start (): void {
    if (this.unwatch !== undefined) return
    this.unwatch = this.publicClient.watchContractEvent({
      address: this.chain.lanes,
      abi: paymentLanesAbi,
      args: { owner: this.owner },
      onLogs: (logs) => {
        // viem applies `args` only with an `eventName`, so every lane event arrives: keep this owner's.
        const touched = new Set<Address>()
        for (const log of logs) {
          if (!('owner' in log.args) || log.args.owner?.toLowerCase() !== this.owner.toLowerCase()) continue
          if ('requester' in log.args && log.args.requester !== undefined) touched.add(log.args.requester)
        }
        for (const requester of touched) void this.laneChanged(requester)
      },
      onError: () => {}
    })
    // Each round also re-reads the lanes that still owe this owner something, so a claim whose event
    // this watcher missed (a dropped poll, a filter the node forgot) still shows in the earnings.
    this.closeTimer = setInterval(() => {
      for (const r of this.latest.values()) {
        if (BigInt(r.cumulativeAmount) > BigInt(r.claimed)) void this.laneChanged(r.requester)
        else this.closeWatch(r.requester)
      }
    }, CLOSE_WATCH_MS)
  }

  /**
   * A lane event for this owner: reads the lane again so a claim by anyone (another process with
   * this key, a relayer) shows in the earnings, and watches for a close. A read or store write that
   * fails is tried again LANE_EVENT_READ_ATTEMPTS times, LANE_EVENT_RETRY_MS apart: no further event
   * may come to retry it (a claim is the lane's last event until the next job).
   */
  private async laneChanged (requester: Address): Promise<void> {
    for (let attempt = 1; attempt <= LANE_EVENT_READ_ATTEMPTS && this.unwatch !== undefined; attempt++) {
      try {
        const lane = await this.readLane(requester)
        const record = this.latest.get(laneKey(requester, this.owner))
        if (record !== undefined) await this.syncClaimed(record, lane)
        this.closeWatch(requester)
        return
      } catch {
        await new Promise(resolve => setTimeout(resolve, LANE_EVENT_RETRY_MS))
      }
    }
  }

  stop (): void {
    this.unwatch?.()
    this.unwatch = undefined
    clearInterval(this.closeTimer)
  }

  /** The owner's active stake, read from chain at most every STAKE_CACHE_MS. */
  async stake (): Promise<bigint> {
    if (this.stakeCache !== undefined && Date.now() - this.stakeCache.at < STAKE_CACHE_MS) return this.stakeCache.value
    const value = await readStake({ chain: this.chain, publicClient: this.publicClient, owner: this.owner })
    this.stakeCache = { value, at: Date.now() }
    return value
  }

  /** This operator's EIP-712 PeerBinding of `peerId` to its owner (for capacity ads), cached. */
  async binding (peerId: string): Promise<Hex> {
    let b = this.bindings.get(peerId)
    if (b === undefined) {
      b = signTyped(this.account, this.chain, 'PeerBinding', { peerId, owner: this.owner })
      this.bindings.set(peerId, b)
    }
    return await b
  }

  /** Signs the EIP-712 receipt "task `taskHash` gave output `outputHash`" with the operator key. */
  async signReceipt (taskHash: Hex, outputHash: Hex): Promise<Hex> {
    return await signTyped(this.account, this.chain, 'Receipt', { taskHash, outputHash, operator: this.address })
  }

  /** The lane `requester` → owner, from the cache or the chain. */
  async lane (requester: Address, maxAgeMs = Infinity): Promise<LaneState> {
    const cached = this.laneStates.get(requester.toLowerCase())
    if (cached !== undefined && Date.now() - cached.at <= maxAgeMs) return cached.state
    return await this.readLane(requester)
  }

  /**
   * Why a paid task of `price` from `requester` (who proved its address with `requesterBinding` over
   * `requesterPeer`) must be refused now, or undefined to take it.
   */
  async refusal (requester: string, requesterPeer: string, requesterBinding: Hex, price: bigint): Promise<PaidRefusal | undefined> {
    if (!/^0x[0-9a-fA-F]{40}$/.test(requester)) return { code: 'BAD_REQUEST', message: 'a paid task must name the requester\'s address' }
    const payer = requester as Address
    if (!await signedBy(this.chain, 'PeerBinding', { peerId: requesterPeer, owner: payer }, requesterBinding, payer)) {
      return { code: 'BAD_REQUEST', message: `the requester's binding does not prove peer ${requesterPeer} speaks for ${payer}` }
    }
    await this.loaded
    const key = laneKey(payer, this.owner)
    const unpaid = this.pending(key)
    const now = Date.now()
    const chainNow = now + this.chainOffsetMs
    const overdue = unpaid.filter(u => now - u.at >= this.graceMs).length
    if (overdue > MAX_UNPAID_TASKS) return { code: 'UNPAID', message: `the requester is ${overdue} tasks behind on cheques` }
    const exposure = this.paidUpTo(key) + unpaid.reduce((sum, u) => sum + u.price, 0n) + price
    let lane = await this.lane(payer)
    // A copy that would refuse is read again: the requester may have funded or reopened the lane in
    // the block before this task, and events arrive a polling interval late.
    if (exposure > lane.funded || lane.closesAt !== 0n) lane = await this.readLane(payer)
    if (exposure > lane.funded) return { code: 'UNPAID', message: `the lane from ${payer} holds ${lane.funded - lane.claimed} unspent, less than the ${exposure - lane.claimed} this task would put at risk: fund the lane` }
    // A closing lane is judged by the chain's clock (closes are block timestamps), read fresh.
    const closingNow = lane.closesAt === 0n ? chainNow : Math.max(chainNow, Number((await this.publicClient.getBlock()).timestamp) * 1000)
    if (lane.closesAt !== 0n && Number(lane.closesAt) * 1000 - closingNow < LANE_CLOSE_MARGIN_MS) {
      return { code: 'UNPAID', message: `the lane from ${payer} is closing: fund it again to reopen it` }
    }
    this.prices.set(key, price)
    return undefined
  }

  /** Counts a paid result as delivered on the lane (call once it reached the requester). */
  recordDelivery (requester: Address, price: bigint): void {
    const key = laneKey(requester, this.owner)
    this.pending(key).push({ price, at: Date.now() })
    const d = this.declines.get(key) ?? { delivered: 0, declined: 0 }
    d.delivered++
    this.declines.set(key, d)
  }

  /**
   * Un-counts a delivered result the requester had cancelled while it was on its way (the task was
   * settled by others, or its deadline passed: the answer and the cancel crossed). A requester may
   * decline at most DECLINED_SHARE of what it was delivered (+ DECLINED_SLACK): past that, declined
   * results stay owed, so cancelling every answer after reading it does not make outputs free.
   * @returns whether the result was un-counted
   */
  recordDeclined (requester: Address, price: bigint): boolean {
    const key = laneKey(requester, this.owner)
    const d = this.declines.get(key) ?? { delivered: 0, declined: 0 }
    if (d.declined + 1 > d.delivered * DECLINED_SHARE + DECLINED_SLACK) return false
    const pending = this.pending(key)
    for (let i = pending.length - 1; i >= 0; i--) {
      if (pending[i]!.price !== price) continue
      pending.splice(i, 1)
      d.declined++
      this.declines.set(key, d)
      return true
    }
    return false
  }

  /**
   * Checks and keeps a cheque; covers delivered tasks with it; claims when the lane's unclaimed credit
   * passes the threshold or the lane is closing.
   * @returns the highest cumulative amount held for the lane, base units
   * @throws ChequeRejectedError when the cheque is not for this owner, not signed by its requester, or lower than the one held
   */
  async acceptCheque (requester: Address, owner: Address, cumulativeAmount: bigint, signature: Hex): Promise<bigint> {
    await this.loaded
    if (owner.toLowerCase() !== this.owner.toLowerCase()) throw new ChequeRejectedError(`cheque pays ${owner}, not this provider's owner ${this.owner}`)
    if (!await signedBy(this.chain, 'Cheque', { requester, owner: this.owner, cumulativeAmount }, signature, requester)) {
      throw new ChequeRejectedError(`cheque not signed by its requester ${requester}`)
    }
    const key = laneKey(requester, this.owner)
    const previous = this.latest.get(key)
    const held = BigInt(previous?.cumulativeAmount ?? '0')
    if (cumulativeAmount < held) throw new ChequeRejectedError(`cheque amount ${cumulativeAmount} is below the ${held} already held for this lane`)
    let covered = cumulativeAmount - this.paidUpTo(key)
    const unpaid = this.pending(key)
    while (unpaid.length > 0 && covered >= unpaid[0]!.price) covered -= unpaid.shift()!.price
    const record: ChequeRecord = {
      lane: key,
      requester,
      owner: this.owner,
      cumulativeAmount: cumulativeAmount.toString(),
      signature,
      claimed: previous?.claimed ?? '0',
      updatedAt: Date.now()
    }
    this.latest.set(key, record)
    await this.store.put(record)
    this.dispatchEvent(new Event('change'))
    const price = this.prices.get(key) ?? 0n
    if (this.autoClaim && price > 0n && cumulativeAmount - BigInt(record.claimed) >= price * BigInt(CLAIM_THRESHOLD_TASKS)) {
      void this.claim(requester).catch(() => {})
    }
    this.closeWatch(requester)
    return cumulativeAmount
  }

  /** Claims the newest cheque of the lane from `requester`. @returns the transaction hash, or undefined if nothing is owed */
  async claim (requester: Address, options: { signal?: AbortSignal } = {}): Promise<Hex | undefined> {
    options.signal?.throwIfAborted()
    const key = laneKey(requester, this.owner)
    const running = this.claiming.get(key)
    if (running !== undefined) return await running
    const next = this.claimNow(key, options.signal).finally(() => { this.claiming.delete(key) })
    this.claiming.set(key, next)
    return await next
  }

  /** Claims every lane with unclaimed cheques in one `claimMany`. @returns its hash, or undefined when nothing is owed */
  async claimAll (options: { signal?: AbortSignal } = {}): Promise<Hex | undefined> {
    await this.loaded
    options.signal?.throwIfAborted()
    const open: ChequeRecord[] = []
    for (const r of this.latest.values()) {
      if (BigInt(r.cumulativeAmount) <= BigInt(r.claimed)) continue
      // Another process with this key, or anyone on our behalf, may have claimed already: ask the
      // chain, so that nothing-to-claim never costs a transaction.
      const lane = await this.readLane(r.requester)
      if (await this.syncClaimed(r, lane)) open.push(r)
    }
    if (open.length === 0) return undefined
    const hash = await claimMany({
      chain: this.chain,
      publicClient: this.publicClient,
      walletClient: this.walletClient,
      cheques: open.map(r => ({ requester: r.requester, owner: r.owner, cumulativeAmount: BigInt(r.cumulativeAmount) })),
      signatures: open.map(r => r.signature),
      ...options
    })
    let amount = 0n
    for (const r of open) {
      const lane = await this.readLane(r.requester)
      amount += lane.claimed - BigInt(r.claimed)
      r.claimed = lane.claimed.toString()
      await this.store.put(r)
    }
    this.dispatchEvent(new CustomEvent('claimed', { detail: { hash, amount } }))
    this.dispatchEvent(new Event('change'))
    return hash
  }

  /** The highest cumulative amount held for the lane from `requester`, base units. */
  held (requester: Address): bigint {
    return BigInt(this.latest.get(laneKey(requester, this.owner))?.cumulativeAmount ?? '0')
  }

  earnings (): ProviderEarnings {
    let received = 0n
    let claimed = 0n
    for (const r of this.latest.values()) { received += BigInt(r.cumulativeAmount); claimed += BigInt(r.claimed) }
    return { received, claimed, claimable: received - claimed }
  }

  private pending (key: string): Unpaid[] {
    let list = this.unpaid.get(key)
    if (list === undefined) { list = []; this.unpaid.set(key, list) }
    const cutoff = Date.now() - UNPAID_FORGET_MS
    while (list.length > 0 && list[0]!.at < cutoff) list.shift()
    return list
  }

  /** What the lane has paid or promised this owner so far: the newest cheque, or the chain's claimed total if higher. */
  private paidUpTo (key: string): bigint {
    const held = BigInt(this.latest.get(key)?.cumulativeAmount ?? '0')
    const claimed = this.laneStates.get(key.split('/')[0]!)?.state.claimed ?? 0n
    return held > claimed ? held : claimed
  }

  private async readLane (requester: Address): Promise<LaneState> {
    const seq = ++this.laneReads
    const [state, block] = await Promise.all([
      readLane({ chain: this.chain, publicClient: this.publicClient, requester, owner: this.owner }),
      this.publicClient.getBlock()
    ])
    this.chainOffsetMs = Math.max(0, Number(block.timestamp) * 1000 - Date.now())
    const previous = this.laneStates.get(requester.toLowerCase())
    if (previous === undefined || previous.seq < seq) this.laneStates.set(requester.toLowerCase(), { state, at: Date.now(), seq })
    return state
  }

  /** Updates a record's claimed total from the lane; true when the record still has something to claim. */
  private async syncClaimed (r: ChequeRecord, lane: LaneState): Promise<boolean> {
    if (lane.claimed > BigInt(r.claimed)) {
      r.claimed = lane.claimed.toString()
      await this.store.put(r)
      this.dispatchEvent(new Event('change'))
    }
    const target = BigInt(r.cumulativeAmount) < lane.funded ? BigInt(r.cumulativeAmount) : lane.funded
    return target > lane.claimed
  }

  /** A closing lane with an unclaimed cheque is claimed at once. */
  private closeWatch (requester: Address): void {
    if (!this.autoClaim) return
    const key = laneKey(requester, this.owner)
    const record = this.latest.get(key)
    const lane = this.laneStates.get(requester.toLowerCase())?.state
    if (record === undefined || lane === undefined || lane.closesAt === 0n) return
    if (BigInt(record.cumulativeAmount) > lane.claimed) void this.claim(requester).catch(() => {})
  }

  private async claimNow (key: string, signal?: AbortSignal): Promise<Hex | undefined> {
    await this.loaded
    const record = this.latest.get(key)
    if (record === undefined) return undefined
    const lane = await this.readLane(record.requester)
    if (!await this.syncClaimed(record, lane)) return undefined
    const hash = await claim({
      chain: this.chain,
      publicClient: this.publicClient,
      walletClient: this.walletClient,
      cheque: { requester: record.requester, owner: record.owner, cumulativeAmount: BigInt(record.cumulativeAmount) },
      signature: record.signature,
      ...(signal !== undefined ? { signal } : {})
    })
    const after = await this.readLane(record.requester)
    const amount = after.claimed - BigInt(record.claimed)
    record.claimed = after.claimed.toString()
    await this.store.put(record)
    this.dispatchEvent(new CustomEvent('claimed', { detail: { requester: record.requester, hash, amount } }))
    this.dispatchEvent(new Event('change'))
    return hash
  }
}
