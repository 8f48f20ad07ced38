import type { Address, Hex } from 'viem'
import { testTokenAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteClients, WriteErrorType } from './types.ts'

export interface FaucetParameters extends WriteClients {
  /** a TestToken (`chain.paymentToken` or `chain.stakingToken` of a local or test deployment) */
  token: Address
  /** who receives the tokens */
  to: Address
  /** token base units */
  amount: bigint
}

/** The transaction hash, once mined and successful. */
export type FaucetReturnType = Hex

/** TabmeshError `errorCode` (default FAUCET_FAILED) when it reverts; see WriteErrorType. */
export type FaucetErrorType = WriteErrorType

/** The transaction `faucet` sends (TestToken.faucet), for callers that simulate it first or send it themselves. */
export function faucetRequest (p: RequestParameters<FaucetParameters>): ContractTxRequest<typeof testTokenAbi, 'faucet'> {
  return { address: p.token, abi: testTokenAbi, functionName: 'faucet', args: [p.to, p.amount] }
}

/**
 * Mints `amount` of a TestToken to `to` (contracts/src/TestToken.sol; anyone may call it — test deployments only).
 * @throws FaucetErrorType
 * @example
 * await faucet({ chain, publicClient, walletClient, token: chain.paymentToken, to: address, amount: parseUnits('1000', 6) })
 */
export async function faucet (p: FaucetParameters): Promise<FaucetReturnType> {
  return await sendAction(p, faucetRequest(p), 'FAUCET_FAILED')
}
