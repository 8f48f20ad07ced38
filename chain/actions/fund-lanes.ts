import type { Address, Hex } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface FundLanesParameters extends WriteParameters<'lanes'> {
  /** the lanes' owners (one lane per requester × owner) */
  owners: readonly Address[]
  /** what to add to each lane, payment-token base units, in the order of `owners` */
  amounts: readonly bigint[]
}

/** The transaction hash, once mined and successful. */
export type FundLanesReturnType = Hex

/** TabmeshError `errorCode` (default FUND_LANES_FAILED) when it reverts; see WriteErrorType. */
export type FundLanesErrorType = WriteErrorType

/** The transaction `fundLanes` sends (PaymentLanes.fundLanes), for callers that simulate it first or send it themselves. */
export function fundLanesRequest (p: RequestParameters<FundLanesParameters>): ContractTxRequest<typeof paymentLanesAbi, 'fundLanes'> {
  return { address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'fundLanes', args: [p.owners, p.amounts] }
}

/**
 * Adds `amounts[i]` from the sender's deposit to its lane to `owners[i]`, in one transaction (PaymentLanes.fundLanes).
 * @throws FundLanesErrorType
 * @example
 * await fundLanes({ chain, publicClient, walletClient, owners: [owner], amounts: [10_000n] })
 */
export async function fundLanes (p: FundLanesParameters): Promise<FundLanesReturnType> {
  return await sendAction(p, fundLanesRequest(p), 'FUND_LANES_FAILED')
}
