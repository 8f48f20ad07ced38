import type { Hex } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface RequestUnstakeParameters extends WriteParameters<'staking'> {
  /** staking-token base units (18 decimals) */
  amount: bigint
}

/** The transaction hash, once mined and successful. */
export type RequestUnstakeReturnType = Hex

/** TabmeshError `errorCode` (default UNSTAKE_FAILED) when it reverts; see WriteErrorType. */
export type RequestUnstakeErrorType = WriteErrorType

/** The transaction `requestUnstake` sends (Staking.requestUnstake), for callers that simulate it first or send it themselves. */
export function requestUnstakeRequest (p: RequestParameters<RequestUnstakeParameters>): ContractTxRequest<typeof stakingAbi, 'requestUnstake'> {
  return { address: p.chain.staking, abi: stakingAbi, functionName: 'requestUnstake', args: [p.amount] }
}

/**
 * Moves `amount` of the sender's stake to unbonding; `withdrawStake` pays it out after `unbondingDelay` (Staking.requestUnstake). Reverts while a dispute locks the stake.
 * @throws RequestUnstakeErrorType
 * @example
 * await requestUnstake({ chain, publicClient, walletClient, amount: parseUnits('10', 18) })
 */
export async function requestUnstake (p: RequestUnstakeParameters): Promise<RequestUnstakeReturnType> {
  return await sendAction(p, requestUnstakeRequest(p), 'UNSTAKE_FAILED')
}
