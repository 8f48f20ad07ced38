import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient } from '../../sdk/index.ts'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { bigModule } from '../../testing/big-module.ts'
import { BLOB_UPLOADS_PER_BLOB } from '../constants.ts'
import { startNodeProvider } from '../provider/node-provider.ts'
import type { NodeProviderHandle } from '../provider/node-provider.ts'
import { cidOf } from '../cid.ts'
import { createMeshNode } from '../node/create-node.ts'
import { blobServiceStats, fetchBlob, serveBlobs } from '../protocol/blob.ts'

const PROVIDERS = 6

describe('data from any peer (mesh/protocol/blob.ts): providers pass a big module on', () => {
  let relay: RelayHandle
  const providers: NodeProviderHandle[] = []
  let client: TabmeshClient

  before(async () => {
    relay = await startRelay({ port: 0 })
    const cache = mkdtempSync(join(tmpdir(), 'tabmesh-spread-'))
    for (let i = 0; i < PROVIDERS; i++) providers.push(await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(cache, String(i)) }))
    client = await createClient({ bootstrap: relay.multiaddrs })
    await client.waitForProviders(PROVIDERS, { signal: AbortSignal.timeout(30_000) })
  })

  after(async () => {
    await client?.stop()
    for (const p of providers) await p.stop()
    await relay?.stop()
  })

  it(`a 4 MB module wanted by ${PROVIDERS} providers at once: the requester uploads it at most ${BLOB_UPLOADS_PER_BLOB + 1} times, the providers the rest`, async (t) => {
    const module = bigModule(4_000_000, Date.now())
    const job = client.submit({ module, inputs: Array.from({ length: PROVIDERS * 2 }, (_, i) => String(i)), redundancy: 2, verification: 'replicate', limits: { memoryPages: 128 } })
    const summary = await job.done
    assert.equal(summary.accepted, PROVIDERS * 2)
    const requester = blobServiceStats(client.node)
    const passedOn = providers.map(p => blobServiceStats(p.node).uploadedBytes).reduce((a, b) => a + b, 0)
    const fetchedBy = providers.filter(p => p.agent.stats().completed > 0).length
    t.diagnostic(`${fetchedBy} providers fetched it; requester uploaded ${(requester.uploadedBytes / module.length).toFixed(2)}× (${requester.uploads} uploads, ${requester.redirected} askers redirected), providers ${(passedOn / module.length).toFixed(2)}×`)
    assert.ok(fetchedBy >= 4, `${fetchedBy} providers ran tasks (each needed the module)`)
    assert.ok(requester.uploadedBytes <= (BLOB_UPLOADS_PER_BLOB + 1) * module.length, `the requester uploaded ${(requester.uploadedBytes / module.length).toFixed(2)}× the module`)
    assert.ok(passedOn >= (fetchedBy - BLOB_UPLOADS_PER_BLOB - 1) * module.length, `providers passed on ${(passedOn / module.length).toFixed(2)}× the module`)
    assert.ok(requester.redirected > 0, 'some providers were sent to others')
  })

  it('a holder that sends wrong bytes and one that is gone cost an ask each: every task completes with the right module', async () => {
    const module = bigModule(2_000_000, Date.now() + 1)
    const cid = await cidOf(module)
    // Two peers fetch the module from the requester first, so it names them as holders: one then
    // serves garbage under that CID, the other leaves.
    const liar = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    const gone = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    try {
      // Providers paused while the two fetch, so the requester has named them before anyone else asks.
      for (const p of providers) p.agent.setPaused(true)
      const job = client.submit({ module, inputs: ['a', 'b', 'c', 'd'], redundancy: 2, verification: 'replicate', limits: { memoryPages: 64 } })
      await new Promise(resolve => { job.addEventListener('started', resolve, { once: true }) })
      for (const peer of [liar, gone]) {
        const connection = await peer.dial(client.node.getMultiaddrs().find(a => a.toString().includes('/tcp/') && !a.toString().includes('/ws'))!)
        assert.equal((await fetchBlob(connection, cid)).length, module.length)
      }
      const garbage = bigModule(2_000_000, 99)
      await serveBlobs(liar, async asked => asked.equals(cid) ? garbage : undefined)
      await gone.stop()
      const redirectedBefore = blobServiceStats(client.node).redirected
      for (const p of providers) p.agent.setPaused(false)
      const summary = await job.done
      assert.equal(summary.accepted, 4)
      assert.ok(blobServiceStats(client.node).redirected > redirectedBefore, 'providers were first sent to the two')
      assert.ok(blobServiceStats(liar).uploads >= 1, 'the liar was asked (and sent garbage)')
    } finally {
      await liar.stop()
    }
  })
})
