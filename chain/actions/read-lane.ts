import type { Address } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export interface ReadLaneParameters extends ReadParameters<'lanes'> {
  requester: Address
  owner: Address
}

/** One payment lane (requester × owner). Amounts in payment-token base units (6 decimals). */
export interface LaneState {
  /** Put in by the requester, in all. */
  funded: bigint
  /** Paid out to the owner (before the fee), in all. */
  claimed: bigint
  /** When a started close may finish, unix seconds; 0 while the lane is open. */
  closesAt: bigint
}

export type ReadLaneReturnType = LaneState

export type ReadLaneErrorType = ReadErrorType

/**
 * The lane from `requester` to `owner` (PaymentLanes.lanes); all zero for a lane never funded.
 * @example
 * const { funded, claimed } = await readLane({ chain, publicClient, requester, owner })
 */
export async function readLane (p: ReadLaneParameters): Promise<ReadLaneReturnType> {
  const [funded, claimed, closesAt] = await p.publicClient.readContract({ address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'lanes', args: [p.requester, p.owner] })
  return { funded, claimed, closesAt: BigInt(closesAt) }
}
