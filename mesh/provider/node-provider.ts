import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WorkerPool } from '../../worker-runtime/pool.ts'
import { spawnNodeWorker } from '../../worker-runtime/spawn-node.ts'
import { fsBlobStore } from '../blob/fs-store.ts'
import { MemoryBlobStore, tieredStore } from '../blob/store.ts'
import { createMeshNode, isLocalMesh } from '../node/create-node.ts'
import { tabmeshDht } from '../node/dht.ts'
import { providerServices } from './services.ts'
import type { MeshNode } from '../node/create-node.ts'
import type { ProviderAgent } from './agent.ts'
import { createProvider } from './create-provider.ts'
import { benchmarkPool } from './benchmark.ts'
import type { LocalAccount } from 'viem'
import type { ChainConfig } from '../../chain/config.ts'
import { fundLocalAccount, LOCAL_STAKE } from '../../chain/local-funding.ts'
import { fsChequeStore } from '../payment/fs-cheque-store.ts'
import { ProviderPayments } from '../payment/provider-payments.ts'

export interface StartNodeProviderParameters {
  bootstrap: string[]
  /** Listen addresses (default: the node profile's loopback TCP, WebSockets, WebRTC). */
  listen?: string[]
  /** STUN/TURN servers for WebRTC (default none: host candidates only, enough on one machine or LAN). */
  iceServers?: RTCIceServer[]
  /** Worker threads. Default: all cores (a Node provider gives its whole machine). */
  workers?: number
  /** Blob cache directory. */
  cacheDir: string
  /** Most bytes the blob cache keeps on disk (default DEFAULT_FS_BLOB_QUOTA_BYTES, 1 GiB); least recently used blobs go first. */
  cacheQuotaBytes?: number
  price?: string
  /** jobs/primes module for the benchmark score; skipped when absent. */
  primesModulePath?: string
  /** The contracts: with `account`, the provider takes paid jobs (receipts, cheques, claims, arbitration). */
  chain?: ChainConfig
  /** The operator key (receipts, peer binding, claims, arbiter votes). */
  account?: LocalAccount
  /** The owner the operator acts for (registered on chain by the owner). Default: the operator itself. */
  owner?: `0x${string}`
  /** Where cheques are kept until claimed. */
  chequeFile?: string
  /** TEST ONLY: return wrong outputs (see ProviderAgent). */
  faultyOutputs?: boolean | number
  /** Task sessions one peer may open per second (default TASK_SESSIONS_PER_PEER_PER_SECOND). */
  sessionsPerPeerPerSecond?: number
  /** How long a delivered paid result may wait for its cheque, ms (default CHEQUE_GRACE_MS). */
  chequeGraceMs?: number
}

export interface NodeProviderHandle {
  node: MeshNode
  agent: ProviderAgent
  pool: WorkerPool
  payments: ProviderPayments | undefined
  stop: () => Promise<void>
}

/** Starts a heavy (Node) provider: libp2p node profile, worker_threads pool, disk blob cache, capacity ads. */
export async function startNodeProvider (params: StartNodeProviderParameters): Promise<NodeProviderHandle> {
  const pool = new WorkerPool({ size: params.workers ?? availableParallelism(), spawn: spawnNodeWorker })
  const node = await createMeshNode({ profile: 'node', bootstrap: params.bootstrap, services: { ...providerServices(), dht: tabmeshDht({ localAddresses: isLocalMesh(params.bootstrap) }) }, ...(params.listen !== undefined ? { listen: params.listen } : {}), ...(params.iceServers !== undefined ? { iceServers: params.iceServers } : {}) })
  let payments: ProviderPayments | undefined
  if (params.chain !== undefined && params.account !== undefined) {
    // On the local chain a new provider funds and stakes itself so it can take paid jobs at once.
    // (An operator of another owner only gets gas: its owner stakes and registers it.)
    if (params.chain.local) await fundLocalAccount(params.chain, params.account, { stake: params.owner === undefined || params.owner.toLowerCase() === params.account.address.toLowerCase() ? LOCAL_STAKE : 0n })
    payments = new ProviderPayments({ chain: params.chain, account: params.account, ...(params.owner !== undefined ? { owner: params.owner } : {}), store: fsChequeStore(params.chequeFile ?? join(params.cacheDir, '..', 'cheques.json')), ...(params.chequeGraceMs !== undefined ? { chequeGraceMs: params.chequeGraceMs } : {}) })
  }
  const provider = await createProvider({
    bootstrap: params.bootstrap,
    node,
    pool,
    store: tieredStore(new MemoryBlobStore(64 * 1024 * 1024), fsBlobStore(params.cacheDir, params.cacheQuotaBytes)),
    tier: 'node',
    ...(payments !== undefined ? { payments } : {}),
    ...(params.faultyOutputs !== undefined ? { faultyOutputs: params.faultyOutputs } : {}),
    ...(params.price !== undefined ? { price: params.price } : {}),
    ...(params.sessionsPerPeerPerSecond !== undefined ? { sessionsPerPeerPerSecond: params.sessionsPerPeerPerSecond } : {}),
    ...(params.primesModulePath !== undefined ? { score: readFile(params.primesModulePath).then(async bytes => await benchmarkPool(pool, new Uint8Array(bytes))) } : {})
  })
  return { ...provider, payments }
}

/**
 * Where the built jobs/primes module (the benchmark) lives in this package: `jobs/primes/build/` at the
 * package root — two folders up from `mesh/provider/` in the repository and from `dist/cli/` (where
 * scripts/build-cli.ts bundles this file) in the published package, which ships that one file.
 */
export function bundledPrimesPath (): string {
  return join(fileURLToPath(new URL('../../jobs/primes/build/', import.meta.url)), 'primes.wasm')
}
