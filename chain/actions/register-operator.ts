import type { Hex, LocalAccount } from 'viem'
import { TabmeshError } from '../../errors/base.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../clients.ts'
import type { ChainConfig } from '../config.ts'
import { signTyped } from '../signatures.ts'
import { addOperator } from './add-operator.ts'
import { readOwnerOf } from './read-owner-of.ts'
import type { WriteErrorType } from './types.ts'

export interface RegisterOperatorParameters {
  chain: ChainConfig
  publicClient: TabmeshPublicClient
  /** The owner's wallet (a local key or an injected wallet): sends `Staking.addOperator`. */
  owner: TabmeshWalletClient
  /** The operator's key (a tab's burner, a Node provider's key): signs its consent. */
  operator: LocalAccount
}

export type RegisterOperatorReturnType = Hex | undefined

/** TabmeshError OPERATOR_TAKEN, or REGISTER_OPERATOR_FAILED when addOperator reverts; see WriteErrorType. */
export type RegisterOperatorErrorType = WriteErrorType

/**
 * Makes `operator` act for the owner on chain (Staking.addOperator with the operator's EIP-712
 * OperatorConsent). Does nothing when it already does.
 * @returns the transaction hash, or undefined when nothing was sent
 * @throws TabmeshError OPERATOR_TAKEN when the key already acts for another owner
 * @example
 * await registerOperator({ chain, publicClient, owner: walletClient, operator: burnerAccount })
 */
export async function registerOperator (p: RegisterOperatorParameters): Promise<RegisterOperatorReturnType> {
  const owner = p.owner.account.address
  const current = await readOwnerOf({ chain: p.chain, publicClient: p.publicClient, operator: p.operator.address })
  if (current?.toLowerCase() === owner.toLowerCase()) return undefined
  if (current !== undefined) throw new TabmeshError('OPERATOR_TAKEN', `operator ${p.operator.address} already acts for ${current}: remove it there first`)
  const consent = await signTyped(p.operator, p.chain, 'OperatorConsent', { owner, operator: p.operator.address })
  return await addOperator({ chain: p.chain, publicClient: p.publicClient, walletClient: p.owner, operator: p.operator.address, consent })
}
