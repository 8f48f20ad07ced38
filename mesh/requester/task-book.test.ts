// The task book alone: votes, escalation, NO_QUORUM, task outcomes, acceptance on trust and re-checks,
// cancellation of runs a quorum made useless. No network, no timers.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ReputationBook } from './reputation.ts'
import { TaskBook } from './task-book.ts'
import type { RunReport } from './task-book.ts'
import type { FaultEvidence, TaskOutcome } from './types.ts'

const out = (text: string): RunReport => ({ kind: 'output', cid: `cid-${text}`, output: new TextEncoder().encode(text) })

function book (params: Partial<ConstructorParameters<typeof TaskBook>[0]> = {}): { book: TaskBook, results: TaskOutcome[], faults: FaultEvidence[], trusted: TaskOutcome[] } {
  const b = new TaskBook({ tasks: 1, redundancy: 2, maxProvidersPerTask: 5, taskSpec: () => '0x00', ...params })
  const results: TaskOutcome[] = []
  const faults: FaultEvidence[] = []
  const trusted: TaskOutcome[] = []
  b.addEventListener('result', (e) => { results.push(e.detail) })
  b.addEventListener('fault', (e) => { faults.push(e.detail) })
  b.addEventListener('trusted', (e) => { trusted.push(e.detail) })
  return { book: b, results, faults, trusted }
}

/** Runs task `index` on `peer` and records `report`. */
function run (b: TaskBook, index: number, peer: string, report: RunReport): AbortController {
  const controller = new AbortController()
  b.start(index, peer, `0x${peer}`, controller)
  b.end(index, peer, report)
  return controller
}

describe('task book', () => {
  it('accepts a task when redundancy outputs agree, and gives each task to distinct providers', () => {
    const { book: b, results } = book()
    assert.equal(b.next('A', '0xA'), 0)
    b.start(0, 'A', '0xA', new AbortController())
    assert.equal(b.next('A', '0xA'), undefined, 'never the same provider twice')
    assert.equal(b.next('B', '0xB'), 0)
    b.start(0, 'B', '0xB', new AbortController())
    assert.equal(b.next('C', '0xC'), undefined, 'two runs in flight are enough')
    b.end(0, 'A', out('x'))
    assert.equal(results.length, 0)
    b.end(0, 'B', out('x'))
    assert.equal(results.length, 1)
    assert.deepEqual(results[0], { index: 0, ok: true, output: new TextEncoder().encode('x'), outputCid: 'cid-x', providers: ['A', 'B'], verification: 'quorum' })
    assert.equal(b.openTasks, 0)
    assert.deepEqual({ ...b.counts(), total: 0 }, { total: 0, accepted: 1, failed: 0, running: 0, escalated: 0, trusted: 0, providers: 2, rechecked: 0, runs: 2 })
  })

  it('escalates a split vote to providers that agreed with a quorum before, and records the outvoted one', () => {
    const { book: b, results, faults } = book({ tasks: 2 })
    run(b, 0, 'A', out('x')); run(b, 0, 'B', out('x')) // A and B are proven
    run(b, 1, 'A', out('y')); run(b, 1, 'C', out('lie'))
    assert.equal(b.counts().escalated, 1)
    assert.equal(b.next('D', '0xD'), undefined, 'an unproven provider does not settle a split')
    assert.equal(b.next('B', '0xB'), 1)
    run(b, 1, 'B', out('y'))
    assert.equal(results.at(-1)!.ok, true)
    assert.deepEqual(results.at(-1)!.providers, ['A', 'B'])
    assert.equal(faults.length, 1)
    assert.equal(faults[0]!.provider, 'C')
    assert.equal(b.faultsOf('C'), 1)
  })

  it('fails a task with NO_QUORUM when maxProvidersPerTask disagree', () => {
    const { book: b, results } = book({ maxProvidersPerTask: 3 })
    run(b, 0, 'A', out('1')); run(b, 0, 'B', out('2'))
    run(b, 0, 'C', out('3'))
    assert.equal(results.length, 1)
    assert.equal(results[0]!.ok, false)
    assert.equal(!results[0]!.ok && results[0]!.error.code, 'NO_QUORUM')
  })

  it('fails a task with the outcome a quorum agrees on (a trap is a result)', () => {
    const { book: b, results } = book()
    const trap: RunReport = { kind: 'outcome', error: { code: 'TRAP', message: 'unreachable' } }
    run(b, 0, 'A', trap); run(b, 0, 'B', trap)
    assert.equal(!results[0]!.ok && results[0]!.error.code, 'TRAP')
  })

  it('a refusal excludes the provider from the task; a lost run lets another take it', () => {
    const { book: b } = book({ redundancy: 1, maxProvidersPerTask: 3 })
    run(b, 0, 'A', { kind: 'refused' })
    assert.equal(b.next('A', '0xA'), undefined)
    run(b, 0, 'B', { kind: 'nothing' })
    assert.equal(b.next('B', '0xB'), 0, 'a lost run says nothing against the provider')
  })

  it('never gives a task again to the provider whose answer is being checked', () => {
    // The scheduler hashes the output and verifies a receipt before `end`: the run counts as in flight meanwhile.
    const reputation = new ReputationBook({ trustThreshold: 1, spotCheckRate: 0.5 }, () => 0.9)
    reputation.recordAgreement('T', '0xT')
    const { book: b, results, trusted } = book({ tasks: 1, reputation })
    assert.equal(b.next('T', '0xT'), 0)
    b.start(0, 'T', '0xT', new AbortController())
    assert.equal(b.next('T', '0xT'), undefined)
    b.end(0, 'T', out('x'))
    assert.equal(b.next('T', '0xT'), undefined)
    assert.equal(trusted.length, 1)
    assert.equal(results.length, 0)
  })

  it('cancels the runs still in flight when a quorum settles the task elsewhere', () => {
    const { book: b } = book({ redundancy: 1, maxProvidersPerTask: 3 })
    const slow = new AbortController()
    b.start(0, 'A', '0xA', slow)
    // A second run (e.g. after a re-assignment) answers first.
    const fast = new AbortController()
    b.start(0, 'B', '0xB', fast)
    b.end(0, 'B', out('x'))
    assert.equal(slow.signal.aborted, true)
    assert.equal((slow.signal.reason as { code: string }).code, 'TASK_SETTLED')
  })

  it('accepts a trusted provider\'s output on trust, holds it to the end, and reopens it when that provider is caught lying', () => {
    const reputation = new ReputationBook({ trustThreshold: 1, spotCheckRate: 0.5 }, () => 0.9)
    reputation.recordAgreement('T', '0xT')
    const { book: b, results, trusted } = book({ tasks: 2, reputation })
    assert.equal(b.next('T', '0xT'), 0)
    run(b, 0, 'T', out('x'))
    assert.equal(trusted.length, 1, 'shown at once')
    assert.equal(results.length, 0, 'but not final')
    assert.equal(b.counts().trusted, 1)
    assert.equal(b.reopenTrustedBy('T', '0xT'), 1)
    assert.equal(b.counts().rechecked, 1)
    assert.equal(b.isOpen(0), true)
    run(b, 0, 'A', out('x')); run(b, 0, 'B', out('x'))
    assert.equal(results.length, 1)
    assert.equal(results[0]!.ok && results[0]!.verification, 'quorum')
  })

  it('releases tasks held on trust as results when the job ends', () => {
    const reputation = new ReputationBook({ trustThreshold: 1, spotCheckRate: 0.5 }, () => 0.9)
    reputation.recordAgreement('T', '0xT')
    const { book: b, results } = book({ tasks: 1, reputation })
    assert.equal(b.next('T', '0xT'), 0)
    run(b, 0, 'T', out('x'))
    assert.equal(b.openTasks, 0)
    assert.equal(b.releaseTrusted(), 1)
    assert.equal(results.length, 1)
    assert.equal(results[0]!.ok && results[0]!.verification, 'trusted')
  })
})
