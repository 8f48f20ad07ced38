import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ReputationBook } from './reputation.ts'
import type { DistrustedDetail } from './reputation.ts'
import { survivingWrongResults } from './verification-odds.ts'

/** A seeded uniform [0, 1) source (mulberry32), so the Monte Carlo runs are repeatable. */
function seeded (seed: number): () => number {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('ReputationBook (adaptive replication)', () => {
  it('trusts a provider after the threshold of consecutive agreements, and one disagreement resets it', () => {
    const book = new ReputationBook({ trustThreshold: 3, spotCheckRate: 0.5 }, seeded(1))
    for (let i = 0; i < 2; i++) book.recordAgreement('peerA', '0xAb')
    assert.equal(book.isTrusted('peerA', '0xab'), false)
    assert.equal(book.shouldReplicate('peerA', '0xab'), true, 'untrusted: always replicated')
    book.recordAgreement('peerA', '0xAB')
    assert.equal(book.isTrusted('peerA', '0xab'), true)
    const distrusted: DistrustedDetail[] = []
    book.addEventListener('distrusted', e => { distrusted.push((e as CustomEvent<DistrustedDetail>).detail) })
    book.recordDisagreement('peerA', '0xab')
    assert.equal(book.isTrusted('peerA', '0xab'), false)
    assert.deepEqual(distrusted, [{ peerId: 'peerA', owner: '0xab' }])
    assert.equal(book.get('peerA').disagreed, 1)
    assert.equal(book.weight('peerA', '0xab'), 0.5, 'a caught provider is used last')
  })

  it('keeps reputation per peer id and per owner address: a new id with a caught address is not trusted', () => {
    const book = new ReputationBook({ trustThreshold: 2 })
    for (let i = 0; i < 2; i++) book.recordAgreement('old', '0x01')
    book.recordDisagreement('old', '0x01')
    for (let i = 0; i < 5; i++) book.recordAgreement('fresh', '')
    assert.equal(book.isTrusted('fresh'), true, 'the fresh id alone has a run')
    assert.equal(book.isTrusted('fresh', '0x01'), false, 'but paid through the caught address it is not trusted')
  })

  it('replicates a trusted provider\'s tasks at the spot-check rate', () => {
    const book = new ReputationBook({ trustThreshold: 1, spotCheckRate: 0.1 }, seeded(7))
    book.recordAgreement('p')
    let replicated = 0
    for (let i = 0; i < 20_000; i++) if (book.shouldReplicate('p')) replicated++
    assert.ok(Math.abs(replicated / 20_000 - 0.1) < 0.01, `${replicated / 20_000} ≈ 0.1`)
  })

  it('rejects a policy outside its range', () => {
    assert.throws(() => new ReputationBook({ spotCheckRate: 0 }), /spotCheckRate/)
    assert.throws(() => new ReputationBook({ trustThreshold: 0.5 }), /trustThreshold/)
  })

  // The odds in docs/verification.md: a Monte Carlo run of the book against the exact computation.
  for (const [q, s] of [[0.05, 0.1], [0.3, 0.1], [1, 0.25], [0.1, 0.05]] as const) {
    it(`a cheater lying on ${q * 100}% of tasks at a ${s * 100}% spot-check rate: surviving wrong results match the formula`, () => {
      const tasks = 200
      const trustThreshold = 10
      const runs = 4_000
      const random = seeded(Math.round(q * 1000 + s * 100))
      let total = 0
      let withoutRecheck = 0
      for (let run = 0; run < runs; run++) {
        const book = new ReputationBook({ trustThreshold, spotCheckRate: s }, random)
        for (let i = 0; i < trustThreshold; i++) book.recordAgreement('cheater') // trusted from earlier jobs
        let held = 0 // wrong results accepted on trust, not yet re-checked
        let everHeld = 0
        book.addEventListener('distrusted', () => { held = 0 }) // re-checked: the quorum replaces them
        for (let i = 0; i < tasks; i++) {
          const lies = random() < q
          if (book.shouldReplicate('cheater')) {
            if (lies) book.recordDisagreement('cheater')
            else book.recordAgreement('cheater')
          } else if (lies) {
            held++
            everHeld++
          }
        }
        total += held
        withoutRecheck += everHeld
      }
      const params = { tasks, lieRate: q, spotCheckRate: s, trustThreshold, startTrusted: true }
      const exact = survivingWrongResults(params)
      const exactNoRecheck = survivingWrongResults({ ...params, recheck: false })
      const mean = total / runs
      assert.ok(Math.abs(mean - exact) <= 0.1 * exact + 0.05, `Monte Carlo ${mean.toFixed(3)} vs exact ${exact.toFixed(3)}`)
      assert.ok(Math.abs(withoutRecheck / runs - exactNoRecheck) <= 0.1 * exactNoRecheck + 0.05, `without re-check: ${(withoutRecheck / runs).toFixed(3)} vs ${exactNoRecheck.toFixed(3)}`)
      assert.ok(exact <= (1 - s) / s + 1e-9, 'never more than (1 − s)/s expected survivors')
    })
  }
})
