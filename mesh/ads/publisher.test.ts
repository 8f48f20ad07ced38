// Capacity ads on a real mesh (relay + gossipsub over loopback): an ad goes out only once its
// provider can be dialled directly.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { CAPACITY_TOPIC } from '../constants.ts'
import { createMeshNode } from '../node/create-node.ts'
import type { MeshNode } from '../node/create-node.ts'
import { CapacityAd } from './capacity-ad.ts'
import { publishCapacityAds } from './publisher.ts'
import type { AdFields } from './publisher.ts'

const FIELDS: AdFields = { owner: '', operator: '', binding: new Uint8Array(0), workers: 1, scoreMilli: 1000, tier: 'node', price: '0', busy: 0, stake: '' }

describe('capacity ads (mesh/ads/publisher.ts)', () => {
  let relay: RelayHandle
  let listener: MeshNode
  const received: CapacityAd[] = []

  before(async () => {
    relay = await startRelay({ port: 0 })
    listener = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    listener.services.pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic !== CAPACITY_TOPIC) return
      try { received.push(CapacityAd.decode(evt.detail.data)) } catch {}
    })
    listener.services.pubsub.subscribe(CAPACITY_TOPIC)
  })

  after(async () => {
    await listener?.stop()
    await relay?.stop()
  })

  it('publishes nothing while the provider has no address a requester could dial, and its ad once it has one', async () => {
    // No listen address: an ad could name no way to reach this peer (a tab before its reservation).
    const hidden = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs, listen: [] })
    const open = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    const stops = [publishCapacityAds(hidden, () => FIELDS), publishCapacityAds(open, () => FIELDS)]
    try {
      assert.equal(hidden.getMultiaddrs().length, 0)
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && !received.some(a => a.peerId === open.peerId.toString())) await new Promise(resolve => setTimeout(resolve, 50))
      assert.ok(received.some(a => a.peerId === open.peerId.toString() && a.multiaddrs.length > 0), 'the dialable provider\'s ad arrived')
      // Past the identify-triggered round (500 ms after identify) and while both are connected.
      await new Promise(resolve => setTimeout(resolve, 1_500))
      assert.equal(received.filter(a => a.peerId === hidden.peerId.toString()).length, 0, 'no ad without a dialable address')
    } finally {
      for (const stop of stops) stop()
      await Promise.all([hidden.stop(), open.stop()])
    }
  })
})
