import type { Connection, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TabmeshError } from '../../errors/base.ts'
import { DIAL_ATTEMPTS, DIAL_TIMEOUT_MS } from '../constants.ts'
import type { MeshNode } from './create-node.ts'

/** How a connection reaches the remote peer, for scheduling and for people to see. */
export type ConnectionKind = 'webrtc' | 'websocket' | 'tcp' | 'relayed' | 'memory' | 'other'

/** Tell direct from relayed with `connection.direct`/`limits`, not the address alone (a WebRTC address keeps the relay path). */
export function connectionKind (connection: Connection): ConnectionKind {
  const addr = connection.remoteAddr.toString()
  if (addr.includes('/webrtc')) return 'webrtc'
  if (connection.limits != null || addr.includes('/p2p-circuit')) return 'relayed'
  if (addr.includes('/memory')) return 'memory'
  if (addr.includes('/ws')) return 'websocket'
  if (addr.includes('/tcp/')) return 'tcp'
  return 'other'
}

/** An open connection with no relay limits to `peer`, if any. */
export function unlimitedConnection (node: MeshNode, peer: PeerId): Connection | undefined {
  return node.getConnections(peer).find(c => c.status === 'open' && c.limits == null)
}

/** The peer cannot be reached without a relay in the data path. */
export class PeerUnreachableError extends TabmeshError {
  constructor (peer: string, cause: unknown) {
    super('PEER_UNREACHABLE', `cannot open a direct connection to ${peer}`, { cause })
  }
}

/**
 * Orders a peer's advertised addresses for a direct connection: plain TCP / WebSockets first, then
 * WebRTC through a relay. Bare `/p2p-circuit` addresses are dropped: job data never uses a relay.
 */
export function directDialOrder (addrs: Multiaddr[]): Multiaddr[] {
  const usable = addrs.filter(a => {
    const s = a.toString()
    return !s.includes('/p2p-circuit') || s.includes('/webrtc')
  })
  const rank = (a: Multiaddr): number => a.toString().includes('/webrtc') ? 1 : 0
  return usable.sort((a, b) => rank(a) - rank(b))
}

/**
 * Returns an unlimited connection to `peer`, dialing its addresses (DIAL_ATTEMPTS rounds) if needed.
 * @throws PeerUnreachableError when every attempt fails
 */
export async function connectDirect (node: MeshNode, peer: PeerId, addrs: Multiaddr[], options: { signal?: AbortSignal } = {}): Promise<Connection> {
  const existing = unlimitedConnection(node, peer)
  if (existing !== undefined) return existing
  const ordered = directDialOrder(addrs)
  let lastError: unknown = new Error('no dialable address advertised')
  for (let attempt = 0; attempt < DIAL_ATTEMPTS; attempt++) {
    for (const addr of ordered) {
      options.signal?.throwIfAborted()
      try {
        const signal = options.signal !== undefined
          ? AbortSignal.any([options.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)])
          : AbortSignal.timeout(DIAL_TIMEOUT_MS)
        const target = addr.getComponents().some(c => c.name === 'p2p') ? addr : addr.encapsulate(`/p2p/${peer.toString()}`)
        const connection = await node.dial(target, { signal })
        if (connection.limits == null) return connection
        lastError = new Error(`dial via ${addr.toString()} gave a limited (relayed) connection`)
      } catch (err) {
        lastError = err
      }
      const now = unlimitedConnection(node, peer)
      if (now !== undefined) return now
    }
  }
  throw new PeerUnreachableError(peer.toString(), lastError)
}

export function toMultiaddrs (raw: Uint8Array[]): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const bytes of raw) {
    try { out.push(multiaddr(bytes)) } catch { /* skip malformed */ }
  }
  return out
}
