import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { startNodeProvider, bundledPrimesPath } from '../provider/node-provider.ts'
import type { NodeProviderHandle } from '../provider/node-provider.ts'
import { createClient } from '../../sdk/index.ts'
import { AD_INTERVAL_MS } from '../constants.ts'
import { primeCountsPerRange } from '../../jobs/primes/reference.ts'

const primes = readFileSync(bundledPrimesPath())
const dec = new TextDecoder()
const RANGE = 10_000
/** The bar: 50 requesters one after another against one mesh, every one served. */
const REQUESTERS = 50
/** A requester that waits longer than this for a provider has been cut off (ads come every 5 s). */
const REQUESTER_BUDGET_MS = 20_000

/**
 * Churn on one IP: every peer here is 127.0.0.1, as tabs behind a campus or carrier NAT are. Each
 * requester is a new peer id that connects, runs a job and leaves. With gossipsub's default peer
 * scoring (IP colocation penalty past 10 peers per IP, disconnected peers' scores retained for an
 * hour) the relay stopped delivering ads after the tenth requester.
 */
describe('churn: 50 requesters one after another, then a provider joining', () => {
  let relay: RelayHandle
  const providers: NodeProviderHandle[] = []
  const cache = mkdtempSync(join(tmpdir(), 'tabmesh-churn-'))

  before(async () => {
    relay = await startRelay({ port: 0 })
    providers.push(await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(cache, 'p0'), primesModulePath: bundledPrimesPath() }))
  })

  after(async () => {
    for (const p of providers) await p.stop()
    await relay?.stop()
  })

  it(`serves ${REQUESTERS} requesters in a row, each a new peer id from the same IP`, async () => {
    const expected = primeCountsPerRange(REQUESTERS, RANGE)
    const waits: number[] = []
    for (let i = 0; i < REQUESTERS; i++) {
      const started = Date.now()
      const client = await createClient({ bootstrap: relay.multiaddrs })
      try {
        await client.waitForProviders(1, { signal: AbortSignal.timeout(REQUESTER_BUDGET_MS) })
        waits.push(Date.now() - started)
        const lo = i * RANGE
        const job = client.submit({ module: primes, inputs: [`${lo} ${lo + RANGE}`], redundancy: 1, signal: AbortSignal.timeout(REQUESTER_BUDGET_MS) })
        for await (const r of job.results()) {
          assert.ok(r.ok, `requester ${i}: ${r.ok ? '' : r.error.message}`)
          assert.equal(Number(dec.decode(r.output)), expected[i], `requester ${i}'s output`)
        }
        assert.equal((await job.done).accepted, 1, `requester ${i} served`)
      } finally {
        await client.stop()
      }
    }
    waits.sort((a, b) => a - b)
    console.log(`${REQUESTERS} requesters: wait for a provider p50 ${waits[waits.length >> 1]} ms, max ${waits.at(-1)} ms`)
  })

  it('a provider joining after the churn is seen by a requester within one ad interval', async () => {
    const client = await createClient({ bootstrap: relay.multiaddrs })
    try {
      await client.waitForProviders(1, { signal: AbortSignal.timeout(REQUESTER_BUDGET_MS) })
      const joined = Date.now()
      const late = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(cache, 'late'), primesModulePath: bundledPrimesPath() })
      providers.push(late)
      const id = late.node.peerId.toString()
      while (!client.providers().some(e => e.ad.peerId === id)) {
        assert.ok(Date.now() - joined <= AD_INTERVAL_MS, `the new provider's ad did not arrive within ${AD_INTERVAL_MS} ms`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      console.log(`provider joining after the churn seen after ${Date.now() - joined} ms`)
    } finally {
      await client.stop()
    }
  })
})
