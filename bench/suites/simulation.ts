// Scheduler throughput with simulated peers: 1,000 providers and one requester in this process on the
// libp2p memory transport (5 ms latency), a 10,000-task job, adaptive replication at redundancy 2.
// Baseline: the same 10,000 tasks run back to back in this process without any mesh.
import { readFileSync } from 'node:fs'
import { bundledPrimesPath } from '../../mesh/provider/node-provider.ts'
import { startSimulatedMesh } from '../../sim/simulated-mesh.ts'
import { resolveLimits } from '../../worker-runtime/limits.ts'
import { prepareModule } from '../../worker-runtime/prepare.ts'
import { runTask } from '../../worker-runtime/run-task.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const PEERS = 1_000
const TASKS = 10_000
const RANGE = 1_000

export const simulationSuite: BenchSuite = {
  name: 'simulation',
  async run () {
    const primes = new Uint8Array(readFileSync(bundledPrimesPath()))
    const inputs = Array.from({ length: TASKS }, (_, i) => `${i * RANGE} ${(i + 1) * RANGE}`)

    // Baseline: no mesh, one thread, the same runtime.
    const limits = resolveLimits({})
    const module = await WebAssembly.compile(await prepareModule({ bytes: primes, memoryPages: limits.memoryPages, metered: false }) as Uint8Array<ArrayBuffer>)
    const t0 = performance.now()
    for (const input of inputs) runTask({ module, input: new TextEncoder().encode(input), args: ['task'], env: [], limits, seed: new Uint8Array(16) })
    const direct = TASKS / ((performance.now() - t0) / 1000)

    globalThis.gc?.()
    const heap0 = process.memoryUsage().heapUsed
    const rss0 = process.memoryUsage().rss
    const started = performance.now()
    const mesh = await startSimulatedMesh({ providers: PEERS, latencyMs: 5 })
    try {
      const startSeconds = (performance.now() - started) / 1000
      await mesh.client.waitForProviders(PEERS, { signal: AbortSignal.timeout(300_000) })
      const adsSeconds = (performance.now() - started) / 1000
      globalThis.gc?.()
      const heapPerPeer = (process.memoryUsage().heapUsed - heap0) / (PEERS + 2)
      const rssPerPeer = (process.memoryUsage().rss - rss0) / (PEERS + 2)
      const t1 = performance.now()
      const summary = await mesh.client.submit({ module: primes, inputs, redundancy: 2 }).done
      const seconds = (performance.now() - t1) / 1000
      const relayConnections = mesh.relay.getConnections().length
      const rows: BenchRow[] = [{
        benchmark: 'Simulated mesh',
        case: `${PEERS} providers, ${TASKS.toLocaleString('en-US')}-task job, redundancy 2 (adaptive)`,
        tabmesh: { value: summary.accepted / seconds, unit: 'tasks/s' },
        baseline: { name: 'same tasks, no mesh, one thread', value: direct, unit: 'tasks/s' },
        note: `${summary.accepted} accepted, ${summary.runs} runs (${summary.trusted} on trust) in ${seconds.toFixed(0)} s; every peer's libp2p stack shares this one thread`
      }, {
        benchmark: 'Simulated mesh',
        case: 'memory per simulated peer (libp2p + provider)',
        tabmesh: { value: heapPerPeer / 1024, unit: 'KiB heap' },
        note: `${(rssPerPeer / 1024).toFixed(0)} KiB RSS per peer; ${PEERS} started in ${startSeconds.toFixed(0)} s, all ${PEERS} ads seen after ${adsSeconds.toFixed(0)} s; relay held ${relayConnections} connections`
      }]
      return rows
    } finally {
      await mesh.stop()
    }
  }
}
