import { join } from 'node:path'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { freePort } from '../chain/free-port.ts'
import { startLocalChain, testAccount } from '../chain/local-stack.ts'
import type { LocalChain } from '../chain/local-stack.ts'
import { startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient } from '../sdk/index.ts'

/** A local chain, a relay, paid Node providers and a paying client, for tests of the money path. */
export interface PaidMesh {
  local: LocalChain
  relay: RelayHandle
  /** Each its own owner and operator (a fresh key), staked by the local chain's funding. */
  providers: NodeProviderHandle[]
  /** Pays as `testAccount(1)`. */
  client: TabmeshClient
  stop: () => Promise<void>
}

/**
 * Starts anvil with the deployed contracts (in `dir`), a relay on loopback, `providers` Node providers of
 * one worker each and a client that sees them all; `liar` (an index) makes that provider return
 * wrong outputs (NodeProviderParams.faultyOutputs).
 */
export async function startPaidMesh (dir: string, providers: number, options: { liar?: number } = {}): Promise<PaidMesh> {
  const local = await startLocalChain({ dir, port: await freePort() })
  const relay = await startRelay({ port: 0 })
  const started: NodeProviderHandle[] = []
  for (let i = 0; i < providers; i++) {
    started.push(await startNodeProvider({
      bootstrap: relay.multiaddrs,
      workers: 1,
      cacheDir: join(dir, `blobs-${i}`),
      chequeFile: join(dir, `cheques-${i}.json`),
      chain: local.chain,
      account: privateKeyToAccount(generatePrivateKey()),
      faultyOutputs: i === options.liar
    }))
  }
  const client = await createClient({ bootstrap: relay.multiaddrs, chain: local.chain, account: testAccount(1) })
  await client.waitForProviders(providers, { signal: AbortSignal.timeout(30_000) })
  return {
    local,
    relay,
    providers: started,
    client,
    stop: async () => {
      await client.stop()
      for (const p of started) await p.stop()
      await relay.stop()
      await local.anvil.stop()
    }
  }
}
