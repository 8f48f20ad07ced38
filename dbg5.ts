import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRelay } from './relay/start-relay.ts'
import { createClient } from './sdk/index.ts'
import { hostileModules } from './worker-runtime/hostile-modules.ts'
import { startNodeProvider } from './mesh/provider/node-provider.ts'
const relay = await startRelay({ port: 0 })
const provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: mkdtempSync(join(tmpdir(), 'x-')), listen: ['/ip4/127.0.0.1/tcp/0/ws'] })
const client = await createClient({ bootstrap: relay.multiaddrs })
await client.waitForProviders(1)
const noop = hostileModules().noop
for (let r = 0; r < 4; r++) {
  const t0 = performance.now()
  const job = client.submit({ module: noop, inputs: Array.from({ length: 1000 }, (_, i) => `task ${i}`), redundancy: 1, verification: 'replicate' })
  let last = performance.now(); const gaps: string[] = []
  job.addEventListener('result', (e: any) => { const now = performance.now(); if (now - last > 50) gaps.push(`${e.detail.index}:${(now - last).toFixed(0)}`); last = now })
  await job.done
  console.log('1000 noop tasks', (performance.now() - t0).toFixed(0), 'ms', 'gaps', gaps.join(' '), JSON.stringify(provider.agent.stats()))
}
process.exit(0)
