import { multiaddr } from '@multiformats/multiaddr'
import type { MeshNode } from './create-node.ts'

/** 2 s between redials of a lost bootstrap relay; browsers throttle hidden-tab timers, which only slows this. */
export const BOOTSTRAP_REDIAL_MS = 2_000

/** The peer id a relay multiaddr ends with (`/p2p/…`), or undefined. */
export function relayPeerOf (address: string): string | undefined {
  return multiaddr(address).getComponents().findLast(c => c.name === 'p2p')?.value
}

/**
 * Keeps a connection to every bootstrap relay: when the relay restarts, redials it every
 * BOOTSTRAP_REDIAL_MS until it is back; the circuit-relay transport then makes a fresh reservation.
 * @returns a function that stops it
 */
export function keepBootstrap (node: MeshNode, bootstrap: string[]): () => void {
  const relays = bootstrap.map(a => ({ addr: multiaddr(a), peer: relayPeerOf(a) }))
  let stopped = false
  const timer = setInterval(() => {
    if (stopped) return
    for (const { addr, peer } of relays) {
      if (peer !== undefined && node.getConnections().some(c => c.remotePeer.toString() === peer)) continue
      node.dial(addr, { signal: AbortSignal.timeout(BOOTSTRAP_REDIAL_MS * 2) }).catch(() => {})
    }
  }, BOOTSTRAP_REDIAL_MS)
  return () => { stopped = true; clearInterval(timer) }
}
