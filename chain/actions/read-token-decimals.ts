import type { Address } from 'viem'
import { erc20Abi } from 'viem'
import type { ReadClients, ReadErrorType } from './types.ts'

export interface ReadTokenDecimalsParameters extends ReadClients {
  token: Address
}

/** Decimals of the token's base unit (ERC-20 decimals: 6 for tUSD, 18 for tSTK). */
export type ReadTokenDecimalsReturnType = number

/** viem's errors, also when `token` is not a contract or has no `decimals()`. */
export type ReadTokenDecimalsErrorType = ReadErrorType

/**
 * The token's decimals (ERC-20 decimals).
 * @example
 * if (await readTokenDecimals({ publicClient, token }) !== 6) throw …
 */
export async function readTokenDecimals (p: ReadTokenDecimalsParameters): Promise<ReadTokenDecimalsReturnType> {
  return await p.publicClient.readContract({ address: p.token, abi: erc20Abi, functionName: 'decimals' })
}
