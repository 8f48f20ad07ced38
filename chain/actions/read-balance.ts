import type { Address } from 'viem'
import { erc20Abi } from 'viem'
import type { ReadClients, ReadErrorType } from './types.ts'

export interface ReadBalanceParameters extends ReadClients {
  /** The ERC-20 (`chain.paymentToken` or `chain.stakingToken`). */
  token: Address
  owner: Address
}

/** Token base units (tUSD 6 decimals, tSTK 18). */
export type ReadBalanceReturnType = bigint

export type ReadBalanceErrorType = ReadErrorType

/**
 * `owner`'s balance of `token` (ERC-20 balanceOf).
 * @example
 * const usd = await readBalance({ publicClient, token: chain.paymentToken, owner: address })
 */
export async function readBalance (p: ReadBalanceParameters): Promise<ReadBalanceReturnType> {
  return await p.publicClient.readContract({ address: p.token, abi: erc20Abi, functionName: 'balanceOf', args: [p.owner] })
}
