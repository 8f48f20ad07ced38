import { parseEventLogs, stringToHex } from 'viem'
import type { Address, Hex } from 'viem'
import { TabmeshError } from '../../errors/base.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import type { Receipt } from '../../chain/eip712.ts'
import { arbitrationAbi } from '../../chain/generated/contracts.ts'
import { approve } from '../../chain/actions/approve.ts'
import { draw, drawRequest } from '../../chain/actions/draw.ts'
import { openDisputeTx } from '../../chain/actions/open-dispute-tx.ts'
import { readDispute } from '../../chain/actions/read-dispute.ts'
import type { DisputeState } from '../../chain/actions/read-dispute.ts'
import { readDisputeBond } from '../../chain/actions/read-dispute-bond.ts'
import { resolveDispute } from '../../chain/actions/resolve-dispute.ts'
import { serialized } from '../../chain/serialize.ts'
import { nextBlockTime } from '../../chain/clock.ts'

/** A signed receipt as the scheduler keeps it. */
export interface SignedReceipt {
  receipt: Receipt
  signature: Hex
}

interface Clients {
  chain: ChainConfig
  publicClient: TabmeshPublicClient
}

export interface OpenDisputeParameters extends Clients {
  wallet: TabmeshWalletClient
  /** chain/task-hash.ts encodeTaskSpec of the task; its keccak256 is every receipt's task hash. */
  taskSpec: Hex
  /** Where arbiters fetch the module and input: UTF-8 libp2p peer ids, one per line. */
  locator: string
  receipts: SignedReceipt[]
}

export interface OpenDisputeReturnType {
  id: bigint
  transactions: Hex[]
}

/**
 * Opens a dispute over receipts that disagree about one task (approves and posts the bond), then
 * draws its arbiters in a later block.
 * @throws TabmeshError DISPUTE_FAILED when a transaction reverts (receipts agree, unknown operator…)
 * @example
 * const { id } = await openDispute({ chain, publicClient, wallet, taskSpec, locator: node.peerId.toString(), receipts })
 */
export async function openDispute (p: OpenDisputeParameters): Promise<OpenDisputeReturnType> {
  // approve + openDispute must not interleave with another dispute of this account (the second
  // approve would replace the first's allowance before it is spent).
  return await serialized(opening, p.wallet.account.address.toLowerCase(), async () => await openNow(p))
}

/** The last dispute being opened per account. */
const opening = new Map<string, Promise<unknown>>()

async function openNow (p: OpenDisputeParameters): Promise<OpenDisputeReturnType> {
  const clients = { chain: p.chain, publicClient: p.publicClient, walletClient: p.wallet, errorCode: 'DISPUTE_FAILED' }
  const bond = await readDisputeBond(p)
  const transactions: Hex[] = []
  if (bond > 0n) transactions.push(await approve({ ...clients, token: p.chain.stakingToken, spender: p.chain.arbitration, amount: bond }))
  const open = await openDisputeTx({ ...clients, taskSpec: p.taskSpec, locator: stringToHex(p.locator), receipts: p.receipts.map(r => r.receipt), signatures: p.receipts.map(r => r.signature) })
  transactions.push(open)
  const receipt = await p.publicClient.getTransactionReceipt({ hash: open })
  const opened = parseEventLogs({ abi: arbitrationAbi, logs: receipt.logs, eventName: 'DisputeOpened' })[0]
  if (opened === undefined) throw new TabmeshError('DISPUTE_FAILED', 'openDispute emitted no DisputeOpened')
  const id = opened.args.id
  transactions.push(await drawArbiters({ ...p, id }))
  return { id, transactions }
}

/** Draws the arbiters of `id` once its draw block has passed (waits for it). @returns the transaction hash */
export async function drawArbiters (p: Clients & { wallet: TabmeshWalletClient, id: bigint, signal?: AbortSignal }): Promise<Hex> {
  const state = await readDispute(p)
  while (await p.publicClient.getBlockNumber() + 1n < state.drawBlock) {
    p.signal?.throwIfAborted()
    await new Promise(resolve => setTimeout(resolve, 1_000))
  }
  // The draw's gas depends on the block's randomness (how far the scan runs), so an estimate made
  // against one block can fall short in the next: send twice the estimate (unused gas is refunded).
  const estimate = await p.publicClient.estimateContractGas({ ...drawRequest({ chain: p.chain, id: p.id }), account: p.wallet.account })
  return await draw({ chain: p.chain, publicClient: p.publicClient, walletClient: p.wallet, id: p.id, gas: estimate * 2n + 100_000n })
}

/**
 * Waits until dispute `id` is resolved or expired, calling `resolve` when it can (anyone may).
 * @returns the final state, the stake taken from parties whose receipts lost (`slashed`) and from drawn
 *   arbiters that did not reveal (`penalties`), staking-token base units
 * @throws AbortError when `signal` fires first
 */
export async function settleDispute (p: Clients & { wallet: TabmeshWalletClient, id: bigint, signal?: AbortSignal, pollMs?: number }): Promise<{ state: DisputeState, slashed: bigint, penalties: bigint }> {
  while (true) {
    p.signal?.throwIfAborted()
    const state = await readDispute(p)
    if (state.status === 'resolved' || state.status === 'expired') return { state, ...await slashedIn(p, state) }
    if (state.status === 'drawn') {
      const allRevealed = await everyoneRevealed(p, p.id, state.arbiters.length, state.drawBlock)
      if (allRevealed || await nextBlockTime(p.publicClient) > state.revealDeadline) {
        await resolveDispute({ chain: p.chain, publicClient: p.publicClient, walletClient: p.wallet, id: p.id }).catch(() => {})
        continue
      }
    }
    await new Promise(resolve => setTimeout(resolve, p.pollMs ?? 1_000))
  }
}

/**
 * Stake taken in a decided dispute (its OwnerSlashed events from its draw block): from parties whose
 * receipts lost, and from drawn arbiters that did not reveal. Staking-token base units.
 */
export async function slashedIn (p: Clients, state: DisputeState): Promise<{ slashed: bigint, penalties: bigint }> {
  const logs = await p.publicClient.getContractEvents({ address: p.chain.arbitration, abi: arbitrationAbi, eventName: 'OwnerSlashed', args: { id: state.id }, fromBlock: state.drawBlock - 1n })
  const parties = new Set(state.parties.map(a => a.toLowerCase()))
  let slashed = 0n
  let penalties = 0n
  for (const log of logs) {
    const amount = log.args.amount ?? 0n
    if (parties.has(log.args.owner?.toLowerCase() ?? '')) slashed += amount
    else penalties += amount
  }
  return { slashed, penalties }
}

async function everyoneRevealed (p: Clients, id: bigint, arbiters: number, fromBlock: bigint): Promise<boolean> {
  const logs = await p.publicClient.getContractEvents({ address: p.chain.arbitration, abi: arbitrationAbi, eventName: 'VoteRevealed', args: { id }, fromBlock: fromBlock - 1n })
  return logs.length >= arbiters
}
