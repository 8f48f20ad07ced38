// A hostile provider on a paid job sends wrong output bytes with a receipt its operator signed over
// the honest output's hash (taken from an honest run). Were the receipt believed, the provider would be
// paid for the wrong bytes and could never be slashed: a dispute over its receipt would show it honest.
// The requester hashes every output itself and checks the receipt against that hash, so the run is
// refused: the job completes on the honest providers, the forger is in no quorum and holds no cheque.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { LOCAL_STAKE } from '../../chain/local-funding.ts'
import { testAccount } from '../../chain/local-stack.ts'
import { tempDir } from '../../testing/browser.ts'
import { startPaidMesh } from '../../testing/paid-mesh.ts'
import type { PaidMesh } from '../../testing/paid-mesh.ts'
import type { TaskOutcome } from '../../sdk/index.ts'
import { bundledPrimesPath } from '../provider/node-provider.ts'
import type { TaskRequest, TaskResponse } from '../protocol/messages.js'

const primes = readFileSync(bundledPrimesPath())
const PRICE = 1_000n // 0.001 tUSD per task run
const PROVIDERS = 3
const FORGER = 1

describe('a paid run whose receipt signs another output than the one sent', () => {
  let mesh: PaidMesh
  const dir = tempDir('tabmesh-forged-')
  let forged = 0

  before(async () => {
    mesh = await startPaidMesh(dir, PROVIDERS)
    // The forger signs the honest output's receipt, then swaps the bytes it sends.
    const agent = mesh.providers[FORGER]!.agent as unknown as { sign: (request: TaskRequest, response: TaskResponse) => Promise<TaskResponse> }
    const sign = agent.sign.bind(agent)
    agent.sign = async (request, response) => {
      const signed = await sign(request, response)
      if (!signed.ok) return signed
      forged++
      return { ...signed, output: new TextEncoder().encode('999999') }
    }
  })

  after(async () => { await mesh?.stop() })

  it('is refused: the job completes on honest runs, the forger is in no quorum and holds no cheque', async () => {
    const inputs = Array.from({ length: 8 }, (_, i) => `${i * 20_000} ${(i + 1) * 20_000}`)
    const job = mesh.client.submit({ module: primes, inputs, redundancy: 2, verification: 'replicate', pricePerTask: PRICE, minStake: LOCAL_STAKE })
    const outcomes: TaskOutcome[] = []
    for await (const r of job.results()) outcomes.push(r)
    const summary = await job.done
    assert.ok(forged > 0, 'the forger answered at least one task (else this test shows nothing)')
    assert.equal(summary.accepted, inputs.length)
    const total = outcomes.reduce((sum, r) => sum + Number(new TextDecoder().decode(r.ok ? r.output : new Uint8Array())), 0)
    assert.equal(total, 14_683, 'π(160,000): every accepted output is the honest one')
    const forgerId = mesh.providers[FORGER]!.node.peerId.toString()
    assert.ok(outcomes.every(r => !r.providers.includes(forgerId)), 'the forger is in no quorum')
    assert.equal(summary.faults.length, 0, 'nothing to dispute: its receipt never counted')

    await mesh.client.paidJobs.get(job.id)!.settlement
    const requester = testAccount(1).address
    assert.equal(mesh.providers[FORGER]!.payments!.held(requester), 0n, 'the forger holds no cheque')
    for (const [i, p] of mesh.providers.entries()) {
      if (i !== FORGER) assert.ok(p.payments!.held(requester) > 0n, `honest provider ${i} holds a cheque`)
    }
  })
})
