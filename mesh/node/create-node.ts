import { createLibp2p } from 'libp2p'
import type { Libp2pOptions } from 'libp2p'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { webSockets } from '@libp2p/websockets'
import { webRTC } from '@libp2p/webrtc'
import { tcp } from '@libp2p/tcp'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify } from '@libp2p/identify'
import type { Ping as PingService } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import { MESH_PEER_SCORE_PARAMS, MESH_PEER_SCORE_THRESHOLDS } from './gossip-scoring.ts'
import { isLocalAddress, mayDial } from './address-scope.ts'
import { perIpConnectionGate } from './per-ip.ts'
import { reservationGate } from './reservation-gate.ts'

/**
 * Whether `bootstrap` describes a local mesh: every relay on a loopback or private address (or none).
 * Only then may a node dial the private and loopback addresses that ads and peers name; on a public
 * mesh a hostile ad could otherwise make every requester probe its LAN (RFC 1918, RFC 4193, loopback,
 * link-local and CGNAT ranges: mesh/node/address-scope.ts).
 */
export function isLocalMesh (bootstrap: string[]): boolean {
  return bootstrap.every(a => isLocalAddress(multiaddr(a)))
}

/** Which peer this is: a browser tab, a Node peer (provider / SDK requester) or a relay. */
export type MeshProfile = 'browser' | 'node' | 'relay'

export interface MeshServices {
  identify: Identify
  ping: PingService
  pubsub: GossipSub
  /** The relay profile's circuit relay v2 server. */
  relay?: CircuitRelayService
  [name: string]: unknown
}

export type MeshNode = Libp2p<MeshServices>

export interface CreateMeshNodeParameters {
  profile: MeshProfile
  /** Relay / bootstrap multiaddrs (with /p2p/ id) to connect to at start. */
  bootstrap?: string[]
  /** Listen addresses; each profile has loopback defaults. */
  listen?: string[]
  /** ICE servers for WebRTC; empty for the local mesh (no traffic leaves the machine). Never the library's public STUN default. */
  iceServers?: RTCIceServer[]
  /**
   * Allow dialing private and loopback addresses (from ads, peers, bootstrap). Default: true only for a
   * local mesh (isLocalMesh: every bootstrap address private or loopback), false on a public one.
   */
  allowLocalDials?: boolean
  privateKey?: PrivateKey
  /** Relay only: a TLS certificate and key (PEM) for its `/tls/ws` (wss://) listen addresses. */
  tls?: { cert: string, key: string }
  /** Addresses to announce instead of the listen addresses (a relay behind a name: `/dns4/relay.example.org/tcp/443/tls/ws`). */
  announce?: string[]
  /** Relay only: how many reservations it holds at once. */
  maxReservations?: number
  /** Relay profile: reservations one IP may hold (default RESERVATIONS_PER_IP, 32). */
  reservationsPerIp?: number
  /**
   * Simulation only (sim/): these transports (the in-process libp2p memory transport) instead of the
   * profile's network ones, listening on `listen`. Everything above the transport (noise, yamux,
   * gossipsub, the Tabmesh protocols) is the same code. Passed in, so that the SDK does not ship it.
   */
  transport?: { transports: NonNullable<Libp2pOptions['transports']>, listen: string[] }
  /** More libp2p services by name (providers add `/echo/1.0.0`: mesh/provider/services.ts). */
  services?: Record<string, (components: never) => unknown>
}

/**
 * Relay reservation limit: the circuit-relay-v2 default of 15 is far too low for a mesh of tabs, each
 * holding one reservation for signalling. 4096 is bounded by file descriptors, not by the protocol.
 */
export const DEFAULT_MAX_RESERVATIONS = 4096

/**
 * Streams a peer may open on a new connection before this side has attached its stream listener.
 * yamux's default of 10 resets the whole connection past that, and a requester pipelining tasks to a
 * many-worker provider (or a burst right after dialing) crosses it; 256 matches the task protocol's
 * per-connection inbound stream cap. Per-peer request rates are limited per protocol instead.
 */
export const MAX_EARLY_STREAMS = 256

/**
 * Connections each profile keeps before libp2p's connection manager prunes: a relay holds one per
 * peer it signals for (bounded by file descriptors); a Node requester holds a direct connection to
 * every provider running its tasks (the 500-provider simulation needs more than libp2p's default);
 * a tab talks to a few requesters and peers.
 */
export const MAX_CONNECTIONS: Record<MeshProfile, number> = { relay: 10_000, node: 1_000, browser: 300 }

/**
 * Open connections one IP address may hold to a relay or a Node peer. Limits per address belong here,
 * in the connection layer, not in ad delivery (mesh/node/gossip-scoring.ts): a campus or carrier NAT
 * puts hundreds of tabs behind one address, so the cap is generous; one host still cannot take all
 * of a relay's 10,000 slots.
 */
export const MAX_CONNECTIONS_PER_IP = 1_000

/**
 * New inbound connections one IP may open per second (libp2p's `inboundConnectionThreshold`, default
 * 5). Twenty tabs behind one NAT reloading together, or a burst of requesters from one machine, open
 * more than 5 in a second; 100/s still stops a single host from flooding the upgrader.
 */
export const INBOUND_CONNECTIONS_PER_IP_PER_SECOND = 100

/** Connections still being upgraded (noise + yamux handshakes) at once (libp2p's default is 10). */
export const MAX_INCOMING_PENDING_CONNECTIONS = 256

/** Default listen addresses per profile (loopback; the relay's port is fixed so tabs can find it). */
export function defaultListen (profile: MeshProfile): string[] {
  if (profile === 'browser') return ['/p2p-circuit', '/webrtc']
  if (profile === 'node') return ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/p2p-circuit', '/webrtc']
  return ['/ip4/127.0.0.1/tcp/9090/ws']
}

/**
 * Creates and starts a libp2p node for one of the three profiles (docs/architecture.md): noise,
 * yamux, identify, ping and gossipsub everywhere; browser = WebSockets + WebRTC + circuit-relay
 * transport; node = TCP + WebSockets + WebRTC (node-datachannel) + circuit-relay transport; relay =
 * WebSockets listener + circuit relay v2 server with raised reservation limits.
 *
 * @example
 * const node = await createMeshNode({ profile: 'node', bootstrap: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3…'] })
 */
export async function createMeshNode (params: CreateMeshNodeParameters): Promise<MeshNode> {
  const { profile } = params
  const rtcConfiguration: RTCConfiguration = { iceServers: params.iceServers ?? [] }
  const transports = params.transport !== undefined
    ? params.transport.transports
    : profile === 'relay'
    ? [webSockets(params.tls !== undefined ? { https: { cert: params.tls.cert, key: params.tls.key } } : {})]
    : profile === 'browser'
      ? [webSockets(), webRTC({ rtcConfiguration }), circuitRelayTransport()]
      : [tcp(), webSockets(), webRTC({ rtcConfiguration }), circuitRelayTransport()]

  const services: Record<string, unknown> = {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      // Tabs come and go: keep the mesh small and let the relay's flood-publish reach everyone.
      floodPublish: true,
      scoreParams: MESH_PEER_SCORE_PARAMS,
      scoreThresholds: MESH_PEER_SCORE_THRESHOLDS
    }),
    ...params.services
  }
  if (profile === 'relay') {
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: params.maxReservations ?? DEFAULT_MAX_RESERVATIONS,
        // Signalling only (job data never crosses a relay): keep the default 2 min / 128 KiB per relayed connection.
        applyDefaultLimit: true
      }
    })
  }

  const allowLocal = params.allowLocalDials ?? isLocalMesh(params.bootstrap ?? [])
  const gate = perIpConnectionGate(MAX_CONNECTIONS_PER_IP)
  const reservations = reservationGate(params.reservationsPerIp)
  const node = await createLibp2p({
    ...(params.privateKey !== undefined ? { privateKey: params.privateKey } : {}),
    addresses: { listen: params.listen ?? params.transport?.listen ?? defaultListen(profile), ...(params.announce !== undefined ? { announce: params.announce } : {}) },
    transports: transports as never,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxEarlyStreams: MAX_EARLY_STREAMS })],
    connectionGater: {
      // Ads and peers name any address; only the local mesh may make this node dial private ones.
      // A tab never opens plain ws:// to a public host (a public relay serves wss://).
      denyDialMultiaddr: async (ma: Multiaddr) => !mayDial(ma, { allowLocal, browser: profile === 'browser' }),
      ...(profile !== 'browser' ? { denyInboundConnection: gate.deny } : {}),
      ...(profile === 'relay' ? { denyInboundRelayReservation: reservations.deny } : {})
    },
    connectionManager: {
      dialTimeout: DIAL_TIMEOUT_MS,
      maxConnections: MAX_CONNECTIONS[profile],
      inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_IP_PER_SECOND,
      maxIncomingPendingConnections: MAX_INCOMING_PENDING_CONNECTIONS
    },
    services: services as never
  }) as unknown as MeshNode
  gate.attach(node)
  if (profile === 'relay') reservations.attach(node)

  const log = node.logger.forComponent('tabmesh:bootstrap')
  for (const addr of params.bootstrap ?? []) {
    try {
      await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
    } catch (err) {
      // A dead bootstrap is not fatal: keepBootstrap redials it, and callers that need it (the CLI)
      // check the connection themselves. Logged under DEBUG=tabmesh:bootstrap, not printed.
      log('could not reach bootstrap %s: %s', addr, err instanceof Error ? err.message : (err as { type?: string }).type ?? 'unknown error')
    }
  }
  return node
}
