import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decodeTree, encodeTree, MAX_TREE_DEPTH, MAX_TREE_ENTRIES, TREE_MAGIC } from './tree-codec.ts'
import type { TaskTreeEntry } from './wasi-fs.ts'

const enc = new TextEncoder()
const file = (text: string): TaskTreeEntry => ({ type: 'file', data: enc.encode(text) })

it('round-trips a tree; one tree has one encoding whatever order its names were given in', () => {
  const a = encodeTree({ 'b.txt': file('bb'), sub: { type: 'dir', entries: { z: file(''), 'é': file('x') } }, 'a.txt': file('a') })
  const b = encodeTree({ 'a.txt': file('a'), sub: { type: 'dir', entries: { 'é': file('x'), z: file('') } }, 'b.txt': file('bb') })
  assert.deepEqual(a, b)
  const tree = decodeTree(a)
  assert.deepEqual(Object.keys(tree), ['a.txt', 'b.txt', 'sub'])
  assert.deepEqual(tree.sub, { type: 'dir', entries: { z: { type: 'file', data: new Uint8Array(0) }, 'é': { type: 'file', data: enc.encode('x') } } })
  assert.deepEqual(decodeTree(encodeTree({})), {})
})

it('measures its framing and speed on 1,000 files of 1 KiB', () => {
  const entries: Record<string, TaskTreeEntry> = {}
  for (let i = 0; i < 1000; i++) entries[`file-${i}.bin`] = { type: 'file', data: new Uint8Array(1024).fill(i & 0xff) }
  const t0 = performance.now()
  const bytes = encodeTree({ data: { type: 'dir', entries } })
  const t1 = performance.now()
  decodeTree(bytes)
  const t2 = performance.now()
  console.log(`# measured: 1,000 × 1 KiB: ${bytes.length - 1000 * 1024} bytes of framing (${((bytes.length / (1000 * 1024) - 1) * 100).toFixed(2)}%), encode ${(t1 - t0).toFixed(1)} ms, decode ${(t2 - t1).toFixed(1)} ms`)
  assert.ok(bytes.length < 1000 * 1024 * 1.02, 'framing under 2% for 1 KiB files')
})

it('refuses bad names, too many entries and too deep a tree when encoding', () => {
  for (const name of ['', '.', '..', 'a/b', 'nul\0', 'x'.repeat(256)]) assert.throws(() => encodeTree({ [name]: file('') }), (err: Error & { code?: string }) => err.code === 'INVALID_TREE', JSON.stringify(name))
  const many: Record<string, TaskTreeEntry> = {}
  for (let i = 0; i <= MAX_TREE_ENTRIES; i++) many[String(i)] = file('')
  assert.throws(() => encodeTree(many), /more than 10000 files/)
  let deep: TaskTreeEntry = file('')
  for (let i = 0; i <= MAX_TREE_DEPTH + 1; i++) deep = { type: 'dir', entries: { d: deep } }
  assert.throws(() => encodeTree({ d: deep }), /directories deep/)
})

it('refuses hostile encodings with typed errors: header, truncation, order, kinds, trailing bytes, huge sizes', () => {
  const good = encodeTree({ a: file('x'), b: file('y') })
  const bad = (bytes: number[] | Uint8Array, message: RegExp): void => {
    assert.throws(() => decodeTree(Uint8Array.from(bytes)), (err: Error & { code?: string }) => err.code === 'INVALID_TREE' && message.test(err.message), message.source)
  }
  bad([1, 2, 3], /lacks the TMTREE/)
  bad(good.subarray(0, good.length - 1), /truncated/)
  bad([...good, 0], /bytes after the tree/)
  // b before a.
  bad([...TREE_MAGIC, 2, 1, 0x62, 1, 0, 1, 0x61, 1, 0], /not in ascending order/)
  bad([...TREE_MAGIC, 2, 1, 0x61, 1, 0, 1, 0x61, 1, 0], /not in ascending order, or repeat/)
  bad([...TREE_MAGIC, 1, 1, 0x61, 9], /unknown kind 9/)
  bad([...TREE_MAGIC, 1, 1, 0x2f, 1, 0], /no "\/"/)
  // A file that says it holds 2^40 bytes.
  bad([...TREE_MAGIC, 1, 1, 0x61, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20], /truncated/)
  // A non-minimal varint (0 written in two bytes).
  bad([...TREE_MAGIC, 0x80, 0x00], /not minimal|bad varint/)
  // An entry count far past the bound.
  bad([...TREE_MAGIC, 0xff, 0xff, 0x03, ...new Array<number>(0)], /truncated|more than 10000/)
})
