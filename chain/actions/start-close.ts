import type { Address, Hex } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface StartCloseParameters extends WriteParameters<'lanes'> {
  /** the lane's owner (the sender is its requester) */
  owner: Address
}

/** The transaction hash, once mined and successful. */
export type StartCloseReturnType = Hex

/** TabmeshError `errorCode` (default LANE_CLOSE_FAILED) when it reverts; see WriteErrorType. */
export type StartCloseErrorType = WriteErrorType

/** The transaction `startClose` sends (PaymentLanes.startClose), for callers that simulate it first or send it themselves. */
export function startCloseRequest (p: RequestParameters<StartCloseParameters>): ContractTxRequest<typeof paymentLanesAbi, 'startClose'> {
  return { address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'startClose', args: [p.owner] }
}

/**
 * Starts closing the sender's lane to `owner`: after the challenge window `finishClose` returns what was not claimed (PaymentLanes.startClose).
 * @throws StartCloseErrorType
 * @example
 * await startClose({ chain, publicClient, walletClient, owner })
 */
export async function startClose (p: StartCloseParameters): Promise<StartCloseReturnType> {
  return await sendAction(p, startCloseRequest(p), 'LANE_CLOSE_FAILED')
}
