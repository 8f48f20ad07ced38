import { CAPACITY_TOPIC } from '../mesh/constants.ts'
import { createMeshNode, DEFAULT_MAX_RESERVATIONS } from '../mesh/node/create-node.ts'
import type { MeshNode } from '../mesh/node/create-node.ts'
import { validateCapacityAds } from '../mesh/ads/validator.ts'
import { loadOrCreateKey } from '../mesh/node/keys.ts'
import { BOOTSTRAP_REDIAL_MS, keepBootstrap } from '../mesh/node/keep-bootstrap.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { dhtOf, tabmeshDht } from '../mesh/node/dht.ts'
import { isLocalAddress } from '../mesh/node/address-scope.ts'
import { discoverRelays } from './relay-discovery.ts'

export interface StartRelayParameters {
  /** Interface to listen on. Default 127.0.0.1 (loopback; use 0.0.0.0 behind wss on a public box). */
  host?: string
  /** WebSockets port. Default 9090. */
  port?: number
  /** Where the relay keeps its libp2p key, so its multiaddr survives restarts. */
  keyFile?: string
  maxReservations?: number
  /**
   * Serve wss:// too: a certificate and its key (PEM text) for a `/tls/ws` listener on `tls.port`
   * (default 443), beside the plain ws listener on `port`. Browsers reach a public relay only this way.
   */
  tls?: { cert: string, key: string, port?: number }
  /**
   * Other relays of the deployment (multiaddrs with /p2p/ ids), kept connected like bootstrap relays:
   * relays forward capacity ads to each other over gossipsub, so a requester attached to one relay
   * sees providers attached only to another.
   */
  peers?: string[]
  /** Between rounds of looking for other relays in the DHT, ms (default RELAY_DISCOVERY_INTERVAL_MS). */
  discoveryIntervalMs?: number
  /** Addresses to announce instead of the listen ones, e.g. `/dns4/relay.example.org/tcp/443/tls/ws` (the name the certificate is for). */
  announce?: string[]
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
    listen: [`/ip4/${host}/tcp/${port}/ws`, ...(params.tls !== undefined ? [`/ip4/${host}/tcp/${params.tls.port ?? 443}/tls/ws`] : [])],
    ...(params.tls !== undefined ? { tls: { cert: params.tls.cert, key: params.tls.key } } : {}),
    ...(params.announce !== undefined ? { announce: params.announce } : {}),
    maxReservations: params.maxReservations ?? DEFAULT_MAX_RESERVATIONS,
    ...(privateKey !== undefined ? { privateKey } : {}),
    // Local addresses stay in DHT records only on a local mesh: a relay on a loopback or LAN address
    // (0.0.0.0 is a public relay's wildcard), or one that announces only local addresses.
    services: { dht: tabmeshDht({ localAddresses: params.announce !== undefined ? params.announce.every(a => isLocalAddress(multiaddr(a))) : host !== '0.0.0.0' && isLocalAddress(multiaddr(`/ip4/${host}`)) }) }
  })
  // Forged and oversized ads stop here: the relay validates before it forwards.
  validateCapacityAds(node)
  node.services.pubsub.subscribe(CAPACITY_TOPIC)
  const stopPeering = keepBootstrap(node, params.peers ?? [])
  const stopDiscovery = discoverRelays(node, dhtOf(node), params.discoveryIntervalMs !== undefined ? { intervalMs: params.discoveryIntervalMs } : {})
  for (const peer of params.peers ?? []) await node.dial(multiaddr(peer), { signal: AbortSignal.timeout(BOOTSTRAP_REDIAL_MS * 2) }).catch(() => {})
  return {
    node,
    multiaddrs: node.getMultiaddrs().map(a => a.toString()),
    stop: async () => { stopPeering(); stopDiscovery(); await node.stop() }
  }
}
