import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { startNodeProvider, bundledPrimesPath } from './provider/node-provider.ts'
import type { NodeProviderHandle } from './provider/node-provider.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient, TaskOutcome } from '../sdk/index.ts'

const primes = readFileSync(bundledPrimesPath())
const dec = new TextDecoder()

describe('mesh over loopback: relay + 2 Node providers + SDK requester', () => {
  let relay: RelayHandle
  const providers: NodeProviderHandle[] = []
  let client: TabmeshClient

  before(async () => {
    relay = await startRelay({ port: 0 })
    const cache = mkdtempSync(join(tmpdir(), 'tabmesh-test-'))
    for (let i = 0; i < 2; i++) {
      providers.push(await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(cache, String(i)), primesModulePath: bundledPrimesPath() }))
    }
    client = await createClient({ bootstrap: relay.multiaddrs })
    await client.waitForProviders(2, { signal: AbortSignal.timeout(30_000) })
  })

  after(async () => {
    await client?.stop()
    for (const p of providers) await p.stop()
    await relay?.stop()
  })

  it('advertises validated capacity with a benchmark score', () => {
    const live = client.providers()
    assert.equal(live.length, 2)
    for (const { ad } of live) {
      assert.equal(ad.tier, 'node')
      assert.equal(ad.workers, 1)
      assert.ok(ad.scoreMilli > 0, 'benchmark score measured')
      assert.ok(ad.multiaddrs.length > 0)
    }
  })

  it('runs a primes job with redundancy 2: every task verified by two distinct providers', async () => {
    const ranges = Array.from({ length: 10 }, (_, i) => `${i * 1_000_000} ${(i + 1) * 1_000_000}`)
    const job = client.submit({ module: primes, inputs: ranges, redundancy: 2, verification: 'replicate' })
    const outcomes: TaskOutcome[] = []
    for await (const r of job.results()) outcomes.push(r)
    const summary = await job.done
    assert.equal(summary.accepted, 10)
    assert.equal(summary.failed, 0)
    let total = 0
    for (const r of outcomes) {
      assert.ok(r.ok)
      assert.equal(new Set(r.providers).size, 2)
      total += Number(dec.decode(r.output))
    }
    assert.equal(total, 664_579, 'π(10^7)')
  })

  it('fails a task with the typed error every provider agrees on', async () => {
    const job = client.submit({ module: primes, inputs: ['not numbers', '0 100'], redundancy: 2 })
    const byIndex = new Map<number, TaskOutcome>()
    for await (const r of job.results()) byIndex.set(r.index, r)
    const bad = byIndex.get(0)
    assert.ok(bad !== undefined && !bad.ok)
    assert.equal(bad.error.code, 'EXIT_NONZERO')
    assert.equal(bad.error.exitCode, 2)
    const good = byIndex.get(1)
    assert.ok(good?.ok)
    assert.equal(dec.decode(good.output), '25\n')
  })
})
