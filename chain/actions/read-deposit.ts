import type { Address } from 'viem'
import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export interface ReadDepositParameters extends ReadParameters<'lanes'> {
  requester: Address
}

/** What the requester deposited and has not put in a lane, payment-token base units (6 decimals). */
export type ReadDepositReturnType = bigint

export type ReadDepositErrorType = ReadErrorType

/**
 * The requester's free deposit (PaymentLanes.deposits).
 * @example
 * const free = await readDeposit({ chain, publicClient, requester })
 */
export async function readDeposit (p: ReadDepositParameters): Promise<ReadDepositReturnType> {
  return await p.publicClient.readContract({ address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'deposits', args: [p.requester] })
}
