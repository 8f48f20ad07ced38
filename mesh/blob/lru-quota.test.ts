import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LruQuota } from './lru-quota.ts'

describe('LRU quota', () => {
  it('evicts least recently used blobs when the quota shrinks, and keeps within it after', () => {
    const q = new LruQuota(100)
    q.add('a', 40); q.add('b', 40); q.touch('a')
    assert.deepEqual(q.add('c', 20), [])
    assert.deepEqual(q.resize(60), ['b'], 'b was used least recently')
    assert.equal(q.bytes, 60)
    assert.deepEqual(q.add('d', 30), ['a'])
    assert.throws(() => q.resize(0), RangeError)
  })
})
