import { ProviderDirectory } from '../../mesh/ads/directory.ts'
import { cidOf } from '../../mesh/cid.ts'
import { idbBlobStore } from '../../mesh/blob/idb-store.ts'
import { MemoryBlobStore, tieredStore } from '../../mesh/blob/store.ts'
import { connectionKind } from '../../mesh/node/connections.ts'
import type { ConnectionKind } from '../../mesh/node/connections.ts'
import { createMeshNode, isLocalMesh } from '../../mesh/node/create-node.ts'
import { HomeRelay } from '../../mesh/node/home-relay.ts'
import { dhtOf, tabmeshDht } from '../../mesh/node/dht.ts'
import { findFallbackRelays } from '../../mesh/node/fallback-relays.ts'
import { mayDial } from '../../mesh/node/address-scope.ts'
import { loadFoundRelays, saveFoundRelays } from './found-relays.ts'
import { relayPeerOf } from '../../mesh/node/keep-bootstrap.ts'
import { providerServices } from '../../mesh/provider/services.ts'
import type { MeshNode } from '../../mesh/node/create-node.ts'
import { maintainOverlay } from '../../mesh/node/overlay.ts'
import { acceptUnreachableReports } from '../../mesh/node/reachability.ts'
import { createProvider } from '../../mesh/provider/create-provider.ts'
import type { ProviderTaskEvent } from '../../mesh/provider/agent.ts'
import { benchmarkPool } from '../../mesh/provider/benchmark.ts'
import { loadBenchmarkScore, saveBenchmarkScore } from './benchmark-cache.ts'
import { WorkerPool } from '../../worker-runtime/pool.ts'
import { spawnBrowserWorker } from '../../worker-runtime/spawn-browser.ts'
import primesUrl from '../../jobs/primes/build/primes.wasm?url'
import type { ChainConfig } from '../../chain/config.ts'
import { fundLocalAccount, LOCAL_STAKE } from '../../chain/local-funding.ts'
import { idbChequeStore } from '../../mesh/payment/idb-cheque-store.ts'
import { ProviderPayments } from '../../mesh/payment/provider-payments.ts'
import { loadBurnerAccount } from './burner.ts'
import { appendEarnings, CACHE_CHOICES_MIB, loadEarningsHistory, loadSettings, saveSettings } from './settings.ts'
import type { EarningsPoint, VolunteerSettings } from './settings.ts'
import type { PrivateKeyAccount } from 'viem'
import { publicClientFor } from '../../chain/clients.ts'
import { readOwnerOf } from '../../chain/actions/read-owner-of.ts'

/**
 * 100 ms: how often the pages re-render at most while the provider's state changes (10 per second,
 * enough for counters a person reads). The render shares the main thread with the tasks: at 20 per
 * second, rendering and layout added ~0.08 ms to each no-op task of a busy tab (1.38 ms with the page
 * shown against 1.30 ms hidden, bench/suites/dispatch.ts's task).
 */
const UI_REFRESH_MS = 100

export type TabStatus = 'connecting' | 'providing' | 'paused' | 'error'

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
  /** Where other peers reach this tab: `/p2p-circuit` reservations and `/webrtc` addresses through them. */
  multiaddrs: string[]
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
  /** ms from page load to each start-up step: `node` (libp2p up, relay dialled), `reachable` (its first /webrtc address), `advertised`, `benchmark`. */
  startupMs: Record<string, number>
  /** The owner paid for this tab's work: its burner key itself, or the wallet that registered it as an operator; empty without a chain. */
  owner: string
  /** This tab's operator key (its burner): signs receipts and binds its peer id. */
  operator: string
  /** Payment-token base units, decimal strings: latest cheques' total, claimed, claimable. */
  earnings: { received: string, claimed: string, claimable: string }
  earningsHistory: EarningsPoint[]
  settings: VolunteerSettings
  /** Why the tab is not taking tasks, when paused: 'you', 'hidden', 'battery'. */
  pausedBy: string[]
  /** Requesters that reported, over the relay, that they could not open a direct link to this tab (last 10 min). */
  unreachableReports: number
  /** Score of what this tab contributed: tasks done weighted by benchmark-relative time (BOINC-style credit). */
  credit: number
  /** The relay this tab is attached to (its peer id), while it is attached to one. */
  homeRelay?: string
  /** Times the tab moved to another relay (its home relay went away, or a better-ranked one came back). */
  relayFailovers: number
  /** Relays found in the DHT that the tab falls back to when none of its configured relays answers (multiaddrs, its order). */
  fallbackRelays: string[]
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
  updateSettings: (settings: Partial<VolunteerSettings>) => Promise<void>
  subscribe: (listener: () => void) => () => void
  chain?: ChainConfig
  payments?: ProviderPayments
  burner?: PrivateKeyAccount
}

/**
 * Boots this tab as a provider: browser libp2p node (WebSockets to the relay, WebRTC to peers),
 * a Web Worker pool (cores − 1), an IndexedDB blob cache, the benchmark, capacity ads and the overlay.
 */
export async function startTabProvider (config: { bootstrap: string[], workers?: number, chain?: ChainConfig, iceServers?: RTCIceServer[] }): Promise<TabProvider> {
  const listeners = new Set<() => void>()
  // Listeners (the pages) hear of changes at most every UI_REFRESH_MS: a tab running 1 ms tasks changes
  // state thousands of times a second, and a render per change would cost more than the tasks.
  // What a person does (pause, preferences) shows at once.
  // Outputs of finished tasks whose CID the page does not show yet. They are hashed when the pages
  // next refresh, and only those still among the RECENT_TASKS listed: a busy tab ends hundreds of
  // tasks between two refreshes, and hashing each on the main thread delayed its answer.
  const unhashed = new Map<RecentTask, Uint8Array>()
  const hashShown = (): void => {
    for (const [entry, output] of unhashed) {
      unhashed.delete(entry)
      if (!state.recent.includes(entry)) continue
      void cidOf(output).then(cid => { entry.outputCid = cid.toString(); notifySoon() })
    }
  }
  const notifying = coalesced(() => {
    hashShown()
    for (const l of listeners) l()
  }, UI_REFRESH_MS)
  const notify = notifying.now
  const notifySoon = notifying.soon
  // Steps of the start, ms after page load (performance.now()): `script` when this code starts.
  const startupMs: Record<string, number> = { script: Math.round(performance.now()) }
  // Start-up steps that do not depend on each other run at once: libp2p (and the relay dial) starts
  // first; the worker pool is made and benchmarked as soon as the settings (IndexedDB) and the
  // benchmark module are in, while libp2p is still connecting.
  // A tab attaches to one relay of the list, its home (rendezvous hashing of its peer id), and
  // fails over down its order when that relay goes away (mesh/node/home-relay.ts).
  // The home relay is dialled by `home`, not as a bootstrap, so the node is told which mesh this is:
  // only on a local mesh may ads make a tab dial private and loopback addresses.
  // Besides its configured relays, the tab keeps up to 8 found in the DHT (client mode: it asks,
  // never answers) as fallbacks, saved across page loads, so a tab told of one relay outlives it.
  let home!: HomeRelay
  const localMesh = isLocalMesh(config.bootstrap)
  const nodeReady = createMeshNode({ profile: 'browser', bootstrap: [], allowLocalDials: localMesh, services: { ...providerServices(), dht: tabmeshDht({ localAddresses: localMesh, clientMode: true }) }, ...(config.iceServers !== undefined ? { iceServers: config.iceServers } : {}) }).then(async n => {
    // When the tab first has an address a requester can dial it on (its /webrtc address through a relay reservation).
    const reachable = (): void => {
      if (startupMs.reachable !== undefined || !n.getMultiaddrs().some(ma => ma.toString().includes('/webrtc'))) return
      startupMs.reachable = Math.round(performance.now())
      n.removeEventListener('transport:listening', reachable)
      n.removeEventListener('self:peer:update', reachable)
    }
    n.addEventListener('transport:listening', reachable)
    n.addEventListener('self:peer:update', reachable)
    home = new HomeRelay(n, config.bootstrap, loadFoundRelays(config.bootstrap))
    await home.start()
    startupMs.node = Math.round(performance.now())
    return n
  })
  const [settings, primes] = await Promise.all([loadSettings(), fetch(primesUrl).then(async r => new Uint8Array(await r.arrayBuffer()))])
  const workers = config.workers ?? settings.workers
  const pool = new WorkerPool({ size: workers, spawn: spawnBrowserWorker })
  pool.dutyCycle = settings.dutyCyclePercent / 100
  // The benchmark no longer holds the ad back: the tab advertises with its saved score (a returning
  // tab) or none (a requester then assumes an average device and times it: mesh/requester/speed.ts),
  // and the measured score replaces it when ready (web/provider/benchmark-cache.ts).
  const benchmarkKey = { workers, cores: navigator.hardwareConcurrency, agent: navigator.userAgent }
  const savedScore = loadBenchmarkScore(benchmarkKey)
  const benchmark = benchmarkPool(pool, primes).then(score => { startupMs.benchmark = Math.round(performance.now()); saveBenchmarkScore(benchmarkKey, score); return score })
  benchmark.catch(() => {}) // handled once the agent exists, below
  const [earningsHistory, node] = await Promise.all([loadEarningsHistory(), nodeReady])
  const state: TabProviderState = {
    status: 'connecting', peerId: '', multiaddrs: [], workers, busyWorkers: 0, scoreMilli: 0, tasksDone: 0, tasksFailed: 0, running: 0, contributedMs: 0, peers: [], recent: [],
    owner: '', operator: '', earnings: { received: '0', claimed: '0', claimable: '0' },
    earningsHistory, settings, pausedBy: [], credit: 0, unreachableReports: 0, startupMs, relayFailovers: 0, fallbackRelays: home.fallbacks
  }
  state.peerId = node.peerId.toString()
  const showHome = (): void => {
    const peer = home.home !== undefined ? relayPeerOf(home.home) : undefined
    if (peer !== undefined) state.homeRelay = peer
    else delete state.homeRelay
    state.relayFailovers = home.failovers
    notify()
  }
  home.addEventListener('change', showHome)
  showHome()
  findFallbackRelays(node, dhtOf(node), home, {
    allowed: ma => mayDial(ma, { allowLocal: localMesh, browser: true }),
    onFound: fallbacks => { state.fallbackRelays = fallbacks; saveFoundRelays(config.bootstrap, fallbacks); notify() }
  })
  const reports = await acceptUnreachableReports(node, () => { state.unreachableReports = reports.count(); notify() })
  const directory = new ProviderDirectory(node)
  const relayIds = new Set(config.bootstrap.map(a => relayPeerOf(a) ?? ''))

  const peers = coalesced(() => {
    const byPeer = new Map<string, PeerView>()
    for (const c of node.getConnections()) {
      const id = c.remotePeer.toString()
      const ad = directory.get(id)?.ad
      const view = byPeer.get(id) ?? { peerId: id, kinds: [], isRelay: relayIds.has(id) || home.fallbacks.some(f => relayPeerOf(f) === id), ...(ad !== undefined ? { tier: ad.tier, workers: ad.workers } : {}) }
      const kind = connectionKind(c)
      if (!view.kinds.includes(kind)) view.kinds.push(kind)
      byPeer.set(id, view)
    }
    state.peers = [...byPeer.values()]
    state.multiaddrs = node.getMultiaddrs().map(a => a.toString())
    state.unreachableReports = reports.count()
    notify()
  }, UI_REFRESH_MS)
  setInterval(peers.now, PEERS_REFRESH_MS)
  // An address or a link that comes or goes shows at the next refresh, not up to PEERS_REFRESH_MS
  // later: the page said "not reachable yet" for a second after the reservation came.
  for (const type of ['transport:listening', 'self:peer:update', 'connection:open', 'connection:close'] as const) node.addEventListener(type, peers.soon)
  pool.addEventListener('change', () => { state.busyWorkers = pool.stats().busy; notifySoon() })

  let payments: ProviderPayments | undefined
  let burner: PrivateKeyAccount | undefined
  if (config.chain !== undefined) {
    const account = await loadBurnerAccount()
    burner = account
    // On the local chain the tab funds and stakes its burner itself, so it can take paid jobs at once,
    // and gets payment tokens too, so the Jobs page's default (paid) example runs with no other click.
    // Offline (the PWA started without a network) this waits and retries instead of failing the boot.
    if (config.chain.local) {
      const chain = config.chain
      const fund = async (): Promise<void> => {
        for (let attempt = 0; ; attempt++) {
          try { await fundLocalAccount(chain, account, { stake: LOCAL_STAKE, paymentTokens: true }); return } catch {
            await new Promise(resolve => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** attempt)))
          }
        }
      }
      await Promise.race([fund(), new Promise(resolve => setTimeout(resolve, 10_000))])
    }
    // A wallet that registered this tab (Wallet page) owns its work; otherwise the burner owns itself.
    const owner = await readOwnerOf({ chain: config.chain, publicClient: publicClientFor(config.chain), operator: account.address }).catch(() => undefined) ?? account.address
    payments = new ProviderPayments({ chain: config.chain, account, owner, store: idbChequeStore() })
    payments.autoClaim = settings.autoClaim
    state.owner = owner
    state.operator = account.address
    const refreshEarnings = (): void => {
      const e = payments!.earnings()
      state.earnings = { received: e.received.toString(), claimed: e.claimed.toString(), claimable: e.claimable.toString() }
      const last = state.earningsHistory.at(-1)
      if (last?.received !== state.earnings.received || last.claimed !== state.earnings.claimed) {
        appendEarnings({ t: Date.now(), received: state.earnings.received, claimed: state.earnings.claimed }).then(h => { state.earningsHistory = h; notify() }, () => {})
      }
      notify()
    }
    payments.addEventListener('change', refreshEarnings)
    refreshEarnings()
  }
  /** Why this tab cannot take tasks at all (its benchmark failed), once known. */
  let broken: string | undefined
  const cache = idbBlobStore(settings.cacheMiB * 1024 * 1024)
  const { agent } = await createProvider({
    bootstrap: [], // the home relay is kept by `home`
    node,
    pool,
    store: tieredStore(new MemoryBlobStore(64 * 1024 * 1024), cache),
    tier: 'tab',
    score: savedScore ?? 0,
    ...(payments !== undefined ? { payments } : {}),
    beforeStart: (agent) => {
      state.scoreMilli = agent.scoreMilli
      benchmark.then(score => { agent.scoreMilli = score; state.scoreMilli = score; notify() }, (err: unknown) => {
        // A pool that cannot run the benchmark cannot run tasks either: stop taking them, say what to do.
        broken = `this browser could not run the benchmark task (${String(err)}); reload the page, or try another browser`
        agent.setPaused(true)
        state.status = 'error'
        state.error = broken
        notify()
      })
      agent.addEventListener('task:start', () => { state.running = agent.stats().running; notifySoon() })
      agent.addEventListener('task:end', (e) => {
        const d = (e as CustomEvent<ProviderTaskEvent>).detail
        const ok = d.outcome === 'ok'
        // Credit: seconds of work scaled by this device's speed relative to a 10 tasks/s reference.
        if (ok) state.credit += ((d.durationMs ?? 0) / 1000) * (agent.scoreMilli / 10_000)
        if (ok) state.tasksDone++
        else state.tasksFailed++
        if (ok && state.firstTaskAfterMs === undefined) state.firstTaskAfterMs = Math.round(performance.now())
        state.contributedMs += d.durationMs ?? 0
        state.running = agent.stats().running
        const entry: RecentTask = { jobId: d.jobId, taskIndex: d.taskIndex, requester: d.requester, outcome: d.outcome ?? '?', durationMs: d.durationMs ?? 0, ...(d.outputCid !== undefined ? { outputCid: d.outputCid } : {}), at: Date.now() }
        if (d.outputCid === undefined && d.output !== undefined) unhashed.set(entry, d.output)
        state.recent = [entry, ...state.recent].slice(0, RECENT_TASKS)
        notifySoon()
      })
    }
  })
  startupMs.advertised = Math.round(performance.now())
  maintainOverlay(node, directory)
  if (broken === undefined) state.status = 'providing'
  peers.now()

  // Pausing: by the user, or by the volunteer settings (hidden tab, battery).
  let userPaused = false
  let onBattery = false
  const applyPause = (): void => {
    if (broken !== undefined) return
    const reasons: string[] = []
    if (userPaused) reasons.push('you')
    if (state.settings.pauseWhenHidden && document.visibilityState === 'hidden') reasons.push('hidden')
    if (state.settings.pauseOnBattery && onBattery) reasons.push('battery')
    state.pausedBy = reasons
    agent.setPaused(reasons.length > 0)
    state.status = reasons.length > 0 ? 'paused' : 'providing'
    notify()
  }
  document.addEventListener('visibilitychange', applyPause)
  const nav = navigator as Navigator & { getBattery?: () => Promise<EventTarget & { charging: boolean }> }
  nav.getBattery?.().then(battery => {
    const update = (): void => { onBattery = !battery.charging; applyPause() }
    battery.addEventListener('chargingchange', update)
    update()
  }).catch(() => {})

  return {
    node,
    directory,
    ...(config.chain !== undefined ? { chain: config.chain } : {}),
    ...(payments !== undefined ? { payments } : {}),
    ...(burner !== undefined ? { burner } : {}),
    state: () => state,
    setPaused (paused) {
      userPaused = paused
      applyPause()
    },
    async updateSettings (patch) {
      const next = { ...state.settings, ...patch }
      next.workers = Math.min(Math.max(1, Math.round(next.workers)), navigator.hardwareConcurrency ?? 1)
      next.dutyCyclePercent = Math.min(100, Math.max(10, Math.round(next.dutyCyclePercent)))
      if (!(CACHE_CHOICES_MIB as readonly number[]).includes(next.cacheMiB)) next.cacheMiB = state.settings.cacheMiB
      if (next.cacheMiB !== state.settings.cacheMiB) await cache.setQuota(next.cacheMiB * 1024 * 1024)
      state.settings = next
      if (pool.size !== next.workers) { pool.resize(next.workers); state.workers = next.workers }
      pool.dutyCycle = next.dutyCyclePercent / 100
      if (payments !== undefined) payments.autoClaim = next.autoClaim
      // Show the change at once (controlled inputs must not snap back), then persist it.
      applyPause()
      await saveSettings(next)
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}

/**
 * `run` made callable at once (`now`, which also drops a pending call) or coalesced (`soon`: one call
 * `ms` later, however often it is asked for meanwhile).
 */
function coalesced (run: () => void, ms: number): { now: () => void, soon: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined
  const now = (): void => {
    clearTimeout(timer)
    timer = undefined
    run()
  }
  return { now, soon: () => { timer ??= setTimeout(now, ms) } }
}
