import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { resolveLimits } from './limits.ts'
import { decodeOutputTree } from './output-tree.ts'
import { WorkerPool } from './pool.ts'
import { spawnNodeWorker } from './spawn-node.ts'

const lstree = new Uint8Array(readFileSync(new URL('../jobs/wasi-c/build/lstree.wasm', import.meta.url)))
const primes = new Uint8Array(readFileSync(new URL('../jobs/primes/build/primes.wasm', import.meta.url)))
const enc = new TextEncoder()
const dec = new TextDecoder()

describe('out directories (worker-runtime/output-tree.ts)', () => {
  let pool: WorkerPool
  before(() => { pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker }) })
  after(async () => { await pool?.stop() })

  it('collects what a task leaves in its out directory with stdout in one tree; an empty /out is preopened when nothing is mounted there', async () => {
    const limits = resolveLimits({})
    const module = await pool.prepare({ bytes: lstree, memoryPages: limits.memoryPages, metered: false })
    const mounted = await pool.run({ module, input: new Uint8Array(0), args: ['lstree', '/out'], env: [], limits, seed: new Uint8Array(16), outDir: '/out', mounts: [{ guestPath: '/out', tree: { 'log.txt': { type: 'file', data: enc.encode('in\n') }, d: { type: 'dir', entries: { 'k.bin': { type: 'file', data: new Uint8Array(3) } } } } }] })
    assert.ok(mounted.ok)
    const { stdout, files } = decodeOutputTree(mounted.output)
    assert.match(dec.decode(stdout), /log\.txt: in\nappended by this task\n$/)
    assert.deepEqual(Object.keys(files).sort(), ['d/k.bin', 'log.txt'])
    assert.equal(dec.decode(files['log.txt']), 'in\nappended by this task\n')
    const empty = await pool.run({ module, input: new Uint8Array(0), args: ['lstree', '/out'], env: [], limits, seed: new Uint8Array(16), outDir: '/out' })
    assert.ok(empty.ok)
    assert.deepEqual(Object.keys(decodeOutputTree(empty.output).files), ['log.txt'])
  })

  it('counts the tree against maxOutputBytes: OUTPUT_TOO_LARGE past it', async () => {
    const limits = resolveLimits({ maxOutputBytes: 64 })
    const module = await pool.prepare({ bytes: lstree, memoryPages: limits.memoryPages, metered: false })
    const r = await pool.run({ module, input: new Uint8Array(0), args: ['lstree', '/out'], env: [], limits, seed: new Uint8Array(16), outDir: '/out', mounts: [{ guestPath: '/out', tree: { 'big.bin': { type: 'file', data: new Uint8Array(100) } } }] })
    assert.equal(r.ok, false)
    assert.equal(!r.ok && r.error.code, 'OUTPUT_TOO_LARGE')
  })

  it('leaves a job without an out directory as it was: stdout alone', async () => {
    const limits = resolveLimits({})
    const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
    const r = await pool.run({ module, input: enc.encode('0 100'), args: ['primes'], env: [], limits, seed: new Uint8Array(16) })
    assert.ok(r.ok)
    assert.equal(dec.decode(r.output), '25\n')
  })
})
