import { CAPACITY_TOPIC } from '../mesh/constants.ts'
import { createMeshNode, DEFAULT_MAX_RESERVATIONS } from '../mesh/node/create-node.ts'
import type { MeshNode } from '../mesh/node/create-node.ts'
import { validateCapacityAds } from '../mesh/ads/validator.ts'
import { loadOrCreateKey } from '../mesh/node/keys.ts'

export interface StartRelayParameters {
  /** Interface to listen on. Default 127.0.0.1 (loopback; use 0.0.0.0 behind wss on a public box). */
  host?: string
  /** WebSockets port. Default 9090. */
  port?: number
  /** Where the relay keeps its libp2p key, so its multiaddr survives restarts. */
  keyFile?: string
  maxReservations?: number
}

export interface RelayHandle {
  node: MeshNode
  /** Dialable multiaddrs with /p2p/ id. */
  multiaddrs: string[]
  stop: () => Promise<void>
}

/**
 * Starts a relay: WebSockets listener, circuit relay v2 server with raised reservation limits
 * (signalling only: relayed connections keep the 128 KiB / 2 min default), identify, ping, and
 * gossipsub subscribed to the capacity topic so ads reach every peer connected to it.
 */
export async function startRelay (params: StartRelayParameters = {}): Promise<RelayHandle> {
  const host = params.host ?? '127.0.0.1'
  const port = params.port ?? 9090
  const privateKey = params.keyFile !== undefined ? await loadOrCreateKey(params.keyFile) : undefined
  const node = await createMeshNode({
    profile: 'relay',
    listen: [`/ip4/${host}/tcp/${port}/ws`],
    maxReservations: params.maxReservations ?? DEFAULT_MAX_RESERVATIONS,
    ...(privateKey !== undefined ? { privateKey } : {})
  })
  // Forged and oversized ads stop here: the relay validates before it forwards.
  validateCapacityAds(node)
  node.services.pubsub.subscribe(CAPACITY_TOPIC)
  return {
    node,
    multiaddrs: node.getMultiaddrs().map(a => a.toString()),
    stop: async () => { await node.stop() }
  }
}
