import type { Hex } from 'viem'
import { arbitrationAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface CommitVoteParameters extends WriteParameters<'arbitration'> {
  /** the dispute */
  id: bigint
  /** keccak256(abi.encode(id, arbiter, outputHash, salt)), 32 bytes */
  commitment: Hex
}

/** The transaction hash, once mined and successful. */
export type CommitVoteReturnType = Hex

/** TabmeshError `errorCode` (default ARBITRATION_FAILED) when it reverts; see WriteErrorType. */
export type CommitVoteErrorType = WriteErrorType

/** The transaction `commitVote` sends (Arbitration.commit), for callers that simulate it first or send it themselves. */
export function commitVoteRequest (p: RequestParameters<CommitVoteParameters>): ContractTxRequest<typeof arbitrationAbi, 'commit'> {
  return { address: p.chain.arbitration, abi: arbitrationAbi, functionName: 'commit', args: [p.id, p.commitment] }
}

/**
 * A drawn arbiter commits to its output hash (Arbitration.commit), before the commit deadline.
 * @throws CommitVoteErrorType
 * @example
 * await commitVote({ chain, publicClient, walletClient, id, commitment })
 */
export async function commitVote (p: CommitVoteParameters): Promise<CommitVoteReturnType> {
  return await sendAction(p, commitVoteRequest(p), 'ARBITRATION_FAILED')
}
