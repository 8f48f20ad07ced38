import type { Hex } from 'viem'
import type { Receipt } from '../eip712.ts'
import { arbitrationAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface OpenDisputeTxParameters extends WriteParameters<'arbitration'> {
  /** chain/task-hash.ts encodeTaskSpec of the task; its keccak256 is every receipt's task hash. */
  taskSpec: Hex
  /** Where arbiters fetch the module and input: UTF-8 bytes (libp2p peer ids, one per line). */
  locator: Hex
  /** Receipts that disagree about the task (2 … MAX_PARTIES, distinct registered operators). */
  receipts: readonly Receipt[]
  /** Their EIP-712 Receipt signatures, 65 bytes each, in the same order. */
  signatures: readonly Hex[]
}

/** The transaction hash, once mined and successful (its DisputeOpened log holds the id). */
export type OpenDisputeTxReturnType = Hex

/** TabmeshError `errorCode` (default DISPUTE_FAILED) when it reverts (receipts agree, an operator unknown…); see WriteErrorType. */
export type OpenDisputeTxErrorType = WriteErrorType

/** The transaction `openDisputeTx` sends (Arbitration.openDispute). */
export function openDisputeTxRequest (p: RequestParameters<OpenDisputeTxParameters>): ContractTxRequest<typeof arbitrationAbi, 'openDispute'> {
  return { address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'openDispute', args: [p.taskSpec, p.locator, p.receipts, p.signatures] }
}

/**
 * Opens a dispute (Arbitration.openDispute), pulling the dispute bond from the sender — approve it
 * first. mesh/payment/disputes.ts `openDispute` does approve, open and draw together.
 * @throws OpenDisputeTxErrorType
 * @example
 * const hash = await openDisputeTx({ chain, publicClient, walletClient, taskSpec, locator: stringToHex(peerId), receipts, signatures })
 */
export async function openDisputeTx (p: OpenDisputeTxParameters): Promise<OpenDisputeTxReturnType> {
  return await sendAction(p, openDisputeTxRequest(p), 'DISPUTE_FAILED')
}
