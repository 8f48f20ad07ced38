import { isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The IPv4/IPv6 documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
 * RFC 3849: 2001:db8::/32). They never route on the internet, so nothing real lives there — which is
 * why the network lab (lab/topology.sh) uses them as its "public" internet.
 */
export function isDocumentationAddress (ma: Multiaddr): boolean {
  const first = ma.getComponents()[0]
  if (first === undefined || (first.name !== 'ip4' && first.name !== 'ip6')) return false
  const host = first.value ?? ''
  return /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/.test(host) || /^2001:0?db8:/i.test(host)
}

/**
 * Whether `ma` is on a local network: loopback, RFC 1918, RFC 4193, link-local or CGNAT, as
 * @libp2p/utils' isPrivate decides — except the documentation ranges, which isPrivate also counts
 * but which stand for the public internet here (see isDocumentationAddress). Only a local mesh may
 * dial local addresses (mesh/node/create-node.ts).
 */
export function isLocalAddress (ma: Multiaddr): boolean {
  return isPrivate(ma) === true && !isDocumentationAddress(ma)
}

/**
 * Whether dialing `ma` would open a plain (unencrypted) WebSocket to a host that is not local: its
 * first hop is `/ws` without `/tls` (or `/wss`) and its host is not on a local network. Browsers
 * refuse such sockets from an https page anyway (mixed content), and a tab never tries them, so a
 * public relay must serve `wss://` (relay/start-relay.ts: `tls`).
 */
export function isPlainWebSocketToPublicHost (ma: Multiaddr): boolean {
  const names: string[] = []
  for (const c of ma.getComponents()) {
    if (c.name === 'p2p' || c.name === 'p2p-circuit') break
    names.push(c.name)
  }
  if (!names.includes('ws') || names.includes('tls') || names.includes('wss')) return false
  if (names[0] === 'dns4' || names[0] === 'dns6' || names[0] === 'dns' || names[0] === 'dnsaddr') {
    const host = ma.getComponents()[0]?.value ?? ''
    return host !== 'localhost' && !host.endsWith('.localhost')
  }
  return !isLocalAddress(ma)
}

/**
 * The dial policy (mesh/node/create-node.ts' connection gater, and the relays a tab takes from the
 * DHT): a local address only when `allowLocal` (the local mesh), and for a browser no plain
 * WebSocket to a public host (isPlainWebSocketToPublicHost).
 */
export function mayDial (ma: Multiaddr, options: { allowLocal: boolean, browser: boolean }): boolean {
  return (options.allowLocal || !isLocalAddress(ma)) && !(options.browser && isPlainWebSocketToPublicHost(ma))
}
