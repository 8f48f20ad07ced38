import { createTestClient, http, parseEther, parseUnits } from 'viem'
import type { LocalAccount } from 'viem'
import { chainOf, publicClientFor, walletClientFor } from './clients.ts'
import type { ChainConfig } from './config.ts'
import { TabmeshError } from '../errors/base.ts'
import { approve } from './actions/approve.ts'
import { faucet } from './actions/faucet.ts'
import { readBalance } from './actions/read-balance.ts'
import { readOwnerOf } from './actions/read-owner-of.ts'
import { readStake } from './actions/read-stake.ts'
import { registerOperator } from './actions/register-operator.ts'
import { stake as stakeTokens } from './actions/stake.ts'

/** What a generated local key gets: gas, test tokens, and a stake so it can take paid jobs at once. */
export const LOCAL_GAS = parseEther('10')
export const LOCAL_PAYMENT_TOKENS = parseUnits('1000', 6)
export const LOCAL_STAKING_TOKENS = parseUnits('1000', 18)
/** Stake a local provider puts up at start: 100 tSTK. */
export const LOCAL_STAKE = parseUnits('100', 18)

/**
 * Local chain only (`chain.local`): gives `account` gas (anvil_setBalance) and faucet tokens, and
 * stakes `stake` if its stake is lower, as its own owner with itself as operator (the burner-only flow); payment tokens only when asked (requesters need them, providers earn them). Used by `tabmesh dev`, `tabmesh provide` and tabs on the local
 * mesh so a newcomer's providers can take paid jobs without touching a wallet.
 * @throws TabmeshError NOT_LOCAL on a real network
 */
export async function fundLocalAccount (chain: ChainConfig, account: LocalAccount, options: { stake?: bigint, paymentTokens?: boolean } = {}): Promise<void> {
  if (!chain.local) throw new TabmeshError('NOT_LOCAL', 'local funding only works on the local anvil chain')
  const publicClient = publicClientFor(chain)
  const test = createTestClient({ chain: chainOf(chain), mode: 'anvil', transport: http(chain.rpcUrl) })
  const wallet = walletClientFor(chain, account)
  const eth = await publicClient.getBalance({ address: account.address })
  if (eth < LOCAL_GAS / 2n) await test.setBalance({ address: account.address, value: LOCAL_GAS })
  const clients = { chain, publicClient, walletClient: wallet }
  const balanceOf = async (token: `0x${string}`): Promise<bigint> => await readBalance({ publicClient, token, owner: account.address })
  if (options.paymentTokens === true && await balanceOf(chain.paymentToken) < LOCAL_PAYMENT_TOKENS / 2n) {
    await faucet({ ...clients, token: chain.paymentToken, to: account.address, amount: LOCAL_PAYMENT_TOKENS })
  }
  const stake = options.stake ?? 0n
  if (stake === 0n) return
  const owner = await readOwnerOf({ chain, publicClient, operator: account.address })
  // An operator a wallet registered (Wallet page, `provide --owner`): the wallet owns the stake, not this key.
  if (owner !== undefined && owner.toLowerCase() !== account.address.toLowerCase()) return
  if (owner === undefined) await registerOperator({ chain, publicClient, owner: wallet, operator: account })
  const current = await readStake({ chain, publicClient, owner: account.address })
  if (current >= stake) return
  if (await balanceOf(chain.stakingToken) < stake - current) {
    await faucet({ ...clients, token: chain.stakingToken, to: account.address, amount: LOCAL_STAKING_TOKENS })
  }
  await approve({ ...clients, token: chain.stakingToken, spender: chain.staking, amount: stake - current })
  await stakeTokens({ ...clients, amount: stake - current })
}
