import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createMeshNode } from './create-node.ts'
import type { MeshNode } from './create-node.ts'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { acceptUnreachableReports, reportUnreachable } from './reachability.ts'

describe('unreachable reports: a requester tells a provider over the relay that it could not reach it', () => {
  let relay: RelayHandle
  let provider: MeshNode
  let requester: MeshNode

  before(async () => {
    relay = await startRelay({ port: 0 })
    provider = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    requester = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
  })
  after(async () => {
    await requester?.stop()
    await provider?.stop()
    await relay?.stop()
  })

  it('counts each requester once, over a relayed (limited) connection', async () => {
    let events = 0
    const reports = await acceptUnreachableReports(provider, () => { events++ })
    const deadline = Date.now() + 20_000
    while (!provider.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit')) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    // Only the relayed address: the report must travel over the relay, not a direct link.
    const relayed = provider.getMultiaddrs().filter(a => a.toString().includes('/p2p-circuit') && !a.toString().includes('/webrtc'))
    assert.ok(relayed.length > 0, 'the provider holds a relay reservation')
    assert.equal(await reportUnreachable(requester, provider.peerId, relayed), true)
    assert.equal(await reportUnreachable(requester, provider.peerId, relayed), true)
    while (events < 2 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
    assert.equal(reports.count(), 1, 'one requester, counted once')
    assert.ok(requester.getConnections(provider.peerId).every(c => c.limits != null), 'only a limited (relayed) connection was used')
    assert.equal(await reportUnreachable(requester, provider.peerId, []), false, 'no relayed address: nothing to do, no throw')
    await reports.stop()
  })
})
