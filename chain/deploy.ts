import type { Address, Hex } from 'viem'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'
import type { ChainConfig } from './config.ts'
import { sendContractTx } from './send-tx.ts'
import { jobEscrowAbi, jobEscrowBytecode, stakingAbi, stakingBytecode, testTokenAbi, testTokenBytecode } from './generated/contracts.ts'

/**
 * 2 minutes of unbonding on the local chain, so a newcomer can try unstake → withdraw in one sitting
 * (a real network uses days: stake must stay slashable while disputes about recent work can open).
 */
export const LOCAL_UNBONDING_SECONDS = 120n

export interface DeployParameters {
  publicClient: TabmeshPublicClient
  /** Deployer; becomes owner of Staking and JobEscrow. */
  walletClient: TabmeshWalletClient
  treasury: Address
  unbondingSeconds?: bigint
}

/**
 * Deploys the local stack: a 6-decimal payment token (tUSD), an 18-decimal staking token (tSTK),
 * Staking, JobEscrow, and makes the escrow Staking's slasher.
 * @returns the ChainConfig to hand to providers, requesters and the web app
 */
export async function deployLocalStack (params: DeployParameters): Promise<ChainConfig> {
  const { publicClient, walletClient } = params
  const deploy = async (abi: readonly unknown[], bytecode: Hex, args: readonly unknown[]): Promise<Address> => {
    const hash = await walletClient.deployContract({ abi, bytecode, args } as never)
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.contractAddress == null) throw new Error('deployment produced no contract')
    return receipt.contractAddress
  }
  const paymentToken = await deploy(testTokenAbi, testTokenBytecode, ['Tabmesh Test USD', 'tUSD', 6])
  const stakingToken = await deploy(testTokenAbi, testTokenBytecode, ['Tabmesh Test Stake', 'tSTK', 18])
  const staking = await deploy(stakingAbi, stakingBytecode, [stakingToken, params.unbondingSeconds ?? LOCAL_UNBONDING_SECONDS, params.treasury])
  const escrow = await deploy(jobEscrowAbi, jobEscrowBytecode, [paymentToken, staking, params.treasury])
  await sendContractTx(publicClient, walletClient, { address: staking, abi: stakingAbi, functionName: 'setSlasher', args: [escrow] })
  return {
    rpcUrl: publicClient.transport.url as string,
    chainId: publicClient.chain.id,
    escrow,
    staking,
    paymentToken,
    stakingToken,
    treasury: params.treasury,
    local: true
  }
}

/** True when every contract of `config` has code on the chain (a restarted anvil with --state keeps them). */
export async function isDeployed (publicClient: TabmeshPublicClient, config: ChainConfig): Promise<boolean> {
  for (const address of [config.escrow, config.staking, config.paymentToken, config.stakingToken]) {
    const code = await publicClient.getCode({ address })
    if (code === undefined || code === '0x') return false
  }
  return true
}
