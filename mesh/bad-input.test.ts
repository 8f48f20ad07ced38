// Bad input on the wire: each is rejected with a clear error and the provider keeps serving.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import * as varint from 'uint8-varint'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient } from '../sdk/index.ts'
import { decodeCapacityAd, InvalidAdError, CapacityAd } from './ads/capacity-ad.ts'
import { serveBlobs } from './protocol/blob.ts'
import { cidOf } from './cid.ts'
import { MAX_OUTPUT_BYTES } from '../worker-runtime/limits.ts'
import { AD_TTL_MS, CAPACITY_TOPIC, MAX_AD_BYTES, MAX_BLOB_BYTES, MAX_TASK_MESSAGE_BYTES, TASK_PROTOCOL } from './constants.ts'
import { TabmeshError } from '../errors/base.ts'
import binaryen from 'binaryen'
import { publishCapacityAds } from './ads/publisher.ts'
import { TREE_MAGIC } from '../worker-runtime/tree-codec.ts'
import { hostileModules } from '../testing/hostile-modules.ts'
import { createLibp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@libp2p/gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { connectDirect } from './node/connections.ts'
import { messageStream } from './node/message-stream.ts'
import { createMeshNode } from './node/create-node.ts'
import type { MeshNode } from './node/create-node.ts'
import { ProviderFrame, RequesterFrame } from './protocol/messages.js'
import type { TaskResponse } from './protocol/messages.js'
import { openTaskSession } from './protocol/task.ts'
import type { TaskSession, TaskSessionRequest } from './protocol/task.ts'
import { bundledPrimesPath, startNodeProvider } from './provider/node-provider.ts'
import type { NodeProviderHandle } from './provider/node-provider.ts'
import type { ProviderTaskEvent } from './provider/agent.ts'

const primes = readFileSync(bundledPrimesPath())
/** The test provider's per-peer task session limit, per second (the default is 10). */
const FLOOD_LIMIT = 20
const PEER = '12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD'

function wat (text: string): Uint8Array {
  const module = binaryen.parseText(text)
  try { return module.emitBinary() } finally { module.dispose() }
}

/** `module` with a custom section appended so that it is exactly `size` bytes. */
function padded (module: Uint8Array, size: number): Uint8Array {
  const name = new TextEncoder().encode('tabmesh.padding')
  // section id 0, a 5-byte LEB128 size (padded, so the total is exact), the name, then zeros
  const header = 1 + 5 + 1 + name.length
  const out = new Uint8Array(size)
  out.set(module)
  const body = size - module.length - 1 - 5
  out[module.length] = 0
  for (let i = 0; i < 5; i++) out[module.length + 1 + i] = ((body >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0)
  out[module.length + 6] = name.length
  out.set(name, module.length + 7)
  assert.ok(header + module.length <= size)
  return out
}

function ad (fields: Partial<CapacityAd> = {}): CapacityAd {
  return { peerId: PEER, owner: '', operator: '', binding: new Uint8Array(0), workers: 2, scoreMilli: 1000, tier: 'tab', price: '0', multiaddrs: [], timestampMs: BigInt(Date.now()), busy: 0, stake: '', ...fields }
}

describe('capacity ads are validated', () => {
  const now = Date.now()
  const rejects = (data: Uint8Array, from: string, reason: RegExp): void => {
    assert.throws(() => decodeCapacityAd(data, from, now), (err: unknown) => err instanceof InvalidAdError && reason.test(err.message))
  }
  it('accepts a well-formed ad from its own peer', () => {
    assert.equal(decodeCapacityAd(CapacityAd.encode(ad()), PEER, now).workers, 2)
  })
  it('rejects an ad signed by another peer than it names', () => { rejects(CapacityAd.encode(ad()), '12D3KooWBME6X8F71m9aH4jaFCjeevZDADCWDe64ezL4YLMZRHe4', /signed by/) })
  it('rejects oversized, malformed, stale, future and insane ads', () => {
    rejects(CapacityAd.encode(ad({ price: '1'.repeat(MAX_AD_BYTES) })), PEER, /bytes, over/)
    rejects(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]), PEER, /malformed/)
    rejects(CapacityAd.encode(ad({ timestampMs: BigInt(now - AD_TTL_MS - 1000) })), PEER, /expired/)
    rejects(CapacityAd.encode(ad({ timestampMs: BigInt(now + 3_600_000) })), PEER, /future/)
    rejects(CapacityAd.encode(ad({ tier: 'mainframe' })), PEER, /tier/)
    rejects(CapacityAd.encode(ad({ workers: 0 })), PEER, /worker count/)
    rejects(CapacityAd.encode(ad({ price: '-1' })), PEER, /price/)
    rejects(CapacityAd.encode(ad({ owner: '0x1234' })), PEER, /owner is not/)
    rejects(CapacityAd.encode(ad({ operator: '0x1234' })), PEER, /operator is not/)
    rejects(CapacityAd.encode(ad({ binding: new Uint8Array(64) })), PEER, /binding/)
  })
})

describe('task and blob protocols reject bad input and keep serving', () => {
  let relay: RelayHandle
  let provider: NodeProviderHandle
  let raw: MeshNode
  let client: TabmeshClient

  before(async () => {
    relay = await startRelay({ port: 0 })
    provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-bad-')), sessionsPerPeerPerSecond: FLOOD_LIMIT })
    raw = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    client = await createClient({ bootstrap: relay.multiaddrs })
    await client.waitForProviders(1, { signal: AbortSignal.timeout(30_000) })
  })

  after(async () => {
    await client?.stop()
    await raw?.stop()
    await provider?.stop()
    await relay?.stop()
  })

  /** One task on `raw`'s task session with the provider (opened once, shared like a client's). */
  let session: Promise<TaskSession> | undefined
  const send = async (request: Omit<TaskSessionRequest, 'requester' | 'price' | 'requesterBinding'> & Partial<TaskSessionRequest>): Promise<TaskResponse> => {
    session ??= openTaskSession(raw, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
    return await (await session).run({ requester: '', price: '', requesterBinding: new Uint8Array(0), ...request }, { signal: AbortSignal.timeout(30_000) })
  }

  const stillServes = async (): Promise<void> => {
    const job = client.submit({ module: primes, inputs: ['0 1000'], redundancy: 1 })
    for await (const r of job.results()) assert.ok(r.ok && new TextDecoder().decode(r.output) === '168\n')
  }

  it('aborts a task message announcing more than the size cap, unread', async () => {
    const connection = await connectDirect(raw, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
    const stream = await connection.newStream(TASK_PROTOCOL)
    stream.send(varint.encode(MAX_TASK_MESSAGE_BYTES + 1))
    stream.send(new Uint8Array(1024))
    const closed = await Promise.race([
      (async () => { for await (const _ of stream) { /* drain */ } return 'closed' })().catch(() => 'reset'),
      new Promise(resolve => setTimeout(() => { resolve('still open') }, 10_000))
    ])
    assert.notEqual(closed, 'still open', 'the provider ended the stream')
    await stillServes()
  })

  it('holds at most TASK_SESSIONS_PER_CONNECTION half-sent frames from a peer opening 256 sessions', async () => {
    const connection = await connectDirect(raw, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
    const part = new Uint8Array(3.5 * 1024 * 1024) // of a 24 MiB frame that never completes
    const before = process.memoryUsage().arrayBuffers
    const streams = await Promise.allSettled(Array.from({ length: 256 }, async () => {
      const stream = await connection.newStream(TASK_PROTOCOL, { maxOutboundStreams: 256, signal: AbortSignal.timeout(10_000) })
      stream.send(varint.encode(MAX_TASK_MESSAGE_BYTES))
      if (!stream.send(part)) await stream.onDrain({ signal: AbortSignal.timeout(10_000) }).catch(() => {})
      return stream
    }))
    await new Promise(resolve => setTimeout(resolve, 2_000))
    const held = process.memoryUsage().arrayBuffers - before
    for (const s of streams) if (s.status === 'fulfilled') s.value.abort(new Error('done'))
    // 896 MiB would be held if every session were read (479 MiB were, on the code before per-connection caps).
    assert.ok(held < 128 * 1024 * 1024, `buffers grew by ${Math.round(held / 1024 / 1024)} MiB`)
    await stillServes()
  })

  it('resets a session that sends tasks past its credit, and runs none of them', async () => {
    const connection = await connectDirect(raw, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
    const stream = await connection.newStream(TASK_PROTOCOL)
    const pb = messageStream(stream, MAX_TASK_MESSAGE_BYTES)
    const input = new TextEncoder().encode('0 100')
    const task = { jobId: 'x', taskIndex: 0, moduleCid: (await cidOf(primes)).bytes, inputCid: (await cidOf(input)).bytes, args: [], env: [], mounts: [], outDir: '', logs: false, limits: undefined, input, paid: false, requester: '', price: '', requesterBinding: new Uint8Array(0) }
    const before = provider.agent.stats()
    // No credit was granted (want 0): 50 tasks at once.
    await pb.write({ tasks: Array.from({ length: 50 }, (_, i) => ({ ...task, id: i + 1 })), cancel: [], want: 0, returned: 0 }, RequesterFrame)
    await assert.rejects(pb.read(ProviderFrame, { signal: AbortSignal.timeout(10_000) }), 'the provider reset the session instead of answering')
    const after = provider.agent.stats()
    assert.equal(after.violations, before.violations + 1)
    assert.equal(after.completed + after.failed, before.completed + before.failed, 'no task ran')
    await stillServes()
  })

  it('carries a 16 MiB output and a 64 MiB module; one byte more is refused with a typed error', async () => {
    const writer = (n: number): Uint8Array => wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 258)
      (func (export "_start")
        (i32.store (i32.const 16842752) (i32.const 0))
        (i32.store (i32.const 16842756) (i32.const ${n}))
        (drop (call $write (i32.const 1) (i32.const 16842752) (i32.const 1) (i32.const 16842760)))))`)
    const outputs = client.submit({ module: writer(MAX_OUTPUT_BYTES), inputs: ['at the cap'], redundancy: 1, limits: { maxOutputBytes: MAX_OUTPUT_BYTES } })
    for await (const r of outputs.results()) assert.equal(r.ok ? r.output.length : r.error.code, MAX_OUTPUT_BYTES)
    const over = client.submit({ module: writer(MAX_OUTPUT_BYTES + 1), inputs: ['past the cap'], redundancy: 1, limits: { maxOutputBytes: MAX_OUTPUT_BYTES } })
    for await (const r of over.results()) assert.equal(r.ok ? 'ok' : r.error.code, 'OUTPUT_TOO_LARGE')
    // A module of exactly MAX_BLOB_BYTES: a runnable one padded with a custom section.
    const atCap = padded(hostileModules().noop, MAX_BLOB_BYTES)
    assert.equal(atCap.length, MAX_BLOB_BYTES)
    const big = client.submit({ module: atCap, inputs: ['x'], redundancy: 1 })
    for await (const r of big.results()) assert.ok(r.ok, `the 64 MiB module ran: ${JSON.stringify(r.ok ? '' : r.error)}`)
    await assert.rejects(client.submit({ module: padded(hostileModules().noop, MAX_BLOB_BYTES + 1), inputs: ['x'] }).done,
      (err: unknown) => err instanceof TabmeshError && err.code === 'BLOB_TOO_LARGE' && /64 MiB/.test(err.message))
    await stillServes()
  })

  it('answers a free task with its output and no CID of its own (a requester hashes outputs itself); task:end carries the output', async () => {
    const input = new TextEncoder().encode('0 100')
    const moduleCid = await cidOf(primes)
    const stop = await serveBlobs(raw, async cid => cid.equals(moduleCid) ? primes : undefined)
    let ended: ProviderTaskEvent | undefined
    const onEnd = (e: CustomEvent<ProviderTaskEvent>): void => { ended = e.detail }
    provider.agent.addEventListener('task:end', onEnd)
    try {
      const res = await send({ jobId: 'free', taskIndex: 0, moduleCid: moduleCid.bytes, inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: undefined, input, paid: false })
      assert.ok(res.ok, JSON.stringify(res.failure))
      assert.equal(new TextDecoder().decode(res.output), '25\n')
      assert.equal(res.outputCid.length, 0, 'only a receipt needs the provider\'s hash')
      assert.equal(ended?.jobId, 'free')
      assert.equal(ended?.outputCid, undefined)
      assert.equal(new TextDecoder().decode(ended?.output), '25\n')
    } finally {
      provider.agent.removeEventListener('task:end', onEnd)
      stop()
    }
  })

  it('answers BAD_REQUEST to a task with malformed CIDs', async () => {
    const res = await send({ jobId: 'x', taskIndex: 0, moduleCid: new Uint8Array([1, 2, 3]), inputCid: new Uint8Array([4]), args: [], env: [], limits: undefined, input: new Uint8Array(0), paid: false })
    assert.equal(res.ok, false)
    assert.equal(res.failure?.code, 'BAD_REQUEST')
    assert.match(res.failure?.message ?? '', /malformed CID/)
    await stillServes()
  })

  it('answers BAD_REQUEST to an output cap above the protocol\'s (2^32 − 1 bytes asked), before any work', async () => {
    for (const [maxOutputBytes, expected] of [[MAX_OUTPUT_BYTES + 1, 'BAD_REQUEST'], [2 ** 32 - 1, 'BAD_REQUEST']] as const) {
      const input = new TextEncoder().encode('0 100')
      const res = await send({ jobId: 'x', taskIndex: 0, moduleCid: (await cidOf(primes)).bytes, inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: { timeoutMs: 10_000, memoryPages: 64, fuel: 0n, maxOutputBytes }, input, paid: false })
      assert.equal(res.failure?.code, expected, `maxOutputBytes ${maxOutputBytes}`)
      assert.match(res.failure?.message ?? '', /output bytes/)
    }
    await stillServes()
  })

  it('answers BLOB_UNAVAILABLE when a requester serves bytes that do not match their CID, or an inline input that does not', async () => {
    const moduleCid = await cidOf(new TextEncoder().encode('some other module'))
    const stop = await serveBlobs(raw, async cid => cid.equals(moduleCid) ? primes : undefined) // wrong bytes for that CID
    try {
      for (const [input, inputCid] of [[new TextEncoder().encode('0 100'), await cidOf(new TextEncoder().encode('0 100'))], [new TextEncoder().encode('0 100'), await cidOf(new TextEncoder().encode('lies'))]] as const) {
        const res = await send({ jobId: 'x', taskIndex: 0, moduleCid: moduleCid.bytes, inputCid: inputCid.bytes, args: [], env: [], limits: undefined, input, paid: false })
        assert.equal(res.failure?.code, 'BLOB_UNAVAILABLE')
        assert.match(res.failure?.message ?? '', /hashes to|CID/)
      }
    } finally {
      stop()
    }
    await stillServes()
  })

  it('answers BAD_REQUEST to mounts at bad guest paths, too many of them, or a tree that is not a valid one — before running anything', async () => {
    const input = new TextEncoder().encode('0 100')
    const base = { jobId: 'x', taskIndex: 0, moduleCid: (await cidOf(primes)).bytes, inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: undefined, input, paid: false }
    const someCid = (await cidOf(new Uint8Array([1]))).bytes
    for (const [mounts, message] of [
      [[{ guestPath: 'relative', treeCid: someCid }], /mount path "relative"/],
      [[{ guestPath: '/a/../../etc', treeCid: someCid }], /mount path/],
      [[{ guestPath: '/x', treeCid: someCid }, { guestPath: '/x', treeCid: someCid }], /two trees are mounted at \/x/],
      [Array.from({ length: 9 }, (_, i) => ({ guestPath: `/m${i}`, treeCid: someCid })), /at most 8 trees/],
      [[{ guestPath: '/data', treeCid: new Uint8Array([9, 9]) }], /malformed CID|CID/]
    ] as const) {
      const res = await send({ ...base, mounts: [...mounts] })
      assert.equal(res.failure?.code, 'BAD_REQUEST', String(message))
      assert.match(res.failure?.message ?? '', message)
    }
    // A tree blob that is served and hashes right but is not a tree (no TMTREE header), and one that lies about a file's size.
    const notATree = new TextEncoder().encode('just some bytes')
    const lying = Uint8Array.from([...TREE_MAGIC, 1, 1, 0x61, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
    const notATreeCid = await cidOf(notATree)
    const lyingCid = await cidOf(lying)
    const stop = await serveBlobs(raw, async cid => cid.equals(notATreeCid) ? notATree : cid.equals(lyingCid) ? lying : undefined)
    try {
      for (const [cid, message] of [[notATreeCid, /lacks the TMTREE/], [lyingCid, /truncated/]] as const) {
        const res = await send({ ...base, mounts: [{ guestPath: '/data', treeCid: cid.bytes }] })
        assert.equal(res.failure?.code, 'BAD_REQUEST')
        assert.match(res.failure?.message ?? '', message)
      }
    } finally {
      stop()
    }
    await stillServes()
  })

  it('refuses a paid task from a provider with no payout account', async () => {
    const input = new TextEncoder().encode('0 100')
    const res = await send({ jobId: `0x${'11'.repeat(32)}`, taskIndex: 0, moduleCid: (await cidOf(primes)).bytes, inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: undefined, input, paid: true })
    assert.equal(res.failure?.code, 'BAD_REQUEST')
    assert.match(res.failure?.message ?? '', /no paid jobs/)
  })

  const request = async (moduleCid: Uint8Array, input: Uint8Array, jobId = 'x'): Promise<TaskResponse> => {
    return await send({ jobId, taskIndex: 0, moduleCid, inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: undefined, input, paid: false })
  }

  it('answers BLOB_UNAVAILABLE to a task for a job its requester does not serve', async () => {
    const res = await request((await cidOf(new TextEncoder().encode('a module nobody has'))).bytes, new TextEncoder().encode('0 100'), 'no-such-job')
    assert.equal(res.failure?.code, 'BLOB_UNAVAILABLE')
    assert.match(res.failure?.message ?? '', /does not have it/)
    await stillServes()
  })

  it('rate-limits a peer opening sessions in a loop while another requester is served', async () => {
    const flooder = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    const honest = stillServes()
    const outcomes: string[] = []
    const open = provider.agent.stats().sessions
    const started = performance.now()
    const openedAt: number[] = []
    for (let i = 0; i < 2 * FLOOD_LIMIT + 10; i++) {
      // One at a time, each closed before the next (past TASK_SESSIONS_PER_CONNECTION libp2p would refuse them first).
      for (let wait = 0; wait < 200 && provider.agent.stats().sessions > open; wait++) await new Promise(resolve => setTimeout(resolve, 5))
      openedAt.push(performance.now())
      const flood = await openTaskSession(flooder, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
      const input = new TextEncoder().encode('flood')
      outcomes.push(await flood.run({ jobId: 'x', taskIndex: 0, moduleCid: new Uint8Array([1, 2, 3]), inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: undefined, input, paid: false, requester: '', price: '', requesterBinding: new Uint8Array(0) }, { signal: AbortSignal.timeout(10_000) })
        .then(r => r.failure?.code ?? 'ok', (err: TabmeshError) => err.code))
      flood.close()
    }
    const seconds = (performance.now() - started) / 1000
    const refused = outcomes.filter(o => o === 'PROVIDER_LOST').length
    // The limit is a rate over fixed one-second windows: however fast or slow this loop ran (a busy
    // machine slows it), at most FLOOD_LIMIT sessions a window get through; and where more than two
    // windows' worth were opened within one second, some must have been refused.
    const allowed = FLOOD_LIMIT * (Math.ceil(seconds) + 1)
    assert.ok(outcomes.length - refused <= allowed, `${outcomes.length - refused} of ${outcomes.length} sessions let through in ${seconds.toFixed(1)} s (at most ${allowed})`)
    const densest = Math.max(...openedAt.map(t => openedAt.filter(u => u >= t && u < t + 1000).length))
    if (densest > 2 * FLOOD_LIMIT) assert.ok(refused >= 1, `${densest} sessions opened within one second, none refused`)
    console.log(`# measured: ${refused} of ${outcomes.length} flood sessions refused (${densest} opened in the densest second, ${seconds.toFixed(1)} s in all)`)
    assert.ok(outcomes.every(o => o === 'PROVIDER_LOST' || o === 'BAD_REQUEST'), `each session was reset or answered with a typed code: ${[...new Set(outcomes)].join(', ')}`)
    assert.ok(provider.agent.stats().rateLimited >= refused, `${provider.agent.stats().rateLimited} sessions refused by the rate limit`)
    await flooder.stop()
    await honest
    await stillServes() // …while other peers are not.
  })

  it('runs hostile modules to their typed errors next to an honest job, which completes correctly', async () => {
    const hostile = hostileModules()
    const expected: Array<[Uint8Array, string]> = [
      [hostile.runaway, 'TIMEOUT'], [hostile.memoryBomb, 'MEMORY_LIMIT'], [hostile.deepRecursion, 'TRAP'],
      [hostile.hugeOutput, 'OUTPUT_TOO_LARGE'], [hostile.unknownImport, 'INVALID_MODULE']
    ]
    const honest = client.submit({ module: primes, inputs: Array.from({ length: 12 }, (_, i) => `${i * 1000} ${(i + 1) * 1000}`), redundancy: 1 })
    const bad = expected.map(([module]) => client.submit({ module, inputs: ['a', 'b'], redundancy: 1, limits: { timeoutMs: 1_000, memoryPages: 1024 } }))
    const counts = [168, 135, 127, 120, 119, 114, 117, 107, 110, 112, 106, 103]
    for await (const r of honest.results()) assert.equal(r.ok && new TextDecoder().decode(r.output), `${counts[r.index]}\n`, `honest task ${r.index}`)
    for (const [i, job] of bad.entries()) {
      for await (const r of job.results()) assert.equal(r.ok ? 'ok' : r.error.code, expected[i]![1], `hostile module ${i}`)
    }
    await stillServes()
  })

  it('drops unsigned capacity ads (gossipsub StrictSign) while a signed one from the same kind of peer is listed', async () => {
    const unsigned = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: 'StrictNoSign', allowPublishToZeroTopicPeers: true }) }
    })
    try {
      await unsigned.dial(multiaddr(relay.multiaddrs[0]!))
      const adFor = (peerId: string, multiaddrs: Uint8Array[]): Uint8Array => CapacityAd.encode(ad({ peerId, multiaddrs, timestampMs: BigInt(Date.now()) }))
      const stopSigned = publishCapacityAds(raw, () => ({ owner: '', operator: '', binding: new Uint8Array(0), workers: 1, scoreMilli: 1000, tier: 'node', price: '0', busy: 0, stake: '' }))
      try {
        const deadline = Date.now() + 20_000
        while (Date.now() < deadline && client.providers().every(p => p.ad.peerId !== raw.peerId.toString())) {
          await unsigned.services.pubsub.publish(CAPACITY_TOPIC, adFor(unsigned.peerId.toString(), [])).catch(() => {})
          await new Promise(resolve => setTimeout(resolve, 500))
        }
        assert.ok(client.providers().some(p => p.ad.peerId === raw.peerId.toString()), 'the signed ad arrived')
        assert.ok(client.providers().every(p => p.ad.peerId !== unsigned.peerId.toString()), 'the unsigned ad did not')
      } finally {
        stopSigned()
      }
    } finally {
      await unsigned.stop()
    }
  })

  it('the relay forwards no forged or oversized ads to a peer that does not validate them itself', async () => {
    // A listener with no validator of its own: whatever reaches it, the relay forwarded.
    const listener = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    const received: CapacityAd[] = []
    let oversized = 0
    listener.services.pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic !== CAPACITY_TOPIC) return
      if (evt.detail.data.length > MAX_AD_BYTES) { oversized++; return }
      try { received.push(CapacityAd.decode(evt.detail.data)) } catch {}
    })
    listener.services.pubsub.subscribe(CAPACITY_TOPIC)
    try {
      const own = raw.peerId.toString()
      const honest = (): Uint8Array => CapacityAd.encode(ad({ peerId: own, workers: 3, timestampMs: BigInt(Date.now()) }))
      const forged = (): Uint8Array => CapacityAd.encode(ad({ peerId: PEER, workers: 7, timestampMs: BigInt(Date.now()) })) // names another peer
      const huge = (): Uint8Array => CapacityAd.encode(ad({ peerId: own, workers: 5, price: '1'.repeat(MAX_AD_BYTES), timestampMs: BigInt(Date.now()) }))
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && !received.some(a => a.peerId === own && a.workers === 3)) {
        for (const data of [forged(), huge(), honest()]) await raw.services.pubsub.publish(CAPACITY_TOPIC, data).catch(() => {})
        await new Promise(resolve => setTimeout(resolve, 500))
      }
      assert.ok(received.some(a => a.peerId === own && a.workers === 3), 'the valid ad was forwarded')
      assert.equal(received.filter(a => a.peerId === PEER).length, 0, 'no forged ad was forwarded')
      assert.equal(oversized, 0, 'no oversized ad was forwarded')
    } finally {
      await listener.stop()
    }
  })
})
