import type { Message } from '@libp2p/gossipsub'
import { TypedEventEmitter } from 'main-event'
import { AD_TTL_MS, CAPACITY_TOPIC } from '../constants.ts'
import type { MeshNode } from '../node/create-node.ts'
import { decodeCapacityAd } from './capacity-ad.ts'
import { validateCapacityAds } from './validator.ts'
import type { CapacityAd } from './capacity-ad.ts'

export interface ProviderEntry {
  ad: CapacityAd
  /** Local receive time, ms since the epoch. */
  receivedAt: number
}

export interface ProviderDirectoryEvents {
  /** A provider joined the set or left it. */
  change: Event
}

/**
 * The live set of providers, from validated capacity ads. Invalid ads are rejected at the gossipsub
 * validator, so they are neither delivered nor forwarded (and the sender's gossipsub score drops).
 * Fires `change` when the set changes.
 */
export class ProviderDirectory extends TypedEventEmitter<ProviderDirectoryEvents> {
  private readonly entries = new Map<string, ProviderEntry>()
  private readonly node: MeshNode
  /** Rejected ads, by reason code, for diagnostics and tests. */
  readonly rejected = new Map<string, number>()
  private readonly onMessage: (evt: CustomEvent<Message>) => void

  constructor (node: MeshNode) {
    super()
    this.node = node
    validateCapacityAds(node, reason => { this.reject(reason) })
    this.onMessage = (evt) => {
      const msg = evt.detail
      if (msg.topic !== CAPACITY_TOPIC || msg.type !== 'signed') return
      try {
        const ad = decodeCapacityAd(msg.data, msg.from.toString(), Date.now())
        const known = this.entries.has(ad.peerId)
        this.entries.set(ad.peerId, { ad, receivedAt: Date.now() })
        if (!known) this.dispatchEvent(new Event('change'))
      } catch {}
    }
    node.services.pubsub.addEventListener('message', this.onMessage)
    node.services.pubsub.subscribe(CAPACITY_TOPIC)
  }

  /** Providers whose latest ad is younger than AD_TTL_MS, excluding this peer. */
  live (nowMs = Date.now()): ProviderEntry[] {
    const out: ProviderEntry[] = []
    for (const [id, entry] of this.entries) {
      if (nowMs - entry.receivedAt > AD_TTL_MS) { this.entries.delete(id); continue }
      if (id !== this.node.peerId.toString()) out.push(entry)
    }
    return out
  }

  get (peerId: string): ProviderEntry | undefined {
    const entry = this.entries.get(peerId)
    return entry !== undefined && Date.now() - entry.receivedAt <= AD_TTL_MS ? entry : undefined
  }

  /** Forgets a provider at once (it closed its connection). */
  forget (peerId: string): void {
    if (this.entries.delete(peerId)) this.dispatchEvent(new Event('change'))
  }

  stop (): void {
    this.node.services.pubsub.removeEventListener('message', this.onMessage)
  }

  private reject (reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1)
  }
}
