// Dispatch and throughput under latency and loss: the network lab (lab/topology.sh) with a requester
// behind its own NAT and two Node providers behind endpoint-independent NATs, direct WebRTC paths
// found with STUN, 60 ms round trips (+ jitter) and 0.5% loss each way on every access link.
// Run it with `npm run bench:lab` (inside lab/run.sh); `npm run bench` alone leaves these rows as
// they were.
//
// - dispatch: as bench/suites/dispatch.ts, one no-op task in flight, ÷ a raw libp2p echo round trip
//   on the same connections — on a 60 ms path the link should dominate;
// - throughput: jobs/primes tasks of 10 and 100 ms on the two providers, ÷ piscina with as many
//   threads on this machine (no network): how much of the path's latency the task session hides.
// Then the same rows through TURN: one Node provider in the home behind the symmetric NAT (s), which
// the requester reaches only through coturn's relay candidate (the router's counters say how many
// bytes went to TURN), ÷ the same baselines with one thread.
import { availableParallelism } from 'node:os'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { bundledPrimesPath } from '../../mesh/provider/node-provider.ts'
import { counters, countersGrowth, inNamespace, startLabMesh } from '../../lab/lab-mesh.ts'
import type { Home } from '../../lab/lab-mesh.ts'
import { exit } from '../../testing/cli-process.ts'
import { tempDir } from '../../testing/browser.ts'
import type { LabRequesterParameters, LabRequesterResult } from '../lib/lab-requester.ts'
import { percentile } from '../lib/results.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'
import { calibrate, OFFSET } from './throughput.ts'

/** Task sizes, ms, and how many of each (about 3–5 s of work on two workers). */
const SIZES: Array<[number, number]> = [[10, 600], [100, 80]]
const SERIAL = 60
const REQUESTER = fileURLToPath(new URL('../lib/lab-requester.ts', import.meta.url))

export const labSuite: BenchSuite = {
  name: 'lab',
  async run () {
    if (process.env.TABMESH_LAB !== '1') return [] // npm run bench:lab runs it inside the lab
    const primes = new Uint8Array(readFileSync(bundledPrimesPath()))
    const perMs = await calibrate(primes)
    const sizes: LabRequesterParameters['sizes'] = SIZES.map(([ms, count]) => {
      const span = Math.max(1000, Math.round(ms * perMs))
      return [ms, Array.from({ length: count }, (_, i) => `${OFFSET + i * span} ${OFFSET + (i + 1) * span}`)]
    })
    const workers = Math.min(2, availableParallelism())
    // Baselines first, on this machine's cores with no network, while the lab's mesh is not running.
    const pool = new Map<string, number>()
    for (const threads of new Set([workers, 1])) {
      const piscina = new Piscina({ filename: new URL('../lib/piscina-worker.ts', import.meta.url).href, minThreads: threads, maxThreads: threads })
      try {
        await Promise.all(sizes[0]![1].slice(0, 100).map(async input => await piscina.run({ key: 'primes', bytes: primes, input })))
        for (const [ms, inputs] of sizes) {
          const t0 = performance.now()
          await Promise.all(inputs.map(async input => await piscina.run({ key: 'primes', bytes: primes, input })))
          pool.set(`${threads}/${ms}`, inputs.length / ((performance.now() - t0) / 1000))
        }
      } finally {
        await piscina.destroy()
      }
    }
    // lab/topology.sh's settings: delay each way per access link (4 links a round trip), loss each way.
    const delay = Number(process.env.LAB_DELAY_MS ?? 15)
    const loss = Number(process.env.LAB_LOSS_PCT ?? 0.5)
    const path = `${4 * delay} ms RTT, ${loss}% loss each way per link`
    const rows: BenchRow[] = []
    const rounds: Array<{ homes: Home[], label: string, how: string }> = [
      { homes: ['a', 'b'], label: 'two NATs', how: `${workers} Node providers × 1 worker behind endpoint-independent NATs, the requester behind its own` },
      { homes: ['s'], label: 'TURN', how: '1 Node provider × 1 worker behind the symmetric NAT, reached through coturn\'s relay candidate' }
    ]
    for (const round of rounds) {
      const mesh = await startLabMesh(round.homes)
      let result: LabRequesterResult
      let turnBytes = 0
      try {
        const before = counters('r')
        const params: LabRequesterParameters = { bootstrap: mesh.bootstrap, providers: round.homes.length, serial: SERIAL, sizes }
        const requester = inNamespace('home-r', process.execPath, [REQUESTER, JSON.stringify(params)], tempDir('tabmesh-lab-bench-'))
        const code = await exit(requester)
        const line = requester.output().split('\n').find(l => l.startsWith('{"dispatch"'))
        if (code !== 0 || line === undefined) throw new Error(`the lab requester failed (${code}): ${requester.output().slice(-400)}`)
        result = JSON.parse(line) as LabRequesterResult
        turnBytes = countersGrowth('r', before)('LAB-TURN')
      } finally {
        await mesh.stop()
      }
      const kind = [...new Set(result.kinds)].join('+')
      const threads = round.homes.length
      const through = round.label === 'TURN' ? `${kind} through TURN (${(turnBytes / 1e6).toFixed(1)} MB from the requester to coturn)` : `${kind} through two NATs`
      rows.push({
        benchmark: 'Dispatch overhead, lab',
        case: `no-op task, warm, p50 (over ${round.label === 'TURN' ? `${kind} through TURN` : through}, ${path})`,
        tabmesh: { value: percentile(result.dispatch, 50), unit: 'ms' },
        baseline: { name: `raw libp2p echo round trip, same ${kind} connections`, value: percentile(result.echo, 50), unit: 'ms' },
        note: `${SERIAL} one-task jobs one after another; p99 ${percentile(result.dispatch, 99).toFixed(1)} ms (echo p99 ${percentile(result.echo, 99).toFixed(1)} ms)`
      })
      for (const t of result.throughput) {
        rows.push({
          benchmark: 'Mesh throughput, lab',
          case: `jobs/primes, ${t.ms} ms tasks × ${t.tasks}, ${round.label === 'TURN' ? 'through TURN, ' : ''}${path}`,
          tabmesh: { value: t.tasks / t.seconds, unit: 'tasks/s' },
          baseline: { name: `piscina, ${threads} thread${threads === 1 ? '' : 's'}, no network`, value: pool.get(`${threads}/${t.ms}`)!, unit: 'tasks/s' },
          note: `${round.how}; ${through}; one round each`
        })
      }
    }
    return rows
  }
}
