import { createPublicClient, createWalletClient, defineChain, http } from 'viem'
import type { Account, Chain, PublicClient, Transport, WalletClient } from 'viem'
import type { ChainConfig } from './config.ts'

/** A viem chain for `config` (wagmi/viem send wallet calls to `rpcUrls.default`, so it is the real RPC). */
export function chainOf (config: Pick<ChainConfig, 'rpcUrl' | 'chainId'>): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainId === 31337 ? 'Tabmesh local (anvil)' : `chain ${config.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } }
  })
}

export type TabmeshPublicClient = PublicClient<Transport, Chain>
export type TabmeshWalletClient = WalletClient<Transport, Chain, Account>

/** Public client with caching off (viem caches the block number for 4 s otherwise). */
export function publicClientFor (config: Pick<ChainConfig, 'rpcUrl' | 'chainId'>): TabmeshPublicClient {
  return createPublicClient({ chain: chainOf(config), transport: http(config.rpcUrl), cacheTime: 0, pollingInterval: 250 })
}

export function walletClientFor (config: Pick<ChainConfig, 'rpcUrl' | 'chainId'>, account: Account): TabmeshWalletClient {
  return createWalletClient({ chain: chainOf(config), transport: http(config.rpcUrl), account, cacheTime: 0, pollingInterval: 250 })
}
