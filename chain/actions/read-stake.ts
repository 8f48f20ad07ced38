import type { Address } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export interface ReadStakeParameters extends ReadParameters<'staking'> {
  owner: Address
}

/** Active stake (not unbonding), staking-token base units (18 decimals). */
export type ReadStakeReturnType = bigint

export type ReadStakeErrorType = ReadErrorType

/**
 * `owner`'s active stake (Staking.stakeOf).
 * @example
 * const stake = await readStake({ chain, publicClient, owner })
 */
export async function readStake (p: ReadStakeParameters): Promise<ReadStakeReturnType> {
  return await p.publicClient.readContract({ address: p.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [p.owner] })
}
