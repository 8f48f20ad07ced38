import { AD_INTERVAL_MS, CAPACITY_TOPIC } from '../constants.ts'
import { directDialOrder } from '../node/connections.ts'
import type { MeshNode } from '../node/create-node.ts'
import { CapacityAd } from './capacity-ad.ts'
import type { SubscriptionChangeData } from '@libp2p/gossipsub'

/**
 * 0 ms: address changes of one turn of the event loop are published in one ad, at once. At 50 ms a
 * new tab's first dialable ad (its /webrtc address) reached requesters 63 ms after it had the
 * address, of which 50 were this wait (bench/suites/first-task.ts); the events come in one burst.
 */
const ADDRESS_CHANGE_DEBOUNCE_MS = 0

export type AdFields = Omit<CapacityAd, 'peerId' | 'multiaddrs' | 'timestampMs'>

/**
 * Publishes this peer's capacity ad on the capacity topic now and every AD_INTERVAL_MS, once it has
 * an address a requester can dial directly (mesh/node/connections.ts `directDialOrder`), and again
 * at once when its addresses change or a peer subscribes to the topic.
 * Gossipsub signs every message with the peer id's key (StrictSign).
 * @returns a function that stops publishing
 */
export function publishCapacityAds (node: MeshNode, fields: () => AdFields): () => void {
  const publish = (): void => {
    const addrs = node.getMultiaddrs()
    // Not before an address can be dialled directly (a tab: its /webrtc address, which comes with its
    // relay reservation): a requester that dials an ad with none fails and backs off, and a new tab
    // then waited 2.3 s for its first task.
    if (directDialOrder(addrs).length === 0) return
    const ad: CapacityAd = {
      ...fields(),
      peerId: node.peerId.toString(),
      multiaddrs: addrs.map(a => a.bytes),
      timestampMs: BigInt(Date.now())
    }
    node.services.pubsub.publish(CAPACITY_TOPIC, CapacityAd.encode(ad)).catch(() => {
      // No subscribed peer yet (the relay is still connecting): the next round will reach it.
    })
  }
  // Publishing needs no subscription: ads go to the peers subscribed to the topic (relays and
  // requesters). A provider that also subscribed would join the relay's topic mesh and crowd the
  // requesters out of it — at hundreds of providers, ads then reach requesters only by lazy gossip.
  publish()
  const timer = setInterval(publish, AD_INTERVAL_MS)
  const onPeer = (): void => { setTimeout(publish, 500) }
  node.addEventListener('peer:identify', onPeer)
  // New addresses (a tab's relay reservation and its /webrtc address arrive after start-up): say so
  // now, not at the next round — an ad without them cannot be dialled, which cost a new tab 5 s.
  // `transport:listening` comes as a listener's addresses change; `self:peer:update` only after
  // libp2p's address manager has waited 1 s for more (its peer-store debounce), which held a new
  // tab's first dialable ad back by that second (bench/suites/first-task.ts).
  let soon: ReturnType<typeof setTimeout> | undefined
  const onAddresses = (): void => { soon ??= setTimeout(() => { soon = undefined; publish() }, ADDRESS_CHANGE_DEBOUNCE_MS) }
  node.addEventListener('transport:listening', onAddresses)
  node.addEventListener('self:peer:update', onAddresses)
  // An ad published before any peer is known to subscribe to the topic goes nowhere (gossipsub
  // learns a peer's topics from its first message after connecting): publish again the moment one
  // is. A new tab's dialable ad was lost that way and went out only with the next ad, 0.4 s later.
  const onSubscription = (evt: CustomEvent<SubscriptionChangeData>): void => {
    if (evt.detail.subscriptions.some(s => s.topic === CAPACITY_TOPIC && s.subscribe)) onAddresses()
  }
  node.services.pubsub.addEventListener('subscription-change', onSubscription)
  return () => {
    clearInterval(timer)
    clearTimeout(soon)
    node.removeEventListener('peer:identify', onPeer)
    node.removeEventListener('transport:listening', onAddresses)
    node.removeEventListener('self:peer:update', onAddresses)
    node.services.pubsub.removeEventListener('subscription-change', onSubscription)
  }
}
