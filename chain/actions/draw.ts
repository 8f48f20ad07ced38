import type { Hex } from 'viem'
import { arbitrationAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface DrawParameters extends WriteParameters<'arbitration'> {
  /** The dispute; its draw block must have passed. */
  id: bigint
  /** Gas limit; default: the node's estimate (the draw's gas depends on the block's randomness). */
  gas?: bigint
}

/** The transaction hash, once mined and successful. */
export type DrawReturnType = Hex

/** TabmeshError `errorCode` (default DISPUTE_FAILED) when it reverts (too early, drawn already); see WriteErrorType. */
export type DrawErrorType = WriteErrorType

/** The transaction `draw` sends (Arbitration.draw). */
export function drawRequest (p: RequestParameters<DrawParameters>): ContractTxRequest<typeof arbitrationAbi, 'draw'> {
  return { address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'draw', args: [p.id], ...(p.gas !== undefined ? { gas: p.gas } : {}) }
}

/**
 * Draws dispute `id`'s arbiters, stake-weighted, from its draw block's `prevrandao` (Arbitration.draw;
 * anyone may send it). mesh/payment/disputes.ts `drawArbiters` waits for the block and pads the gas.
 * @throws DrawErrorType
 * @example
 * await draw({ chain, publicClient, walletClient, id })
 */
export async function draw (p: DrawParameters): Promise<DrawReturnType> {
  return await sendAction(p, drawRequest(p), 'DISPUTE_FAILED')
}
