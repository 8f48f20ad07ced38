import type { Address, Hex, LocalAccount } from 'viem'
import { TabmeshError } from '../../errors/base.ts'
import { publicClientFor, walletClientFor } from '../../chain/clients.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { jobEscrowAbi, stakingAbi } from '../../chain/generated/contracts.ts'
import { sendContractTx } from '../../chain/send-tx.ts'
import { CHEQUE_GRACE_MS, MAX_UNPAID_TASKS } from '../constants.ts'
import type { ChequeRecord, ChequeStore } from './cheque-store.ts'
import { chequeSigner, signReceipt } from './signatures.ts'

/** A job as the escrow holds it, the parts a provider needs. */
export interface OnChainJob {
  requester: Address
  pricePerTask: bigint
  minStake: bigint
  deadline: bigint
  refunded: boolean
}

export interface ProviderEarnings {
  /** Sum of the latest cheques' amounts, base units. */
  received: bigint
  claimed: bigint
  claimable: bigint
}

/** Stake reads are cached this long (ms): the admission check runs on every paid task. */
const STAKE_CACHE_MS = 5_000

/** A cheque was refused: wrong signer, lower than the last one, or for an unknown job. */
export class ChequeRejectedError extends TabmeshError {
  constructor (reason: string) { super('CHEQUE_REJECTED', reason) }
}

/**
 * A provider's money side: signs EIP-712 receipts with its payout key, checks and keeps the
 * requester's cheques, refuses requesters that fall more than MAX_UNPAID_TASKS behind (after
 * CHEQUE_GRACE_MS for the other replicas), and claims on chain when a job's final cheque arrives.
 * Events: `change` (earnings changed), `claimed` (CustomEvent<{ jobId, hash, amount }>, amount in base units).
 */
export class ProviderPayments extends EventTarget {
  readonly address: Address
  readonly chain: ChainConfig
  private readonly account: LocalAccount
  private readonly store: ChequeStore
  private readonly publicClient: TabmeshPublicClient
  private readonly walletClient: TabmeshWalletClient
  private readonly jobs = new Map<string, Promise<OnChainJob>>()
  /** requester peer → jobId → delivery times of paid, accepted-looking results. */
  private readonly deliveries = new Map<string, Map<string, number[]>>()
  private readonly latest = new Map<string, ChequeRecord>()
  private loaded: Promise<void>
  private readonly graceMs: number
  private stakeCache: { value: bigint, at: number } | undefined
  /** Claim as soon as a job's final cheque arrives (default true); otherwise cheques wait for `claim`/`claimAll`. */
  autoClaim = true

  /** @param options.chequeGraceMs how long a delivered result may wait for its cheque (default CHEQUE_GRACE_MS) */
  constructor (options: { chain: ChainConfig, account: LocalAccount, store: ChequeStore, chequeGraceMs?: number }) {
    super()
    this.chain = options.chain
    this.account = options.account
    this.address = options.account.address
    this.store = options.store
    this.graceMs = options.chequeGraceMs ?? CHEQUE_GRACE_MS
    this.publicClient = publicClientFor(options.chain)
    this.walletClient = walletClientFor(options.chain, options.account)
    this.loaded = this.store.all().then(records => { for (const r of records) this.latest.set(r.jobId, r) })
  }

  /** Reads (once) the job from the escrow. @throws TabmeshError UNKNOWN_JOB when it is not open on chain */
  async job (jobId: Hex): Promise<OnChainJob> {
    let entry = this.jobs.get(jobId)
    if (entry === undefined) {
      entry = this.publicClient.readContract({ address: this.chain.escrow, abi: jobEscrowAbi, functionName: 'jobs', args: [jobId] }).then(j => {
        const [requester, deadline, , , refunded, pricePerTask, minStake] = j
        if (requester === '0x0000000000000000000000000000000000000000') throw new TabmeshError('UNKNOWN_JOB', `job ${jobId} is not open on chain`)
        return { requester, deadline: BigInt(deadline), pricePerTask, minStake, refunded }
      })
      this.jobs.set(jobId, entry)
      entry.catch(() => { this.jobs.delete(jobId) })
    }
    return await entry
  }

  /** This provider's active stake, read from chain at most every STAKE_CACHE_MS. */
  async stake (): Promise<bigint> {
    if (this.stakeCache !== undefined && Date.now() - this.stakeCache.at < STAKE_CACHE_MS) return this.stakeCache.value
    const value = await this.publicClient.readContract({ address: this.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [this.address] })
    this.stakeCache = { value, at: Date.now() }
    return value
  }

  /** Why a paid task from this requester must be refused now, or undefined to accept it. */
  async refusal (requesterPeer: string, jobId: Hex): Promise<string | undefined> {
    let job: OnChainJob
    try {
      job = await this.job(jobId)
    } catch (err) {
      return (err as Error).message
    }
    if (job.refunded) return `job ${jobId} was refunded`
    const stake = await this.stake()
    if (stake < job.minStake) return `this provider's stake ${stake} is below the job's minimum ${job.minStake}`
    await this.loaded
    const now = Date.now()
    let overdue = 0
    for (const [id, times] of this.deliveries.get(requesterPeer) ?? []) {
      const price = (await this.job(id as Hex)).pricePerTask
      const paidTasks = price > 0n ? Number(BigInt(this.latest.get(id)?.cumulativeAmount ?? '0') / price) : times.length
      overdue += times.slice(paidTasks).filter(t => now - t >= this.graceMs).length
    }
    return overdue > MAX_UNPAID_TASKS ? `the requester is ${overdue} tasks behind on cheques` : undefined
  }

  async signReceipt (jobId: Hex, taskIndex: number, outputHash: Hex): Promise<Hex> {
    return await signReceipt(this.account, this.chain, { jobId, taskIndex, outputHash, provider: this.address })
  }

  recordDelivery (requesterPeer: string, jobId: Hex): void {
    const jobs = this.deliveries.get(requesterPeer) ?? new Map<string, number[]>()
    const times = jobs.get(jobId) ?? []
    times.push(Date.now())
    jobs.set(jobId, times)
    this.deliveries.set(requesterPeer, jobs)
  }

  /**
   * Checks and keeps a cheque. Claims at once when it is final.
   * @throws ChequeRejectedError when the signer is not the job's requester or the amount went down
   */
  async acceptCheque (jobId: Hex, cumulativeAmount: bigint, signature: Hex, final: boolean): Promise<void> {
    await this.loaded
    const job = await this.job(jobId).catch((err: Error) => { throw new ChequeRejectedError(err.message) })
    const signer = await chequeSigner(this.chain, { jobId, provider: this.address, cumulativeAmount }, signature)
    if (signer?.toLowerCase() !== job.requester.toLowerCase()) throw new ChequeRejectedError(`cheque signed by ${signer ?? 'nobody'}, not the job's requester ${job.requester}`)
    const previous = this.latest.get(jobId)
    if (previous !== undefined && BigInt(previous.cumulativeAmount) > cumulativeAmount) throw new ChequeRejectedError('cheque amount went down')
    const record: ChequeRecord = {
      jobId,
      requester: job.requester,
      cumulativeAmount: cumulativeAmount.toString(),
      signature,
      claimed: previous?.claimed ?? '0',
      final: final || (previous?.final ?? false),
      updatedAt: Date.now()
    }
    this.latest.set(jobId, record)
    await this.store.put(record)
    this.dispatchEvent(new Event('change'))
    if (final) {
      // The job is over: its delivery records are no longer needed to judge this requester.
      for (const jobs of this.deliveries.values()) jobs.delete(jobId)
      if (this.autoClaim) void this.claim(jobId).catch(() => {})
    }
  }

  /** Claims the latest cheque of `jobId`. @returns the transaction hash, or undefined if nothing is owed */
  async claim (jobId: Hex): Promise<Hex | undefined> {
    await this.loaded
    const record = this.latest.get(jobId)
    if (record === undefined || BigInt(record.cumulativeAmount) <= BigInt(record.claimed)) return undefined
    const hash = await sendContractTx(this.publicClient, this.walletClient, {
      address: this.chain.escrow,
      abi: jobEscrowAbi,
      functionName: 'claim',
      args: [{ jobId, provider: this.address, cumulativeAmount: BigInt(record.cumulativeAmount) }, record.signature]
    }, 'CLAIM_FAILED')
    const amount = BigInt(record.cumulativeAmount) - BigInt(record.claimed)
    record.claimed = record.cumulativeAmount
    await this.store.put(record)
    this.dispatchEvent(new CustomEvent('claimed', { detail: { jobId, hash, amount } }))
    this.dispatchEvent(new Event('change'))
    return hash
  }

  /** Claims every unclaimed cheque in one `claimMany` transaction. @returns its hash, or undefined */
  async claimAll (): Promise<Hex | undefined> {
    await this.loaded
    const candidates = [...this.latest.values()].filter(r => BigInt(r.cumulativeAmount) > BigInt(r.claimed))
    // Another process with this key (or a claim by anyone on our behalf) may have claimed already: ask
    // the escrow, so that nothing-to-claim never costs a transaction.
    const open: typeof candidates = []
    for (const r of candidates) {
      const onChain = await this.publicClient.readContract({ address: this.chain.escrow, abi: jobEscrowAbi, functionName: 'claimed', args: [r.jobId, this.address] })
      if (onChain >= BigInt(r.cumulativeAmount)) { r.claimed = r.cumulativeAmount; await this.store.put(r) } else open.push(r)
    }
    if (open.length < candidates.length) this.dispatchEvent(new Event('change'))
    if (open.length === 0) return undefined
    const hash = await sendContractTx(this.publicClient, this.walletClient, {
      address: this.chain.escrow,
      abi: jobEscrowAbi,
      functionName: 'claimMany',
      args: [open.map(r => ({ jobId: r.jobId, provider: this.address, cumulativeAmount: BigInt(r.cumulativeAmount) })), open.map(r => r.signature)]
    }, 'CLAIM_FAILED')
    let amount = 0n
    for (const r of open) { amount += BigInt(r.cumulativeAmount) - BigInt(r.claimed); r.claimed = r.cumulativeAmount; await this.store.put(r) }
    this.dispatchEvent(new CustomEvent('claimed', { detail: { jobId: undefined, hash, amount } }))
    this.dispatchEvent(new Event('change'))
    return hash
  }

  earnings (): ProviderEarnings {
    let received = 0n
    let claimed = 0n
    for (const r of this.latest.values()) { received += BigInt(r.cumulativeAmount); claimed += BigInt(r.claimed) }
    return { received, claimed, claimable: received - claimed }
  }
}
