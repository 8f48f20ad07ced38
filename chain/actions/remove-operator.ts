import type { Address, Hex } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface RemoveOperatorParameters extends WriteParameters<'staking'> {
  /** an operator of the sender */
  operator: Address
}

/** The transaction hash, once mined and successful. */
export type RemoveOperatorReturnType = Hex

/** TabmeshError `errorCode` (default REMOVE_OPERATOR_FAILED) when it reverts; see WriteErrorType. */
export type RemoveOperatorErrorType = WriteErrorType

/** The transaction `removeOperator` sends (Staking.removeOperator), for callers that simulate it first or send it themselves. */
export function removeOperatorRequest (p: RequestParameters<RemoveOperatorParameters>): ContractTxRequest<typeof stakingAbi, 'removeOperator'> {
  return { address: p.chain.staking, abi: stakingAbi, functionName: 'removeOperator', args: [p.operator] }
}

/**
 * Stops `operator` acting for the sender (Staking.removeOperator).
 * @throws RemoveOperatorErrorType
 * @example
 * await removeOperator({ chain, publicClient, walletClient, operator })
 */
export async function removeOperator (p: RemoveOperatorParameters): Promise<RemoveOperatorReturnType> {
  return await sendAction(p, removeOperatorRequest(p), 'REMOVE_OPERATOR_FAILED')
}
