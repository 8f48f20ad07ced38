import { arbitrationAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export type ReadDisputeBondParameters = ReadParameters<'arbitration'>

/** What opening a dispute posts, staking-token base units (18 decimals). */
export type ReadDisputeBondReturnType = bigint

export type ReadDisputeBondErrorType = ReadErrorType

/**
 * The bond an opener posts (Arbitration.disputeBond; returned when someone is slashed).
 * @example
 * const bond = await readDisputeBond({ chain, publicClient })
 */
export async function readDisputeBond (p: ReadDisputeBondParameters): Promise<ReadDisputeBondReturnType> {
  return await p.publicClient.readContract({ address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'disputeBond' })
}
