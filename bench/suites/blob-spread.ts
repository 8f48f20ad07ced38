// Data from any peer (mesh/protocol/blob.ts): 20 Node providers that all need a 30 MB module at once.
// Measured: the bytes the requester uploads ÷ the module's size (goal ≤ 3), against the baseline of
// every provider fetching it from the requester (which uploads it once per provider that runs a task).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { blobServiceStats } from '../../mesh/protocol/blob.ts'
import { startNodeProvider } from '../../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../../mesh/provider/node-provider.ts'
import { startRelay } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import { bigModule } from '../../testing/big-module.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const PROVIDERS = 20
const MODULE_BYTES = 30 * 1000 * 1000

export const blobSpreadSuite: BenchSuite = {
  name: 'blob-spread',
  async run () {
    const relay = await startRelay({ port: 0 })
    const providers: NodeProviderHandle[] = []
    const cache = mkdtempSync(join(tmpdir(), 'tabmesh-bench-spread-'))
    try {
      for (let i = 0; i < PROVIDERS; i++) providers.push(await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(cache, String(i)) }))
      const client = await createClient({ bootstrap: relay.multiaddrs })
      try {
        await client.waitForProviders(PROVIDERS, { signal: AbortSignal.timeout(120_000) })
        const module = bigModule(MODULE_BYTES, Date.now())
        const started = performance.now()
        const job = client.submit({ module, inputs: Array.from({ length: PROVIDERS * 2 }, (_, i) => String(i)), redundancy: 2, verification: 'replicate', limits: { timeoutMs: 120_000 } })
        const summary = await job.done
        const ms = performance.now() - started
        const requester = blobServiceStats(client.node)
        const fetchedBy = providers.filter(p => p.agent.stats().completed + p.agent.stats().failed > 0).length
        const passedOn = providers.reduce((n, p) => n + blobServiceStats(p.node).uploadedBytes, 0)
        const rows: BenchRow[] = [{
          benchmark: 'Data from any peer',
          case: `${PROVIDERS} Node providers need one ${MODULE_BYTES / 1e6} MB module at once: bytes uploaded by the requester ÷ module size`,
          tabmesh: { value: requester.uploadedBytes / module.length, unit: '×' },
          baseline: { name: 'every provider that ran a task fetching it from the requester', value: fetchedBy, unit: '×' },
          note: `goal ≤ 3; ${fetchedBy} providers fetched it, ${requester.uploads} from the requester (${requester.redirected} askers sent on), providers passed on ${(passedOn / module.length).toFixed(1)}×; ${summary.accepted}/${PROVIDERS * 2} tasks accepted in ${(ms / 1000).toFixed(1)} s`
        }]
        return rows
      } finally {
        await client.stop()
      }
    } finally {
      for (const p of providers) await p.stop()
      await relay.stop()
    }
  }
}
