import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadFoundRelays, saveFoundRelays } from './found-relays.ts'

const A = '/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVa'
const B = '/ip4/127.0.0.1/tcp/9091/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVb'

function memoryStorage (): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>()
  return { getItem: k => items.get(k) ?? null, setItem: (k, v) => { items.set(k, v) } }
}

describe('fallback relays kept across page loads', () => {
  it('gives back what was saved for the same mesh, and nothing for another', () => {
    const storage = memoryStorage()
    saveFoundRelays([A], [B], storage)
    assert.deepEqual(loadFoundRelays([A], storage), [B])
    assert.deepEqual(loadFoundRelays([B], storage), [], 'another mesh (other configured relays) starts without them')
  })

  it('ignores what is not a list of relay multiaddrs, and keeps at most 8', () => {
    const storage = memoryStorage()
    for (const text of ['not json', '42', '{"for":"x"}', JSON.stringify({ for: A, found: 'x' })]) {
      storage.setItem('tabmesh.found-relays', text)
      assert.deepEqual(loadFoundRelays([A], storage), [], text)
    }
    storage.setItem('tabmesh.found-relays', JSON.stringify({ for: A, found: [7, '/ip4/1.2.3.4/tcp/1/ws', 'garbage', B, ...Array(20).fill(B)] }))
    const found = loadFoundRelays([A], storage)
    assert.equal(found[0], B, 'entries without a peer id, or not multiaddrs, are dropped')
    assert.equal(found.length, 8)
  })
})
