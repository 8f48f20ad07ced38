// Benchmark (not a test): time from opening a tab to its first task done, with a job already waiting
// and no other provider. Prints a table. Run: bash scripts/netns.sh node bench/tab-first-task.ts
import { readFileSync } from 'node:fs'
import { startWebServer } from '../cli/web-server.ts'
import { bundledPrimesPath } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import { launchChromium, newTab, until } from '../e2e/browser.ts'

const RUNS = 3
const relay = await startRelay({ port: 0 })
const web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs })
const client = await createClient({ bootstrap: relay.multiaddrs })
const browser = await launchChromium()
const primes = readFileSync(bundledPrimesPath())
const rows: Array<{ run: number, firstTaskMs: number }> = []
try {
  for (let run = 1; run <= RUNS; run++) {
    // A waiting job: 50 small tasks, redundancy 1, nobody to run them until the tab arrives.
    const job = client.submit({ module: primes, inputs: Array.from({ length: 50 }, (_, i) => `${i * 10_000} ${(i + 1) * 10_000}`), redundancy: 1 })
    const context = await newTab(browser, web.url)
    const page = await context.newPage()
    await page.goto(web.url)
    const state = await until('first task', async () => {
      const s = await page.evaluate(() => window.tabmesh?.state())
      return s?.firstTaskAfterMs !== undefined ? s : undefined
    }, 120_000)
    rows.push({ run, firstTaskMs: state.firstTaskAfterMs! })
    await job.done
    await context.close()
  }
} finally {
  await browser.close()
  await client.stop()
  await web.stop()
  await relay.stop()
}
console.log('| run | page load → first task done (ms) |')
console.log('| --- | --- |')
for (const r of rows) console.log(`| ${r.run} | ${r.firstTaskMs} |`)
const sorted = rows.map(r => r.firstTaskMs).sort((a, b) => a - b)
console.log(`median ${sorted[Math.floor(sorted.length / 2)]} ms over ${rows.length} runs (${new Date().toISOString()}, ${process.platform} ${process.arch})`)
process.exit(0)
