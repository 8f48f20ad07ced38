// The requester of the lab's benchmark rows (bench/suites/lab.ts), run inside the lab's home-r
// namespace (behind its NAT, 60 ms from the providers): prints one JSON line of measurements.
//   node bench/lib/lab-requester.ts '{"bootstrap":…,"providers":2,"sizes":[[10,200,"IN1",…],…]}'
import { readFileSync } from 'node:fs'
import { bundledPrimesPath } from '../../mesh/provider/node-provider.ts'
import { connectionKind } from '../../mesh/node/connections.ts'
import { createClient } from '../../sdk/index.ts'
import { hostileModules } from '../../testing/hostile-modules.ts'
import { ICE_SERVERS } from '../../lab/lab-mesh.ts'
import { dispatchOnce, echoRoundTrips } from '../suites/dispatch.ts'

export interface LabRequesterParameters {
  bootstrap: string
  providers: number
  /** No-op one-task jobs one after another (dispatch), and echo round trips per provider connection. */
  serial: number
  /** Per task size: [ms, inputs] (jobs/primes ranges), run as one job each on every provider. */
  sizes: Array<[number, string[]]>
}

export interface LabRequesterResult {
  dispatch: number[]
  echo: number[]
  kinds: string[]
  throughput: Array<{ ms: number, tasks: number, seconds: number }>
}

const params = JSON.parse(process.argv[2]!) as LabRequesterParameters
const client = await createClient({ bootstrap: [params.bootstrap], iceServers: ICE_SERVERS })
try {
  await client.waitForProviders(params.providers, { signal: AbortSignal.timeout(60_000) })
  const noop = hostileModules().noop
  const primes = new Uint8Array(readFileSync(bundledPrimesPath()))
  // Warm: sessions open (direct WebRTC through each NAT), modules fetched and compiled everywhere.
  await client.submit({ module: noop, inputs: Array.from({ length: 8 * params.providers }, (_, i) => `warm ${i}`), redundancy: 1 }).done
  await client.submit({ module: primes, inputs: ['0 1000', '1000 2000', '2000 3000', '3000 4000'], redundancy: 1 }).done
  const dispatch: number[] = []
  for (let i = 0; i < params.serial; i++) dispatch.push(await dispatchOnce(client, noop, `serial ${i}`))
  const connections = client.node.getConnections().filter(c => c.limits == null && c.status === 'open' && client.providers().some(p => p.ad.peerId === c.remotePeer.toString()))
  const echo: number[] = []
  for (const c of connections) echo.push(...await echoRoundTrips(c, params.serial))
  const throughput: LabRequesterResult['throughput'] = []
  for (const [ms, inputs] of params.sizes) {
    const t0 = performance.now()
    const summary = await client.submit({ module: primes, inputs, redundancy: 1, verification: 'replicate' }).done
    throughput.push({ ms, tasks: summary.accepted, seconds: (performance.now() - t0) / 1000 })
  }
  const result: LabRequesterResult = { dispatch, echo, kinds: connections.map(connectionKind), throughput }
  console.log(JSON.stringify(result))
} finally {
  await client.stop()
}
process.exit(0)
