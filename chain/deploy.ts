import { parseUnits } from 'viem'
import type { Address, Hex } from 'viem'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'
import type { ChainConfig } from './config.ts'
import { sendContractTx } from './send-tx.ts'
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

export interface DeployParameters {
  publicClient: TabmeshPublicClient
  /** Deployer; becomes owner of Staking and PaymentLanes (fee and treasury settings). */
  walletClient: TabmeshWalletClient
  treasury: Address
  unbondingSeconds?: bigint
  challengeSeconds?: bigint
  arbitration?: ArbitrationParams
}

/**
 * Deploys the local stack: a 6-decimal payment token (tUSD), an 18-decimal staking token (tSTK),
 * Staking, PaymentLanes and Arbitration, and makes Arbitration Staking's slasher.
 * @returns the ChainConfig to hand to providers, requesters and the web app
 */
export async function deployLocalStack (params: DeployParameters): Promise<ChainConfig> {
  const { publicClient, walletClient } = params
  const deployed = async (hash: Hex): Promise<Address> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.contractAddress == null) throw new Error('deployment produced no contract')
    return receipt.contractAddress
  }
  const account = walletClient.account
  const chain = walletClient.chain
  const paymentToken = await deployed(await walletClient.deployContract({ account, chain, abi: testTokenAbi, bytecode: testTokenBytecode, args: ['Tabmesh Test USD', 'tUSD', 6] }))
  const stakingToken = await deployed(await walletClient.deployContract({ account, chain, abi: testTokenAbi, bytecode: testTokenBytecode, args: ['Tabmesh Test Stake', 'tSTK', 18] }))
  const staking = await deployed(await walletClient.deployContract({ account, chain, abi: stakingAbi, bytecode: stakingBytecode, args: [stakingToken, params.unbondingSeconds ?? LOCAL_UNBONDING_SECONDS] }))
  const lanes = await deployed(await walletClient.deployContract({ account, chain, abi: paymentLanesAbi, bytecode: paymentLanesBytecode, args: [paymentToken, params.treasury, params.challengeSeconds ?? LOCAL_CHALLENGE_SECONDS] }))
  const p = params.arbitration ?? LOCAL_ARBITRATION
  const arbitration = await deployed(await walletClient.deployContract({
    account,
    chain,
    abi: arbitrationAbi,
    bytecode: arbitrationBytecode,
    args: [staking, params.treasury, { ...p, commitWindow: p.commitWindow, revealWindow: p.revealWindow }]
  }))
  await sendContractTx(publicClient, walletClient, { address: staking, abi: stakingAbi, functionName: 'setSlasher', args: [arbitration] })
  return {
    rpcUrl: publicClient.transport.url as string,
    chainId: publicClient.chain.id,
    lanes,
    staking,
    arbitration,
    paymentToken,
    stakingToken,
    treasury: params.treasury,
    local: true
  }
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
