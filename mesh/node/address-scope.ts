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
