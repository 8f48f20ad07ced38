import type { Hex } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface WithdrawStakeParameters extends WriteParameters<'staking'> {

}

/** The transaction hash, once mined and successful. */
export type WithdrawStakeReturnType = Hex

/** TabmeshError `errorCode` (default WITHDRAW_FAILED) when it reverts; see WriteErrorType. */
export type WithdrawStakeErrorType = WriteErrorType

/** The transaction `withdrawStake` sends (Staking.withdraw), for callers that simulate it first or send it themselves. */
export function withdrawStakeRequest (p: RequestParameters<WithdrawStakeParameters>): ContractTxRequest<typeof stakingAbi, 'withdraw'> {
  return { address: p.chain.staking, abi: stakingAbi, functionName: 'withdraw', args: [] }
}

/**
 * Pays out the sender's unbonded stake once its release time has passed (Staking.withdraw).
 * @throws WithdrawStakeErrorType
 * @example
 * await withdrawStake({ chain, publicClient, walletClient })
 */
export async function withdrawStake (p: WithdrawStakeParameters): Promise<WithdrawStakeReturnType> {
  return await sendAction(p, withdrawStakeRequest(p), 'WITHDRAW_FAILED')
}
