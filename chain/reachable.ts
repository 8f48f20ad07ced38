import { TabmeshError } from '../errors/base.ts'
import { publicClientFor } from './clients.ts'
import type { ChainConfig } from './config.ts'

/** How long a chain's JSON-RPC endpoint may take to answer `eth_chainId` before it counts as down, ms. */
export const CHAIN_PROBE_TIMEOUT_MS = 3_000

/**
 * Checks that the chain's RPC answers with the expected chain id, before anything is sent to it.
 * @throws TabmeshError CHAIN_UNREACHABLE (no answer within CHAIN_PROBE_TIMEOUT_MS) or WRONG_CHAIN
 */
export async function assertChainReachable (chain: Pick<ChainConfig, 'rpcUrl' | 'chainId' | 'local'>): Promise<void> {
  let id: number
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    id = await Promise.race([
      publicClientFor(chain).getChainId(),
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('timeout')) }, CHAIN_PROBE_TIMEOUT_MS) })
    ])
  } catch {
    throw new TabmeshError('CHAIN_UNREACHABLE', `the chain at ${chain.rpcUrl} does not answer${chain.local ? ': is the local mesh running (`npm start`)?' : ''}`)
  } finally {
    clearTimeout(timer)
  }
  if (id !== chain.chainId) throw new TabmeshError('WRONG_CHAIN', `the chain at ${chain.rpcUrl} has chain id ${id}, expected ${chain.chainId}`)
}
