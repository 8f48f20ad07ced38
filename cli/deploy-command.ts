import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { isAddress } from 'viem'
import type { Address, Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { publicClientFor, walletClientFor } from '../chain/clients.ts'
import { DEFAULT_ARBITRATION, DEFAULT_CHALLENGE_SECONDS, DEFAULT_UNBONDING_SECONDS, deployContracts } from '../chain/deploy.ts'
import { probeChainId } from '../chain/reachable.ts'
import { TabmeshError } from '../errors/base.ts'
import { CHAIN_FILE_VARIABLE } from './chain-file.ts'
import { CliError, EXIT, intOption } from './cli-error.ts'

/** The environment variable holding the deployer's key (0x + 64 hex digits); never a flag, so it stays out of shell history. */
export const DEPLOYER_KEY_VARIABLE = 'TABMESH_DEPLOYER_KEY'

/** How long the RPC may take to answer `eth_chainId` before `deploy` gives up, ms. */
const RPC_PROBE_TIMEOUT_MS = 5_000

export interface DeployCommandOptions {
  rpc?: string | undefined
  'payment-token'?: string | undefined
  'staking-token'?: string | undefined
  treasury?: string | undefined
  'unbonding-seconds'?: string | undefined
  'challenge-seconds'?: string | undefined
  out: string
}

/**
 * `tabmesh deploy --rpc URL`: deploys the contracts with the real-network defaults (7-day unbonding,
 * 24 h challenge window, DEFAULT_ARBITRATION) and writes the ChainConfig to `out`. Every argument is
 * checked before the RPC is contacted.
 * @returns the exit code
 * @throws CliError USAGE / BAD_KEY (exit 2), CHAIN_UNREACHABLE (exit 3), TOKEN_DECIMALS (exit 2)
 */
export async function deployCommand (options: DeployCommandOptions, log: (line: string) => void = console.log): Promise<number> {
  const rpc = options.rpc
  if (rpc === undefined || !/^https?:\/\/\S+$/.test(rpc)) throw new CliError('USAGE', 'usage: tabmesh deploy --rpc https://RPC_URL [--payment-token 0x…] [--staking-token 0x…] [--treasury 0x…] [--out FILE] (the key comes from TABMESH_DEPLOYER_KEY)')
  const address = (name: 'payment-token' | 'staking-token' | 'treasury'): Address | undefined => {
    const v = options[name]
    if (v !== undefined && !isAddress(v)) throw new CliError('INVALID_OPTION', `--${name} must be a 0x address, got "${v}"`)
    return v
  }
  const paymentToken = address('payment-token')
  const stakingToken = address('staking-token')
  const treasury = address('treasury')
  const unbondingSeconds = intOption('unbonding-seconds', options['unbonding-seconds'], 1)
  const challengeSeconds = intOption('challenge-seconds', options['challenge-seconds'], 1)
  const key = process.env[DEPLOYER_KEY_VARIABLE]
  if (key === undefined || !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new CliError('BAD_KEY', `set ${DEPLOYER_KEY_VARIABLE} to the deployer's private key (0x followed by 64 hex digits); its account pays the gas and owns the contracts`)
  const account = privateKeyToAccount(key as Hex)

  let chainId: number
  try {
    chainId = await probeChainId(rpc, RPC_PROBE_TIMEOUT_MS, ` eth_chainId within ${RPC_PROBE_TIMEOUT_MS / 1000} s`)
  } catch (err) {
    throw new CliError('CHAIN_UNREACHABLE', err instanceof Error ? err.message : String(err), EXIT.unreachable)
  }
  const chain = { rpcUrl: rpc, chainId }
  const publicClient = publicClientFor(chain)
  const walletClient = walletClientFor(chain, account)
  log(`deploying to chain ${chainId} at ${rpc} from ${account.address}`)
  let config
  try {
    config = await deployContracts({
      publicClient,
      walletClient,
      treasury: treasury ?? account.address,
      ...(paymentToken !== undefined ? { paymentToken } : {}),
      ...(stakingToken !== undefined ? { stakingToken } : {}),
      unbondingSeconds: BigInt(unbondingSeconds ?? DEFAULT_UNBONDING_SECONDS),
      challengeSeconds: BigInt(challengeSeconds ?? DEFAULT_CHALLENGE_SECONDS),
      arbitration: DEFAULT_ARBITRATION,
      local: false,
      rpcUrl: rpc,
      onDeployed: (name, at) => { log(`  ${name.padEnd(16)} ${at}`) }
    })
  } catch (err) {
    if (err instanceof TabmeshError) throw new CliError(err.code, err.message)
    throw new CliError('DEPLOY_FAILED', `deployment failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]!}`, EXIT.unreachable)
  }
  await mkdir(dirname(options.out), { recursive: true })
  await writeFile(options.out, JSON.stringify(config, null, 2) + '\n')
  log(`wrote ${options.out}
  CLI:     export ${CHAIN_FILE_VARIABLE}=${options.out}   (provide, submit --price, claim, lanes and dispute use it)
  web app: put it in /tabmesh.json as "chain", beside "bootstrap"${paymentToken === undefined ? '\n  note:    the payment and staking tokens are TestTokens with a public faucet: for a test network only' : ''}`)
  return 0
}
