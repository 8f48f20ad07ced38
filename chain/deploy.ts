import { getAddress, parseUnits } from 'viem'
import type { Address, Hex } from 'viem'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'
import type { ChainConfig } from './config.ts'
import { readTokenDecimals } from './actions/read-token-decimals.ts'
import { setSlasher } from './actions/set-slasher.ts'
import { PAYMENT_TOKEN, STAKING_TOKEN } from './tokens.ts'
import { TabmeshError } from '../errors/base.ts'
import {
  arbitrationAbi, arbitrationBytecode, paymentLanesAbi, paymentLanesBytecode, stakingAbi, stakingBytecode, testTokenAbi, testTokenBytecode
} from './generated/contracts.ts'

/**
 * 2 minutes of unbonding on the local chain, so a newcomer can try unstake → withdraw in one sitting
 * (a real network uses days: stake must stay slashable while disputes about recent work can open).
 */
export const LOCAL_UNBONDING_SECONDS = 120n
/**
 * A lane's challenge window on the local chain: 2 minutes, so closing a lane can be tried in one
 * sitting. PaymentLanes' documented default for real networks is DEFAULT_CHALLENGE_SECONDS.
 */
export const LOCAL_CHALLENGE_SECONDS = 120n
/** 24 h: how long a provider owner has to claim after a requester starts closing a lane (real networks). */
export const DEFAULT_CHALLENGE_SECONDS = 86_400n

/** Arbitration's parameters (contracts/src/Arbitration.sol, Params). Stake amounts in staking-token base units (18 decimals). */
export interface ArbitrationParams {
  /** Arbiters drawn per dispute (odd). */
  arbiterCount: number
  /** Stake an owner needs to be drawn. */
  minArbiterStake: bigint
  /** Taken from each owner whose receipt disagrees with the arbiters' majority. */
  slashAmount: bigint
  /** Posted by whoever opens a dispute; returned when someone is slashed. */
  disputeBond: bigint
  /** Taken from a drawn arbiter that does not reveal. */
  arbiterPenalty: bigint
  /** Seconds to commit after the draw, then seconds to reveal. */
  commitWindow: bigint
  revealWindow: bigint
  /** Of the slashed stake: share to the arbiters of the majority, bounty to the opener (basis points). */
  arbiterShareBps: number
  bountyBps: number
}

/**
 * Real-network defaults: 3 arbiters, 10 tSTK slashed per wrong receipt, 1 tSTK bond, an hour to commit
 * and an hour to reveal, half of a slash to the arbiters, 10% bounty to the opener.
 */
export const DEFAULT_ARBITRATION: ArbitrationParams = {
  arbiterCount: 3,
  minArbiterStake: parseUnits('10', 18),
  slashAmount: parseUnits('10', 18),
  disputeBond: parseUnits('1', 18),
  arbiterPenalty: parseUnits('0.1', 18),
  commitWindow: 3_600n,
  revealWindow: 3_600n,
  arbiterShareBps: 5_000,
  bountyBps: 1_000
}

/** The local chain: the same amounts, one minute per phase (arbiters normally finish in seconds). */
export const LOCAL_ARBITRATION: ArbitrationParams = { ...DEFAULT_ARBITRATION, commitWindow: 60n, revealWindow: 60n }

/** 7 days: how long unstaked tokens stay slashable on a real network before they can be withdrawn. */
export const DEFAULT_UNBONDING_SECONDS = 7n * 86_400n

export interface DeployParameters {
  publicClient: TabmeshPublicClient
  /** Deployer; becomes owner of Staking and PaymentLanes (fee and treasury settings). */
  walletClient: TabmeshWalletClient
  treasury: Address
  unbondingSeconds?: bigint
  challengeSeconds?: bigint
  arbitration?: ArbitrationParams
}

export interface DeployContractsParameters extends DeployParameters {
  /** An ERC-20 with PAYMENT_TOKEN.decimals (6) to pay in, e.g. USDC; default: a new TestToken "tUSD" (public faucet: test networks only). */
  paymentToken?: Address
  /** An ERC-20 with STAKING_TOKEN.decimals (18) to stake; default: a new TestToken "tSTK". */
  stakingToken?: Address
  /** The `local` flag of the config returned (true only for the local anvil, whose dev server funds gas). */
  local: boolean
  /** The RPC URL written into the config (default: the public client's). */
  rpcUrl?: string
  /** Called as each contract lands: its name and address. */
  onDeployed?: (name: string, address: Address) => void
}

export type DeployContractsErrorType = TabmeshError

/**
 * Deploys Tabmesh's contracts to any EVM chain: the tokens unless given, Staking, PaymentLanes and
 * Arbitration, and makes Arbitration Staking's slasher (contracts/src).
 * @returns the ChainConfig providers, requesters and the web app read
 * @throws TabmeshError TOKEN_DECIMALS when a given token's decimals are not the app's (6 to pay, 18 to stake);
 *   DEPLOY_FAILED when a deployment produced no contract
 * @example
 * const config = await deployContracts({ publicClient, walletClient, treasury, local: false, paymentToken: usdc, challengeSeconds: DEFAULT_CHALLENGE_SECONDS, arbitration: DEFAULT_ARBITRATION })
 */
export async function deployContracts (params: DeployContractsParameters): Promise<ChainConfig> {
  const { publicClient, walletClient } = params
  const deployed = async (name: string, hash: Hex): Promise<Address> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.contractAddress == null) throw new TabmeshError('DEPLOY_FAILED', `deploying ${name} produced no contract (${hash})`)
    const address = getAddress(receipt.contractAddress) // checksummed (EIP-55), as contracts return addresses
    params.onDeployed?.(name, address)
    return address
  }
  for (const [address, token] of [[params.paymentToken, PAYMENT_TOKEN], [params.stakingToken, STAKING_TOKEN]] as const) {
    if (address === undefined) continue
    const decimals = await readTokenDecimals({ publicClient, token: address }).catch(() => undefined)
    if (decimals !== token.decimals) throw new TabmeshError('TOKEN_DECIMALS', `${address} has ${decimals ?? 'no'} decimals; the ${token === PAYMENT_TOKEN ? 'payment' : 'staking'} token needs ${token.decimals}`)
  }
  const account = walletClient.account
  const chain = walletClient.chain
  const paymentToken = params.paymentToken ?? await deployed('TestToken tUSD', await walletClient.deployContract({ account, chain, abi: testTokenAbi, bytecode: testTokenBytecode, args: ['Tabmesh Test USD', 'tUSD', PAYMENT_TOKEN.decimals] }))
  const stakingToken = params.stakingToken ?? await deployed('TestToken tSTK', await walletClient.deployContract({ account, chain, abi: testTokenAbi, bytecode: testTokenBytecode, args: ['Tabmesh Test Stake', 'tSTK', STAKING_TOKEN.decimals] }))
  const staking = await deployed('Staking', await walletClient.deployContract({ account, chain, abi: stakingAbi, bytecode: stakingBytecode, args: [stakingToken, params.unbondingSeconds ?? LOCAL_UNBONDING_SECONDS] }))
  const lanes = await deployed('PaymentLanes', await walletClient.deployContract({ account, chain, abi: paymentLanesAbi, bytecode: paymentLanesBytecode, args: [paymentToken, params.treasury, params.challengeSeconds ?? LOCAL_CHALLENGE_SECONDS] }))
  const p = params.arbitration ?? LOCAL_ARBITRATION
  const arbitration = await deployed('Arbitration', await walletClient.deployContract({
    account,
    chain,
    abi: arbitrationAbi,
    bytecode: arbitrationBytecode,
    args: [staking, params.treasury, { ...p, commitWindow: p.commitWindow, revealWindow: p.revealWindow }]
  }))
  await setSlasher({ chain: { staking }, publicClient, walletClient, slasher: arbitration })
  return {
    rpcUrl: params.rpcUrl ?? publicClient.transport.url as string,
    chainId: publicClient.chain.id,
    lanes,
    staking,
    arbitration,
    paymentToken,
    stakingToken,
    treasury: params.treasury,
    local: params.local
  }
}

/**
 * Deploys the local stack: a 6-decimal payment token (tUSD), an 18-decimal staking token (tSTK),
 * Staking, PaymentLanes and Arbitration with the local chain's short windows.
 * @returns the ChainConfig to hand to providers, requesters and the web app
 */
export async function deployLocalStack (params: DeployParameters): Promise<ChainConfig> {
  return await deployContracts({ ...params, local: true })
}

/** True when every contract of `config` has code on the chain (a restarted anvil with --state keeps them). */
export async function isDeployed (publicClient: TabmeshPublicClient, config: ChainConfig): Promise<boolean> {
  for (const address of [config.lanes, config.staking, config.arbitration, config.paymentToken, config.stakingToken]) {
    if (address === undefined) return false
    const code = await publicClient.getCode({ address })
    if (code === undefined || code === '0x') return false
  }
  return true
}
