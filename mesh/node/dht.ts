import { kadDHT } from '@libp2p/kad-dht'
import type { KadDHT } from '@libp2p/kad-dht'
import type { PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { TabmeshError } from '../../errors/base.ts'
import type { MeshNode } from './create-node.ts'
import { isLocalAddress } from './address-scope.ts'

/** The Tabmesh DHT's protocol: its own, so relays never join (or answer) the public IPFS DHT. */
export const DHT_PROTOCOL = '/tabmesh/kad/1.0.0'

/**
 * The Kademlia DHT (`@libp2p/kad-dht`, libp2p Kademlia spec). Relays and Node providers run it in
 * server mode (they answer queries and hold records); tabs in client mode (`clientMode: true`: they
 * ask, never answer, and servers keep them out of their routing tables), to find relays beyond
 * their configured ones (findRelays). Requesters (`@tabmesh/sdk`) take no part. On a public mesh
 * the addresses other peers learn are stripped of local ones (loopback, RFC 1918…; documentation
 * ranges count as public: mesh/node/address-scope.ts); on a local mesh every address is kept, since
 * every peer is local.
 * @example
 * const node = await createMeshNode({ profile: 'relay', services: { dht: tabmeshDht({ localAddresses: true }) } })
 */
export function tabmeshDht (options: { localAddresses: boolean, clientMode?: boolean }): ReturnType<typeof kadDHT> {
  const keepPublic = (peer: PeerInfo): PeerInfo => ({ ...peer, multiaddrs: peer.multiaddrs.filter(ma => !isLocalAddress(ma)) })
  return kadDHT({ protocol: DHT_PROTOCOL, clientMode: options.clientMode ?? false, peerInfoMapper: options.localAddresses ? (peer: PeerInfo) => peer : keepPublic })
}

/** The node's DHT service (`services.dht`, made by tabmeshDht). @throws TabmeshError NO_DHT when the node runs none */
export function dhtOf (node: MeshNode): KadDHT {
  const dht: unknown = node.services.dht
  if (typeof dht !== 'object' || dht === null || !('findProviders' in dht) || !('provide' in dht)) throw new TabmeshError('NO_DHT', 'this node runs no DHT (services.dht)')
  return dht as KadDHT
}

/** The DHT key relays announce themselves under (relay/relay-discovery.ts): CIDv1 raw sha2-256 of "tabmesh/relays/1". */
export async function relaysKey (): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('tabmesh/relays/1')))
}

export interface FindRelaysParameters {
  /** Ends the lookup (it walks the DHT towards the key: give it a timeout). */
  signal: AbortSignal
}

/**
 * Looks up the relays that announce themselves in the DHT (providers of relaysKey()), this node
 * excluded. Any peer can announce itself under the key, so a caller treats what it finds as
 * candidates, never as trusted. Ends when the lookup ends or `signal` aborts (then with what was
 * found so far).
 * @returns one entry per relay, in the order found (the DHT's own records carry its addresses)
 * @example
 * for (const relay of await findRelays(node, dhtOf(node), { signal: AbortSignal.timeout(10_000) })) console.log(relay.id.toString())
 */
export async function findRelays (node: MeshNode, dht: KadDHT, params: FindRelaysParameters): Promise<PeerInfo[]> {
  const found = new Map<string, PeerInfo>()
  try {
    for await (const event of dht.findProviders(await relaysKey(), { signal: params.signal })) {
      if (event.name !== 'PROVIDER') continue
      for (const peer of event.providers) {
        const id = peer.id.toString()
        if (id === node.peerId.toString()) continue
        const known = found.get(id)
        found.set(id, known === undefined ? peer : { ...known, multiaddrs: [...known.multiaddrs, ...peer.multiaddrs] })
      }
    }
  } catch {
    // Aborted, or no DHT server reachable yet: what was found so far stands.
  }
  return [...found.values()]
}

/**
 * A relay's address a browser can dial, as `…/p2p/<relay id>`: its first WebSocket address (not a
 * circuit, not WebRTC) that `allowed` lets through (the tab's dial policy: no plain ws to public
 * hosts, no local hosts off the local mesh), or undefined.
 */
export function webSocketAddressOf (relay: PeerInfo, allowed: (ma: Multiaddr) => boolean): string | undefined {
  const id = relay.id.toString()
  for (const ma of relay.multiaddrs) {
    const names = ma.getComponents().map(c => c.name)
    if (names.includes('p2p-circuit') || names.includes('webrtc') || (!names.includes('ws') && !names.includes('wss'))) continue
    if (!allowed(ma)) continue
    const text = ma.toString()
    return text.includes('/p2p/') ? text : `${text}/p2p/${id}`
  }
  return undefined
}
