import type { Address, Hex } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface ClaimParameters extends WriteParameters<'lanes'> {
  /** the newest cheque of the lane (cumulativeAmount in payment-token base units) */
  cheque: { requester: Address, owner: Address, cumulativeAmount: bigint }
  /** the requester's EIP-712 Cheque signature, 65 bytes (chain/eip712.ts) */
  signature: Hex
}

/** The transaction hash, once mined and successful. */
export type ClaimReturnType = Hex

/** TabmeshError `errorCode` (default CLAIM_FAILED) when it reverts; see WriteErrorType. */
export type ClaimErrorType = WriteErrorType

/** The transaction `claim` sends (PaymentLanes.claim), for callers that simulate it first or send it themselves. */
export function claimRequest (p: RequestParameters<ClaimParameters>): ContractTxRequest<typeof paymentLanesAbi, 'claim'> {
  return { address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'claim', args: [p.cheque, p.signature] }
}

/**
 * Pays the lane's owner what `cheque` adds to what was claimed, less the fee (PaymentLanes.claim; anyone may send it).
 * @throws ClaimErrorType
 * @example
 * await claim({ chain, publicClient, walletClient, cheque: { requester, owner, cumulativeAmount: 12_000n }, signature })
 */
export async function claim (p: ClaimParameters): Promise<ClaimReturnType> {
  return await sendAction(p, claimRequest(p), 'CLAIM_FAILED')
}
