import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { resolveLimits } from './limits.ts'
import { WorkerPool } from './pool.ts'
import { spawnNodeWorker } from './spawn-node.ts'
import { LOG_POST_INTERVAL_MS, LOG_STREAM_MAX_BYTES, TaskLogStream, parseProgressLine } from './task-log.ts'
import type { TaskLogChunk } from './task-log.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()

describe('live logs (worker-runtime/task-log.ts)', () => {
  it('reads progress lines as fractions, percentages and counts; anything else is not one', () => {
    assert.equal(parseProgressLine('#progress 0.25'), 0.25)
    assert.equal(parseProgressLine('#progress 40%'), 0.4)
    assert.equal(parseProgressLine('#progress 3/12'), 0.25)
    assert.equal(parseProgressLine('#progress 7/0'), 0)
    assert.equal(parseProgressLine('#progress 12/3'), 1, 'clamped')
    for (const line of ['#progress', '#progress x', '#progress -1', 'progress 0.5', '#progress 1/2/3']) assert.equal(parseProgressLine(line), undefined, line)
  })

  it('takes progress lines out, passes the rest on as written, posts at most once per interval and the rest at the end', () => {
    let t = 0
    const chunks: TaskLogChunk[] = []
    const stream = new TaskLogStream(c => chunks.push(c), () => t)
    stream.write(enc.encode('starting\n#progress 1/4\npart'))
    assert.equal(chunks.length, 1, 'the first write goes out at once')
    assert.deepEqual([dec.decode(chunks[0]!.stderr), chunks[0]!.progress], ['starting\n', 0.25])
    t += 1
    stream.write(enc.encode('ial line\n#progress 2/4\n'))
    stream.write(enc.encode('#progress 3/4\n'))
    assert.equal(chunks.length, 1, 'within the interval: held')
    t += LOG_POST_INTERVAL_MS
    stream.write(enc.encode('no newline yet'))
    assert.deepEqual([dec.decode(chunks[1]!.stderr), chunks[1]!.progress], ['partial line\n', 0.75], 'the latest progress wins')
    stream.end()
    assert.deepEqual([dec.decode(chunks[2]!.stderr), chunks[2]!.progress], ['no newline yet', undefined])
  })

  it(`streams at most ${LOG_STREAM_MAX_BYTES} bytes of stderr per task, then says so once`, () => {
    const chunks: TaskLogChunk[] = []
    const stream = new TaskLogStream(c => chunks.push(c), () => 0)
    const line = enc.encode('x'.repeat(1023) + '\n')
    for (let i = 0; i < 1000; i++) stream.write(line)
    stream.end()
    const text = chunks.map(c => dec.decode(c.stderr)).join('')
    assert.ok(text.length < LOG_STREAM_MAX_BYTES + 100, `${text.length} bytes streamed`)
    assert.equal(text.match(/is not streamed/g)?.length, 1)
  })

  describe('through the worker pool', () => {
    let pool: WorkerPool
    before(() => { pool = new WorkerPool({ size: 1, spawn: spawnNodeWorker }) })
    after(() => { pool?.stop() })

    it('delivers a running task\'s stderr and progress while it runs, all of it before the answer', async () => {
      const bytes = new Uint8Array(readFileSync(new URL('../jobs/wasi-c/build/steps.wasm', import.meta.url)))
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes, memoryPages: limits.memoryPages, metered: false })
      const seen: Array<{ at: number, chunk: TaskLogChunk }> = []
      const started = performance.now()
      const r = await pool.run({ module, input: new Uint8Array(0), args: ['steps', '8', '20'], env: [], limits, seed: new Uint8Array(16) }, { onLog: chunk => seen.push({ at: performance.now(), chunk }) })
      const ended = performance.now()
      assert.ok(r.ok)
      const text = seen.map(s => dec.decode(s.chunk.stderr)).join('')
      assert.equal(text, Array.from({ length: 8 }, (_, i) => `step ${i + 1} of 8\n`).join(''), 'every line, progress lines taken out')
      assert.equal(seen.at(-1)!.chunk.progress ?? seen.findLast(s => s.chunk.progress !== undefined)!.chunk.progress, 1)
      assert.ok(seen.length >= 2, `${seen.length} chunks`)
      assert.ok(seen[0]!.at < ended - (ended - started) / 4, `the first chunk arrived while the task still ran (at ${Math.round(seen[0]!.at - started)} ms of ${Math.round(ended - started)} ms; ${r.durationMs} ms run)`)
    })

    it('costs nothing without a listener: the same output', async () => {
      const bytes = new Uint8Array(readFileSync(new URL('../jobs/wasi-c/build/steps.wasm', import.meta.url)))
      const limits = resolveLimits({})
      const module = await pool.prepare({ bytes, memoryPages: limits.memoryPages, metered: false })
      const a = await pool.run({ module, input: new Uint8Array(0), args: ['steps', '2'], env: [], limits, seed: new Uint8Array(16) })
      const b = await pool.run({ module, input: new Uint8Array(0), args: ['steps', '2'], env: [], limits, seed: new Uint8Array(16) }, { onLog: () => {} })
      assert.ok(a.ok && b.ok)
      assert.equal(dec.decode(a.output), dec.decode(b.output))
    })
  })
})
