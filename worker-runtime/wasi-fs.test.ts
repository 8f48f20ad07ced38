import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { resolveLimits } from './limits.ts'
import { WorkerPool } from './pool.ts'
import { spawnNodeWorker } from './spawn-node.ts'
import type { TaskMount } from './wasi-fs.ts'

const lstree = new Uint8Array(readFileSync(new URL('../jobs/wasi-c/build/lstree.wasm', import.meta.url)))
const primes = new Uint8Array(readFileSync(new URL('../jobs/primes/build/primes.wasm', import.meta.url)))
const enc = new TextEncoder()
const dec = new TextDecoder()

describe('mounted trees (worker-runtime/wasi-fs.ts)', () => {
  let pool: WorkerPool
  before(() => { pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker }) })
  after(async () => { await pool?.stop() })

  const limits = resolveLimits({})
  const tree = (): TaskMount['tree'] => ({
    'log.txt': { type: 'file', data: enc.encode('from the source\n') },
    data: { type: 'dir', entries: { 'b.txt': { type: 'file', data: enc.encode('bb') }, 'a.txt': { type: 'file', data: enc.encode('a') } } }
  })
  async function run (mounts: TaskMount[], args: string[] = ['lstree', '/data']): Promise<string> {
    const module = await pool.prepare({ bytes: lstree, memoryPages: limits.memoryPages, metered: false })
    const r = await pool.run({ module, input: new Uint8Array(0), args, env: [], limits, seed: new Uint8Array(16), mounts })
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error))
    return dec.decode(r.output)
  }

  it('gives a task a tree at its guest path: names sorted, inode numbers and times the same on every run of the worker', async () => {
    const mounts = (): TaskMount[] => [{ guestPath: '/data', tree: tree() }]
    const first = await run(mounts())
    // Other work on the same worker in between (the shim numbers inodes worker-wide; a task must not see that).
    const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
    await pool.run({ module, input: enc.encode('0 100'), args: ['primes'], env: [], limits, seed: new Uint8Array(16) })
    await run([{ guestPath: '/other', tree: tree() }, { guestPath: '/more', tree: tree() }], ['lstree', '/other'])
    const again = await run(mounts())
    assert.equal(again, first)
    // 2024-01-01T00:00:00Z (the virtual epoch) for every file a task has not touched.
    const lines = first.split('\n')
    assert.deepEqual(lines.filter(l => l.includes('ino=')).map(l => l.replace(/ ino=\d+/, '')), [
      'data size=0 mtime=1704067200/',
      '  a.txt size=1 mtime=1704067200',
      '  b.txt size=2 mtime=1704067200',
      'log.txt size=16 mtime=1704067200'
    ])
  })

  it('writes stay in the task\'s own copy: never in the source tree, never in the next task', async () => {
    const source = tree()
    const one = await run([{ guestPath: '/data', tree: source }])
    const two = await run([{ guestPath: '/data', tree: source }])
    assert.match(one, /log\.txt: from the source\nappended by this task\n$/)
    assert.equal(two, one, 'the second task starts from the source again')
    assert.equal(dec.decode((source['log.txt'] as { data: Uint8Array }).data), 'from the source\n')
  })
})

it('numbers stdio and mounted inodes the same for every task, whatever the worker made before', async () => {
  const { createDeterministicWasi } = await import('./wasi.ts')
  const { File } = await import('@bjorn3/browser_wasi_shim')
  const make = (): bigint[] => {
    const io = createDeterministicWasi({ args: [], env: [], stdin: new Uint8Array(0), seed: new Uint8Array(16), maxOutputBytes: 0, stderrTailBytes: 0, mounts: [{ guestPath: '/d', tree: { f: { type: 'file', data: new Uint8Array(1) } } }] })
    return io.wasi.fds.map(fd => (fd as unknown as { ino?: bigint, file?: { ino: bigint }, dir?: { ino: bigint } }).file?.ino ?? (fd as unknown as { dir?: { ino: bigint } }).dir?.ino ?? (fd as unknown as { ino: bigint }).ino)
  }
  const first = make()
  for (let i = 0; i < 5; i++) new File(new Uint8Array(0)) // other inodes made in this worker meanwhile
  assert.deepEqual(make(), first)
  assert.equal(new Set(first).size, first.length, 'no two descriptors share an inode number')
})
