import { ProviderDirectory } from '../../mesh/ads/directory.ts'
import { idbBlobStore } from '../../mesh/blob/idb-store.ts'
import { MemoryBlobStore, tieredStore } from '../../mesh/blob/store.ts'
import { connectionKind } from '../../mesh/node/connections.ts'
import type { ConnectionKind } from '../../mesh/node/connections.ts'
import { createMeshNode } from '../../mesh/node/create-node.ts'
import type { MeshNode } from '../../mesh/node/create-node.ts'
import { keepBootstrap } from '../../mesh/node/keep-bootstrap.ts'
import { maintainOverlay } from '../../mesh/node/overlay.ts'
import { ProviderAgent } from '../../mesh/provider/agent.ts'
import type { ProviderTaskEvent } from '../../mesh/provider/agent.ts'
import { benchmarkPool } from '../../mesh/provider/benchmark.ts'
import { WorkerPool } from '../../worker-runtime/pool.ts'
import { spawnBrowserWorker } from '../../worker-runtime/spawn-browser.ts'
import primesUrl from '../../jobs/primes/build/primes.wasm?url'
import type { ChainConfig } from '../../chain/config.ts'
import { fundLocalAccount, LOCAL_STAKE } from '../../chain/local-funding.ts'
import { idbChequeStore } from '../../mesh/payment/idb-cheque-store.ts'
import { ProviderPayments } from '../../mesh/payment/provider-payments.ts'
import { loadBurnerAccount } from './burner.ts'

export type TabStatus = 'connecting' | 'benchmarking' | 'providing' | 'paused' | 'error'

export interface PeerView {
  peerId: string
  kinds: ConnectionKind[]
  /** From the peer's capacity ad, when it has one. */
  tier?: string
  workers?: number
  isRelay: boolean
}

export interface RecentTask {
  jobId: string
  taskIndex: number
  requester: string
  outcome: string
  durationMs: number
  outputCid?: string
  at: number
}

export interface TabProviderState {
  status: TabStatus
  error?: string
  peerId: string
  workers: number
  busyWorkers: number
  scoreMilli: number
  tasksDone: number
  tasksFailed: number
  running: number
  /** Worker-milliseconds spent on tasks. */
  contributedMs: number
  peers: PeerView[]
  recent: RecentTask[]
  /** ms from page load (performance.timeOrigin) to the first task done here. */
  firstTaskAfterMs?: number
  /** Payout address (the burner key until a wallet is connected); empty without a chain. */
  payoutAddress: string
  /** Payment-token base units, decimal strings: latest cheques' total, claimed, claimable. */
  earnings: { received: string, claimed: string, claimable: string }
}

/** How many finished tasks the page lists. */
const RECENT_TASKS = 12
/** Refresh of the peers view, ms. */
const PEERS_REFRESH_MS = 1000

export interface TabProvider {
  node: MeshNode
  directory: ProviderDirectory
  state: () => TabProviderState
  setPaused: (paused: boolean) => void
  subscribe: (listener: () => void) => () => void
}

/**
 * Boots this tab as a provider: browser libp2p node (WebSockets to the relay, WebRTC to peers),
 * a Web Worker pool (cores − 1), an IndexedDB blob cache, the benchmark, capacity ads and the overlay.
 */
export async function startTabProvider (config: { bootstrap: string[], workers?: number, chain?: ChainConfig }): Promise<TabProvider> {
  const listeners = new Set<() => void>()
  const notify = (): void => { for (const l of listeners) l() }
  const workers = config.workers ?? Math.max(1, (navigator.hardwareConcurrency ?? 2) - 1)
  const pool = new WorkerPool({ size: workers, spawn: spawnBrowserWorker })
  const state: TabProviderState = {
    status: 'connecting', peerId: '', workers, busyWorkers: 0, scoreMilli: 0, tasksDone: 0, tasksFailed: 0, running: 0, contributedMs: 0, peers: [], recent: [],
    payoutAddress: '', earnings: { received: '0', claimed: '0', claimable: '0' }
  }
  const node = await createMeshNode({ profile: 'browser', bootstrap: config.bootstrap, allowLocalDials: true })
  state.peerId = node.peerId.toString()
  keepBootstrap(node, config.bootstrap)
  const directory = new ProviderDirectory(node)
  const relayIds = new Set(config.bootstrap.map(a => a.split('/p2p/').pop() ?? ''))

  const refreshPeers = (): void => {
    const byPeer = new Map<string, PeerView>()
    for (const c of node.getConnections()) {
      const id = c.remotePeer.toString()
      const ad = directory.get(id)?.ad
      const view = byPeer.get(id) ?? { peerId: id, kinds: [], isRelay: relayIds.has(id), ...(ad !== undefined ? { tier: ad.tier, workers: ad.workers } : {}) }
      const kind = connectionKind(c)
      if (!view.kinds.includes(kind)) view.kinds.push(kind)
      byPeer.set(id, view)
    }
    state.peers = [...byPeer.values()]
    notify()
  }
  setInterval(refreshPeers, PEERS_REFRESH_MS)
  pool.addEventListener('change', () => { state.busyWorkers = pool.stats().busy; notify() })

  state.status = 'benchmarking'
  notify()
  const primes = new Uint8Array(await (await fetch(primesUrl)).arrayBuffer())
  let payments: ProviderPayments | undefined
  if (config.chain !== undefined) {
    const account = await loadBurnerAccount()
    // On the local chain the tab funds and stakes its burner itself, so it can take paid jobs at once.
    if (config.chain.local) await fundLocalAccount(config.chain, account, { stake: LOCAL_STAKE })
    payments = new ProviderPayments({ chain: config.chain, account, store: idbChequeStore() })
    state.payoutAddress = account.address
    const refreshEarnings = (): void => {
      const e = payments!.earnings()
      state.earnings = { received: e.received.toString(), claimed: e.claimed.toString(), claimable: e.claimable.toString() }
      notify()
    }
    payments.addEventListener('change', refreshEarnings)
    refreshEarnings()
  }
  const agent = new ProviderAgent({ node, pool, store: tieredStore(new MemoryBlobStore(64 * 1024 * 1024), idbBlobStore()), tier: 'tab', ...(payments !== undefined ? { payments } : {}) })
  agent.scoreMilli = await benchmarkPool(pool, primes)
  state.scoreMilli = agent.scoreMilli
  agent.addEventListener('task:start', () => { state.running = agent.stats().running; notify() })
  agent.addEventListener('task:end', (e) => {
    const d = (e as CustomEvent<ProviderTaskEvent>).detail
    const ok = d.outcome === 'ok'
    if (ok) state.tasksDone++
    else state.tasksFailed++
    if (ok && state.firstTaskAfterMs === undefined) state.firstTaskAfterMs = Math.round(performance.now())
    state.contributedMs += d.durationMs ?? 0
    state.running = agent.stats().running
    state.recent = [{ jobId: d.jobId, taskIndex: d.taskIndex, requester: d.requester, outcome: d.outcome ?? '?', durationMs: d.durationMs ?? 0, ...(d.outputCid !== undefined ? { outputCid: d.outputCid } : {}), at: Date.now() }, ...state.recent].slice(0, RECENT_TASKS)
    notify()
  })
  await agent.start()
  maintainOverlay(node, directory)
  state.status = 'providing'
  refreshPeers()

  return {
    node,
    directory,
    state: () => state,
    setPaused (paused) {
      agent.setPaused(paused)
      state.status = paused ? 'paused' : 'providing'
      notify()
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
