import type { Address, Hex } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface ClaimManyParameters extends WriteParameters<'lanes'> {
  /** the newest cheque of each lane */
  cheques: ReadonlyArray<{ requester: Address, owner: Address, cumulativeAmount: bigint }>
  /** their EIP-712 Cheque signatures, in the same order */
  signatures: readonly Hex[]
}

/** The transaction hash, once mined and successful. */
export type ClaimManyReturnType = Hex

/** TabmeshError `errorCode` (default CLAIM_FAILED) when it reverts; see WriteErrorType. */
export type ClaimManyErrorType = WriteErrorType

/** The transaction `claimMany` sends (PaymentLanes.claimMany), for callers that simulate it first or send it themselves. */
export function claimManyRequest (p: RequestParameters<ClaimManyParameters>): ContractTxRequest<typeof paymentLanesAbi, 'claimMany'> {
  return { address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'claimMany', args: [p.cheques, p.signatures] }
}

/**
 * Claims many lanes' cheques in one transaction (PaymentLanes.claimMany).
 * @throws ClaimManyErrorType
 * @example
 * await claimMany({ chain, publicClient, walletClient, cheques, signatures })
 */
export async function claimMany (p: ClaimManyParameters): Promise<ClaimManyReturnType> {
  return await sendAction(p, claimManyRequest(p), 'CLAIM_FAILED')
}
