import type { WorkerPool } from '../../worker-runtime/pool.ts'
import type { MeshNode } from '../node/create-node.ts'
import { keepBootstrap } from '../node/keep-bootstrap.ts'
import { ProviderAgent } from './agent.ts'
import type { ProviderAgentOptions } from './agent.ts'

export interface CreateProviderParameters extends ProviderAgentOptions {
  /** Relay multiaddrs the node keeps dialling (keepBootstrap). */
  bootstrap: string[]
  /**
   * The benchmark score (tasks/s × 1000, mesh/provider/benchmark.ts), or a promise of it: the
   * provider advertises once it is known. Default: the option `scoreMilli`, else 0.
   */
  score?: number | Promise<number>
  /** Called with the agent before it starts serving: attach event listeners here to miss no task. */
  beforeStart?: (agent: ProviderAgent) => void
}

export interface ProviderHandle {
  node: MeshNode
  pool: WorkerPool
  agent: ProviderAgent
  /** Stops advertising and serving, the worker pool and the node. */
  stop: () => Promise<void>
}

/**
 * The one way a provider is put together — the Node provider (mesh/provider/node-provider.ts), the
 * tab (web/provider/tab-provider.ts) and the simulation (sim/simulated-mesh.ts) each bring their
 * own node, worker pool and blob store and get the same agent: keeps the relay dialled, waits for the
 * benchmark score, serves task sessions and publishes capacity ads.
 *
 * @example
 * const provider = await createProvider({ node, pool, store, tier: 'node', bootstrap, score: benchmarkPool(pool, primes) })
 * await provider.stop()
 */
export async function createProvider (params: CreateProviderParameters): Promise<ProviderHandle> {
  const { bootstrap, score, beforeStart, ...options } = params
  const stopKeeping = keepBootstrap(params.node, bootstrap)
  const agent = new ProviderAgent(options)
  if (score !== undefined) agent.scoreMilli = await score
  beforeStart?.(agent)
  await agent.start()
  return {
    node: params.node,
    pool: params.pool,
    agent,
    stop: async () => {
      stopKeeping()
      await agent.stop().catch(() => {})
      params.pool.stop()
      await params.node.stop()
    }
  }
}
