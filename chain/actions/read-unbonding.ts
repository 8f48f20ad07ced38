import type { Address } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export interface ReadUnbondingParameters extends ReadParameters<'staking'> {
  owner: Address
}

export interface ReadUnbondingReturnType {
  /** Stake on its way out, staking-token base units (18 decimals). */
  amount: bigint
  /** When `withdrawStake` can pay it, unix seconds (0 when nothing is unbonding). */
  releaseAt: number
}

export type ReadUnbondingErrorType = ReadErrorType

/**
 * `owner`'s unbonding stake (Staking.unbonding).
 * @example
 * const { amount, releaseAt } = await readUnbonding({ chain, publicClient, owner })
 */
export async function readUnbonding (p: ReadUnbondingParameters): Promise<ReadUnbondingReturnType> {
  const [amount, releaseAt] = await p.publicClient.readContract({ address: p.chain.staking, abi: stakingAbi, functionName: 'unbonding', args: [p.owner] })
  return { amount, releaseAt: Number(releaseAt) }
}
