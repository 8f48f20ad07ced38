// Hostile modules at a steady rate next to an honest job on the same provider: honest task run time
// and job throughput with and without them (the goal: less than 10% slower).
import { mkdtempSync, readFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProviderTaskEvent } from '../../mesh/provider/agent.ts'
import { bundledPrimesPath, startNodeProvider } from '../../mesh/provider/node-provider.ts'
import { startRelay } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient } from '../../sdk/index.ts'
import { hostileModules } from '../../testing/hostile-modules.ts'
import { median } from '../lib/results.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const HONEST_TASKS = 600
/** One hostile task every this many ms while the honest job runs. */
const HOSTILE_EVERY_MS = 500

export const hostileSuite: BenchSuite = {
  name: 'hostile',
  async run () {
    const primes = readFileSync(bundledPrimesPath())
    const hostile = hostileModules()
    const kinds = [hostile.runaway, hostile.memoryBomb, hostile.deepRecursion, hostile.hugeOutput, hostile.unknownImport, hostile.tableBomb, hostile.twoMemories, hostile.gcArrays, hostile.iovecBomb]
    const relay = await startRelay({ port: 0 })
    const workers = availableParallelism()
    const provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-bench-')) })
    const client = await createClient({ bootstrap: relay.multiaddrs })
    const honestInputs = Array.from({ length: HONEST_TASKS }, (_, i) => `${1e9 + i * 2_000_000} ${1e9 + (i + 1) * 2_000_000}`)

    const honestRun = async (c: TabmeshClient, withHostile: boolean): Promise<{ durations: number[], tasksPerSecond: number, hostileRan: number }> => {
      const job = c.submit({ module: primes, inputs: honestInputs, redundancy: 1, verification: 'replicate' })
      const durations: number[] = []
      const onEnd = (e: Event): void => {
        const d = (e as CustomEvent<ProviderTaskEvent>).detail
        if (d.jobId === job.id && d.outcome === 'ok' && d.durationMs !== undefined) durations.push(d.durationMs)
        if (d.jobId !== job.id) hostileRan++
      }
      provider.agent.addEventListener('task:end', onEnd)
      let hostileRan = 0
      let stop = false
      const stream = (async () => {
        for (let i = 0; withHostile && !stop; i++) {
          void c.submit({ module: kinds[i % kinds.length]!, inputs: [`h${i}`], redundancy: 1, verification: 'replicate', limits: { timeoutMs: 300, memoryPages: 1024 } }).done.catch(() => {})
          await new Promise(resolve => setTimeout(resolve, HOSTILE_EVERY_MS))
        }
      })()
      const t0 = performance.now()
      await job.done
      const seconds = (performance.now() - t0) / 1000
      provider.agent.removeEventListener('task:end', onEnd)
      stop = true
      await stream
      return { durations, tasksPerSecond: HONEST_TASKS / seconds, hostileRan }
    }

    try {
      await client.waitForProviders(1, { signal: AbortSignal.timeout(60_000) })
      await client.submit({ module: primes, inputs: ['0 1000'], redundancy: 1 }).done // warm
      const alone = await honestRun(client, false)
      const mixed = await honestRun(client, true)
      const rows: BenchRow[] = [{
        benchmark: 'Hostile modules',
        case: `honest task run time, with a hostile task every ${HOSTILE_EVERY_MS} ms (loop, memory bomb, recursion, endless output, bad import, table bomb, two memories, GC arrays, iovec bomb)`,
        tabmesh: { value: median(mixed.durations), unit: 'ms' },
        baseline: { name: 'same job alone', value: median(alone.durations), unit: 'ms' },
        note: `median over ${HONEST_TASKS} tasks; ${mixed.hostileRan} hostile tasks ran meanwhile; provider with ${workers} workers`
      }, {
        benchmark: 'Hostile modules',
        case: 'honest job throughput, same mix',
        tabmesh: { value: mixed.tasksPerSecond, unit: 'tasks/s' },
        baseline: { name: 'same job alone', value: alone.tasksPerSecond, unit: 'tasks/s' },
        note: 'a runaway holds a worker until its 300 ms timeout'
      }]
      return rows
    } finally {
      await client.stop()
      await provider.stop()
      await relay.stop()
    }
  }
}
