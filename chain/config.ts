import type { Address } from 'viem'

/** Where the contracts live: what `/tabmesh.json` and `.tabmesh/local.json` carry as `chain`. */
export interface ChainConfig {
  rpcUrl: string
  chainId: number
  escrow: Address
  staking: Address
  paymentToken: Address
  stakingToken: Address
  treasury: Address
  /** True on the local anvil chain: test tokens have a public faucet and the dev server funds gas. */
  local: boolean
}
