/** The fallback relays a tab found in the DHT, kept in localStorage across page loads (mesh/node/fallback-relays.ts). */
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_FOUND_RELAYS } from '../../mesh/node/home-relay.ts'

/** localStorage key: `{ for: <the configured relays, space-separated>, found: <multiaddrs> }`. */
const FOUND_RELAYS = 'tabmesh.found-relays'

/**
 * The relays found on an earlier page load of the same mesh (same configured relays), each a
 * multiaddr ending `/p2p/<id>`; at most MAX_FOUND_RELAYS. Anything else in storage (another mesh's
 * list, text that is not a multiaddr, a list edited by hand) yields [], never an error.
 */
export function loadFoundRelays (configured: string[], storage: Pick<Storage, 'getItem'> = localStorage): string[] {
  try {
    const saved: unknown = JSON.parse(storage.getItem(FOUND_RELAYS) ?? 'null')
    if (typeof saved !== 'object' || saved === null || !('for' in saved) || !('found' in saved)) return []
    if (saved.for !== configured.join(' ') || !Array.isArray(saved.found)) return []
    return saved.found.filter((a: unknown): a is string => typeof a === 'string' && isRelayAddress(a)).slice(0, MAX_FOUND_RELAYS)
  } catch {
    return []
  }
}

/** Saves the tab's fallbacks for this mesh (see loadFoundRelays). Storage errors (quota, private mode) are ignored: the DHT is asked again next time. */
export function saveFoundRelays (configured: string[], found: string[], storage: Pick<Storage, 'setItem'> = localStorage): void {
  try { storage.setItem(FOUND_RELAYS, JSON.stringify({ for: configured.join(' '), found: found.slice(0, MAX_FOUND_RELAYS) })) } catch {}
}

function isRelayAddress (text: string): boolean {
  try { return multiaddr(text).getComponents().at(-1)?.name === 'p2p' } catch { return false }
}
