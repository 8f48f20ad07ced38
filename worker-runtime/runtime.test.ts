import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { BATCH_TASK_MS, WorkerPool } from './pool.ts'
import { spawnNodeWorker } from './spawn-node.ts'
import { resolveLimits } from './limits.ts'
import type { TaskLimits } from './limits.ts'
import { TaskError } from './errors.ts'
import { hostileModules, NAN_BITS_OUTPUT } from '../testing/hostile-modules.ts'

const jobs = new URL('../jobs/', import.meta.url)
const primes = readFileSync(new URL('primes/build/primes.wasm', jobs))
const wordfreq = readFileSync(new URL('wasi-c/build/wordfreq.wasm', jobs))
const enc = new TextEncoder()
const dec = new TextDecoder()
const seed = new Uint8Array(16).fill(7)

const hostile = hostileModules()

/** Test messages: results hold bigints (fuel), which JSON cannot print as is. */
function show (value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
}

describe('worker-runtime (Node worker_threads)', () => {
  let pool: WorkerPool
  before(() => { pool = new WorkerPool({ size: 2, spawn: spawnNodeWorker }) })
  after(() => pool.stop())

  async function run (bytes: Uint8Array, input: string, limits: Partial<TaskLimits> = {}, args = ['task']): Promise<Awaited<ReturnType<WorkerPool['run']>>> {
    const resolved = resolveLimits(limits)
    const module = await pool.prepare({ bytes, memoryPages: resolved.memoryPages, metered: resolved.fuel !== undefined })
    return await pool.run({ module, input: enc.encode(input), args, env: [], limits: resolved, seed })
  }

  it('counts primes with jobs/primes', async () => {
    const cases: Array<[string, string]> = [['0 100', '25\n'], ['0 10000000', '664579\n'], ['0 2', '0\n'], ['2 3', '1\n'], ['1000000 1001000', '75\n']]
    for (const [input, expected] of cases) {
      const r = await run(primes, input)
      assert.ok(r.ok, show(r))
      assert.equal(dec.decode(r.output), expected, input)
    }
  })

  it('reports a bad input as EXIT_NONZERO with the stderr tail', async () => {
    const r = await run(primes, 'ten twenty')
    assert.equal(r.ok, false)
    assert.equal(!r.ok && r.error.code, 'EXIT_NONZERO')
    assert.equal(!r.ok && r.error.exitCode, 2)
    assert.match(!r.ok ? r.error.stderrTail ?? '' : '', /expected 'LO HI'/)
  })

  it('runs an unmodified clang-built WASI program with the same output as node:wasi', async () => {
    const text = 'It was the best of times, it was the worst of times; it was the age of wisdom.\n'.repeat(50)
    const r = await run(wordfreq, text)
    assert.ok(r.ok, show(r))
    const reference = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', `
      import { WASI } from 'node:wasi'; import { readFileSync } from 'node:fs'
      const wasi = new WASI({ version: 'preview1', args: ['task'], env: {} })
      const m = await WebAssembly.compile(readFileSync(${JSON.stringify(new URL('wasi-c/build/wordfreq.wasm', jobs).pathname)}))
      wasi.start(await WebAssembly.instantiate(m, wasi.getImportObject()))`], { input: text })
    assert.equal(reference.status, 0, reference.stderr.toString())
    assert.equal(dec.decode(r.output), reference.stdout.toString())
    assert.match(dec.decode(r.output), /^900 words, 9 distinct\nit +150 +16\.67%/)
  })

  it('stops a runaway loop at the timeout and keeps serving', async () => {
    const r = await run(hostile.runaway, '', { timeoutMs: 300 })
    assert.equal(!r.ok && r.error.code, 'TIMEOUT')
    assert.equal(pool.stats().replaced >= 1, true)
    const ok = await run(primes, '0 100')
    assert.ok(ok.ok)
  })

  it('stops a runaway loop deterministically with fuel', async () => {
    const r = await run(hostile.runaway, '', { fuel: 1_000_000n, timeoutMs: 10_000 })
    assert.equal(!r.ok && r.error.code, 'OUT_OF_FUEL', show(r))
    const c = await run(wordfreq, 'metered c program', { fuel: 1_000_000_000n })
    assert.ok(c.ok, show(c))
    assert.match(dec.decode(c.output), /^3 words, 3 distinct/)
    const a = await run(primes, '0 100000', { fuel: 10_000_000_000n })
    const b = await run(primes, '0 100000', { fuel: 10_000_000_000n })
    assert.ok(a.ok && b.ok)
    assert.equal(dec.decode(a.output), '9592\n')
    assert.ok(a.fuelUsed !== undefined && a.fuelUsed > 0n)
    assert.equal(a.fuelUsed, b.fuelUsed, 'fuel is deterministic')
  })

  it('caps memory: a memory bomb ends with MEMORY_LIMIT and the worker keeps serving', async () => {
    const r = await run(hostile.memoryBomb, '', { memoryPages: 1024 })
    assert.equal(!r.ok && r.error.code, 'MEMORY_LIMIT', show(r))
    const ok = await run(primes, '0 100')
    assert.ok(ok.ok)
  })

  it('rejects a module whose initial memory exceeds the cap before running it', async () => {
    await assert.rejects(pool.prepare({ bytes: hostile.bigStart, memoryPages: 1, metered: false }), (err: unknown) => err instanceof TaskError && err.code === 'MEMORY_LIMIT')
  })

  it('reports deep recursion as TRAP', async () => {
    const r = await run(hostile.deepRecursion, '')
    assert.equal(!r.ok && r.error.code, 'TRAP', show(r))
  })

  it('reports a trap as TRAP', async () => {
    const r = await run(hostile.trap, '', { memoryPages: 64 })
    assert.equal(!r.ok && r.error.code, 'TRAP')
  })

  it('makes every NaN canonical: 0/0 prints 7fc00000 / 7ff8000000000000 on any CPU, copysign sees a positive NaN, a copied NaN keeps its bits', async () => {
    const r = await run(hostile.nanBits, '', { memoryPages: 1 })
    assert.ok(r.ok, show(r))
    assert.equal(Buffer.from(r.output).toString('hex'), Buffer.from(NAN_BITS_OUTPUT).toString('hex'))
    // Fuel metering (binaryen, after canonicalisation) keeps it.
    const metered = await run(hostile.nanBits, '', { memoryPages: 1, fuel: 1_000_000n })
    assert.ok(metered.ok && Buffer.from(metered.output).equals(NAN_BITS_OUTPUT), show(metered))
  })

  it('refuses an fd_write naming more than IOV_MAX buffers with EINVAL (an iovec bomb would fill the JS heap)', async () => {
    const r = await run(hostile.iovecBomb, '', { memoryPages: 1 })
    assert.ok(r.ok, show(r))
    assert.equal(dec.decode(r.output), 'EINVAL\n')
  })

  it('rejects malformed bytes and unknown imports as INVALID_MODULE', async () => {
    await assert.rejects(pool.prepare({ bytes: enc.encode('not wasm at all'), memoryPages: 16, metered: false }), (err: unknown) => err instanceof TaskError && err.code === 'INVALID_MODULE')
    await assert.rejects(pool.prepare({ bytes: primes.subarray(0, 100), memoryPages: 16, metered: false }), (err: unknown) => err instanceof TaskError && err.code === 'INVALID_MODULE')
    const r = await run(hostile.unknownImport, '')
    assert.equal(!r.ok && r.error.code, 'INVALID_MODULE')
    assert.match(!r.ok ? r.error.message : '', /env\.spawn/)
    const noStart = await run(hostile.noStart, '')
    assert.equal(!noStart.ok && noStart.error.code, 'INVALID_MODULE')
  })

  it('admits one capped memory and bounded tables only: several memories, shared memory, GC types and relaxed SIMD are refused by name', async () => {
    const refused: Array<[Uint8Array, RegExp]> = [
      [hostile.twoMemories, /2 linear memories/],
      [hostile.sharedMemory, /shared memory/],
      [hostile.gcArrays, /array type .*GC types/],
      [hostile.relaxedSimd, /relaxed SIMD/]
    ]
    for (const [bytes, reason] of refused) {
      await assert.rejects(pool.prepare({ bytes, memoryPages: 64, metered: false }), (err: unknown) => err instanceof TaskError && err.code === 'INVALID_MODULE' && reason.test(err.message), String(reason))
    }
    // A table that may not grow past MAX_TABLE_ENTRIES: growing it by 9 M entries fails inside the module.
    const r = await run(hostile.tableBomb, '', { memoryPages: 64 })
    assert.equal(!r.ok && r.error.code, 'TRAP', 'table.grow returned -1')
    assert.ok((await run(hostile.noop, '')).ok, 'and the worker keeps serving')
  })

  it('caps stdout: OUTPUT_TOO_LARGE', async () => {
    const r = await run(wordfreq, 'a b c d e f g h', { maxOutputBytes: 10 })
    assert.equal(!r.ok && r.error.code, 'OUTPUT_TOO_LARGE')
    const endless = await run(hostile.hugeOutput, '')
    assert.equal(!endless.ok && endless.error.code, 'OUTPUT_TOO_LARGE', show(endless))
  })
})

describe('worker pool settings', () => {
  it('resizes: grows, shrinks, and keeps running tasks', async () => {
    const pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker })
    try {
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const task = { module, input: enc.encode('0 100000'), args: ['primes'], env: [], limits, seed }
      pool.resize(3)
      assert.equal(pool.size, 3)
      const results = await Promise.all([pool.run(task), pool.run(task), pool.run(task)])
      assert.ok(results.every(r => r.ok && dec.decode(r.output) === '9592\n'))
      pool.resize(1)
      assert.equal(pool.size, 1)
      assert.equal(pool.stats().size, 1)
      const again = await Promise.all([pool.run(task), pool.run(task)])
      assert.ok(again.every(r => r.ok))
    } finally {
      pool.stop()
    }
  })

  it('a worker that dies mid-task fails that task at once (not at its timeout) and is replaced', async () => {
    const spawned: Array<ReturnType<typeof spawnNodeWorker>> = []
    const pool = new WorkerPool({ size: 1, spawn: () => { const h = spawnNodeWorker(); spawned.push(h); return h } })
    try {
      const limits = resolveLimits({ timeoutMs: 60_000 })
      const module = await pool.prepare({ bytes: hostile.runaway, memoryPages: 1, metered: false })
      const t0 = performance.now()
      setTimeout(() => { spawned[0]!.terminate() }, 300) // as ERR_WORKER_OUT_OF_MEMORY would end it
      const r = await pool.run({ module, input: enc.encode(''), args: ['loop'], env: [], limits, seed })
      assert.equal(!r.ok && r.error.code, 'TRAP', show(r))
      assert.ok(performance.now() - t0 < 10_000, 'well before the 60 s timeout')
      const ok = await pool.run({ module: await pool.prepare({ bytes: primes, memoryPages: 64, metered: false }), input: enc.encode('0 100'), args: ['primes'], env: [], limits, seed })
      assert.ok(ok.ok && dec.decode(ok.output) === '25\n', 'the replacement worker serves')
      assert.equal(spawned.length, 2)
    } finally {
      pool.stop()
    }
  })

  /** A pool of one worker whose runBatch calls (and the batch sizes) are counted. */
  function countingPool (): { pool: WorkerPool, batches: number[] } {
    const batches: number[] = []
    const pool = new WorkerPool({
      size: 1,
      spawn: () => {
        const h = spawnNodeWorker()
        return { ...h, runBatch: async (b, transfer) => { batches.push(b.length); return await h.runBatch(b, transfer) } }
      }
    })
    return { pool, batches }
  }

  it('batches short tasks that queue: one message for several, every answer its own, in order', async () => {
    const { pool, batches } = countingPool()
    try {
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const task = (lo: number) => ({ module, input: enc.encode(`${lo} ${lo + 1000}`), args: ['primes'], env: [], limits, seed })
      for (let i = 0; i < 3; i++) await pool.run(task(0)) // measured short (alone: nothing queued)
      assert.deepEqual(batches, [], 'a task that finds a free worker goes alone')
      const inputs = Array.from({ length: 40 }, (_, i) => i * 1000)
      const results = await Promise.all(inputs.map(async lo => await pool.run(task(lo))))
      const { primeCountsPerRange } = await import('../jobs/primes/reference.ts')
      assert.deepEqual(results.map(r => r.ok ? dec.decode(r.output) : show(r)), primeCountsPerRange(40, 1000).map(n => `${n}\n`))
      assert.ok(batches.length > 0 && batches.length < 39, `39 queued tasks went in ${batches.length} batches (${batches.join(', ')})`)
      assert.ok(batches.some(n => n > 1))
      // Tasks measured longer than BATCH_TASK_MS are not batched (0–30,000,000: ~40 ms here).
      const long = { ...task(0), input: enc.encode('0 30000000') }
      const before = batches.length
      for (let i = 0; i < 4; i++) await pool.run(long)
      await Promise.all(Array.from({ length: 4 }, async () => await pool.run(long)))
      assert.equal(batches.length, before, `tasks measured over ${BATCH_TASK_MS} ms go alone`)
    } finally {
      pool.stop()
    }
  })

  it('a runaway in a batch fails alone: the batch times out, its tasks run again one by one', async () => {
    const { pool, batches } = countingPool()
    try {
      const limits = resolveLimits({ timeoutMs: 400 })
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const task = (input: string) => ({ module, input: enc.encode(input), args: ['primes'], env: [], limits, seed })
      for (let i = 0; i < 3; i++) await pool.run(task('0 1000'))
      const busy = pool.run(task('0 1000')) // holds the worker so the rest queue
      const queued = ['0 100', '0 1000', '0 4000000000', '2 3', '0 10'].map(async input => await pool.run(task(input)))
      const results = await Promise.all([busy, ...queued])
      assert.ok(batches.some(n => n > 1), `batched: ${batches.join(', ')}`)
      assert.deepEqual(results.map(r => r.ok ? dec.decode(r.output) : r.error.code), ['168\n', '25\n', '168\n', 'TIMEOUT', '1\n', '4\n'])
      assert.ok(pool.stats().replaced >= 2, 'the batch\'s worker and the runaway\'s were replaced')
    } finally {
      pool.stop()
    }
  })

  it('a batched task aborted while queued leaves the queue; the others run', async () => {
    const { pool } = countingPool()
    try {
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const task = (input: string) => ({ module, input: enc.encode(input), args: ['primes'], env: [], limits, seed })
      for (let i = 0; i < 3; i++) await pool.run(task('0 1000'))
      const busy = pool.run(task('0 200000'))
      const controller = new AbortController()
      const dropped = pool.run(task('0 100'), { signal: controller.signal })
      const kept = pool.run(task('0 10'))
      controller.abort()
      await assert.rejects(dropped, (err: unknown) => err instanceof Error && err.name === 'AbortedError')
      const [b, k] = await Promise.all([busy, kept])
      assert.ok(b.ok && k.ok && dec.decode(k.output) === '4\n')
      assert.equal(pool.stats().queued, 0)
    } finally {
      pool.stop()
    }
  })

  it('stacks a short run behind the one its worker runs: its clock starts when that one ends, it is sent again if that one times out, and it can be aborted before it starts', async () => {
    let stacked = 0
    const pool = new WorkerPool({
      size: 1,
      spawn: () => {
        const h = spawnNodeWorker()
        let outstanding = 0 // runs sent to this worker and not answered
        return { ...h, run: async (p, transfer) => { if (outstanding > 0) stacked++; outstanding++; try { return await h.run(p, transfer) } finally { outstanding-- } } }
      }
    })
    try {
      // 400 ms timeout; 0–10,000,000 takes about 13 ms here: past BATCH_TASK_MS (runs go alone), under STACK_TASK_MS.
      const limits = resolveLimits({ timeoutMs: 400 })
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const task = (input: string) => ({ module, input: enc.encode(input), args: ['primes'], env: [], limits, seed })
      for (let i = 0; i < 3; i++) await pool.run(task('0 10000000'))
      assert.equal(stacked, 0, 'runs one after another are not stacked')
      // A runs; the runaway B is stacked behind it; C is stacked behind B once A ends. B times out
      // (400 ms) and its worker is replaced: C, which had waited behind B for those 400 ms, is sent
      // again and completes, its own 400 ms counted from B's end.
      const replaced = pool.stats().replaced
      const results = await Promise.all(['0 10000000', '0 4000000000', '0 10000000'].map(async input => await pool.run(task(input))))
      assert.deepEqual(results.map(r => r.ok ? dec.decode(r.output) : r.error.code), ['664579\n', 'TIMEOUT', '664579\n'])
      assert.ok(stacked >= 2, `B and C were stacked (${stacked})`)
      assert.equal(pool.stats().replaced, replaced + 1, 'only the runaway\'s worker was replaced')
      // A stacked run aborted before it starts fails at once and is stopped when the run ahead ends; that one completes.
      const controller = new AbortController()
      const ahead = pool.run(task('0 10000000'))
      await new Promise(resolve => setImmediate(resolve)) // sent: the next run is stacked on it, not queued
      const before = stacked
      const dropped = pool.run(task('0 4000000000'), { signal: controller.signal })
      await new Promise(resolve => setImmediate(resolve))
      assert.equal(stacked, before + 1, 'the run was sent to the busy worker')
      controller.abort()
      await assert.rejects(dropped, (err: unknown) => err instanceof Error && err.name === 'AbortedError')
      const a = await ahead
      assert.ok(a.ok && dec.decode(a.output) === '664579\n', show(a))
      const next = await pool.run(task('0 100'))
      assert.ok(next.ok && dec.decode(next.output) === '25\n', show(next))
      assert.equal(pool.stats().replaced, replaced + 2, 'the worker that held the aborted run was replaced')
      assert.equal(pool.stats().busy, 0)
    } finally {
      pool.stop()
    }
  })

  it('duty cycle: a worker rests after each task in proportion to its length', async () => {
    const pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker })
    try {
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes: primes, memoryPages: limits.memoryPages, metered: false })
      const task = { module, input: enc.encode('0 3000000'), args: ['primes'], env: [], limits, seed }
      pool.dutyCycle = 0.25
      const first = await pool.run(task)
      const firstDone = performance.now()
      const second = await pool.run(task)
      const gap = performance.now() - firstDone
      assert.ok(first.ok && second.ok)
      // At 25% duty the worker rests 3× the first task's wall time (≥ its measured duration) before the
      // second task can start, and the second task itself takes its own duration on top: a lower bound.
      assert.ok(gap >= 3 * first.durationMs + second.durationMs, `gap ${gap.toFixed(0)} ms, tasks ${first.durationMs.toFixed(0)} + ${second.durationMs.toFixed(0)} ms`)
      pool.dutyCycle = 1
      await pool.run(task)
      assert.equal(pool.stats().busy, 0, 'at 100% duty the worker is free as soon as the task ends')
    } finally {
      pool.stop()
    }
  })
})
