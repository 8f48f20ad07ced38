import { multiaddr } from '@multiformats/multiaddr'
import type { MeshNode } from './create-node.ts'

/** 2 s between redials of a lost bootstrap relay; browsers throttle hidden-tab timers, which only slows this. */
export const BOOTSTRAP_REDIAL_MS = 2_000

/**
 * Keeps a connection to every bootstrap relay: when the relay restarts, redials it every
 * BOOTSTRAP_REDIAL_MS until it is back; the circuit-relay transport then makes a fresh reservation.
 * @returns a function that stops it
 */
export function keepBootstrap (node: MeshNode, bootstrap: string[]): () => void {
  const addrs = bootstrap.map(a => multiaddr(a))
  let stopped = false
  const timer = setInterval(() => {
    if (stopped) return
    for (const addr of addrs) {
      const peer = addr.getComponents().find(c => c.name === 'p2p')?.value
      if (peer !== undefined && node.getConnections().some(c => c.remotePeer.toString() === peer)) continue
      node.dial(addr, { signal: AbortSignal.timeout(BOOTSTRAP_REDIAL_MS * 2) }).catch(() => {})
    }
  }, BOOTSTRAP_REDIAL_MS)
  return () => { stopped = true; clearInterval(timer) }
}
