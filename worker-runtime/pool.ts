import { transfer } from 'comlink'
import type { Remote } from 'comlink'
import { AbortedError, TabmeshError, throwIfAborted } from '../errors/base.ts'
import { taskErrorFromData } from './errors.ts'
import type { PrepareModuleParameters } from './prepare.ts'
import type { RunTaskParameters, RunTaskReturnType } from './run-task.ts'
import type { RuntimeApi, TaskLogMessage } from './runtime-api.ts'
import type { TaskLogChunk } from './task-log.ts'

/** After a task's answer, wait at most this long for the rest of its live log (ms); it is normally already there. */
const LOG_END_WAIT_MS = 250

export interface PoolRunOptions {
  /** Stops the task: its worker is terminated and replaced. */
  signal?: AbortSignal
  /** The task's live log (worker-runtime/task-log.ts), every chunk delivered before `run` resolves. */
  onLog?: (chunk: TaskLogChunk) => void
}

/** One runtime worker: its comlink proxy and a way to kill it. */
export interface WorkerHandle {
  api: Remote<RuntimeApi>
  terminate: () => void
  /** Settles when the worker dies on its own (out of memory, a crash), with why; a terminated worker may settle it too. */
  exited?: Promise<Error>
}

export interface WorkerPoolOptions {
  /** Number of warm workers. */
  size: number
  /** Creates a worker: `spawnNodeWorker` or `spawnBrowserWorker`. */
  spawn: () => WorkerHandle
}

export interface WorkerPoolStats {
  size: number
  busy: number
  queued: number
  /** Workers terminated and replaced (timeouts, aborts). */
  replaced: number
}

/** A run's log channel: the worker writes on `port`; `ended` settles on its end marker or after LOG_END_WAIT_MS once asked. */
function openLog (onLog: (chunk: TaskLogChunk) => void): { port: MessagePort, ended: Promise<void>, close: () => void } {
  const channel = new MessageChannel()
  let end!: () => void
  const endMarker = new Promise<void>(resolve => { end = resolve })
  channel.port1.onmessage = (e: MessageEvent<TaskLogMessage>) => {
    if ('end' in e.data) { end(); return }
    try { onLog(e.data.chunk) } catch {}
  }
  return {
    port: channel.port2,
    get ended () {
      let timer: ReturnType<typeof setTimeout> | undefined
      return Promise.race([endMarker, new Promise<void>(resolve => { timer = setTimeout(resolve, LOG_END_WAIT_MS) })]).finally(() => { clearTimeout(timer) })
    },
    close: () => { end(); channel.port1.close() }
  }
}

/** Thrown by a stopped pool. */
export class PoolStoppedError extends TabmeshError {
  constructor () { super('POOL_STOPPED', 'the worker pool was stopped') }
}

/**
 * A warm pool of runtime workers. Each task runs in a fresh instance on an idle worker; a task past
 * its `limits.timeoutMs` (or aborted) gets its worker terminated and replaced, so a runaway module
 * never holds a worker. Fires `change` on every state change (for progress displays).
 */
export class WorkerPool extends EventTarget {
  private targetSize: number
  /** Fraction of wall time a worker computes, (0, 1]: after a task of d ms it rests d·(1/duty − 1) ms. */
  dutyCycle = 1
  private readonly spawn: () => WorkerHandle
  private readonly slots: Array<{ handle: WorkerHandle, busy: boolean, retired: boolean }>
  private readonly waiting: Array<{ resolve: (slot: number) => void, reject: (err: Error) => void, signal?: AbortSignal | undefined }> = []
  private replaced = 0
  private stopped = false

  constructor (options: WorkerPoolOptions) {
    super()
    if (!Number.isInteger(options.size) || options.size < 1) throw new TabmeshError('INVALID_ARGUMENT', `pool size must be a positive integer, got ${options.size}`)
    this.targetSize = options.size
    this.spawn = options.spawn
    this.slots = Array.from({ length: options.size }, () => ({ handle: options.spawn(), busy: false, retired: false }))
  }

  /** Number of workers (changes with `resize`). */
  get size (): number {
    return this.targetSize
  }

  /**
   * Grows or shrinks the pool. Idle workers beyond the new size are terminated at once, busy ones
   * when their task ends.
   */
  resize (size: number): void {
    if (!Number.isInteger(size) || size < 1) throw new TabmeshError('INVALID_ARGUMENT', `pool size must be a positive integer, got ${size}`)
    this.targetSize = size
    const live = this.slots.filter(s => !s.retired)
    if (live.length < size) {
      for (let i = live.length; i < size; i++) this.slots.push({ handle: this.spawn(), busy: false, retired: false })
      // Hand new workers to waiting callers.
      for (let i = 0; i < this.slots.length && this.waiting.length > 0; i++) {
        const slot = this.slots[i]!
        if (!slot.busy && !slot.retired) { slot.busy = true; this.waiting.shift()!.resolve(i) }
      }
    } else {
      let extra = live.length - size
      for (const slot of live.slice().reverse()) {
        if (extra === 0) break
        slot.retired = true
        extra--
        if (!slot.busy) slot.handle.terminate()
      }
    }
    this.changed()
  }

  stats (): WorkerPoolStats {
    return { size: this.size, busy: this.slots.filter(s => s.busy && !s.retired).length, queued: this.waiting.length, replaced: this.replaced }
  }

  /**
   * Validates, caps and (optionally) meters a module in a worker, then compiles it once here.
   * @throws TaskError (INVALID_MODULE, MEMORY_LIMIT) for a module that cannot run
   */
  async prepare (params: PrepareModuleParameters, options: { signal?: AbortSignal } = {}): Promise<WebAssembly.Module> {
    const slot = await this.acquire(options.signal)
    try {
      const result = await this.slots[slot]!.handle.api.prepare(params)
      if (!result.ok) throw taskErrorFromData(result.error)
      return await WebAssembly.compile(result.bytes as Uint8Array<ArrayBuffer>)
    } finally {
      this.release(slot)
    }
  }

  /**
   * Runs one task on an idle worker. Resolves with the task's outcome (errors included as data);
   * a timeout resolves with a TIMEOUT error after replacing the worker.
   * @throws AbortedError when `signal` fires (the worker is replaced)
   */
  async run (params: Omit<RunTaskParameters, 'onStderr'>, options: PoolRunOptions = {}): Promise<RunTaskReturnType> {
    const slot = await this.acquire(options.signal)
    const started = performance.now()
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    let settled = false
    try {
      const interrupted = new Promise<RunTaskReturnType>((resolve, reject) => {
        timer = setTimeout(() => {
          this.replace(slot)
          resolve({ ok: false, error: { code: 'TIMEOUT', message: `the task ran past its ${params.limits.timeoutMs} ms timeout` }, durationMs: performance.now() - started })
        }, params.limits.timeoutMs)
        onAbort = () => { this.replace(slot); reject(new AbortedError()) }
        options.signal?.addEventListener('abort', onAbort, { once: true })
      })
      // A worker that dies mid-task (its JS heap limit, a crash) fails the task now, not at its timeout.
      const handle = this.slots[slot]!.handle
      const died = handle.exited?.then((err): RunTaskReturnType => {
        if (!settled && this.slots[slot]!.handle === handle) this.replace(slot)
        const oom = /OUT_OF_MEMORY|heap/i.test(`${(err as { code?: string }).code ?? ''} ${err.message}`)
        return { ok: false, error: { code: oom ? 'MEMORY_LIMIT' : 'TRAP', message: oom ? 'the task took more than the worker\'s JS heap (256 MiB)' : `the worker died: ${err.message}` }, durationMs: performance.now() - started }
      })
      // Input and seed travel in buffers of their own, the input transferred: a structured clone of a
      // view copies its whole ArrayBuffer, and a decoded request's fields are views into the frame
      // they came in (up to 256 KiB of batched tasks; 140 µs a task, bench/suites/throughput.ts).
      // `new Uint8Array(view)` copies; `slice` would not on a Node Buffer.
      const input = new Uint8Array(params.input)
      const seed = new Uint8Array(params.seed)
      const log = options.onLog !== undefined ? openLog(options.onLog) : undefined
      const run = handle.api.run(transfer({ ...params, input, seed, ...(log !== undefined ? { logPort: log.port } : {}) }, [input.buffer, ...(log !== undefined ? [log.port] : [])]))
      try {
        const result = await Promise.race([run, interrupted, ...(died !== undefined ? [died] : [])])
        await log?.ended
        return result
      } finally {
        log?.close()
      }
    } finally {
      settled = true
      clearTimeout(timer)
      if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort)
      const rest = this.dutyCycle < 1 ? (performance.now() - started) * (1 / Math.max(this.dutyCycle, 0.05) - 1) : 0
      if (rest > 0) setTimeout(() => { this.release(slot) }, rest)
      else this.release(slot)
    }
  }

  /** Terminates every worker; pending and future calls fail with PoolStoppedError. */
  stop (): void {
    this.stopped = true
    for (const slot of this.slots) slot.handle.terminate()
    for (const w of this.waiting.splice(0)) w.reject(new PoolStoppedError())
    this.changed()
  }

  private async acquire (signal: AbortSignal | undefined): Promise<number> {
    if (this.stopped) throw new PoolStoppedError()
    throwIfAborted(signal)
    const idle = this.slots.findIndex(s => !s.busy && !s.retired)
    if (idle >= 0) {
      this.slots[idle]!.busy = true
      this.changed()
      return idle
    }
    return await new Promise<number>((resolve, reject) => {
      const entry = { resolve, reject, signal }
      this.waiting.push(entry)
      this.changed()
      signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(entry)
        if (i >= 0) { this.waiting.splice(i, 1); reject(new AbortedError()); this.changed() }
      }, { once: true })
    })
  }

  private release (slot: number): void {
    const s = this.slots[slot]!
    if (s.retired) {
      s.handle.terminate()
      s.busy = false
      this.changed()
      return
    }
    const next = this.waiting.shift()
    if (next !== undefined && !this.stopped) {
      next.resolve(slot) // hand the worker straight to the next caller; it stays busy
    } else {
      this.slots[slot]!.busy = false
    }
    this.changed()
  }

  private replace (slot: number): void {
    this.slots[slot]!.handle.terminate()
    this.replaced++
    if (!this.stopped && !this.slots[slot]!.retired) this.slots[slot]!.handle = this.spawn()
  }

  private changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}
