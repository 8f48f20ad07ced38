import { arbitrationAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export type ReadDisputeCountParameters = ReadParameters<'arbitration'>

/** Disputes ever opened; their ids are 1 … count. */
export type ReadDisputeCountReturnType = bigint

export type ReadDisputeCountErrorType = ReadErrorType

/**
 * How many disputes were opened (Arbitration.disputeCount).
 * @example
 * const last = await readDisputeCount({ chain, publicClient })
 */
export async function readDisputeCount (p: ReadDisputeCountParameters): Promise<ReadDisputeCountReturnType> {
  return await p.publicClient.readContract({ address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'disputeCount' })
}
