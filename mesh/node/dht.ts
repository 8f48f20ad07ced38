import { kadDHT } from '@libp2p/kad-dht'
import type { KadDHT } from '@libp2p/kad-dht'
import { TabmeshError } from '../../errors/base.ts'
import type { MeshNode } from './create-node.ts'
import type { PeerInfo } from '@libp2p/interface'
import { isLocalAddress } from './address-scope.ts'

/** The Tabmesh DHT's protocol: its own, so relays never join (or answer) the public IPFS DHT. */
export const DHT_PROTOCOL = '/tabmesh/kad/1.0.0'

/**
 * The Kademlia DHT (`@libp2p/kad-dht`, libp2p Kademlia spec) in server mode, as relays and Node
 * providers run it — the `tabmesh` package only: requesters (`@tabmesh/sdk`) and tabs do not take
 * part. On a public mesh the addresses other peers learn are stripped of local ones (loopback,
 * RFC 1918…; documentation ranges count as public: mesh/node/address-scope.ts); on a local mesh
 * every address is kept, since every peer is local.
 * @example
 * const node = await createMeshNode({ profile: 'relay', services: { dht: tabmeshDht({ localAddresses: true }) } })
 */
export function tabmeshDht (options: { localAddresses: boolean }): ReturnType<typeof kadDHT> {
  const keepPublic = (peer: PeerInfo): PeerInfo => ({ ...peer, multiaddrs: peer.multiaddrs.filter(ma => !isLocalAddress(ma)) })
  return kadDHT({ protocol: DHT_PROTOCOL, clientMode: false, peerInfoMapper: options.localAddresses ? (peer: PeerInfo) => peer : keepPublic })
}

/** The node's DHT service (`services.dht`, made by tabmeshDht). @throws TabmeshError NO_DHT when the node runs none */
export function dhtOf (node: MeshNode): KadDHT {
  const dht: unknown = node.services.dht
  if (typeof dht !== 'object' || dht === null || !('findProviders' in dht) || !('provide' in dht)) throw new TabmeshError('NO_DHT', 'this node runs no DHT (services.dht)')
  return dht as KadDHT
}
