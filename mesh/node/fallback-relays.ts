import type { KadDHT } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { MeshNode } from './create-node.ts'
import { findRelays, webSocketAddressOf } from './dht.ts'
import type { HomeRelay } from './home-relay.ts'

/**
 * When a node looks for fallback relays in the DHT, ms after it starts: 1 s (its home relay's
 * identify has filled the DHT's routing table by then), again at 5 s in case that one found none,
 * then every FALLBACK_RELAYS_INTERVAL_MS.
 */
export const FALLBACK_RELAYS_FIRST_LOOKUPS_MS = [1_000, 5_000] as const
/** 60 s between later look-ups: the same pace as relays' own rounds (relay/relay-discovery.ts). */
export const FALLBACK_RELAYS_INTERVAL_MS = 60_000
/** How long one look-up may walk the DHT, ms. */
export const FALLBACK_RELAYS_LOOKUP_TIMEOUT_MS = 10_000

export interface FindFallbackRelaysParameters {
  /** The node's dial policy for relay addresses (a tab: mesh/node/address-scope.ts' rules). */
  allowed: (ma: Multiaddr) => boolean
  /** Called after a look-up with the home's fallbacks (home.fallbacks), to keep them across restarts. */
  onFound?: (fallbacks: string[]) => void
  /** Stops the look-ups. */
  signal?: AbortSignal
}

/**
 * Keeps `home` supplied with fallback relays: the relays announced in the DHT (findRelays, the
 * node's DHT in client mode is enough), as WebSocket addresses the node may dial, handed to
 * home.addFound. A tab told of one relay so survives that relay's loss (e2e/relays.e2e.test.ts).
 * Bounded: one look-up at a time, each at most FALLBACK_RELAYS_LOOKUP_TIMEOUT_MS.
 * @returns a function that stops it
 * @example
 * const stop = findFallbackRelays(node, dhtOf(node), home, { allowed: () => true, onFound: save })
 */
export function findFallbackRelays (node: MeshNode, dht: KadDHT, home: HomeRelay, params: FindFallbackRelaysParameters): () => void {
  const timers: Array<ReturnType<typeof setTimeout>> = []
  const stopper = new AbortController()
  let running = false
  const stop = (): void => { stopper.abort(); for (const t of timers) clearTimeout(t); clearInterval(interval) }
  const round = async (): Promise<void> => {
    if (running || stopper.signal.aborted) return
    running = true
    try {
      const signal = AbortSignal.any([stopper.signal, AbortSignal.timeout(FALLBACK_RELAYS_LOOKUP_TIMEOUT_MS)])
      const addresses = (await findRelays(node, dht, { signal })).flatMap(r => webSocketAddressOf(r, params.allowed) ?? [])
      if (stopper.signal.aborted) return
      await home.addFound(addresses)
      params.onFound?.(home.fallbacks)
    } catch {
      // The node stopped mid-round: nothing to keep.
    } finally {
      running = false
    }
  }
  for (const ms of FALLBACK_RELAYS_FIRST_LOOKUPS_MS) timers.push(setTimeout(() => { void round() }, ms))
  const interval = setInterval(() => { void round() }, FALLBACK_RELAYS_INTERVAL_MS)
  params.signal?.addEventListener('abort', stop, { once: true })
  node.addEventListener('stop', stop, { once: true })
  return stop
}
