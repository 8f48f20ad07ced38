import type { KadDHT } from '@libp2p/kad-dht'
import type { MeshNode } from '../mesh/node/create-node.ts'
import { findRelays, relaysKey } from '../mesh/node/dht.ts'

/** 60 s: how often a relay re-announces itself in the DHT and looks for relays it is not connected to. */
export const RELAY_DISCOVERY_INTERVAL_MS = 60_000
/** 8: relays one relay keeps connected through the DHT (besides the ones it was told of); ads cross relays over these links. */
export const MAX_DISCOVERED_RELAYS = 8
/** How long one round's announce and look-up may take, ms. */
const DISCOVERY_ROUND_TIMEOUT_MS = 20_000
/** How long the dial of one relay found may take, ms: a third of DIAL_TIMEOUT_MS (mesh/constants.ts), as a relay is a public host with a direct address. */
const RELAY_DIAL_TIMEOUT_MS = 10_000

export interface RelayDiscoveryOptions {
  /** Between rounds, ms (default RELAY_DISCOVERY_INTERVAL_MS). */
  intervalMs?: number
  /** Called when a relay found in the DHT was connected. */
  onFound?: (peerId: string) => void
}

/**
 * Relays find each other through the Kademlia DHT (`@libp2p/kad-dht` in server mode on relays and
 * Node providers; libp2p Kademlia spec): each relay provides `relaysKey()` and, every `intervalMs`,
 * looks up the key's providers and dials those it is not connected to (up to MAX_DISCOVERED_RELAYS),
 * so a relay told of a single other one (`--peer`) ends up linked to the rest, and capacity ads
 * cross all of them over gossipsub. (The DHT's own routing-table refresh already links the relays
 * closest to each other in key space; these rounds reach the others, and redial found relays that
 * dropped.) Without the DHT, relays told only of a third never meet (e2e/relays.e2e.test.ts fails so).
 * @returns a function that stops it
 */
export function discoverRelays (node: MeshNode, dht: KadDHT, options: RelayDiscoveryOptions = {}): () => void {
  const found = new Set<string>()
  let stopped = false
  let running = false
  const round = async (): Promise<void> => {
    if (stopped || running) return
    running = true
    const signal = AbortSignal.timeout(DISCOVERY_ROUND_TIMEOUT_MS)
    try {
      const key = await relaysKey()
      try { for await (const _ of dht.provide(key, { signal })) { if (stopped) break } } catch {}
      for (const peer of await findRelays(node, dht, { signal })) {
        const id = peer.id.toString()
        if (stopped) break
        if (node.getConnections(peer.id).length > 0) continue
        if (found.size >= MAX_DISCOVERED_RELAYS && !found.has(id)) continue
        try {
          await node.dial(peer.id, { signal: AbortSignal.timeout(RELAY_DIAL_TIMEOUT_MS) })
          found.add(id)
          options.onFound?.(id)
        } catch {}
      }
    } catch {
      // No DHT peers yet, or the round timed out: the next round tries again.
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => { void round() }, options.intervalMs ?? RELAY_DISCOVERY_INTERVAL_MS)
  void round()
  return () => { stopped = true; clearInterval(timer) }
}
