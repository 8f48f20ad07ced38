import type { Hex } from 'viem'
import { arbitrationAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface RevealVoteParameters extends WriteParameters<'arbitration'> {
  /** the dispute */
  id: bigint
  /** the output hash committed to, 32 bytes (zero: "could not fetch the data") */
  outputHash: Hex
  /** the commitment's salt, 32 bytes */
  salt: Hex
}

/** The transaction hash, once mined and successful. */
export type RevealVoteReturnType = Hex

/** TabmeshError `errorCode` (default ARBITRATION_FAILED) when it reverts; see WriteErrorType. */
export type RevealVoteErrorType = WriteErrorType

/** The transaction `revealVote` sends (Arbitration.reveal), for callers that simulate it first or send it themselves. */
export function revealVoteRequest (p: RequestParameters<RevealVoteParameters>): ContractTxRequest<typeof arbitrationAbi, 'reveal'> {
  return { address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'reveal', args: [p.id, p.outputHash, p.salt] }
}

/**
 * A drawn arbiter reveals what it committed to (Arbitration.reveal), before the reveal deadline.
 * @throws RevealVoteErrorType
 * @example
 * await revealVote({ chain, publicClient, walletClient, id, outputHash, salt })
 */
export async function revealVote (p: RevealVoteParameters): Promise<RevealVoteReturnType> {
  return await sendAction(p, revealVoteRequest(p), 'ARBITRATION_FAILED')
}
