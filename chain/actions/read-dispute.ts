import type { Address, Hex } from 'viem'
import { arbitrationAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

/** Arbitration.Status, by name. */
export const DISPUTE_STATUS = ['none', 'open', 'drawn', 'resolved', 'expired'] as const
export type DisputeStatus = typeof DISPUTE_STATUS[number]

/** A dispute as Arbitration holds it. */
export interface DisputeState {
  id: bigint
  opener: Address
  status: DisputeStatus
  /** The block whose randomness draws the arbiters. */
  drawBlock: bigint
  /** Unix seconds. */
  commitDeadline: bigint
  /** Unix seconds. */
  revealDeadline: bigint
  /** keccak256 of the task spec (chain/task-hash.ts), 32 bytes. */
  taskHash: Hex
  /** The owners whose receipts disagree, in the order given. */
  parties: readonly Address[]
  /** Per party: the output hash its receipt signed. */
  outputs: readonly Hex[]
  arbiters: readonly Address[]
  /** Per arbiter: its commitment (zero until it commits). */
  commitments: readonly Hex[]
  /** Per arbiter: its revealed output hash (zero until it reveals, or "could not fetch"). */
  reveals: readonly Hex[]
}

export interface ReadDisputeParameters extends ReadParameters<'arbitration'> {
  id: bigint
}

export type ReadDisputeReturnType = DisputeState

export type ReadDisputeErrorType = ReadErrorType

/**
 * Dispute `id` (Arbitration.dispute); status `none` for an id never opened.
 * @example
 * const { status, arbiters } = await readDispute({ chain, publicClient, id })
 */
export async function readDispute (p: ReadDisputeParameters): Promise<ReadDisputeReturnType> {
  const [opener, status, drawBlock, commitDeadline, revealDeadline, taskHash, parties, outputs, arbiters, commitments, reveals] =
    await p.publicClient.readContract({ address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'dispute', args: [p.id] })
  return { id: p.id, opener, status: DISPUTE_STATUS[status] ?? 'none', drawBlock: BigInt(drawBlock), commitDeadline: BigInt(commitDeadline), revealDeadline: BigInt(revealDeadline), taskHash, parties, outputs, arbiters, commitments, reveals }
}
