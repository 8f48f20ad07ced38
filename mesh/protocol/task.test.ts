// The task session protocol on a real mesh (loopback): credit shared fairly, cancellation that
// reaches the provider's worker, function calls on the warm provider.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient } from '../../sdk/index.ts'
import { AbortedError } from '../../errors/base.ts'
import { hostileModules } from '../../testing/hostile-modules.ts'
import { bundledPrimesPath, startNodeProvider } from '../provider/node-provider.ts'
import type { NodeProviderHandle } from '../provider/node-provider.ts'
import { failureResponse, openTaskSession, SessionSilentError, TaskSessionServer } from './task.ts'
import type { TaskSessionHandlerOptions } from './task.ts'
import { MAX_QUEUED_PER_WORKER, TASK_PROTOCOL } from '../constants.ts'
import { cidOf } from '../cid.ts'
import { serveBlobs } from './blob.ts'
import { createMeshNode } from '../node/create-node.ts'
import type { TaskSession } from './task.ts'

const primes = readFileSync(bundledPrimesPath())
const dec = new TextDecoder()

async function until (what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('task sessions: /tabmesh/task/2.0.0', () => {
  let relay: RelayHandle
  let provider: NodeProviderHandle
  let client: TabmeshClient
  let other: TabmeshClient

  before(async () => {
    relay = await startRelay({ port: 0 })
    provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-session-')) })
    client = await createClient({ bootstrap: relay.multiaddrs })
    other = await createClient({ bootstrap: relay.multiaddrs })
    await client.waitForProviders(1, { signal: AbortSignal.timeout(30_000) })
    await other.waitForProviders(1, { signal: AbortSignal.timeout(30_000) })
  })

  after(async () => {
    await client?.stop()
    await other?.stop()
    await provider?.stop()
    await relay?.stop()
  })

  it('opens one session per requester however many tasks it runs, never holds more tasks than workers + queue, and queues deeper for short tasks', async () => {
    let most = 0
    let deepest = 0
    const watch = setInterval(() => { const s = provider.agent.stats(); most = Math.max(most, s.running); deepest = Math.max(deepest, s.capacity) }, 1)
    try {
      const inputs = Array.from({ length: 60 }, (_, i) => `${i * 1000} ${(i + 1) * 1000}`)
      const [a, b] = await Promise.all([client, other].map(async c => await c.submit({ module: primes, inputs, redundancy: 1 }).done))
      assert.equal(a!.accepted, 60)
      assert.equal(b!.accepted, 60)
    } finally {
      clearInterval(watch)
    }
    // (Capacity follows the mean task time, so a moment's count may pass a capacity that just shrank.)
    assert.ok(most <= 1 + MAX_QUEUED_PER_WORKER, `at most 1 worker + MAX_QUEUED_PER_WORKER queued, saw ${most}`)
    assert.ok(deepest > 2, `tasks of about a millisecond get more than one queued per worker (capacity reached ${deepest})`)
    const streams = (c: TabmeshClient): number => c.node.getConnections(provider.node.peerId).flatMap(conn => conn.streams).filter(s => s.protocol === '/tabmesh/task/2.0.0').length
    assert.equal(streams(client), 1, 'one task stream for 60 tasks')
    assert.equal(streams(other), 1)
  })

  it('shares credit: a second requester is served while the first keeps the provider busy', async () => {
    const long = client.submit({ module: primes, inputs: Array.from({ length: 40 }, (_, i) => `${i * 4_000_000} ${(i + 1) * 4_000_000}`), redundancy: 1 })
    await until('the long job to start', () => long.progress.running > 0)
    const out = await other.call({ module: primes, input: '0 1000' })
    const acceptedMeanwhile = long.progress.accepted
    assert.equal(dec.decode(out), '168\n')
    const { accepted } = await long.done
    assert.equal(accepted, 40)
    assert.ok(acceptedMeanwhile < 30, `the call was answered after ${acceptedMeanwhile} of the long job's 40 tasks, not behind all of them`)
  })

  it('job.cancel() stops the running worker on the provider and frees its slot at once', async () => {
    // Compiled first (a 100 ms run), so that a busy worker below means the task is running, not compiling.
    await assert.rejects(client.call({ module: hostileModules().runaway, input: 'warm', limits: { timeoutMs: 100 } }), { code: 'TIMEOUT' })
    const replaced = provider.pool.stats().replaced
    const runaway = client.submit({ module: hostileModules().runaway, inputs: ['forever'], redundancy: 1, limits: { timeoutMs: 60_000 } })
    await until('the runaway task to run', () => provider.pool.stats().busy === 1)
    runaway.cancel()
    await assert.rejects(runaway.done, AbortedError)
    await until('the provider to stop the worker', () => provider.pool.stats().replaced === replaced + 1, 5_000)
    assert.equal(provider.agent.stats().running, 0)
    // The slot is free: the next call runs now, not after the runaway's 60 s timeout.
    assert.equal(dec.decode(await client.call({ module: primes, input: '0 100', signal: AbortSignal.timeout(5_000) })), '25\n')
  })

  it('an AbortSignal cancels a call on the provider', async () => {
    const replaced = provider.pool.stats().replaced
    const controller = new AbortController()
    const call = client.call({ module: hostileModules().runaway, input: 'forever', limits: { timeoutMs: 60_000 }, signal: controller.signal })
    await until('the call to run', () => provider.pool.stats().busy === 1)
    controller.abort()
    await assert.rejects(call, AbortedError)
    await until('the provider to stop the worker', () => provider.pool.stats().replaced === replaced + 1, 5_000)
  })

  it('a session that closes stops its tasks on the provider (the requester went away)', async () => {
    const replaced = provider.pool.stats().replaced
    const raw = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    try {
      const runaway = hostileModules().runaway
      const moduleCid = await cidOf(runaway)
      const input = new TextEncoder().encode('forever')
      await serveBlobs(raw, async cid => cid.equals(moduleCid) ? runaway : undefined)
      const session = await openTaskSession(raw, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
      const answer = session.run({ jobId: 'x', taskIndex: 0, moduleCid: moduleCid.bytes, inputCid: (await cidOf(input)).bytes, args: [], env: [], limits: undefined, input, paid: false, requester: '', price: '', requesterBinding: new Uint8Array(0) })
      // The module is compiled already (the tests above ran it with the same memory cap): busy means running.
      await until('the task to run', () => provider.pool.stats().busy === 1)
      await raw.stop() // no cancel: the connection, and the session with it, just go away
      await assert.rejects(answer, { code: 'PROVIDER_LOST' })
      await until('the provider to stop the worker', () => provider.pool.stats().replaced === replaced + 1, 5_000)
    } finally {
      await raw.stop()
    }
  })

  it('hands credit it cannot use back, so a waiting session gets it', async () => {
    const session: TaskSession = await openTaskSession(other.node, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
    try {
      const owner = {}
      session.want(owner, 2)
      await until('credit', () => session.credit === 2)
      session.want(owner, 0) // nothing to send after all: the credit goes back
      await until('the credit to be returned', () => session.credit === 0)
      // …and the provider grants it to the client's session instead.
      assert.equal(dec.decode(await client.call({ module: primes, input: '0 100', signal: AbortSignal.timeout(5_000) })), '25\n')
    } finally {
      session.close()
    }
  })

  it('keeps a slot for tasks sent one after another: the answer carries the next credit, and the slot goes back once the session idles', async () => {
    const raw = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    try {
      const moduleCid = await cidOf(primes)
      await serveBlobs(raw, async cid => cid.equals(moduleCid) ? primes : undefined)
      const session = await openTaskSession(raw, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
      const task = async (i: number): Promise<string> => {
        const input = new TextEncoder().encode(`${i * 100} ${(i + 1) * 100}`)
        const r = await session.run({ jobId: 'keep', taskIndex: i, moduleCid: moduleCid.bytes, inputCid: (await cidOf(input)).bytes, args: ['task'], env: [], limits: undefined, input, paid: false, requester: '', price: '', requesterBinding: new Uint8Array(0) })
        return dec.decode(r.output)
      }
      assert.equal(await task(0), '25\n')
      for (let i = 1; i < 5; i++) {
        await task(i)
        // Granted in the frame that carried the answer: no want → credit round trip before the next task.
        assert.equal(session.credit, 1, `credit held right after answer ${i}`)
      }
      // Idle past TASK_CREDIT_LINGER_MS (1 s): the slot goes back to the provider.
      await until('the kept slot to be returned', () => session.credit === 0, 5_000)
      session.close()
    } finally {
      await raw.stop()
    }
  })

  it('gives up a session whose provider falls silent with tasks open, and keeps one whose provider computes on', async () => {
    const requester = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    const serve = async (run: TaskSessionHandlerOptions['run'], keepaliveMs: number): Promise<{ node: Awaited<ReturnType<typeof createMeshNode>>, server: TaskSessionServer }> => {
      const node = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
      const server = new TaskSessionServer({ capacity: () => 1, paused: () => false, run, keepaliveMs })
      await node.handle(TASK_PROTOCOL, (stream, connection) => { server.handle(stream, connection) })
      return { node, server }
    }
    const request = { jobId: 'live', taskIndex: 0, moduleCid: new Uint8Array(0), inputCid: new Uint8Array(0), args: [], env: [], limits: undefined, input: new Uint8Array(0), paid: false, requester: '', price: '', requesterBinding: new Uint8Array(0) }
    // Computes for 2.5 s (2.5× the requester's silence limit), writing keep-alives every 200 ms.
    const busy = await serve(async () => { await new Promise(resolve => setTimeout(resolve, 2_500)); return failureResponse('TRAP', 'done computing') }, 200)
    // Stalled: its task never ends and it never writes (keep-alives off), like a frozen tab.
    let stoppedWith: unknown
    const stalled = await serve(async (_r, _c, signal) => await new Promise(resolve => { signal.addEventListener('abort', () => { stoppedWith = signal.reason; resolve(failureResponse('CANCELLED', 'stopped')) }) }), 1e9)
    try {
      const open = async (node: typeof busy.node) => await openTaskSession(requester, node.peerId, node.getMultiaddrs(), { silenceMs: 1_000 })
      const [alive, silent] = await Promise.all([open(busy.node), open(stalled.node)])
      const t0 = performance.now()
      const [answered, givenUp] = await Promise.allSettled([alive.run(request), silent.run(request)])
      assert.equal(answered.status, 'fulfilled', 'the computing provider kept its session')
      assert.equal(answered.value.failure?.message, 'done computing')
      assert.equal(alive.closed, undefined)
      assert.equal(givenUp.status, 'rejected')
      assert.ok(givenUp.reason instanceof SessionSilentError, String(givenUp.reason))
      assert.equal(givenUp.reason.code, 'PROVIDER_LOST')
      assert.ok(givenUp.reason.silentMs >= 1_000 && performance.now() - t0 < 2_500 + 1_000, `given up after ${givenUp.reason.silentMs} ms of silence`)
      // The stalled provider is told: its task is stopped when the session closes.
      await until('the stalled provider to stop the task', () => stoppedWith !== undefined, 5_000)
      alive.close()
    } finally {
      busy.server.stop()
      stalled.server.stop()
      await Promise.all([requester.stop(), busy.node.stop(), stalled.node.stop()])
    }
  })
})
