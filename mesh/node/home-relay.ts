import type { Connection } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { sha256 } from 'multiformats/hashes/sha2'
import { TypedEventEmitter } from 'main-event'
import { BOOTSTRAP_REDIAL_MS, relayPeerOf } from './keep-bootstrap.ts'
import type { MeshNode } from './create-node.ts'

/** How long one dial of a relay may take before the next relay in the order is tried, ms. */
export const HOME_RELAY_DIAL_TIMEOUT_MS = 5_000
/**
 * 8: relays found in the DHT that a node keeps as fallbacks (the same bound as a relay's
 * MAX_DISCOVERED_RELAYS). Anyone may announce a "relay", so the bound keeps the worst case — every
 * configured relay down, every fallback fake — at 8 × HOME_RELAY_DIAL_TIMEOUT_MS (40 s) before the
 * order starts again.
 */
export const MAX_FOUND_RELAYS = 8

/**
 * Rendezvous (highest-random-weight) hashing, Thaler & Ravishankar 1998: each relay's weight for
 * `peerId` is the first 8 bytes of sha2-256(`peerId/relayPeerId`); relays in falling weight. Every
 * peer spreads over the list evenly, and when a relay leaves only its own peers move (each to its
 * next relay), the rest keep theirs. Relays without a `/p2p/` id sort last, in list order.
 * @returns the same multiaddrs, best first
 * @example
 * const [home, fallback] = await rankRelays(node.peerId.toString(), bootstrap)
 */
export async function rankRelays (peerId: string, relays: string[]): Promise<string[]> {
  const weighed = await Promise.all(relays.map(async (address, i) => {
    const relay = relayPeerOf(address)
    if (relay === undefined) return { address, weight: -1n, i }
    const digest = (await sha256.digest(new TextEncoder().encode(`${peerId}/${relay}`))).digest
    let weight = 0n
    for (let b = 0; b < 8; b++) weight = (weight << 8n) | BigInt(digest[b]!)
    return { address, weight, i }
  }))
  return weighed.sort((a, b) => a.weight === b.weight ? a.i - b.i : a.weight > b.weight ? -1 : 1).map(w => w.address)
}

export interface HomeRelayEvents {
  /** The home relay changed: `detail` is the new one's multiaddr (undefined while none is reachable). */
  change: CustomEvent<string | undefined>
}

/**
 * Keeps this node attached to one relay of `relays`, its home: the first reachable one in its
 * rendezvous order (rankRelays). When the home relay's connection closes, the next in the order is
 * dialled at once (and the circuit-relay transport reserves a slot there); every BOOTSTRAP_REDIAL_MS
 * it checks again, and moves back to a better-ranked relay that is reachable again, so tabs spread
 * evenly once a relay returns. Connections to other relays are left as they are (a peer may dial
 * through them) but never kept.
 *
 * Relays found later (in the DHT: addFound) come after all configured ones, in their own rendezvous
 * order, at most MAX_FOUND_RELAYS of them: a node moves to one only while no configured relay
 * answers, and moves back when one does. Each peer ranks the found relays by its own id, so a fake
 * relay announced in the DHT cannot put itself first for every peer.
 *
 * docs/scaling.md "Relay sharding" is the plan this follows.
 */
export class HomeRelay extends TypedEventEmitter<HomeRelayEvents> {
  private readonly node: MeshNode
  private readonly relays: string[]
  private found: string[] = []
  private order: string[] = []
  private current: string | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private running = false
  private checking: Promise<void> | undefined
  private stopped = false
  /** Times the home moved to another relay (it was lost, or a better-ranked one came back). */
  failovers = 0

  /**
   * @param relays the configured relays' multiaddrs (each ending `/p2p/<relay id>`)
   * @param found relays found earlier (in the DHT, kept by the caller across restarts): fallbacks, as addFound
   */
  constructor (node: MeshNode, relays: string[], found: string[] = []) {
    super()
    this.node = node
    this.relays = relays
    this.merge(found)
  }

  /** The home relay's multiaddr, while attached to one. */
  get home (): string | undefined { return this.current }

  /** The fallback relays found so far (at most MAX_FOUND_RELAYS), in this node's order. */
  get fallbacks (): string[] { return [...this.found] }

  /** Ranks the relays, attaches to the best reachable one and keeps it so; resolves after the first attempt. */
  async start (): Promise<void> {
    await this.rank()
    this.node.addEventListener('connection:close', this.onClose)
    this.timer = setInterval(() => { void this.check() }, BOOTSTRAP_REDIAL_MS)
    await this.check()
  }

  /**
   * Adds relays found in the DHT as fallbacks (addresses ending `/p2p/<relay id>`; configured relays,
   * duplicates and addresses without an id are ignored). A node with no home tries them at once.
   */
  async addFound (addresses: string[]): Promise<void> {
    this.merge(addresses)
    await this.rank()
    if (this.current === undefined && !this.stopped) await this.check()
  }

  private merge (addresses: string[]): void {
    const peerOf = (a: string): string | undefined => { try { return relayPeerOf(a) } catch { return undefined } }
    const configured = new Set(this.relays.map(peerOf))
    const byPeer = new Map(this.found.map(a => [peerOf(a), a]))
    for (const a of addresses) {
      const peer = peerOf(a)
      if (peer !== undefined && !configured.has(peer) && !byPeer.has(peer)) byPeer.set(peer, a)
    }
    this.found = [...byPeer.values()]
  }

  private async rank (): Promise<void> {
    const id = this.node.peerId.toString()
    const found = (await rankRelays(id, this.found)).slice(0, MAX_FOUND_RELAYS)
    this.found = found
    this.order = [...await rankRelays(id, this.relays), ...found]
  }

  stop (): void {
    this.stopped = true
    clearInterval(this.timer)
    this.node.removeEventListener('connection:close', this.onClose)
  }

  private readonly onClose = (evt: CustomEvent<Connection>): void => {
    if (this.current !== undefined && evt.detail.remotePeer.toString() === relayPeerOf(this.current)) void this.check()
  }

  private connected (address: string): boolean {
    const peer = relayPeerOf(address)
    return this.node.getConnections().some(c => c.remotePeer.toString() === peer && c.status === 'open' && c.limits == null)
  }

  /** Dials relays in rank order until one answers (stopping at the current home if it is still up). */
  private async check (): Promise<void> {
    if (this.running) return await this.checking
    this.running = true
    this.checking = (async () => {
      try {
        for (const address of this.order) {
          if (this.stopped) return
          if (!this.connected(address)) {
            try {
              await this.node.dial(multiaddr(address), { signal: AbortSignal.timeout(HOME_RELAY_DIAL_TIMEOUT_MS) })
            } catch {
              continue
            }
          }
          if (address !== this.current) {
            if (this.current !== undefined) this.failovers++
            this.current = address
            this.safeDispatchEvent('change', { detail: address })
          }
          return
        }
        if (this.current !== undefined) {
          this.current = undefined
          this.safeDispatchEvent('change', { detail: undefined })
        }
      } finally {
        this.running = false
      }
    })()
    await this.checking
  }
}
