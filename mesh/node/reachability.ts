import type { Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { MeshNode } from './create-node.ts'

/**
 * A requester that could not open a direct (unlimited) connection to a provider tells it so over the
 * relay, the one path that did work: it opens this protocol's stream on a relayed (limited)
 * connection and closes it. Nothing is sent on the stream; opening it is the report. The provider
 * shows how many requesters could not reach it (a tab whose WebRTC is blocked should not look fine).
 */
export const UNREACHABLE_REPORT_PROTOCOL = '/tabmesh/unreachable/1.0.0'
/** Reports older than this are forgotten, ms: what a person sees is "recently". */
export const UNREACHABLE_REPORT_WINDOW_MS = 10 * 60_000
/** How long a requester spends telling a provider it could not reach it, ms. */
const REPORT_TIMEOUT_MS = 5_000

/**
 * Requester side: best effort, never throws. Dials the provider's relayed (`/p2p-circuit`, not
 * `/webrtc`) addresses and opens the report stream on the limited connection.
 */
export async function reportUnreachable (node: MeshNode, peer: PeerId, addrs: Multiaddr[]): Promise<boolean> {
  const relayed = addrs.filter(a => a.toString().includes('/p2p-circuit') && !a.toString().includes('/webrtc'))
  for (const addr of relayed) {
    try {
      const target = addr.getComponents().some(c => c.name === 'p2p' && c.value === peer.toString()) ? addr : addr.encapsulate(`/p2p/${peer.toString()}`)
      const connection = await node.dial(target, { signal: AbortSignal.timeout(REPORT_TIMEOUT_MS) })
      const stream = await connection.newStream(UNREACHABLE_REPORT_PROTOCOL, { runOnLimitedConnection: true, signal: AbortSignal.timeout(REPORT_TIMEOUT_MS) })
      await stream.close()
      return true
    } catch {}
  }
  return false
}

/** Provider side: counts distinct requesters that reported this peer unreachable within the window. */
export interface UnreachableReports {
  /** Distinct requesters that could not reach this peer in the last UNREACHABLE_REPORT_WINDOW_MS. */
  count: (nowMs?: number) => number
  stop: () => Promise<void>
}

/** Listens for reports (also on relayed connections, where they arrive). `onReport` fires on each. */
export async function acceptUnreachableReports (node: MeshNode, onReport: () => void = () => {}): Promise<UnreachableReports> {
  const seen = new Map<string, number>()
  await node.handle(UNREACHABLE_REPORT_PROTOCOL, (stream, connection) => {
    seen.set(connection.remotePeer.toString(), Date.now())
    // Bounded: a flood of new peer ids only keeps the newest window's worth.
    if (seen.size > 1_000) seen.delete(seen.keys().next().value!)
    stream.close().catch(() => {})
    onReport()
  }, { runOnLimitedConnection: true, maxInboundStreams: 4 })
  return {
    count (nowMs = Date.now()) {
      for (const [peer, at] of seen) if (nowMs - at > UNREACHABLE_REPORT_WINDOW_MS) seen.delete(peer)
      return seen.size
    },
    stop: async () => { await node.unhandle(UNREACHABLE_REPORT_PROTOCOL) }
  }
}
