import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { createMeshNode } from './create-node.ts'
import type { MeshNode } from './create-node.ts'

/** Polls `check` every 100 ms for up to `ms`; the last value. */
async function until<T> (check: () => T, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  let value = check()
  while (!ok(value) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100))
    value = check()
  }
  return value
}

describe('relay reservations are bounded per IP and end with their connection', () => {
  const nodes: MeshNode[] = []
  after(async () => { await Promise.all(nodes.map(async n => { await n.stop() })) })

  it('a flood of throwaway peer ids from one IP takes its share; an honest peer from another IP still reserves; reservations end when peers leave', async () => {
    // 8 slots, 4 per IP: before the gate, 12 peers from 127.0.0.1 took all 8 and the honest peer was refused.
    const relay = await createMeshNode({ profile: 'relay', listen: ['/ip4/127.0.0.1/tcp/0/ws', '/ip6/::1/tcp/0/ws'], maxReservations: 8, reservationsPerIp: 4 })
    nodes.push(relay)
    const table = relay.services.relay!.reservations
    const address = (family: 'ip4' | 'ip6'): string => relay.getMultiaddrs().map(a => a.toString()).find(a => a.startsWith(`/${family}/`))!
    const flood = await Promise.all(Array.from({ length: 12 }, async () => await createMeshNode({ profile: 'node', bootstrap: [address('ip4')], listen: ['/p2p-circuit'] })))
    nodes.push(...flood)
    await until(() => table.size, size => size >= 4)
    await new Promise(resolve => setTimeout(resolve, 1_000)) // every flood peer has asked by now
    assert.equal(table.size, 4, 'one IP holds at most 4 reservations')

    const honest = await createMeshNode({ profile: 'node', bootstrap: [address('ip6')], listen: ['/p2p-circuit'] })
    nodes.push(honest)
    assert.equal(await until(() => table.has(honest.peerId), held => held), true, 'the honest peer from ::1 got a reservation')

    await Promise.all(flood.map(async n => { await n.stop() }))
    assert.equal(await until(() => table.size, size => size === 1), 1, 'the flood\'s reservations ended with its connections')
    assert.ok(table.has(honest.peerId))
  })
})
