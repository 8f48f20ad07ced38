import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_CLAIMED_SCORE, MEASURED_AFTER_TASKS, nextTaskMs, providerSpeed } from './speed.ts'

describe('provider speed: measured, not claimed', () => {
  it('clamps a claimed score until the provider has been timed', () => {
    assert.equal(providerSpeed({ claimedMilli: 1_000_000, timed: 0, taskMs: 0, referenceMs: 0 }), MAX_CLAIMED_SCORE)
    assert.equal(providerSpeed({ claimedMilli: 0, timed: 0, taskMs: 0, referenceMs: 0 }), 1)
    assert.equal(providerSpeed({ claimedMilli: 1500, timed: MEASURED_AFTER_TASKS - 1, taskMs: 900, referenceMs: 300 }), 1.5)
  })

  it('replaces the claim with the requester\'s own timing after MEASURED_AFTER_TASKS tasks', () => {
    const liar = providerSpeed({ claimedMilli: 1_000_000, timed: MEASURED_AFTER_TASKS, taskMs: 900, referenceMs: 300 })
    const modest = providerSpeed({ claimedMilli: 500, timed: MEASURED_AFTER_TASKS, taskMs: 150, referenceMs: 300 })
    assert.ok(Math.abs(liar - 1 / 3) < 1e-9)
    assert.equal(modest, 2)
    assert.ok(modest > liar, 'the fast provider that claimed little now outranks the slow one that claimed 1000×')
  })

  it('averages task times with more weight on recent tasks', () => {
    let ms = nextTaskMs(undefined, 100)
    assert.equal(ms, 100)
    ms = nextTaskMs(ms, 200)
    assert.ok(ms > 100 && ms < 200)
  })
})
