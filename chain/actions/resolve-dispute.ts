import type { Hex } from 'viem'
import { arbitrationAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface ResolveDisputeParameters extends WriteParameters<'arbitration'> {
  /** the dispute */
  id: bigint
}

/** The transaction hash, once mined and successful. */
export type ResolveDisputeReturnType = Hex

/** TabmeshError `errorCode` (default DISPUTE_FAILED) when it reverts; see WriteErrorType. */
export type ResolveDisputeErrorType = WriteErrorType

/** The transaction `resolveDispute` sends (Arbitration.resolve), for callers that simulate it first or send it themselves. */
export function resolveDisputeRequest (p: RequestParameters<ResolveDisputeParameters>): ContractTxRequest<typeof arbitrationAbi, 'resolve'> {
  return { address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'resolve', args: [p.id] }
}

/**
 * Decides dispute `id` once every arbiter revealed or the reveal deadline passed: slashes the losing parties, pays arbiters and opener (Arbitration.resolve; anyone may send it).
 * @throws ResolveDisputeErrorType
 * @example
 * await resolveDispute({ chain, publicClient, walletClient, id })
 */
export async function resolveDispute (p: ResolveDisputeParameters): Promise<ResolveDisputeReturnType> {
  return await sendAction(p, resolveDisputeRequest(p), 'DISPUTE_FAILED')
}
