import type { Connection, MultiaddrConnection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The IP address a multiaddr starts with (`/ip4/…` or `/ip6/…`), or undefined (memory, relayed). */
export function ipOf (addr: Multiaddr): string | undefined {
  const first = addr.getComponents()[0]
  return first !== undefined && (first.name === 'ip4' || first.name === 'ip6') ? first.value : undefined
}

export interface PerIpConnectionGate {
  /** For libp2p's `connectionGater.denyInboundConnection`: true when the address already holds `max` inbound connections. */
  deny: (maConn: Pick<MultiaddrConnection, 'remoteAddr'>) => boolean
  /** Binds the gate to the node whose connections it counts (the node exists only after the gate is configured). */
  attach: (node: ConnectionSource) => void
}

/** What the gate reads of a node: its open connections' remote addresses and directions. */
export interface ConnectionSource {
  getConnections: () => Array<Pick<Connection, 'remoteAddr' | 'direction'>>
}

/**
 * Caps the inbound connections one IP address may hold open at once. Counted from the node's live
 * connections, so nothing leaks when connections close. Addresses without an IP (memory transport)
 * are not capped.
 */
export function perIpConnectionGate (max: number): PerIpConnectionGate {
  let node: ConnectionSource | undefined
  return {
    deny (maConn) {
      const ip = ipOf(maConn.remoteAddr)
      if (ip === undefined || node === undefined) return false
      let open = 0
      for (const c of node.getConnections()) {
        if (c.direction === 'inbound' && ipOf(c.remoteAddr) === ip && ++open >= max) return true
      }
      return false
    },
    attach (n) { node = n }
  }
}
