import { connect, createConfig, disconnect, getConnectorClient, injected } from '@wagmi/core'
import type { CreateConnectorFn } from '@wagmi/core'
import { createWalletClient, custom, isAddress, parseUnits } from 'viem'
import type { Abi, Address, Hex, PrivateKeyAccount } from 'viem'
import { chainOf, publicClientFor, walletClientFor } from '../../chain/clients.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { paymentLanesAbi } from '../../chain/generated/contracts.ts'
import { addOperatorRequest } from '../../chain/actions/add-operator.ts'
import { approveRequest } from '../../chain/actions/approve.ts'
import { faucetRequest } from '../../chain/actions/faucet.ts'
import { readBalance } from '../../chain/actions/read-balance.ts'
import { readOperators } from '../../chain/actions/read-operators.ts'
import { readOwnerOf } from '../../chain/actions/read-owner-of.ts'
import { readStake } from '../../chain/actions/read-stake.ts'
import { readUnbonding } from '../../chain/actions/read-unbonding.ts'
import { readUnbondingDelay } from '../../chain/actions/read-unbonding-delay.ts'
import { removeOperator } from '../../chain/actions/remove-operator.ts'
import { requestUnstakeRequest } from '../../chain/actions/request-unstake.ts'
import { stakeRequest } from '../../chain/actions/stake.ts'
import { withdrawStakeRequest } from '../../chain/actions/withdraw-stake.ts'
import { signTyped } from '../../chain/signatures.ts'
import { fundLocalAccount } from '../../chain/local-funding.ts'
import type { ProviderPayments } from '../../mesh/payment/provider-payments.ts'
import { plainError } from './errors.ts'
import { PAYMENT_TOKEN, STAKING_TOKEN, formatTokenAmount, parseTokenAmount } from '../../chain/tokens.ts'
import type { TokenInfo } from '../../chain/tokens.ts'
import { sendContractTx, simulateContractTx } from '../../chain/send-tx.ts'
import type { ContractTxRequest, WriteFunctionName } from '../../chain/send-tx.ts'

export interface Balances {
  eth: bigint
  /** Payment token (6 decimals). */
  usd: bigint
  /** Staking token (18 decimals). */
  stk: bigint
  stake: bigint
  unbonding: bigint
  /** Unix seconds when unbonding stake can be withdrawn (0 = nothing unbonding). */
  releaseAt: number
  /** Staking's unbonding delay, seconds (read from the contract: a kept local chain may predate a change). */
  unbondingDelay: number
}

export interface PendingTx {
  id: number
  label: string
  hash?: Hex
  status: 'pending' | 'done' | 'failed'
  error?: string
}

export type WalletKind = 'burner' | 'injected'

/**
 * The Wallet page's state and actions: the tab's burner key (local use) or an injected wallet
 * (wagmi `injected`), balances of both tokens and stake, stake / unstake / withdraw, claim of all
 * cheques, the local faucet. Every transaction is listed with its status; errors are plain words.
 */
export class WalletController extends EventTarget {
  readonly chain: ChainConfig
  readonly burner: PrivateKeyAccount
  kind: WalletKind = 'burner'
  injectedAddress: Address | undefined
  balances: Balances | undefined
  txs: PendingTx[] = []
  error: string | undefined
  private injectedClient: TabmeshWalletClient | undefined
  private readonly publicClient: TabmeshPublicClient
  private readonly payments: ProviderPayments | undefined
  private readonly connector: CreateConnectorFn
  private readonly wagmi: ReturnType<typeof createConfig>
  private nextId = 1
  /** A claim started from the page is listed by `run`; the provider's automatic claims are listed as they land. */
  private claiming = false

  constructor (options: { chain: ChainConfig, burner: PrivateKeyAccount, payments?: ProviderPayments, connector?: CreateConnectorFn }) {
    super()
    this.chain = options.chain
    this.burner = options.burner
    this.payments = options.payments
    this.publicClient = publicClientFor(options.chain)
    this.connector = options.connector ?? injected()
    const chain = chainOf(options.chain)
    // The provider claims by itself (auto-claim): list those transactions too.
    this.payments?.addEventListener('claimed', (e) => {
      if (this.claiming) return
      const { hash, amount } = (e as CustomEvent<{ hash: Hex, amount: bigint }>).detail
      this.txs = [{ id: this.nextId++, label: `Claimed ${formatTokenAmount(amount, PAYMENT_TOKEN)} automatically`, hash, status: 'done' as const }, ...this.txs].slice(0, 10)
      void this.refresh()
    })
    this.wagmi = createConfig({ chains: [chain], connectors: [this.connector], transports: { [chain.id]: custom({ request: async ({ method, params }) => await this.publicClient.request({ method, params } as never) }) } })
  }

  get address (): Address {
    return this.kind === 'injected' && this.injectedAddress !== undefined ? this.injectedAddress : this.burner.address
  }

  /** The wallet client of the active account: burner (signs here) or injected (asks the wallet). */
  walletClient (): TabmeshWalletClient {
    if (this.kind === 'injected' && this.injectedClient !== undefined) return this.injectedClient
    return walletClientFor(this.chain, this.burner)
  }

  async connectInjected (): Promise<void> {
    await this.run('Connect wallet', async () => {
      const result = await connect(this.wagmi, { connector: this.wagmi.connectors[0]!, chainId: this.chain.chainId })
      const client = await getConnectorClient(this.wagmi, { chainId: this.chain.chainId })
      this.injectedAddress = result.accounts[0]
      this.injectedClient = createWalletClient({ account: client.account, chain: chainOf(this.chain), transport: custom(client) }) as TabmeshWalletClient
      this.kind = 'injected'
      return undefined
    })
    await this.refresh()
  }

  async useBurner (): Promise<void> {
    if (this.kind === 'injected') await disconnect(this.wagmi).catch(() => {})
    this.kind = 'burner'
    this.injectedClient = undefined
    await this.refresh()
  }

  async refresh (): Promise<void> {
    const who = this.address
    const read = async (token: Address): Promise<bigint> => await readBalance({ publicClient: this.publicClient, token, owner: who })
    try {
      const [eth, usd, stk, stake, unbonding, unbondingDelay] = await Promise.all([
        this.publicClient.getBalance({ address: who }),
        read(this.chain.paymentToken),
        read(this.chain.stakingToken),
        readStake({ chain: this.chain, publicClient: this.publicClient, owner: who }),
        readUnbonding({ chain: this.chain, publicClient: this.publicClient, owner: who }),
        readUnbondingDelay({ chain: this.chain, publicClient: this.publicClient })
      ])
      this.balances = { eth, usd, stk, stake, unbonding: unbonding.amount, releaseAt: unbonding.releaseAt, unbondingDelay }
    } catch (err) {
      this.error = plainError(err)
    }
    this.changed()
  }

  /** Local chain only: gas and test tokens for the active account. */
  async faucet (): Promise<void> {
    if (this.kind === 'burner') {
      await this.run('Faucet: gas + 1,000 tUSD + 1,000 tSTK', async () => {
        await fundLocalAccount(this.chain, this.burner, { paymentTokens: true })
        await this.send(faucetRequest({ token: this.chain.stakingToken, to: this.burner.address, amount: parseUnits('1000', 18) }))
        return undefined
      })
    } else {
      await this.run('Faucet: 1,000 tUSD', async () => await this.send(faucetRequest({ token: this.chain.paymentToken, to: this.address, amount: parseUnits('1000', 6) })))
      await this.run('Faucet: 1,000 tSTK', async () => await this.send(faucetRequest({ token: this.chain.stakingToken, to: this.address, amount: parseUnits('1000', 18) })))
    }
    await this.refresh()
  }

  /** Stakes `amount` tSTK as typed (approve + stake); a bad amount is shown as the error, nothing is sent. */
  async stake (amount: string): Promise<void> {
    const value = this.amount(amount, STAKING_TOKEN)
    if (value === undefined) return
    await this.run(`Approve ${amount} tSTK`, async () => await this.send(approveRequest({ token: this.chain.stakingToken, spender: this.chain.staking, amount: value })))
    if (this.error === undefined) await this.run(`Stake ${amount} tSTK`, async () => await this.send(stakeRequest({ chain: this.chain, amount: value })))
    await this.refresh()
  }

  /** Moves `amount` tSTK (as typed) to unbonding; a bad amount is shown as the error, nothing is sent. */
  async requestUnstake (amount: string): Promise<void> {
    const value = this.amount(amount, STAKING_TOKEN)
    if (value === undefined) return
    await this.run(`Unstake ${amount} tSTK`, async () => await this.send(requestUnstakeRequest({ chain: this.chain, amount: value })))
    await this.refresh()
  }

  /** Parses a typed amount; on a mistake sets `error` (shown next to the stake fields) and returns undefined. */
  private amount (text: string, token: TokenInfo): bigint | undefined {
    try {
      const value = parseTokenAmount(text, token)
      if (value === 0n) throw new Error('Enter an amount greater than zero.')
      this.error = undefined
      return value
    } catch (err) {
      this.error = err instanceof Error ? `${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}` : String(err)
      this.changed()
      return undefined
    }
  }

  async withdraw (): Promise<void> {
    await this.run('Withdraw unbonded stake', async () => await this.send(withdrawStakeRequest({ chain: this.chain })))
    await this.refresh()
  }

  /** Claims every cheque this tab's provider holds, in one claimMany transaction. */
  async claimAll (): Promise<void> {
    if (this.payments === undefined) return
    this.claiming = true
    try {
      await this.run('Claim all cheques', async () => await this.payments!.claimAll())
    } finally {
      this.claiming = false
    }
    await this.refresh()
  }

  /**
   * Makes this tab's burner key an operator of the connected wallet (the owner): the burner leaves its
   * own ownership (Staking.removeOperator), signs its consent, and the wallet sends addOperator. The
   * tab must then restart its provider as the wallet's operator (the page reloads).
   * @returns true when the tab is now the wallet's operator
   */
  async registerThisTab (): Promise<boolean> {
    if (this.kind !== 'injected') { this.error = 'Connect a wallet first: it becomes the owner of this tab.'; this.changed(); return false }
    const owner = this.address
    const current = await readOwnerOf({ chain: this.chain, publicClient: this.publicClient, operator: this.burner.address })
    if (current?.toLowerCase() === owner.toLowerCase()) return true
    if (current !== undefined && current.toLowerCase() === this.burner.address.toLowerCase()) {
      await this.run('This tab stops owning itself', async () => await removeOperator({ chain: this.chain, publicClient: this.publicClient, walletClient: walletClientFor(this.chain, this.burner), operator: this.burner.address }))
      if (this.error !== undefined) return false
    }
    const consent = await signTyped(this.burner, this.chain, 'OperatorConsent', { owner, operator: this.burner.address })
    await this.run('Register this tab as an operator of your wallet', async () => await this.send(addOperatorRequest({ chain: this.chain, operator: this.burner.address, consent })))
    return this.error === undefined
  }

  /**
   * Registers another provider process (e.g. a Node provider started with `tabmesh provide --owner`,
   * which prints its operator address and consent signature) as an operator of the active account.
   */
  async registerOperator (operator: string, consent: string): Promise<void> {
    if (!isAddress(operator) || !/^0x[0-9a-fA-F]{130}$/.test(consent.trim())) {
      this.error = 'Paste the operator address (0x + 40 hex digits) and its consent signature (0x + 130 hex digits) that `tabmesh provide --owner` printed.'
      this.changed()
      return
    }
    await this.run(`Register operator ${operator.slice(0, 10)}…`, async () => await this.send(addOperatorRequest({ chain: this.chain, operator, consent: consent.trim() as Hex })))
    await this.refresh()
  }

  /** The active account's operators, and what its lanes have paid it in total (payment-token base units, all operators). */
  async ownerView (): Promise<{ operators: readonly Address[], paid: bigint }> {
    const [operators, claims] = await Promise.all([
      readOperators({ chain: this.chain, publicClient: this.publicClient, owner: this.address }),
      this.publicClient.getContractEvents({ address: this.chain.lanes, abi: paymentLanesAbi, eventName: 'LaneClaimed', args: { owner: this.address }, fromBlock: 'earliest' })
    ])
    return { operators, paid: claims.reduce((sum, l) => sum + (l.args.amount ?? 0n), 0n) }
  }

  /** The burner's private key, for export. Local use only. */
  exportBurnerKey (): Hex {
    return burnerKeyOf(this.burner)
  }

  private async send<const abi extends Abi, name extends WriteFunctionName<abi>> (request: ContractTxRequest<abi, name>): Promise<Hex> {
    const wallet = this.walletClient()
    // Simulate first: a revert comes back as the contract's custom error (an injected wallet would
    // otherwise send it and only report "reverted").
    await simulateContractTx(this.publicClient, wallet.account, request)
    return await sendContractTx(this.publicClient, wallet, request)
  }

  private async run (label: string, action: () => Promise<Hex | undefined>): Promise<void> {
    const tx: PendingTx = { id: this.nextId++, label, status: 'pending' }
    this.txs = [tx, ...this.txs].slice(0, 10)
    this.error = undefined
    this.changed()
    try {
      const hash = await action()
      if (hash !== undefined) tx.hash = hash
      tx.status = 'done'
    } catch (err) {
      tx.status = 'failed'
      tx.error = plainError(err)
      this.error = tx.error
    }
    this.txs = [...this.txs]
    this.changed()
  }

  private changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}

const burnerKeys = new WeakMap<PrivateKeyAccount, Hex>()
/** Remembers the burner's key for export (viem accounts do not expose it). */
export function rememberBurnerKey (account: PrivateKeyAccount, key: Hex): void { burnerKeys.set(account, key) }
function burnerKeyOf (account: PrivateKeyAccount): Hex {
  const key = burnerKeys.get(account)
  if (key === undefined) throw new Error('the burner key is not available')
  return key
}
