import type { Hex } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface StakeParameters extends WriteParameters<'staking'> {
  /** staking-token base units (18 decimals); the sender must have approved Staking for it */
  amount: bigint
}

/** The transaction hash, once mined and successful. */
export type StakeReturnType = Hex

/** TabmeshError `errorCode` (default STAKE_FAILED) when it reverts; see WriteErrorType. */
export type StakeErrorType = WriteErrorType

/** The transaction `stake` sends (Staking.stake), for callers that simulate it first or send it themselves. */
export function stakeRequest (p: RequestParameters<StakeParameters>): ContractTxRequest<typeof stakingAbi, 'stake'> {
  return { address: p.chain.staking, abi: stakingAbi, functionName: 'stake', args: [p.amount] }
}

/**
 * Adds `amount` to the sender's stake (Staking.stake; approve Staking first, see `approve`).
 * @throws StakeErrorType
 * @example
 * await stake({ chain, publicClient, walletClient, amount: parseUnits('100', 18) })
 */
export async function stake (p: StakeParameters): Promise<StakeReturnType> {
  return await sendAction(p, stakeRequest(p), 'STAKE_FAILED')
}
