import type { Address, Hex } from 'viem'
import { testTokenAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteClients, WriteErrorType } from './types.ts'

export interface ApproveParameters extends WriteClients {
  /** the ERC-20 (`chain.paymentToken` or `chain.stakingToken`) */
  token: Address
  /** the contract allowed to pull */
  spender: Address
  /** token base units (tUSD 6 decimals, tSTK 18) */
  amount: bigint
}

/** The transaction hash, once mined and successful. */
export type ApproveReturnType = Hex

/** TabmeshError `errorCode` (default APPROVE_FAILED) when it reverts; see WriteErrorType. */
export type ApproveErrorType = WriteErrorType

/** The transaction `approve` sends (TestToken.approve), for callers that simulate it first or send it themselves. */
export function approveRequest (p: RequestParameters<ApproveParameters>): ContractTxRequest<typeof testTokenAbi, 'approve'> {
  return { address: p.token, abi: testTokenAbi, functionName: 'approve', args: [p.spender, p.amount] }
}

/**
 * Lets `spender` pull up to `amount` of `token` from the sender (ERC-20 `approve`; replaces any earlier allowance).
 * @throws ApproveErrorType
 * @example
 * await approve({ chain, publicClient, walletClient, token: chain.stakingToken, spender: chain.staking, amount: parseUnits('100', 18) })
 */
export async function approve (p: ApproveParameters): Promise<ApproveReturnType> {
  return await sendAction(p, approveRequest(p), 'APPROVE_FAILED')
}
