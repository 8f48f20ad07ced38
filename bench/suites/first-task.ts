// Tab open → first task done, with a job already waiting and no other provider. Baselines: the same
// first task on a Node provider started at that moment in this process (its code loaded already), and
// on `tabmesh provide` as the package ships it (dist/cli), from the process's spawn: like the tab's
// page load, that includes loading the code.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium, newTab, reachableShownAt, recordReachableShown, until } from '../../testing/browser.ts'
import { startWebServer } from '../../cli/web-server.ts'
import { bundledPrimesPath, startNodeProvider } from '../../mesh/provider/node-provider.ts'
import { startRelay } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import { exit, spawnProc } from '../../testing/cli-process.ts'
import { median } from '../lib/results.ts'
import type { BenchSuite } from '../lib/results.ts'

const RUNS = 3
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export const firstTaskSuite: BenchSuite = {
  name: 'first-task',
  async run () {
    const relay = await startRelay({ port: 0 })
    const web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs })
    const client = await createClient({ bootstrap: relay.multiaddrs })
    const browser = await launchChromium()
    const primes = readFileSync(bundledPrimesPath())
    const waitingJob = () => client.submit({ module: primes, inputs: Array.from({ length: 50 }, (_, i) => `${i * 10_000} ${(i + 1) * 10_000}`), redundancy: 1 })
    const tab: number[] = []
    const steps: string[] = []
    const node: number[] = []
    const cli: number[] = []
    try {
      for (let run = 0; run < RUNS; run++) {
        const job = waitingJob()
        const context = await newTab(browser, web.url)
        const page = await context.newPage()
        await recordReachableShown(page)
        await page.goto(web.url)
        const state = await until('first task', async () => {
          const s = await page.evaluate(() => window.tabmesh?.state())
          return s?.firstTaskAfterMs !== undefined ? s : undefined
        }, 120_000)
        tab.push(state.firstTaskAfterMs!)
        const shown = await until('the page to show the tab reachable', async () => await reachableShownAt(page), 30_000)
        steps.push(`${Object.entries(state.startupMs).map(([k, v]) => `${k} ${v}`).join(', ')}, shown reachable ${Math.round(shown)}, first task ${state.firstTaskAfterMs}`)
        await job.done
        await context.close()
        await until('the tab to drop out', async () => client.providers().length === 0 ? true : undefined, 30_000)
      }
      for (let run = 0; run < RUNS; run++) {
        const job = waitingJob()
        const t0 = performance.now()
        const provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-bench-')), primesModulePath: bundledPrimesPath() })
        let first = 0
        provider.agent.addEventListener('task:end', () => { if (first === 0) first = performance.now() - t0 }, { once: true })
        await job.done
        node.push(first)
        await provider.stop()
        await until('the provider to drop out', async () => client.providers().length === 0 ? true : undefined, 30_000)
      }
      // The packaged command, built as `npm pack` ships it; run in an empty directory (no cache, no
      // local chain), so it benchmarks itself like a first start. It imports `@tabmesh/sdk` (this
      // repository's sdk/, linked into node_modules), whose dist/ a fresh clone has not built yet.
      for (const script of ['scripts/build-sdk.ts', 'scripts/build-cli.ts']) {
        const build = spawnProc(process.execPath, [join(ROOT, script)], ROOT)
        if (await exit(build) !== 0) throw new Error(`${script} failed:\n${build.output()}`)
      }
      for (let run = 0; run < RUNS; run++) {
        const job = waitingJob()
        let first = 0
        const t0 = performance.now()
        job.addEventListener('result', () => { if (first === 0) first = performance.now() - t0 })
        const env = { ...process.env }
        delete env.TABMESH_CHAIN
        const provider = spawnProc(process.execPath, [join(ROOT, 'dist/cli/tabmesh.js'), 'provide', '--bootstrap', relay.multiaddrs[0]!.toString(), '--workers', '1'], mkdtempSync(join(tmpdir(), 'tabmesh-bench-cli-')), env)
        try {
          // A provider that dies (a broken build, say) fails the suite instead of leaving the job waiting.
          const died = exit(provider).then(code => { throw new Error(`tabmesh provide exited (${code}) before the job was done:\n${provider.output()}`) })
          died.catch(() => {}) // after the job, the kill below ends the process: not a failure
          await Promise.race([job.done, died])
        } finally {
          provider.child.kill('SIGINT')
          await exit(provider)
        }
        cli.push(first)
        await until('the provider to drop out', async () => client.providers().length === 0 ? true : undefined, 30_000)
      }
    } finally {
      await browser.close()
      await client.stop()
      await web.stop()
      await relay.stop()
    }
    return [{
      benchmark: 'Time to first task',
      case: 'tab opened (page load) → first task done, job waiting',
      tabmesh: { value: median(tab), unit: 'ms' },
      baseline: { name: 'Node provider started → first task done', value: median(node), unit: 'ms' },
      note: `median of ${RUNS}: tab ${tab.map(Math.round).join(', ')} ms (steps, ms after page load: ${steps.join('; ')}); both include their benchmark`
    }, {
      benchmark: 'Time to first task',
      case: 'same, against a Node provider whose time includes loading its code, as the page load does',
      tabmesh: { value: median(tab), unit: 'ms' },
      baseline: { name: '`tabmesh provide` (dist/cli) spawned → first task done', value: median(cli), unit: 'ms' },
      note: `median of ${RUNS}: ${cli.map(Math.round).join(', ')} ms from spawn; the tab's page load and this spawn both start before any of the code runs`
    }]
  }
}
