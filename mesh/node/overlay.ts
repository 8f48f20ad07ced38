import { peerIdFromString } from '@libp2p/peer-id'
import type { ProviderDirectory } from '../ads/directory.ts'
import { AD_INTERVAL_MS } from '../constants.ts'
import { connectDirect, toMultiaddrs, unlimitedConnection } from './connections.ts'
import type { MeshNode } from './create-node.ts'

/**
 * 4 direct links per tab: enough for the mesh to stay connected through gossip if the relay goes,
 * far below Chrome's ~500 RTCPeerConnections per tab lifetime (measured on Chromium 156).
 */
export const DEFAULT_OVERLAY_PEERS = 4

/**
 * Keeps up to `maxPeers` direct (unlimited) connections to other providers learned from ads — WebRTC
 * between tabs, set up through the relay — so the overlay does not hang on the relay alone.
 * @returns a function that stops it
 */
export function maintainOverlay (node: MeshNode, directory: ProviderDirectory, options: { maxPeers?: number } = {}): () => void {
  const maxPeers = options.maxPeers ?? DEFAULT_OVERLAY_PEERS
  const dialing = new Set<string>()
  const tick = (): void => {
    const live = directory.live()
    const connected = live.filter(e => unlimitedConnection(node, peerIdFromString(e.ad.peerId)) !== undefined).length
    let budget = maxPeers - connected - dialing.size
    for (const entry of live.sort(() => Math.random() - 0.5)) {
      if (budget <= 0) break
      const id = entry.ad.peerId
      const peer = peerIdFromString(id)
      if (dialing.has(id) || unlimitedConnection(node, peer) !== undefined) continue
      budget--
      dialing.add(id)
      connectDirect(node, peer, toMultiaddrs(entry.ad.multiaddrs), { signal: AbortSignal.timeout(60_000) })
        .catch(() => {})
        .finally(() => dialing.delete(id))
    }
  }
  const timer = setInterval(tick, AD_INTERVAL_MS)
  directory.addEventListener('change', tick)
  tick()
  return () => {
    clearInterval(timer)
    directory.removeEventListener('change', tick)
  }
}
