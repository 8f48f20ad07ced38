import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { createMeshNode, isLocalMesh } from './create-node.ts'
import { isPlainWebSocketToPublicHost } from './address-scope.ts'
import { multiaddr } from '@multiformats/multiaddr'
import type { MeshNode } from './create-node.ts'

describe('requesters dial private and loopback addresses only on a local mesh', () => {
  const nodes: MeshNode[] = []
  after(async () => { await Promise.all(nodes.map(async n => { await n.stop() })) })

  it('calls a mesh local when every bootstrap address is private or loopback', () => {
    assert.equal(isLocalMesh(['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD']), true)
    assert.equal(isLocalMesh(['/ip4/192.168.1.20/tcp/9090/ws', '/ip6/::1/tcp/9090/ws']), true)
    assert.equal(isLocalMesh(['/dns4/relay.tabmesh.example/tcp/443/wss']), false)
    assert.equal(isLocalMesh(['/ip4/127.0.0.1/tcp/9090/ws', '/ip4/8.8.8.8/tcp/443/wss']), false)
    // Documentation ranges stand for the internet (the network lab's addresses): not a local mesh.
    assert.equal(isLocalMesh(['/ip4/203.0.113.10/tcp/9090/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD']), false)
    assert.equal(isLocalMesh(['/ip6/2001:db8::10/tcp/9090/ws']), false)
  })

  it('a tab never dials plain ws:// to a public host: wss, local hosts and other transports pass', () => {
    const refused = ['/ip4/203.0.113.10/tcp/9090/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD', '/dns4/relay.example.org/tcp/80/ws', '/ip4/8.8.8.8/tcp/9090/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD/p2p-circuit']
    const allowed = ['/dns4/relay.example.org/tcp/443/tls/ws', '/dns4/relay.example.org/tcp/443/wss', '/ip4/127.0.0.1/tcp/9090/ws', '/ip4/192.168.1.2/tcp/9090/ws', '/dns4/localhost/tcp/9090/ws', '/ip4/203.0.113.10/udp/4001/webrtc-direct', '/ip4/203.0.113.10/tcp/443/tls/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD/p2p-circuit']
    for (const a of refused) assert.equal(isPlainWebSocketToPublicHost(multiaddr(a)), true, a)
    for (const a of allowed) assert.equal(isPlainWebSocketToPublicHost(multiaddr(a)), false, a)
  })

  it('refuses to dial a loopback address an ad names unless local dials are allowed', async () => {
    const provider = await createMeshNode({ profile: 'node' })
    const publicRequester = await createMeshNode({ profile: 'node', allowLocalDials: false })
    const localRequester = await createMeshNode({ profile: 'node' })
    nodes.push(provider, publicRequester, localRequester)
    const address = provider.getMultiaddrs().find(a => a.toString().includes('/tcp/') && !a.toString().includes('/ws'))!
    await assert.rejects(publicRequester.dial(address, { signal: AbortSignal.timeout(5_000) }), /denied|gater|No valid addresses/i)
    assert.equal(publicRequester.getConnections(provider.peerId).length, 0)
    const connection = await localRequester.dial(address, { signal: AbortSignal.timeout(5_000) })
    assert.equal(connection.remotePeer.toString(), provider.peerId.toString())
  })
})
