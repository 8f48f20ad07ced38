import type { Address, Hex } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface FinishCloseParameters extends WriteParameters<'lanes'> {
  /** the lane's owner (the sender is its requester) */
  owner: Address
}

/** The transaction hash, once mined and successful. */
export type FinishCloseReturnType = Hex

/** TabmeshError `errorCode` (default LANE_CLOSE_FAILED) when it reverts; see WriteErrorType. */
export type FinishCloseErrorType = WriteErrorType

/** The transaction `finishClose` sends (PaymentLanes.finishClose), for callers that simulate it first or send it themselves. */
export function finishCloseRequest (p: RequestParameters<FinishCloseParameters>): ContractTxRequest<typeof paymentLanesAbi, 'finishClose'> {
  return { address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'finishClose', args: [p.owner] }
}

/**
 * Ends a closing lane once its challenge window has passed and returns its unclaimed funds to the sender's deposit (PaymentLanes.finishClose).
 * @throws FinishCloseErrorType
 * @example
 * await finishClose({ chain, publicClient, walletClient, owner })
 */
export async function finishClose (p: FinishCloseParameters): Promise<FinishCloseReturnType> {
  return await sendAction(p, finishCloseRequest(p), 'LANE_CLOSE_FAILED')
}
