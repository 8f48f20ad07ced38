import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { tempDir } from '../../testing/browser.ts'
import { cidOf } from '../cid.ts'
import { fsBlobStore } from './fs-store.ts'

const blob = (fill: number, size = 400): Uint8Array => new Uint8Array(size).fill(fill)

describe('the disk blob cache keeps to its quota', () => {
  it('evicts the least recently used blobs past the quota, never the one just stored, and keeps serving', async () => {
    const dir = tempDir('tabmesh-blobs-')
    const store = fsBlobStore(dir, 1_000)
    const [a, b, c, d] = [blob(1), blob(2), blob(3), blob(4)]
    const [ca, cb, cc, cd] = [await cidOf(a), await cidOf(b), await cidOf(c), await cidOf(d)]
    await store.put(ca, a)
    await store.put(cb, b)
    assert.deepEqual(await store.get(ca), a, 'a is used again: b is now the oldest')
    await store.put(cc, c)
    assert.equal(await store.get(cb), undefined, 'b was evicted')
    assert.deepEqual(await store.get(ca), a)
    assert.deepEqual(await store.get(cc), c)
    assert.equal(readdirSync(dir).length, 2, '800 of 1,000 bytes on disk')
    // Bigger than the whole quota: used by its task, not cached.
    const huge = blob(9, 2_000)
    await store.put(await cidOf(huge), huge)
    assert.equal(await store.get(await cidOf(huge)), undefined)
    // A new process over the same directory knows the sizes and the order (by modification time).
    const again = fsBlobStore(dir, 1_000)
    await again.put(cd, d)
    assert.equal(readdirSync(dir).length, 2, 'still within the quota after a restart')
    assert.deepEqual(await again.get(cd), d)
  })
})
