import { keccak256 } from 'viem'
import type { Address, Hex } from 'viem'
import { failureHashOf, fromHex, outputHashOf, signedBy, toHex } from '../../chain/signatures.ts'
import { encodeTaskSpec } from '../../chain/task-hash.ts'
import { TabmeshError } from '../../errors/base.ts'
import { readBalance } from '../../chain/actions/read-balance.ts'
import { readDeposit } from '../../chain/actions/read-deposit.ts'
import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import type { ProviderEntry } from '../ads/directory.ts'
import { LANE_PREFUND_TASKS } from '../constants.ts'
import type { MeshNode } from '../node/create-node.ts'
import type { JobScheduler } from '../requester/scheduler.ts'
import type { AcceptedReceipts, FaultEvidence, PaidJobPolicy } from '../requester/types.ts'
import { openDispute, settleDispute } from './disputes.ts'
import type { DisputeStatus } from '../../chain/actions/read-dispute.ts'
import { ProviderEligibility } from './eligibility.ts'
import { howToGetTokens } from './requester-payments.ts'
import type { RequesterPayments } from './requester-payments.ts'

/** What a paid job cost. Payment-token base units; `slashed` in staking-token base units. */
export interface Settlement {
  /** What this job's cheques added to the lanes (every accepted run × price). */
  paid: bigint
  /** The protocol fee the treasury takes of `paid` when providers claim. */
  fee: bigint
  /** Stake taken in the disputes this job opened from the owners whose receipts the arbiters found wrong (silent arbiters' penalties are not counted). */
  slashed: bigint
  /** Disputes this job opened (id 0n with `error` when opening failed — the receipts were not disputable). */
  disputes: Array<{ id: bigint, status: DisputeStatus, error?: string }>
  /** Lane funding, dispute and draw transactions this job sent. */
  transactions: Hex[]
}

export interface PaidJobParameters {
  payments: RequesterPayments
  node: MeshNode
  jobId: string
  /** Payment-token base units per task run. */
  price: bigint
  /** Staking-token base units an owner must stake to be eligible. */
  minStake: bigint
  taskCount: number
  redundancy: number
  /** Where arbiters fetch a disputed task's data: this requester's peer id serves it while disputes run. */
  locator?: string
  signal?: AbortSignal
}

export interface PaidJob {
  /** For the scheduler's JobSpec.paid. */
  policy: PaidJobPolicy
  transactions: Hex[]
  /** Pays and disputes as `scheduler` runs; resolves with the settlement once the job and its disputes are over. */
  attach: (scheduler: JobScheduler) => Promise<Settlement>
}

/** Lane funding is batched: owners that become eligible within this long share one `fundLanes`, ms. */
const FUNDING_BATCH_MS = 250
/** After the job, cheques a provider has not acknowledged are redelivered for this long, ms. */
const REDELIVER_MS = 30_000
/** How long the settlement waits for the job's disputes to end, ms (the local chain's windows are 1 min each). */
const DISPUTE_WAIT_MS = 300_000

/**
 * A paid job over payment lanes: a free job plus cheques. Only eligible providers (ProviderEligibility)
 * get tasks; each eligible owner's lane is funded ahead of its work (its share of the job's budget, at
 * least LANE_PREFUND_TASKS tasks) in batched `fundLanes` transactions, topped up when a provider answers
 * UNPAID; every accepted run adds `price` to its owner's cumulative cheque; a signed wrong result opens
 * a dispute (Arbitration) and the settlement waits for it.
 * @throws TabmeshError INSUFFICIENT_BALANCE when the wallet and deposit cannot cover the job's budget
 */
export async function preparePaidJob (p: PaidJobParameters): Promise<PaidJob> {
  const { payments } = p
  const budget = BigInt(p.taskCount) * BigInt(p.redundancy) * p.price
  const [balance, deposited] = await Promise.all([
    readBalance({ publicClient: payments.publicClient, token: payments.chain.paymentToken, owner: payments.address }),
    readDeposit({ chain: payments.chain, publicClient: payments.publicClient, requester: payments.address })
  ])
  if (balance + deposited < budget) {
    throw new TabmeshError('INSUFFICIENT_BALANCE', `this job costs up to ${formatTokenAmount(budget, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)} (${p.taskCount} tasks × redundancy ${p.redundancy} × ${formatTokenAmount(p.price, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)}) but ${payments.address} holds ${formatTokenAmount(balance + deposited, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)}: ${howToGetTokens(payments.chain, payments.address)}, or lower the price`)
  }
  const binding = await payments.binding(p.node.peerId.toString())
  const transactions: Hex[] = []
  const eligibleOwners = new Set<string>()
  let scheduler: JobScheduler | undefined
  let fundingError: Error | undefined
  let queued = new Set<Address>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = (): void => {
    timer = undefined
    const owners = [...queued]
    queued = new Set()
    const remaining = budget - payments.paidFor(p.jobId)
    if (owners.length === 0 || remaining <= 0n) return
    const share = remaining / BigInt(Math.max(1, eligibleOwners.size))
    const floor = p.price * BigInt(LANE_PREFUND_TASKS)
    const perLane = share > floor ? share : floor < remaining ? floor : remaining
    payments.ensureFunded(owners, perLane, p.signal !== undefined ? { signal: p.signal } : {}).then(hashes => { transactions.push(...hashes) }, (err: Error) => {
      fundingError = err
      scheduler?.cancel(err)
    })
  }
  const fund = (owner: Address): void => {
    queued.add(owner)
    timer ??= setTimeout(flush, FUNDING_BATCH_MS)
  }
  const eligibility = new ProviderEligibility({
    chain: payments.chain,
    publicClient: payments.publicClient,
    minStake: p.minStake,
    onChange: (entry: ProviderEntry, eligible: boolean) => {
      if (!eligible) return
      eligibleOwners.add(entry.ad.owner.toLowerCase())
      fund(entry.ad.owner as Address)
    }
  })
  const policy: PaidJobPolicy = {
    chain: payments.chain,
    requester: payments.address,
    binding,
    price: p.price,
    eligible: (entry) => eligibility.eligible(entry),
    unpaid: (entry) => { fund(entry.ad.owner as Address) },
    verifyReceipt: async ({ taskSpec, entry, response, result }) => {
      const operator = entry.ad.operator
      if (operator === '' || response.operator.toLowerCase() !== operator.toLowerCase() || response.receiptSignature.length !== 65) return undefined
      const outputHash = 'outputCid' in result ? outputHashOf(result.outputCid) : failureHashOf(result.failureCode)
      const receipt = { taskHash: keccak256(taskSpec), outputHash, operator: operator as Address }
      const signature = toHex(response.receiptSignature)
      if (!await signedBy(payments.chain, 'Receipt', receipt, signature, receipt.operator)) return undefined
      return { peer: entry.ad.peerId, owner: entry.ad.owner as Address, receipt, signature }
    },
    encodeTaskSpec,
    bindingBytes: fromHex(binding)
  }

  const attach = async (s: JobScheduler): Promise<Settlement> => {
    scheduler = s
    const pending: Array<Promise<unknown>> = []
    const disputes: Array<{ id: bigint, status: DisputeStatus, slashed: bigint, error?: string }> = []
    const disputesDone: Array<Promise<unknown>> = []
    let payments_ = 0
    s.addEventListener('receipts', (e) => {
      for (const r of (e as CustomEvent<AcceptedReceipts>).detail.receipts) {
        // Not under the job's signal: a cancelled job still pays for what it accepted.
        pending.push(payments.pay(p.jobId, r.peer, r.owner, p.price).catch(() => {}))
        // Keep the lane ahead of the work: a top-up check every LANE_PREFUND_TASKS / 2 payments.
        if (++payments_ % Math.max(1, Math.floor(LANE_PREFUND_TASKS / 2)) === 0) fund(r.owner)
      }
    })
    s.addEventListener('fault', (e) => {
      const fault = (e as CustomEvent<FaultEvidence>).detail
      if (fault.faultyReceipt === undefined || fault.quorumReceipts === undefined || fault.taskSpec === undefined) return
      const receipts = [fault.faultyReceipt, ...fault.quorumReceipts].map(r => ({ receipt: r.receipt, signature: r.signature }))
      const opened = openDispute({
        chain: payments.chain,
        publicClient: payments.publicClient,
        wallet: payments.walletClient,
        taskSpec: fault.taskSpec,
        locator: p.locator ?? p.node.peerId.toString(),
        receipts
      })
      disputesDone.push(opened.then(async ({ id, transactions: hashes }) => {
        transactions.push(...hashes)
        const entry = { id, status: 'drawn' as DisputeStatus, slashed: 0n }
        disputes.push(entry)
        const signal = AbortSignal.timeout(DISPUTE_WAIT_MS)
        const { state, slashed } = await settleDispute({ chain: payments.chain, publicClient: payments.publicClient, wallet: payments.walletClient, id, signal })
        entry.status = state.status
        entry.slashed = slashed
      }).catch((err: unknown) => { disputes.push({ id: 0n, status: 'none', slashed: 0n, error: err instanceof Error ? err.message : String(err) }) }))
    })
    await s.done.catch(() => {})
    clearTimeout(timer)
    await Promise.all(pending)
    await payments.finish(p.jobId)
    const until = Date.now() + REDELIVER_MS
    while (payments.undelivered().length > 0 && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, 500))
      await payments.redeliver(p.jobId)
    }
    await Promise.all(disputesDone)
    if (fundingError !== undefined) throw fundingError
    const paid = payments.paidFor(p.jobId)
    const feeBps = await payments.feeBps()
    return {
      paid,
      fee: (paid * BigInt(feeBps)) / 10_000n,
      slashed: disputes.reduce((sum, d) => sum + d.slashed, 0n),
      disputes: disputes.map(d => ({ id: d.id, status: d.status, ...(d.error !== undefined ? { error: d.error } : {}) })),
      transactions
    }
  }
  return { policy, transactions, attach }
}
