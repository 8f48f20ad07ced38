// The cheque session protocol on real libp2p nodes (loopback): one stream per connection however many
// cheques, answers matched by id, refusals as answers, and a flooding requester's session reset.
// The provider's cheque check is a stand-in here; the real one is tested in mesh/payment/.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '@libp2p/interface'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { CHEQUE_PROTOCOL, CHEQUE_SESSIONS_PER_CONNECTION } from '../constants.ts'
import { connectDirect } from '../node/connections.ts'
import { createMeshNode } from '../node/create-node.ts'
import type { MeshNode } from '../node/create-node.ts'
import { peerRateLimit } from '../node/peer-rate-limit.ts'
import { ChequeSessionServer, ChequeSessions } from './cheque.ts'
import type { ChequeSessionMessage } from './cheque.ts'
import type { ChequeMessage } from './messages.js'

const REQUESTER = '0x1111111111111111111111111111111111111111'
const OWNER = '0x2222222222222222222222222222222222222222'

function cheque (amount: bigint): ChequeSessionMessage {
  return { jobId: new Uint8Array(0), cumulativeAmount: amount.toString(), signature: new Uint8Array(65), final: false, requester: REQUESTER, owner: OWNER }
}

describe('cheque sessions: /tabmesh/cheque/3.0.0', () => {
  let relay: RelayHandle
  let provider: MeshNode
  let requester: MeshNode
  let connection: Connection
  const seen: ChequeMessage[] = []
  let inbound = 0 // cheque streams the provider was opened
  // Holds the highest amount; refuses odd amounts (a stand-in for the signature and lane checks).
  let held = 0n
  const server = new ChequeSessionServer({
    accept: async (msg) => {
      seen.push(msg)
      await new Promise(resolve => setTimeout(resolve, Number(BigInt(msg.cumulativeAmount) % 3n))) // answers take uneven time
      const amount = BigInt(msg.cumulativeAmount)
      if (amount % 2n === 1n) return { ok: false, error: 'odd amounts are refused here', held: held.toString() }
      if (amount > held) held = amount
      return { ok: true, error: '', held: held.toString() }
    },
    take: peerRateLimit(CHEQUE_PROTOCOL, 200).take
  })

  before(async () => {
    relay = await startRelay({ port: 0 })
    provider = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    requester = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    await provider.handle(CHEQUE_PROTOCOL, (stream, c) => { inbound++; server.handle(stream, c) }, { maxInboundStreams: CHEQUE_SESSIONS_PER_CONNECTION })
    connection = await connectDirect(requester, provider.peerId, provider.getMultiaddrs(), { signal: AbortSignal.timeout(10_000) })
  })

  after(async () => {
    server.stop()
    await requester?.stop()
    await provider?.stop()
    await relay?.stop()
  })

  it('carries 100 cheques, 20 at a time, on one stream; each answer is its own cheque\'s, and a refusal leaves the session serving', async () => {
    const sessions = new ChequeSessions()
    for (let round = 0; round < 5; round++) {
      const amounts = Array.from({ length: 20 }, (_, i) => BigInt(round * 20 + i + 1) * 2n)
      const acks = await Promise.all(amounts.map(async a => await sessions.send(connection, cheque(a))))
      for (const ack of acks) assert.equal(ack.ok, true)
      // Answers arrive in order but each is matched by id: `held` grows with the cheque it answers.
      for (let i = 1; i < acks.length; i++) assert.ok(BigInt(acks[i]!.held) >= BigInt(acks[i - 1]!.held))
    }
    const refused = await sessions.send(connection, cheque(201n))
    assert.deepEqual({ ok: refused.ok, error: refused.error, held: refused.held }, { ok: false, error: 'odd amounts are refused here', held: '200' })
    assert.equal((await sessions.send(connection, cheque(202n))).held, '202', 'served after the refusal')
    assert.equal(seen.length, 102)
    assert.deepEqual(new Set(seen.map(m => m.id)).size, 102, 'every cheque had its own request id')
    assert.equal(inbound, 1, 'one cheque stream on the connection (the old protocol opened one per cheque)')
    assert.equal(server.size, 1)
  })

  it('resets the session of a requester over its cheque rate; its pending cheques fail with PROVIDER_LOST', async () => {
    const sessions = new ChequeSessions()
    const flood = await Promise.allSettled(Array.from({ length: 400 }, async (_, i) => await sessions.send(connection, cheque(BigInt(1_000 + i * 2)))))
    const lost = flood.filter(r => r.status === 'rejected')
    assert.ok(lost.length > 0, 'past 200 per second the session was reset')
    for (const r of lost) assert.equal((r.reason as { code?: string }).code, 'PROVIDER_LOST')
    assert.ok(flood.filter(r => r.status === 'fulfilled').length <= 200, 'no more than the rate was answered')
  })
})
