import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { createMeshNode } from './create-node.ts'
import type { MeshNode } from './create-node.ts'
import { DHT_PROTOCOL, dhtOf, tabmeshDht } from './dht.ts'
import { findFallbackRelays } from './fallback-relays.ts'
import { HomeRelay } from './home-relay.ts'
import { relayPeerOf } from './keep-bootstrap.ts'
import { until } from '../../testing/browser.ts'

describe('fallback relays: a node told of one relay finds the others in the DHT (client mode)', () => {
  const relays: RelayHandle[] = []
  let node: MeshNode | undefined
  let home: HomeRelay | undefined
  after(async () => {
    home?.stop()
    await node?.stop()
    for (const r of relays) await r.stop()
  })

  it('finds the other relay, is never a DHT server, and moves there when its only configured relay dies', async () => {
    const a = await startRelay({ port: 0 })
    const b = await startRelay({ port: 0, peers: a.multiaddrs })
    relays.push(a, b)
    node = await createMeshNode({ profile: 'node', bootstrap: [], allowLocalDials: true, services: { dht: tabmeshDht({ localAddresses: true, clientMode: true }) } })
    home = new HomeRelay(node, [a.multiaddrs[0]!])
    await home.start()
    const saved: string[][] = []
    findFallbackRelays(node, dhtOf(node), home, { allowed: () => true, onFound: f => { saved.push(f) } })
    const h = home
    const fallback = await until('a fallback relay from the DHT', async () => h.fallbacks.find(f => relayPeerOf(f) === b.node.peerId.toString()), 20_000)
    assert.deepEqual(saved.at(-1), [fallback], 'the fallbacks are handed to onFound (the tab saves them)')
    assert.match(fallback, /\/ws\/p2p\//, 'a WebSocket address, as a browser dials')
    assert.equal(relayPeerOf(h.home!), a.node.peerId.toString(), 'the configured relay stays home while it answers')
    assert.ok(!node.getProtocols().includes(DHT_PROTOCOL), 'a client does not serve the DHT protocol, so servers never route queries to it')

    const t0 = Date.now()
    await a.stop()
    relays.splice(relays.indexOf(a), 1)
    await until('the home to move to the relay found in the DHT', async () => h.home !== undefined && relayPeerOf(h.home) === b.node.peerId.toString() ? true : undefined, 20_000)
    assert.equal(h.failovers, 1)
    console.log(`fallback relay: found in the DHT, home after its only configured relay died in ${Date.now() - t0} ms`)
  })
})
