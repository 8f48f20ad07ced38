import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { plural, waitingForProviders } from './describe.ts'
import type { JobProgress } from '../mesh/requester/types.ts'

const progress = (p: Partial<JobProgress>): JobProgress => ({ total: 48, accepted: 0, failed: 0, running: 0, escalated: 0, trusted: 0, providers: 0, available: 0, needed: 2, ...p })

describe('describe: words for people', () => {
  it('plural: one provider, 2 providers, 1,000 tasks', () => {
    assert.equal(plural(1, 'provider'), '1 provider')
    assert.equal(plural(0, 'provider'), '0 providers')
    assert.equal(plural(1000, 'task'), '1,000 tasks')
  })

  it('waitingForProviders: says how many are needed and available while unfinished tasks wait', () => {
    assert.equal(waitingForProviders(progress({ available: 1 })), 'waiting for providers: each task needs 2 different providers, 1 is available')
    assert.equal(waitingForProviders(progress({ available: 0, needed: 1 })), 'waiting for providers: each task needs 1 different provider, 0 are available')
    assert.equal(waitingForProviders(progress({ available: 2 })), undefined, 'enough providers')
    assert.equal(waitingForProviders(progress({ available: 1, accepted: 48 })), undefined, 'a finished job waits for nothing')
  })
})
