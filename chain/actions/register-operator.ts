import type { Address, Hex, LocalAccount } from 'viem'
import { TabmeshError } from '../errors/base.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'
import type { ChainConfig } from './config.ts'
import { stakingAbi } from './generated/contracts.ts'
import { sendContractTx } from './send-tx.ts'
import { signTyped } from './signatures.ts'

export interface RegisterOperatorParameters {
  chain: ChainConfig
  publicClient: TabmeshPublicClient
  /** The owner's wallet (a local key or an injected wallet): sends `Staking.addOperator`. */
  owner: TabmeshWalletClient
  /** The operator's key (a tab's burner, a Node provider's key): signs its consent. */
  operator: LocalAccount
}

export type RegisterOperatorReturnType = Hex | undefined

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
  const current = await ownerOfOperator(p.publicClient, p.chain, p.operator.address)
  if (current?.toLowerCase() === owner.toLowerCase()) return undefined
  if (current !== undefined) throw new TabmeshError('OPERATOR_TAKEN', `operator ${p.operator.address} already acts for ${current}: remove it there first`)
  const consent = await signTyped(p.operator, p.chain, 'OperatorConsent', { owner, operator: p.operator.address })
  return await sendContractTx(p.publicClient, p.owner, { address: p.chain.staking, abi: stakingAbi, functionName: 'addOperator', args: [p.operator.address, consent] }, 'REGISTER_OPERATOR_FAILED')
}

/** The owner `operator` acts for, or undefined when it is not registered. */
export async function ownerOfOperator (publicClient: TabmeshPublicClient, chain: Pick<ChainConfig, 'staking'>, operator: Address): Promise<Address | undefined> {
  const owner = await publicClient.readContract({ address: chain.staking, abi: stakingAbi, functionName: 'ownerOf', args: [operator] })
  return /^0x0{40}$/.test(owner) ? undefined : owner
}
