// Dispatch overhead per task, warm (module compiled, task session open): a no-op module, over direct
// WebRTC to a Chromium tab and over WebSockets to a Node provider listening on ws only. The baseline of
// each row is a raw libp2p echo round trip (`/echo/1.0.0`, one long-lived stream, one message in
// flight) on the very connection the task session uses, measured in the same run.
//
// - dispatch: one task in flight at a time, like the echo — a task's dispatch (the scheduler marks it
//   running) → its result accepted (output hashed, recorded), p50 over one-task jobs run one after
//   another;
// - function call: `client.call` one after another — the whole call (hash the input, make the job,
//   schedule, send, run, verify, resolve), p50;
// - under load (in the note): the same task latency inside a job of TASKS tasks that keeps the
//   provider's worker and queue full, where a task also waits for the one ahead of it;
// - the floor (a row of its own): one-task jobs to a Node provider whose runs are answered at once on
//   its main thread — the task path without the worker hop and the run.
// Dispatches, calls and echoes are taken in turns, ROUNDS blocks of each: this VM's speed moves by
// 2× within minutes, and measured seconds apart the two sides of a ratio saw different machines.
import type { Connection } from '@libp2p/interface'
import { launchChromium, newTab, until } from '../../testing/browser.ts'
import { startWebServer } from '../../cli/web-server.ts'
import { connectionKind } from '../../mesh/node/connections.ts'
import { startRelay } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient, TaskOutcome, TaskStatus } from '../../sdk/index.ts'
import { hostileModules } from '../../testing/hostile-modules.ts'
import { startProviderProcess } from '../lib/provider-process.ts'
import { percentile } from '../lib/results.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const TASKS = 400
const WARMUP = 40
const CALLS = 150
const ECHOES = 300
/** Bytes per echo: about a no-op task's request. */
const ECHO_BYTES = 160

const SERIAL = 300
/** Blocks of dispatches, calls and echoes, taken in turns. */
const ROUNDS = 10

interface Measured { serial: number[], latency: number[], intervals: number[], calls: number[], echo: number[], kind: string }

/** Dispatch → accepted of a one-task job, ms. */
export async function dispatchOnce (client: TabmeshClient, noop: Uint8Array, input: string): Promise<number> {
  const job = client.submit({ module: noop, inputs: [input], redundancy: 1, verification: 'replicate' })
  let sent = 0
  let took = 0
  job.addEventListener('task', (e) => { if ((e as CustomEvent<TaskStatus>).detail.state === 'running' && sent === 0) sent = performance.now() })
  job.addEventListener('result', () => { took = performance.now() - sent })
  await job.done
  return took
}

/** An echo stream over `connection`: `roundTrips(n)` times n round trips of ECHO_BYTES, ms each. */
export async function openEcho (connection: Connection): Promise<{ roundTrips: (count: number) => Promise<number[]>, close: () => Promise<void> }> {
  const stream = await connection.newStream('/echo/1.0.0')
  const payload = new Uint8Array(ECHO_BYTES).fill(7)
  let received = 0
  let sent = 0
  let wake: (() => void) | undefined
  stream.addEventListener('message', (evt) => { received += evt.data.byteLength; wake?.() })
  return {
    async roundTrips (count) {
      const times: number[] = []
      for (let i = 0; i < count; i++) {
        sent += ECHO_BYTES
        const t0 = performance.now()
        stream.send(payload)
        while (received < sent) await new Promise<void>(resolve => { wake = resolve })
        times.push(performance.now() - t0)
      }
      return times
    },
    close: async () => { await stream.close().catch(() => { stream.abort(new Error('done')) }) }
  }
}

/** Round trips of ECHO_BYTES on one echo stream over `connection`, ms each (the first tenth dropped: warm-up). */
export async function echoRoundTrips (connection: Connection, count: number): Promise<number[]> {
  const echo = await openEcho(connection)
  try {
    return (await echo.roundTrips(count)).slice(Math.floor(count / 10))
  } finally {
    await echo.close()
  }
}

async function measure (client: TabmeshClient, noop: Uint8Array, provider: string): Promise<Measured> {
  const job = client.submit({ module: noop, inputs: Array.from({ length: TASKS }, (_, i) => `task ${i}`), redundancy: 1, verification: 'replicate' })
  const sent = new Map<number, number>()
  const latency: number[] = []
  const stamps: number[] = []
  job.addEventListener('task', (e) => { const s = (e as CustomEvent<TaskStatus>).detail; if (s.state === 'running' && !sent.has(s.index)) sent.set(s.index, performance.now()) })
  job.addEventListener('result', (e) => {
    const r = (e as CustomEvent<TaskOutcome>).detail
    const now = performance.now()
    stamps.push(now)
    if (r.index >= WARMUP) latency.push(now - sent.get(r.index)!)
  })
  await job.done
  const intervals = stamps.slice(WARMUP).map((t, i) => t - stamps[WARMUP + i - 1]!)
  return { ...await inTurns(client, noop, provider, CALLS), latency, intervals }
}

/**
 * One-task jobs, `calls` client.calls and echoes on the task session's connection to `provider`,
 * in ROUNDS blocks taken in turns (after a warm-up of each).
 */
async function inTurns (client: TabmeshClient, noop: Uint8Array, provider: string, calls: number): Promise<Pick<Measured, 'serial' | 'calls' | 'echo' | 'kind'>> {
  for (let i = 0; i < WARMUP; i++) await dispatchOnce(client, noop, `warm ${i}`)
  for (let i = 0; i < Math.min(calls, 20); i++) await client.call({ module: noop, input: `warm ${i}` })
  const connection = client.node.getConnections().find(c => c.remotePeer.toString() === provider && c.limits == null && c.status === 'open')!
  const echoStream = await openEcho(connection)
  await echoStream.roundTrips(ECHOES / 10) // warm-up
  const m = { serial: [] as number[], calls: [] as number[], echo: [] as number[], kind: connectionKind(connection) }
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < SERIAL / ROUNDS; i++) m.serial.push(await dispatchOnce(client, noop, `serial ${round} ${i}`))
      for (let i = 0; i < calls / ROUNDS; i++) {
        const t0 = performance.now()
        await client.call({ module: noop, input: `call ${round} ${i}` })
        m.calls.push(performance.now() - t0)
      }
      m.echo.push(...await echoStream.roundTrips(ECHOES / ROUNDS))
    }
  } finally {
    await echoStream.close()
  }
  return m
}

function rows (target: string, m: Measured): BenchRow[] {
  const echo = percentile(m.echo, 50)
  const baseline = { name: `raw libp2p echo round trip, same ${m.kind} connection`, value: echo, unit: 'ms' }
  return [{
    benchmark: 'Dispatch overhead',
    case: `no-op task, warm, p50 (over ${m.kind} to ${target})`,
    tabmesh: { value: percentile(m.serial, 50), unit: 'ms' },
    baseline,
    note: `dispatch → result accepted, one task in flight, ${SERIAL} one-task jobs (in ${ROUNDS} blocks, in turns with the calls and ${ECHOES} echoes); p99 ${percentile(m.serial, 99).toFixed(1)} ms (echo p99 ${percentile(m.echo, 99).toFixed(1)} ms). Under load (a ${TASKS}-task job keeping worker and queue full): p50 ${percentile(m.latency, 50).toFixed(2)} ms, p99 ${percentile(m.latency, 99).toFixed(1)} ms, one result every ${(m.intervals.reduce((a, b) => a + b, 0) / Math.max(1, m.intervals.length)).toFixed(2)} ms on average (answers come several to a frame, so the median gap is ~0)`
  }, {
    benchmark: 'Function call',
    case: `client.call, no-op, warm, p50 (over ${m.kind} to ${target})`,
    tabmesh: { value: percentile(m.calls, 50), unit: 'ms' },
    baseline,
    note: `${CALLS} calls one after another; p99 ${percentile(m.calls, 99).toFixed(1)} ms`
  }]
}

/** What the task path costs with nothing to run: how much of the dispatch rows' ratio no worker or runtime could win back. */
function floorRow (m: Pick<Measured, 'serial' | 'echo' | 'kind'>): BenchRow {
  return {
    benchmark: 'Dispatch overhead, floor',
    case: `no-op task answered without running it, warm, p50 (over ${m.kind} to a Node provider)`,
    tabmesh: { value: percentile(m.serial, 50), unit: 'ms' },
    baseline: { name: `raw libp2p echo round trip, same ${m.kind} connection`, value: percentile(m.echo, 50), unit: 'ms' },
    note: `a baseline, not a provider: its pool answers every run at once on the main thread (no worker thread, no Wasm), so this is the requester, the session, the agent and the wire alone; ${SERIAL} one-task jobs in ${ROUNDS} blocks, in turns with the echoes`
  }
}

export const dispatchSuite: BenchSuite = {
  name: 'dispatch',
  async run () {
    const noop = hostileModules().noop
    const relay = await startRelay({ port: 0 })
    const web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs })
    const client = await createClient({ bootstrap: relay.multiaddrs })
    const out: BenchRow[] = []
    try {
      // WebSockets: a Node provider that listens on ws only, in a process of its own (as operators run it).
      const wsProvider = await startProviderProcess({ bootstrap: relay.multiaddrs.map(String), workers: 1, listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
      await client.waitForProviders(1, { signal: AbortSignal.timeout(60_000) })
      out.push(...rows('a Node provider', await measure(client, noop, wsProvider.peerId)))
      await wsProvider.stop()
      await until('the ws provider to drop out', async () => client.providers().length === 0 ? true : undefined, 30_000)

      // The floor: the same kind of provider answering every run at once on its main thread.
      const instant = await startProviderProcess({ bootstrap: relay.multiaddrs.map(String), workers: 1, listen: ['/ip4/127.0.0.1/tcp/0/ws'], instantRuns: true })
      await client.waitForProviders(1, { signal: AbortSignal.timeout(60_000) })
      out.push(floorRow(await inTurns(client, noop, instant.peerId, 0)))
      await instant.stop()
      await until('the instant provider to drop out', async () => client.providers().length === 0 ? true : undefined, 30_000)

      // WebRTC: a Chromium tab (one worker on this machine's default of cores − 1).
      const browser = await launchChromium()
      try {
        const context = await newTab(browser, web.url)
        const page = await context.newPage()
        await page.goto(web.url)
        const state = await until('the tab to provide', async () => { const s = await page.evaluate(() => window.tabmesh?.state()); return s?.status === 'providing' ? s : undefined }, 60_000)
        await client.waitForProviders(1, { signal: AbortSignal.timeout(60_000) })
        out.unshift(...rows('a tab', await measure(client, noop, state.peerId)))
      } finally {
        await browser.close()
      }
    } finally {
      await client.stop()
      await web.stop()
      await relay.stop()
    }
    return out
  }
}
