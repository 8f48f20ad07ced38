import { parseEventLogs } from 'viem'
import type { Account } from 'viem'
import type { Address, Hex } from 'viem'
import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import { TabmeshError } from '../../errors/base.ts'
import { publicClientFor, walletClientFor } from '../../chain/clients.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { jobEscrowAbi, stakingAbi, testTokenAbi } from '../../chain/generated/contracts.ts'
import { sendContractTx } from '../../chain/send-tx.ts'
import type { Connection } from '@libp2p/interface'
import type { ProviderEntry } from '../ads/directory.ts'
import { CHEQUE_PROTOCOL, DIAL_TIMEOUT_MS } from '../constants.ts'
import { connectDirect, toMultiaddrs, unlimitedConnection } from '../node/connections.ts'
import type { MeshNode } from '../node/create-node.ts'
import { ChequeAck, ChequeMessage } from '../protocol/messages.js'
import type { FaultEvidence } from '../requester/types.ts'
import { fromHex, signCheque } from './signatures.ts'

export interface OpenJobParameters {
  jobId: Hex
  moduleHash: Hex
  inputsRoot: Hex
  taskCount: number
  redundancy: number
  /** Payment-token base units per task run. */
  pricePerTask: bigint
  /** Unix seconds. */
  deadline: bigint
  /** Staking-token base units. */
  minStake: bigint
}

/** What a paid job cost, in payment-token base units (slashed: staking-token base units). */
export interface Settlement {
  paid: bigint
  fee: bigint
  refunded: bigint
  slashed: bigint
  transactions: Hex[]
}

export type RequesterPaymentsOptions = {
  node: MeshNode
  chain: ChainConfig
  /** A live provider advertising this payout address (the client's directory), to redeliver cheques to a provider that came back. */
  findProvider?: (payout: Address) => ProviderEntry | undefined
} & ({ account: Account } | { walletClient: TabmeshWalletClient })

/**
 * The requester's money side: opens jobs on JobEscrow (approve + openJob), sends every provider a new
 * cumulative cheque after each task it helped accept (`/tabmesh/cheque/1.0.0`), a final one when the
 * job is done, submits fault proofs, refunds after the deadline and totals the settlement from events.
 */
export class RequesterPayments {
  readonly chain: ChainConfig
  readonly address: Address
  private readonly node: MeshNode
  readonly publicClient: TabmeshPublicClient
  private readonly walletClient: TabmeshWalletClient
  /** jobId → provider payout → { peer, cumulative owed, cumulative the provider acknowledged } */
  private readonly owed = new Map<string, Map<Address, { peer: string, amount: bigint, delivered: bigint }>>()
  private readonly findProvider: (payout: Address) => ProviderEntry | undefined
  private readonly sends = new Map<string, Promise<void>>()
  private readonly stakes = new Map<Address, { value: bigint, at: number }>()

  /**
   * @param options.account a local key (`privateKeyToAccount`), or
   * @param options.walletClient a viem wallet client with its account — e.g. over an injected wallet,
   *   `createWalletClient({ account, chain, transport: custom(window.ethereum) })`
   */
  constructor (options: RequesterPaymentsOptions) {
    this.node = options.node
    this.findProvider = options.findProvider ?? (() => undefined)
    this.chain = options.chain
    this.publicClient = publicClientFor(options.chain)
    this.walletClient = 'walletClient' in options ? options.walletClient : walletClientFor(options.chain, options.account)
    this.address = this.walletClient.account.address
  }

  /** Approves the deposit and opens the job. @returns the two transaction hashes */
  async openJob (p: OpenJobParameters): Promise<Hex[]> {
    const feeBps = await this.publicClient.readContract({ address: this.chain.escrow, abi: jobEscrowAbi, functionName: 'feeBps' })
    const deposit = BigInt(p.taskCount) * BigInt(p.redundancy) * p.pricePerTask
    const total = deposit + (deposit * BigInt(feeBps)) / 10_000n
    const balance = await this.publicClient.readContract({ address: this.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [this.address] })
    if (balance < total) {
      const fix = this.chain.local ? 'get test tokens with the Faucet on the Wallet page (or `cast send` from a funded anvil account)' : `send ${PAYMENT_TOKEN.symbol} to ${this.address}`
      throw new TabmeshError('INSUFFICIENT_BALANCE', `this job costs up to ${formatTokenAmount(total, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)} (${p.taskCount} tasks × redundancy ${p.redundancy} × ${formatTokenAmount(p.pricePerTask, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)} + ${Number(feeBps) / 100}% fee) but ${this.address} holds ${formatTokenAmount(balance, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)}: ${fix}, or lower the price`)
    }
    const approve = await sendContractTx(this.publicClient, this.walletClient, { address: this.chain.paymentToken, abi: testTokenAbi, functionName: 'approve', args: [this.chain.escrow, total] }, 'OPEN_JOB_FAILED')
    const open = await sendContractTx(this.publicClient, this.walletClient, {
      address: this.chain.escrow,
      abi: jobEscrowAbi,
      functionName: 'openJob',
      args: [p.jobId, p.moduleHash, p.inputsRoot, p.taskCount, p.redundancy, p.pricePerTask, p.deadline, p.minStake]
    }, 'OPEN_JOB_FAILED')
    this.owed.set(p.jobId, new Map())
    return [approve, open]
  }

  /** On-chain stake of `payout`, cached for 3 s. */
  async stakeOf (payout: Address): Promise<bigint> {
    const cached = this.stakes.get(payout)
    if (cached !== undefined && Date.now() - cached.at < 3_000) return cached.value
    const value = await this.publicClient.readContract({ address: this.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [payout] })
    this.stakes.set(payout, { value, at: Date.now() })
    return value
  }

  /** Last known stake without waiting (undefined until first read); starts a refresh. */
  knownStake (payout: Address): bigint | undefined {
    void this.stakeOf(payout).catch(() => {})
    return this.stakes.get(payout)?.value
  }

  /** Adds `amount` to what `payout` is owed for `jobId` and sends it the new cumulative cheque. */
  pay (jobId: Hex, peer: string, payout: Address, amount: bigint): Promise<void> {
    const owed = this.owed.get(jobId) ?? new Map()
    this.owed.set(jobId, owed)
    const entry = owed.get(payout) ?? { peer, amount: 0n, delivered: 0n }
    entry.amount += amount
    owed.set(payout, entry)
    return this.send(jobId, payout, false)
  }

  /** Sends every provider of the job its final cheque (it then claims). */
  async finish (jobId: Hex): Promise<void> {
    const owed = this.owed.get(jobId) ?? new Map()
    await Promise.allSettled([...owed.keys()].map(async payout => { await this.send(jobId, payout, true) }))
  }

  /**
   * Payout addresses whose provider has not acknowledged everything it is owed for `jobId` (it left
   * before its last cheque).
   */
  undelivered (jobId: Hex): Address[] {
    return [...(this.owed.get(jobId) ?? new Map()).entries()].filter(([, e]) => e.delivered < e.amount).map(([payout]) => payout)
  }

  /**
   * Sends the final cheque again to every undelivered payout address, reaching it under any peer id
   * that now advertises it — a closed tab that reopens, a restarted Node provider. No cheque is lost
   * while the requester runs; a provider must come back before the job's deadline to claim.
   */
  async redeliver (jobId: Hex): Promise<void> {
    await Promise.allSettled(this.undelivered(jobId).map(async payout => { await this.send(jobId, payout, true) }))
  }

  /** Submits a fault proof. @returns the slash transaction hash */
  async slash (evidence: FaultEvidence): Promise<Hex> {
    if (evidence.faultyReceipt === undefined || evidence.quorumReceipts === undefined) throw new TabmeshError('NO_FAULT_PROOF', 'the fault has no signed receipts')
    return await sendContractTx(this.publicClient, this.walletClient, {
      address: this.chain.escrow,
      abi: jobEscrowAbi,
      functionName: 'slash',
      args: [
        evidence.faultyReceipt.receipt,
        evidence.faultyReceipt.signature,
        evidence.quorumReceipts.map(r => r.receipt),
        evidence.quorumReceipts.map(r => r.signature)
      ]
    }, 'SLASH_FAILED')
  }

  /**
   * Waits until the deadline has passed on chain, then refunds the unspent deposit.
   * @returns the refund transaction hash, or undefined when nothing was left
   */
  async refundWhenDue (jobId: Hex, options: { signal?: AbortSignal, pollMs?: number } = {}): Promise<Hex | undefined> {
    while (true) {
      options.signal?.throwIfAborted()
      const [, deadline, , , refunded, , , remaining, feeRemaining] = await this.publicClient.readContract({ address: this.chain.escrow, abi: jobEscrowAbi, functionName: 'jobs', args: [jobId] })
      if (refunded || (remaining === 0n && feeRemaining === 0n)) return undefined
      const block = await this.publicClient.getBlock()
      if (block.timestamp > BigInt(deadline) || BigInt(Math.floor(Date.now() / 1000)) > BigInt(deadline)) {
        if (remaining === 0n && feeRemaining === 0n) return undefined
        try {
          const hash = await this.walletClient.writeContract({ address: this.chain.escrow, abi: jobEscrowAbi, functionName: 'refund', args: [jobId] })
          const receipt = await this.publicClient.waitForTransactionReceipt({ hash })
          if (receipt.status === 'success') return hash
        } catch (err) {
          // The next block's timestamp may still be at the deadline: try again shortly.
          if (!/DeadlineNotReached/.test(String(err))) throw err
        }
      }
      await new Promise(resolve => setTimeout(resolve, options.pollMs ?? 2_000))
    }
  }

  /** Totals what happened to the job's money, from the escrow's and staking's events. */
  async settlement (jobId: Hex, transactions: Hex[]): Promise<Settlement> {
    const escrowLogs = await this.publicClient.getContractEvents({ address: this.chain.escrow, abi: jobEscrowAbi, fromBlock: 0n, args: { jobId } as never })
    let paid = 0n
    let fee = 0n
    let refunded = 0n
    let slashed = 0n
    for (const log of parseEventLogs({ abi: jobEscrowAbi, logs: escrowLogs })) {
      if (log.eventName === 'ChequeClaimed' && log.args.jobId === jobId) { paid += log.args.amount; fee += log.args.fee }
      if (log.eventName === 'JobRefunded' && log.args.jobId === jobId) refunded += log.args.amount
      if (log.eventName === 'ProviderSlashed' && log.args.jobId === jobId) slashed += log.args.amount
    }
    return { paid, fee, refunded, slashed, transactions }
  }

  /** The provider's connection, or one to whichever live peer now advertises its payout address. */
  private async connectionTo (entry: { peer: string }, payout: Address): Promise<Connection | undefined> {
    const existing = unlimitedConnection(this.node, peerIdFromString(entry.peer))
    if (existing !== undefined) return existing
    const back = this.findProvider(payout)
    if (back === undefined) return undefined
    try {
      const connection = await connectDirect(this.node, peerIdFromString(back.ad.peerId), toMultiaddrs(back.ad.multiaddrs), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      entry.peer = back.ad.peerId
      return connection
    } catch {
      return undefined
    }
  }

  private send (jobId: Hex, payout: Address, final: boolean): Promise<void> {
    const key = `${jobId}/${payout}`
    const previous = this.sends.get(key) ?? Promise.resolve()
    const next = previous.then(async () => {
      const entry = this.owed.get(jobId)?.get(payout)
      if (entry === undefined) return
      const cumulativeAmount = entry.amount
      const signature = await signCheque(this.walletClient, this.chain, { jobId, provider: payout, cumulativeAmount })
      const connection = await this.connectionTo(entry, payout)
      if (connection === undefined) return // the provider left; it holds its previous cheque, and `finish` retries
      const stream = await connection.newStream(CHEQUE_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
      const pb = pbStream(stream, { maxDataLength: 4096 })
      await pb.write({ jobId: fromHex(jobId), cumulativeAmount: cumulativeAmount.toString(), signature: fromHex(signature), final }, ChequeMessage)
      const ack = await pb.read(ChequeAck, { signal: AbortSignal.timeout(10_000) })
      await stream.close().catch(() => {})
      if (!ack.ok) throw new TabmeshError('CHEQUE_REFUSED', `provider ${entry.peer} refused the cheque: ${ack.error}`)
      if (cumulativeAmount > entry.delivered) entry.delivered = cumulativeAmount
    })
    this.sends.set(key, next.catch(() => {}))
    return next
  }
}
