// Dispatch overhead per task: a no-op module, warm (module cached, connection open), one task in flight
// at a time, over direct WebRTC (to a Chromium tab) and over WebSockets (to a Node provider listening
// on ws only). The interval between consecutive results is one full dispatch round trip.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchChromium, newTab, until } from '../../e2e/browser.ts'
import { startWebServer } from '../../cli/web-server.ts'
import { connectionKind } from '../../mesh/node/connections.ts'
import { startNodeProvider } from '../../mesh/provider/node-provider.ts'
import { startRelay } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient } from '../../sdk/index.ts'
import { hostileModules } from '../../worker-runtime/hostile-modules.ts'
import { percentile } from '../lib/results.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const TASKS = 300
const WARMUP = 30

/** Result-to-result intervals of a job whose single provider takes one task at a time, ms. */
async function intervals (client: TabmeshClient, noop: Uint8Array): Promise<{ times: number[], kind: string, provider: string }> {
  const job = client.submit({ module: noop, inputs: Array.from({ length: TASKS }, (_, i) => `task ${i}`), redundancy: 1, verification: 'replicate' })
  const stamps: number[] = []
  let provider = ''
  for await (const r of job.results()) { stamps.push(performance.now()); provider = r.providers[0] ?? provider }
  await job.done
  const kind = client.node.getConnections().filter(c => c.remotePeer.toString() === provider).map(connectionKind).join('+')
  return { times: stamps.slice(WARMUP).map((t, i) => t - stamps[WARMUP + i - 1]!), kind, provider }
}

export const dispatchSuite: BenchSuite = {
  name: 'dispatch',
  async run () {
    const noop = hostileModules().noop
    const relay = await startRelay({ port: 0 })
    const web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs })
    const client = await createClient({ bootstrap: relay.multiaddrs })
    const rows: BenchRow[] = []
    try {
      // WebSockets: a Node provider that listens on ws only.
      const wsProvider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-bench-')), listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
      await client.waitForProviders(1, { signal: AbortSignal.timeout(60_000) })
      const ws = await intervals(client, noop)
      await wsProvider.stop()
      await until('the ws provider to drop out', async () => client.providers().length === 0 ? true : undefined, 30_000)

      // WebRTC: a Chromium tab (one worker on this machine's default of cores − 1).
      const browser = await launchChromium()
      try {
        const context = await newTab(browser, web.url)
        const page = await context.newPage()
        await page.goto(web.url)
        await until('the tab to provide', async () => (await page.evaluate(() => window.tabmesh?.state()))?.status === 'providing' ? true : undefined, 60_000)
        await client.waitForProviders(1, { signal: AbortSignal.timeout(60_000) })
        const rtc = await intervals(client, noop)
        rows.push({
          benchmark: 'Dispatch overhead',
          case: `no-op task, warm, p50 (over ${rtc.kind} to a tab)`,
          tabmesh: { value: percentile(rtc.times, 50), unit: 'ms' },
          baseline: { name: `over ${ws.kind} to a Node provider`, value: percentile(ws.times, 50), unit: 'ms' },
          note: `${TASKS - WARMUP} sequential tasks after ${WARMUP} warm-up`
        }, {
          benchmark: 'Dispatch overhead',
          case: `no-op task, warm, p99 (over ${rtc.kind} to a tab)`,
          tabmesh: { value: percentile(rtc.times, 99), unit: 'ms' },
          baseline: { name: `over ${ws.kind} to a Node provider`, value: percentile(ws.times, 99), unit: 'ms' }
        })
      } finally {
        await browser.close()
      }
    } finally {
      await client.stop()
      await web.stop()
      await relay.stop()
    }
    return rows
  }
}
