import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { primeCountsPerRange } from '../jobs/primes/reference.ts'
import { bundledPrimesPath } from '../mesh/provider/node-provider.ts'
import type { FaultEvidence } from '../mesh/requester/types.ts'
import { startSimulatedMesh } from './simulated-mesh.ts'
import type { SimulatedMesh } from './simulated-mesh.ts'

const primes = readFileSync(bundledPrimesPath())
const PROVIDERS = 100
/** 20% Byzantine: they return a wrong output (each a different one) for every task. */
const CHEATERS = 20
const TASKS = 1_000
const RANGE = 1_000

describe(`simulated mesh (memory transport): ${PROVIDERS} providers, ${CHEATERS} Byzantine, churn`, () => {
  let mesh: SimulatedMesh

  before(async () => {
    mesh = await startSimulatedMesh({ providers: PROVIDERS, cheaters: CHEATERS, latencyMs: 5 })
    await mesh.client.waitForProviders(PROVIDERS, { signal: AbortSignal.timeout(120_000) })
  })

  after(async () => { await mesh?.stop() })

  it(`completes a ${TASKS}-task job with every output correct while providers leave and join, and catches every liar it used`, async () => {
    const expected = primeCountsPerRange(TASKS, RANGE)
    const inputs = expected.map((_, i) => `${i * RANGE} ${(i + 1) * RANGE}`)
    const started = performance.now()
    const job = mesh.client.submit({ module: primes, inputs, redundancy: 2 })
    const faults: FaultEvidence[] = []
    job.addEventListener('fault', e => { faults.push((e as CustomEvent<FaultEvidence>).detail) })

    // Churn: once a quarter of the tasks are in, 10 providers (2 of them liars) close and 10 new ones open.
    let churned = false
    job.addEventListener('progress', () => {
      if (churned || job.progress.accepted < TASKS / 4) return
      churned = true
      void (async () => {
        for (let k = 0; k < 10; k++) {
          const liar = mesh.providers.findIndex(p => p.cheater)
          const victim = k < 2 && liar >= 0 ? liar : Math.floor(Math.random() * mesh.providers.length)
          await mesh.kill(victim)
        }
        for (let k = 0; k < 10; k++) await mesh.addProvider({ cheater: false })
      })()
    })

    const outputs = new Map<number, string>()
    for await (const r of job.results()) {
      assert.ok(r.ok, `task ${r.index} failed: ${r.ok ? '' : r.error.code} ${r.ok ? '' : r.error.message}`)
      assert.ok(!outputs.has(r.index), `task ${r.index} reported once`)
      outputs.set(r.index, new TextDecoder().decode(r.output).trim())
    }
    const summary = await job.done
    const seconds = (performance.now() - started) / 1000
    assert.ok(churned, 'providers were killed and added mid-job')
    assert.equal(summary.accepted, TASKS)
    for (let i = 0; i < TASKS; i++) assert.equal(outputs.get(i), String(expected[i]), `task ${i} output`)

    // Every liar that answered anything was outvoted; no honest provider ever was.
    const cheaters = new Set(mesh.providers.filter(p => p.cheater).map(p => p.node.peerId.toString()))
    for (const f of faults) assert.ok(cheaters.has(f.provider) || !mesh.providers.some(p => p.node.peerId.toString() === f.provider), `fault blamed on ${f.provider}`)
    for (const id of cheaters) {
      if (mesh.client.reputation.get(id).agreed > 0) assert.fail(`liar ${id} agreed with a quorum`)
    }
    assert.ok(faults.length > 0, 'liars were caught')
    // Adaptive replication: trusted providers' tasks mostly ran once.
    assert.ok(summary.trusted > 0, 'some tasks accepted on trust')
    assert.ok(summary.runs < 2 * TASKS, `fewer than ${2 * TASKS} runs (${summary.runs})`)
    const heapPerPeer = process.memoryUsage().heapUsed / (PROVIDERS + 2) // the whole process's heap over its peers
    console.log(`# measured: ${TASKS} tasks on ${PROVIDERS} simulated providers in ${seconds.toFixed(1)} s (${(TASKS / seconds).toFixed(0)} tasks/s), ${summary.runs} runs, ${summary.trusted} on trust, ${faults.length} faults; process heap ${(heapPerPeer / 1024).toFixed(0)} KiB per peer`)
  })
})
