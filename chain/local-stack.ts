import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mnemonicToAccount } from 'viem/accounts'
import { startAnvil, ANVIL_MNEMONIC } from './anvil.ts'
import type { AnvilHandle } from './anvil.ts'
import { publicClientFor, walletClientFor } from './clients.ts'
import type { ChainConfig } from './config.ts'
import { deployLocalStack, isDeployed } from './deploy.ts'
import { faucet } from './actions/faucet.ts'

/** anvil's JSON-RPC port for the local mesh. */
export const DEFAULT_ANVIL_PORT = 8545
/** The first 10 anvil test accounts each get this much of both test tokens. */
const TEST_ACCOUNTS = 10
/** Anvil test account 9 is the local treasury. */
const TREASURY_INDEX = 9

export interface LocalChain {
  anvil: AnvilHandle
  chain: ChainConfig
}

/**
 * Brings up the local chain: anvil with `--state` under `dir` (so it survives restarts), the contracts
 * deployed once (addresses kept in `dir/chain.json`), and the 10 test accounts funded with both tokens.
 */
export async function startLocalChain (params: { dir: string, port?: number }): Promise<LocalChain> {
  await mkdir(params.dir, { recursive: true })
  const anvil = await startAnvil({ port: params.port ?? DEFAULT_ANVIL_PORT, stateFile: join(params.dir, 'anvil-state.json') })
  const config = { rpcUrl: anvil.rpcUrl, chainId: 31337 }
  const publicClient = publicClientFor(config)
  const deployer = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 })
  const file = join(params.dir, 'chain.json')
  let chain: ChainConfig | undefined
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as ChainConfig
    if (await isDeployed(publicClient, saved)) chain = { ...saved, rpcUrl: anvil.rpcUrl }
  } catch {}
  if (chain === undefined) {
    const walletClient = walletClientFor(config, deployer)
    chain = await deployLocalStack({ publicClient, walletClient, treasury: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: TREASURY_INDEX }).address })
    for (let i = 0; i < TEST_ACCOUNTS; i++) {
      const to = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address
      for (const [token, amount] of [[chain.paymentToken, 100_000n * 10n ** 6n], [chain.stakingToken, 10_000n * 10n ** 18n]] as const) {
        await faucet({ publicClient, walletClient, token, to, amount })
      }
    }
    await writeFile(file, JSON.stringify(chain, null, 2) + '\n')
  }
  return { anvil, chain }
}

/** The anvil test account `index` (0 deploys, 9 is the treasury; 1–8 are free for requesters). */
export function testAccount (index: number): ReturnType<typeof mnemonicToAccount> {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index })
}
