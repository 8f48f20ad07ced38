import type { Account, Address, Hex } from 'viem'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection } from '@libp2p/interface'
import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import { TabmeshError } from '../../errors/base.ts'
import { publicClientFor, walletClientFor } from '../../chain/clients.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { approve } from '../../chain/actions/approve.ts'
import { deposit } from '../../chain/actions/deposit.ts'
import { finishClose } from '../../chain/actions/finish-close.ts'
import { fundLanes } from '../../chain/actions/fund-lanes.ts'
import { readBalance } from '../../chain/actions/read-balance.ts'
import { readDeposit } from '../../chain/actions/read-deposit.ts'
import { readFeeBps } from '../../chain/actions/read-fee-bps.ts'
import { readLane } from '../../chain/actions/read-lane.ts'
import { startClose } from '../../chain/actions/start-close.ts'
import type { WriteParameters } from '../../chain/actions/types.ts'
import { serialized } from '../../chain/serialize.ts'
import type { ProviderEntry } from '../ads/directory.ts'
import { CHEQUE_ACK_TIMEOUT_MS, DIAL_TIMEOUT_MS } from '../constants.ts'
import { connectDirect, toMultiaddrs, unlimitedConnection } from '../node/connections.ts'
import type { MeshNode } from '../node/create-node.ts'
import { ChequeSessions } from '../protocol/cheque.ts'
import { laneKey } from './cheque-store.ts'
import { fromHex, signTyped } from '../../chain/signatures.ts'

/** What a requester short of payment tokens should do: the local faucet, or a transfer on a real chain. */
export function howToGetTokens (chain: Pick<ChainConfig, 'local'>, address: Address): string {
  return chain.local ? 'get test tokens with the Faucet on the Wallet page (or `cast send` from a funded anvil account)' : `send ${PAYMENT_TOKEN.symbol} to ${address}`
}

/** Per-lane bookkeeping of the requester. */
interface LaneBook {
  owner: Address
  /** A peer of the owner's last seen serving us. */
  peer: string
  /** What the lane had paid or promised before this process: the chain's claimed total, or the cheque the provider holds; undefined until read. */
  baseline: bigint | undefined
  /** What this process added (the sum of `jobs`). */
  owed: bigint
  /** Highest amount the provider acknowledged holding. */
  delivered: bigint
  /** Amounts per job id this process added to the lane. */
  jobs: Map<string, bigint>
}

export type RequesterPaymentsOptions = {
  node: MeshNode
  chain: ChainConfig
  /** A live provider advertising `owner`, to redeliver cheques to a provider that came back under a new peer id. */
  findProvider?: (owner: Address) => ProviderEntry | undefined
} & ({ account: Account } | { walletClient: TabmeshWalletClient })

/**
 * The requester's money side over payment lanes (contracts/src/PaymentLanes.sol): deposits and funds
 * one lane per provider owner (`fundLanes`, batched), and after each accepted task signs that lane's
 * new cumulative EIP-712 cheque and sends it on the connection's cheque session (mesh/protocol/cheque.ts). Lanes live across jobs:
 * what is left stays for the next job until `startClose`/`finishClose`.
 */
export class RequesterPayments {
  readonly chain: ChainConfig
  readonly address: Address
  readonly publicClient: TabmeshPublicClient
  readonly walletClient: TabmeshWalletClient
  private readonly node: MeshNode
  private readonly books = new Map<string, LaneBook>()
  private readonly findProvider: (owner: Address) => ProviderEntry | undefined
  /** Funding, and each lane's cheques, one at a time (chain/serialize.ts). */
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly bindings = new Map<string, Promise<Hex>>()
  /** One cheque session per provider connection (mesh/protocol/cheque.ts). */
  private readonly sessions = new ChequeSessions()

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

  /** The requester's EIP-712 PeerBinding of `peerId` to its address (sent with paid tasks), signed once per peer id. */
  async binding (peerId: string): Promise<Hex> {
    let b = this.bindings.get(peerId)
    if (b === undefined) {
      b = signTyped(this.walletClient, this.chain, 'PeerBinding', { peerId, owner: this.address })
      this.bindings.set(peerId, b)
      b.catch(() => { this.bindings.delete(peerId) })
    }
    return await b
  }

  /** This requester's clients for chain/actions/, with `signal`. */
  private clients (signal: AbortSignal | undefined): WriteParameters {
    return { chain: this.chain, publicClient: this.publicClient, walletClient: this.walletClient, ...(signal !== undefined ? { signal } : {}) }
  }

  /** Protocol fee in basis points, read from PaymentLanes. */
  async feeBps (): Promise<number> {
    return await readFeeBps({ chain: this.chain, publicClient: this.publicClient })
  }

  /**
   * Makes every lane to `owners` hold at least `perLane` more than this requester has signed on it:
   * deposits the shortfall (approve + deposit) and funds all lanes in one `fundLanes`.
   * Calls are serialized. @returns the transaction hashes (none when every lane was already funded)
   * @throws TabmeshError INSUFFICIENT_BALANCE when the wallet cannot cover the deposit
   */
  async ensureFunded (owners: Address[], perLane: bigint, options: { signal?: AbortSignal } = {}): Promise<Hex[]> {
    return await serialized(this.queues, 'funding', async () => await this.fund(owners, perLane, options.signal))
  }

  /**
   * Adds `amount` to what the lane to `owner` owes (for `jobId`) and sends the owner's provider (`peer`)
   * the new cumulative cheque.
   */
  async pay (jobId: string, peer: string, owner: Address, amount: bigint, options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const book = await this.book(owner, peer)
    book.peer = peer
    book.owed += amount
    book.jobs.set(jobId, (book.jobs.get(jobId) ?? 0n) + amount)
    await this.send(book, jobId, false, options.signal)
  }

  /** What this requester's cheques added for `jobId`, over all lanes, payment-token base units. */
  paidFor (jobId: string): bigint {
    let total = 0n
    for (const book of this.books.values()) total += book.jobs.get(jobId) ?? 0n
    return total
  }

  /** Owners whose provider has not acknowledged the newest cheque (it left before it arrived). */
  undelivered (): Address[] {
    return [...this.books.values()].filter(b => b.baseline !== undefined && b.delivered < b.baseline + b.owed).map(b => b.owner)
  }

  /** Sends every lane `jobId` used its newest cheque again, marked final for the job. */
  async finish (jobId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await Promise.allSettled([...this.books.values()].filter(b => b.jobs.has(jobId)).map(async b => { await this.send(b, jobId, true, options.signal) }))
  }

  /**
   * Sends the newest cheque again to every lane whose provider has not acknowledged it, under any peer
   * id that now advertises its owner — a closed tab that reopens, a restarted Node provider.
   */
  async redeliver (jobId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await Promise.allSettled(this.undelivered().map(async owner => { await this.send(this.books.get(owner.toLowerCase())!, jobId, true, options.signal) }))
  }

  /** Starts closing the lane to `owner` (its unspent funds come back after the challenge window). @returns the transaction hash */
  async startClose (owner: Address, options: { signal?: AbortSignal } = {}): Promise<Hex> {
    return await startClose({ ...this.clients(options.signal), owner })
  }

  /** Finishes a due close: the lane's unspent funds return to this requester's deposit. @returns the transaction hash */
  async finishClose (owner: Address, options: { signal?: AbortSignal } = {}): Promise<Hex> {
    return await finishClose({ ...this.clients(options.signal), owner })
  }

  private async book (owner: Address, peer: string): Promise<LaneBook> {
    const key = owner.toLowerCase()
    let book = this.books.get(key)
    if (book === undefined) {
      book = { owner, peer, baseline: undefined, owed: 0n, delivered: 0n, jobs: new Map() }
      this.books.set(key, book)
    }
    if (book.baseline === undefined) {
      // Cheques are cumulative over the lane's life: continue from what the lane already paid out
      // (a provider that holds a newer cheque says so in its ack, and we continue from there).
      const { claimed } = await readLane({ chain: this.chain, publicClient: this.publicClient, requester: this.address, owner })
      book.baseline ??= claimed
    }
    return book
  }

  private async fund (owners: Address[], perLane: bigint, signal?: AbortSignal): Promise<Hex[]> {
    const unique = [...new Map(owners.map(o => [o.toLowerCase(), o])).values()]
    const topUps: Array<{ owner: Address, amount: bigint }> = []
    for (const owner of unique) {
      signal?.throwIfAborted()
      const book = await this.book(owner, '')
      const { funded } = await readLane({ chain: this.chain, publicClient: this.publicClient, requester: this.address, owner })
      const want = book.baseline! + book.owed + perLane
      if (funded < want) topUps.push({ owner, amount: want - funded })
    }
    if (topUps.length === 0) return []
    const total = topUps.reduce((sum, t) => sum + t.amount, 0n)
    const hashes: Hex[] = []
    const deposited = await readDeposit({ chain: this.chain, publicClient: this.publicClient, requester: this.address })
    if (deposited < total) {
      const need = total - deposited
      const balance = await readBalance({ publicClient: this.publicClient, token: this.chain.paymentToken, owner: this.address })
      if (balance < need) {
        throw new TabmeshError('INSUFFICIENT_BALANCE', `funding ${topUps.length} payment lane${topUps.length === 1 ? '' : 's'} needs ${formatTokenAmount(need, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)} more but ${this.address} holds ${formatTokenAmount(balance, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)}: ${howToGetTokens(this.chain, this.address)}, or lower the price`)
      }
      signal?.throwIfAborted()
      hashes.push(await approve({ ...this.clients(signal), errorCode: 'FUND_LANES_FAILED', token: this.chain.paymentToken, spender: this.chain.lanes, amount: need }))
      hashes.push(await deposit({ ...this.clients(signal), amount: need }))
    }
    signal?.throwIfAborted()
    hashes.push(await fundLanes({ ...this.clients(signal), owners: topUps.map(t => t.owner), amounts: topUps.map(t => t.amount) }))
    return hashes
  }

  /** The provider's connection, or one to whichever live peer now advertises its owner. */
  private async connectionTo (book: LaneBook): Promise<Connection | undefined> {
    if (book.peer !== '') {
      const existing = unlimitedConnection(this.node, peerIdFromString(book.peer))
      if (existing !== undefined) return existing
    }
    const back = this.findProvider(book.owner)
    if (back === undefined) return undefined
    try {
      const connection = await connectDirect(this.node, peerIdFromString(back.ad.peerId), toMultiaddrs(back.ad.multiaddrs), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      book.peer = back.ad.peerId
      return connection
    } catch {
      return undefined
    }
  }

  /** Sends the lane's newest cheque; one lane's cheques go one at a time, in order. */
  private async send (book: LaneBook, jobId: string, final: boolean, signal?: AbortSignal): Promise<void> {
    await serialized(this.queues, laneKey(this.address, book.owner), async () => {
      // Cheques are cumulative: one sent after this was queued already carries its amount. Skipping
      // those keeps a lane's cheques one round trip behind its results however fast tasks finish.
      if (!final && book.baseline !== undefined && book.delivered >= book.baseline + book.owed) return
      for (let attempt = 0; attempt < 2; attempt++) {
        signal?.throwIfAborted()
        const cumulativeAmount = book.baseline! + book.owed
        const signature = await signTyped(this.walletClient, this.chain, 'Cheque', { requester: this.address, owner: book.owner, cumulativeAmount })
        const connection = await this.connectionTo(book)
        if (connection === undefined) return // the provider left; `redeliver` retries
        const timeout = AbortSignal.timeout(CHEQUE_ACK_TIMEOUT_MS)
        const ack = await this.sessions.send(connection, {
          jobId: /^0x[0-9a-fA-F]{64}$/.test(jobId) ? fromHex(jobId) : new Uint8Array(0),
          cumulativeAmount: cumulativeAmount.toString(),
          signature: fromHex(signature),
          final,
          requester: this.address,
          owner: book.owner
        }, { signal: signal !== undefined ? AbortSignal.any([signal, timeout]) : timeout })
        const held = /^\d{1,78}$/.test(ack.held) ? BigInt(ack.held) : 0n
        if (ack.ok) {
          if (cumulativeAmount > book.delivered) book.delivered = cumulativeAmount
          return
        }
        // This process started from the chain's claimed total but the provider holds a newer cheque of
        // ours (an earlier run's): continue from there and send again.
        if (held <= cumulativeAmount - book.owed || attempt > 0) throw new TabmeshError('CHEQUE_REFUSED', `provider ${book.peer} refused the cheque: ${ack.error}`)
        book.baseline = held
      }
    })
  }
}
