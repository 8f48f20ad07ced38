import { TabmeshError } from '../errors/base.ts'
import { publicClientFor } from './clients.ts'
import type { ChainConfig } from './config.ts'

/** How long a chain's JSON-RPC endpoint may take to answer `eth_chainId` before it counts as down, ms. */
export const CHAIN_PROBE_TIMEOUT_MS = 3_000

/**
 * The chain id the JSON-RPC endpoint at `rpcUrl` answers with (`eth_chainId`).
 * @throws TabmeshError CHAIN_UNREACHABLE when it does not answer within `timeoutMs`
 */
export async function probeChainId (rpcUrl: string, timeoutMs = CHAIN_PROBE_TIMEOUT_MS, hint = ''): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      publicClientFor({ rpcUrl, chainId: 1 }).getChainId(),
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('timeout')) }, timeoutMs) })
    ])
  } catch {
    throw new TabmeshError('CHAIN_UNREACHABLE', `the chain at ${rpcUrl} does not answer${hint}`)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Checks that the chain's RPC answers with the expected chain id, before anything is sent to it.
 * @throws TabmeshError CHAIN_UNREACHABLE (no answer within CHAIN_PROBE_TIMEOUT_MS) or WRONG_CHAIN
 */
export async function assertChainReachable (chain: Pick<ChainConfig, 'rpcUrl' | 'chainId' | 'local'>): Promise<void> {
  const id = await probeChainId(chain.rpcUrl, CHAIN_PROBE_TIMEOUT_MS, chain.local ? ': is the local mesh running (`npm start`)?' : '')
  if (id !== chain.chainId) throw new TabmeshError('WRONG_CHAIN', `the chain at ${chain.rpcUrl} has chain id ${id}, expected ${chain.chainId}`)
}
