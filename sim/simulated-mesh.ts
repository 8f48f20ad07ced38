import { WorkerPool } from '../worker-runtime/pool.ts'
import { createClient } from '../sdk/index.ts'
import type { CreateClientParameters, TabmeshClient } from '../sdk/index.ts'
import { MemoryBlobStore } from '../mesh/blob/store.ts'
import { CAPACITY_TOPIC } from '../mesh/constants.ts'
import { memory } from '@libp2p/memory'
import { createMeshNode } from '../mesh/node/create-node.ts'
import type { MeshNode } from '../mesh/node/create-node.ts'
import { keepBootstrap } from '../mesh/node/keep-bootstrap.ts'
import { multiaddr } from '@multiformats/multiaddr'
import type { ProviderAgent } from '../mesh/provider/agent.ts'
import { createProvider } from '../mesh/provider/create-provider.ts'
import { spawnInlineWorker } from './inline-worker.ts'

/** Providers started at once: bounded so hundreds of noise handshakes with the relay do not all queue on it together. */
const START_BATCH = 25

export interface SimulatedMeshParameters {
  /** Providers to start. */
  providers: number
  /** One-way latency of every message on the memory transport, ms. Default 5 (same-region WebRTC). */
  latencyMs?: number
  /** Task slots per provider. Default 1 (a tab's usual share). */
  workersPerProvider?: number
  /** How many of the providers lie (TEST ONLY knob of ProviderAgent), spread evenly over the start order (not the first ones: those start before the rest are up). */
  cheaters?: number
  /** Fraction of tasks a cheater lies on, (0, 1]. Default 1. */
  cheatRate?: number
  /** Requester options (e.g. the reputation policy). */
  client?: Omit<CreateClientParameters, 'node' | 'bootstrap'>
}

export interface SimulatedProvider {
  node: MeshNode
  agent: ProviderAgent
  cheater: boolean
  stop: () => Promise<void>
}

export interface SimulatedMesh {
  relay: MeshNode
  /** Providers alive now (killed ones are removed). */
  providers: SimulatedProvider[]
  client: TabmeshClient
  /** Starts one more provider (churn: a tab opens). */
  addProvider: (options?: { cheater?: boolean }) => Promise<SimulatedProvider>
  /** Stops a provider abruptly (churn: a tab closes), by its index in `providers`. */
  kill: (index: number) => Promise<void>
  stop: () => Promise<void>
}

/**
 * Runs a whole mesh in this process for scale tests and benchmarks (issue #5): one relay, `providers`
 * Node providers and one requester, all on the libp2p memory transport with simulated latency. Every
 * layer above the transport is the shipped code: noise, yamux, gossipsub capacity ads, the relay
 * profile, ProviderAgent, JobScheduler, adaptive replication. Tasks run real Wasm on this thread
 * (`spawnInlineWorker`).
 *
 * @example
 * const mesh = await startSimulatedMesh({ providers: 500, latencyMs: 5 })
 * await mesh.client.waitForProviders(500)
 * const job = mesh.client.submit({ module, inputs, redundancy: 2 })
 */
export async function startSimulatedMesh (params: SimulatedMeshParameters): Promise<SimulatedMesh> {
  const latency = params.latencyMs ?? 5
  /** The in-process memory transport, each node on an address of its own. */
  const memoryTransport = (): { transports: [ReturnType<typeof memory>], listen: string[] } => ({ transports: [memory({ latency })], listen: [`/memory/${crypto.randomUUID()}`] })
  const relay = await createMeshNode({ profile: 'relay', transport: memoryTransport() })
  relay.services.pubsub.subscribe(CAPACITY_TOPIC)
  const bootstrap = relay.getMultiaddrs().map(a => a.toString())
  const providers: SimulatedProvider[] = []
  const cheaters = Math.min(params.cheaters ?? 0, params.providers)
  let startedCount = 0

  const addProvider = async (options: { cheater?: boolean } = {}): Promise<SimulatedProvider> => {
    // Provider i of n lies when it is one of `cheaters` spread evenly over 0…n−1.
    const i = startedCount++
    const cheater = options.cheater ?? (cheaters > 0 && i < params.providers && Math.floor((i + 1) * cheaters / params.providers) > Math.floor(i * cheaters / params.providers))
    const node = await createMeshNode({ profile: 'node', transport: memoryTransport() })
    void dialQuietly(node, bootstrap)
    const pool = new WorkerPool({ size: params.workersPerProvider ?? 1, spawn: spawnInlineWorker })
    const handle = await createProvider({
      bootstrap,
      node,
      pool,
      store: new MemoryBlobStore(8 * 1024 * 1024),
      tier: 'node',
      ...(cheater ? { faultyOutputs: params.cheatRate ?? true } : {})
    })
    const provider: SimulatedProvider = { node, agent: handle.agent, cheater, stop: handle.stop }
    providers.push(provider)
    return provider
  }

  for (let started = 0; started < params.providers; started += START_BATCH) {
    await Promise.all(Array.from({ length: Math.min(START_BATCH, params.providers - started) }, async () => await addProvider()))
  }
  const requesterNode = await createMeshNode({ profile: 'node', transport: memoryTransport() })
  await dialQuietly(requesterNode, bootstrap)
  const stopKeeping = keepBootstrap(requesterNode, bootstrap)
  const client = await createClient({ ...params.client, node: requesterNode })

  return {
    relay,
    providers,
    client,
    addProvider,
    async kill (index) {
      const [victim] = providers.splice(index, 1)
      await victim?.stop()
    },
    async stop () {
      await client.stop()
      stopKeeping()
      await requesterNode.stop()
      await Promise.all(providers.splice(0).map(async p => { await p.stop() }))
      await relay.stop()
    }
  }
}

/** Dials the relay once; a failure under start-up load is left to keepBootstrap's redial. */
async function dialQuietly (node: MeshNode, bootstrap: string[]): Promise<void> {
  for (const addr of bootstrap) await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(30_000) }).catch(() => {})
}
