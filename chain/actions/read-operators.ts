import type { Address } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export interface ReadOperatorsParameters extends ReadParameters<'staking'> {
  owner: Address
}

/** The owner's operators, in the order registered. */
export type ReadOperatorsReturnType = readonly Address[]

export type ReadOperatorsErrorType = ReadErrorType

/**
 * Who acts for `owner` (Staking.operatorsOf).
 * @example
 * const operators = await readOperators({ chain, publicClient, owner })
 */
export async function readOperators (p: ReadOperatorsParameters): Promise<ReadOperatorsReturnType> {
  return await p.publicClient.readContract({ address: p.chain.staking, abi: stakingAbi, functionName: 'operatorsOf', args: [p.owner] })
}
