import type { Hex } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface DepositParameters extends WriteParameters<'lanes'> {
  /** payment-token base units (6 decimals); the sender must have approved PaymentLanes for it */
  amount: bigint
}

/** The transaction hash, once mined and successful. */
export type DepositReturnType = Hex

/** TabmeshError `errorCode` (default FUND_LANES_FAILED) when it reverts; see WriteErrorType. */
export type DepositErrorType = WriteErrorType

/** The transaction `deposit` sends (PaymentLanes.deposit), for callers that simulate it first or send it themselves. */
export function depositRequest (p: RequestParameters<DepositParameters>): ContractTxRequest<typeof paymentLanesAbi, 'deposit'> {
  return { address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'deposit', args: [p.amount] }
}

/**
 * Moves `amount` of the payment token into the sender's PaymentLanes deposit, from which `fundLanes` funds lanes (PaymentLanes.deposit).
 * @throws DepositErrorType
 * @example
 * await deposit({ chain, publicClient, walletClient, amount: parseUnits('5', 6) })
 */
export async function deposit (p: DepositParameters): Promise<DepositReturnType> {
  return await sendAction(p, depositRequest(p), 'FUND_LANES_FAILED')
}
