import type { Address, Hex } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface AddOperatorParameters extends WriteParameters<'staking'> {
  /** the operator's address (a tab's burner key, a Node provider's key) */
  operator: Address
  /** the operator's EIP-712 OperatorConsent signature over (owner, operator), 65 bytes (chain/eip712.ts) */
  consent: Hex
}

/** The transaction hash, once mined and successful. */
export type AddOperatorReturnType = Hex

/** TabmeshError `errorCode` (default REGISTER_OPERATOR_FAILED) when it reverts; see WriteErrorType. */
export type AddOperatorErrorType = WriteErrorType

/** The transaction `addOperator` sends (Staking.addOperator), for callers that simulate it first or send it themselves. */
export function addOperatorRequest (p: RequestParameters<AddOperatorParameters>): ContractTxRequest<typeof stakingAbi, 'addOperator'> {
  return { address: p.chain.staking, abi: stakingAbi, functionName: 'addOperator', args: [p.operator, p.consent] }
}

/**
 * Makes `operator` act for the sender, its owner (Staking.addOperator); `registerOperator` signs the consent and checks first.
 * @throws AddOperatorErrorType
 * @example
 * await addOperator({ chain, publicClient, walletClient, operator, consent })
 */
export async function addOperator (p: AddOperatorParameters): Promise<AddOperatorReturnType> {
  return await sendAction(p, addOperatorRequest(p), 'REGISTER_OPERATOR_FAILED')
}
