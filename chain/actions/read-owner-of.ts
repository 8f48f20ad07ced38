import type { Address } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export interface ReadOwnerOfParameters extends ReadParameters<'staking'> {
  operator: Address
}

/** The owner `operator` acts for, or undefined when it is not registered. */
export type ReadOwnerOfReturnType = Address | undefined

export type ReadOwnerOfErrorType = ReadErrorType

/**
 * Whom `operator` acts for (Staking.ownerOf; the zero address means nobody).
 * @example
 * const owner = await readOwnerOf({ chain, publicClient, operator })
 */
export async function readOwnerOf (p: ReadOwnerOfParameters): Promise<ReadOwnerOfReturnType> {
  const owner = await p.publicClient.readContract({ address: p.chain.staking, abi: stakingAbi, functionName: 'ownerOf', args: [p.operator] })
  return /^0x0{40}$/.test(owner) ? undefined : owner
}
