import { stakingAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export type ReadUnbondingDelayParameters = ReadParameters<'staking'>

/** Seconds between `requestUnstake` and `withdrawStake` (7 days on a real network, chain/deploy.ts). */
export type ReadUnbondingDelayReturnType = number

export type ReadUnbondingDelayErrorType = ReadErrorType

/**
 * The deployment's unbonding delay (Staking.unbondingDelay).
 * @example
 * const seconds = await readUnbondingDelay({ chain, publicClient })
 */
export async function readUnbondingDelay (p: ReadUnbondingDelayParameters): Promise<ReadUnbondingDelayReturnType> {
  return Number(await p.publicClient.readContract({ address: p.chain.staking, abi: stakingAbi, functionName: 'unbondingDelay' }))
}
