import type { Address } from 'viem'

/** Where the contracts live: what `/tabmesh.json` and `.tabmesh/local.json` carry as `chain`. */
export interface ChainConfig {
  rpcUrl: string
  chainId: number
  /** PaymentLanes: requesters' deposits, one lane per (requester, provider owner), cheques, claims. */
  lanes: Address
  /** Staking: owners' stake, their operator keys, unbonding. */
  staking: Address
  /** Arbitration: disputes over conflicting receipts, decided by drawn arbiters. */
  arbitration: Address
  paymentToken: Address
  stakingToken: Address
  treasury: Address
  /** True on the local anvil chain: test tokens have a public faucet and the dev server funds gas. */
  local: boolean
}
