import { TypedEventEmitter } from 'main-event'
import { AbortedError, TabmeshError, throwIfAborted } from '../errors/base.ts'
import { taskErrorFromData } from './errors.ts'
import type { PrepareModuleParameters } from './prepare.ts'
import type { RunTaskParameters, RunTaskReturnType } from './run-task.ts'
import { useModuleKey } from './runtime-api.ts'
import type { PrepareResult, TaskLogMessage, WorkerModuleRef, WorkerRunParameters } from './runtime-api.ts'
import type { TaskLogChunk } from './task-log.ts'

/** After a task's answer, wait at most this long for the rest of its live log (ms); it is normally already there. */
const LOG_END_WAIT_MS = 250
/**
 * 5 ms: a module whose recent runs took less than this (median inside the worker) has its queued
 * tasks sent to a worker several in one message. Below it the two messages and thread wake-ups per
 * task (0.2 ms on these machines, bench/suites/throughput.ts) are 4% of the task or more; at 2 ms the
 * throughput bench's "1 ms" tasks (2–3 ms with their fixed sieve set-up) were not batched at all.
 */
export const BATCH_TASK_MS = 5
/** 10 ms: most expected work in one batch, so the first task of a batch is answered at most this much later. */
export const BATCH_WORK_MS = 10
/** 16: most tasks in one batch. */
export const MAX_BATCH_TASKS = 16
/**
 * 50 ms: a run may be posted to a busy worker, behind the one it runs, when both are of modules whose
 * recent runs took less than this (median inside the worker). The worker then starts it the moment
 * the first ends, instead of sleeping until the main thread has read the answer and sent the next
 * run — and a post to a running worker costs the main thread no wake-up of a sleeping one, which on
 * a loaded 2-core machine cost 0.16 ms of its time a run (10 ms tasks, bench/suites/throughput.ts).
 * Longer runs are not stacked: a run must not wait long behind another while a worker elsewhere frees.
 */
export const STACK_TASK_MS = 50
/** Runs of a module measured before its tasks may be batched. */
const BATCH_AFTER_RUNS = 3
/** Recent run times kept per module; their median is its run time (robust to a cold first run: 5× the rest). */
const RUN_TIMES_KEPT = 8

export interface PoolRunOptions {
  /** Stops the task: its worker is terminated and replaced. */
  signal?: AbortSignal
  /** The task's live log (worker-runtime/task-log.ts), every chunk delivered before `run` resolves. */
  onLog?: (chunk: TaskLogChunk) => void
}

/** One runtime worker (worker-runtime/runtime-api.ts), as `spawnNodeWorker` and `spawnBrowserWorker` make it. */
export interface WorkerHandle {
  /** Validates, caps and meters a module (over comlink). */
  prepare: (params: PrepareModuleParameters) => Promise<PrepareResult>
  /** One run (over the run channel: worker-runtime/run-channel.ts); `transfer` is moved to the worker, not copied. */
  run: (params: WorkerRunParameters, transfer: Transferable[]) => Promise<RunTaskReturnType>
  /** Runs one after another in one message each way. */
  runBatch: (batch: WorkerRunParameters[], transfer: Transferable[]) => Promise<RunTaskReturnType[]>
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

export interface WorkerPoolEvents {
  /** Something `stats()` reports changed (a worker took or finished a run, a run queued, a worker was replaced). */
  change: Event
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

/** A run waiting for a worker as part of a batch (worker-runtime/pool.ts: BATCH_TASK_MS). */
interface BatchedRun {
  params: Omit<RunTaskParameters, 'onStderr'>
  resolve: (result: RunTaskReturnType) => void
  reject: (err: Error) => void
  signal?: AbortSignal | undefined
  settled: boolean
}

/** A caller waiting for a worker: handed a slot, or (`batch`) run with the batched runs queued behind it. */
interface Waiter {
  resolve: (slot: number) => void
  reject: (err: Error) => void
  signal?: AbortSignal | undefined
  batch?: BatchedRun
  /** The module it will run, if it may be stacked behind a running run (STACK_TASK_MS). */
  module?: WebAssembly.Module | undefined
}

/** A run's watch on its worker: `died` settles if the worker dies before `unwatch` (undefined: a worker that cannot die on its own). */
interface DeathWatch { died: Promise<Error> | undefined, unwatch: () => void }

/** One worker of the pool. */
interface Slot {
  handle: WorkerHandle
  /** Runs (or batches, or a prepare) posted to its worker and not ended: 0, 1, or 2 when one is stacked behind another. */
  inFlight: number
  /** Settles when the last run posted to it ends: a run stacked behind it starts its clock then. */
  tail: Promise<void> | undefined
  /** Whether a run may be stacked behind the last one posted (both short: STACK_TASK_MS). */
  stackable: boolean
  retired: boolean
  /** Keys of the modules its worker holds, most recent first (worker-runtime/runtime-api.ts: useModuleKey). */
  modules: number[]
  /** Runs waiting on its worker, told when it dies. */
  deaths: Set<(err: Error) => void>
}

/** Thrown by a stopped pool. */
export class PoolStoppedError extends TabmeshError {
  constructor () { super('POOL_STOPPED', 'the worker pool was stopped') }
}

/**
 * A warm pool of runtime workers. Each task runs in a fresh instance on an idle worker; a task past
 * its `limits.timeoutMs` (or aborted) gets its worker terminated and replaced, so a runaway module
 * never holds a worker. Fires `change` on every state change (for progress displays), only while
 * something listens for it.
 */
export class WorkerPool extends TypedEventEmitter<WorkerPoolEvents> {
  private targetSize: number
  /** Fraction of wall time a worker computes, (0, 1]: after a task of d ms it rests d·(1/duty − 1) ms. */
  dutyCycle = 1
  private readonly spawn: () => WorkerHandle
  private readonly slots: Slot[]
  private readonly waiting: Waiter[] = []
  /** Recent run times inside the worker per module (ms), newest last, at most RUN_TIMES_KEPT. */
  private readonly runTimes = new WeakMap<WebAssembly.Module, number[]>()
  /** Median of each module's `runTimes`, kept as they change: read on every run (batching and stacking). */
  private readonly medianTimes = new WeakMap<WebAssembly.Module, number>()
  private replaced = 0
  private stopped = false
  /** Pool-wide keys of the modules run so far (worker-runtime/runtime-api.ts: WORKER_MODULE_CACHE). */
  private readonly moduleKeys = new WeakMap<WebAssembly.Module, number>()
  private nextModuleKey = 1

  constructor (options: WorkerPoolOptions) {
    super()
    if (!Number.isInteger(options.size) || options.size < 1) throw new TabmeshError('INVALID_ARGUMENT', `pool size must be a positive integer, got ${options.size}`)
    this.targetSize = options.size
    this.spawn = options.spawn
    this.slots = Array.from({ length: options.size }, () => this.newSlot())
  }

  private newSlot (): Slot {
    const slot: Slot = { handle: this.spawn(), inFlight: 0, tail: undefined, stackable: false, retired: false, modules: [], deaths: new Set() }
    this.watch(slot)
    return slot
  }

  /** Tells the runs waiting on `slot`'s worker when it dies: one reaction per worker, not one per run (a run's would outlive it). */
  private watch (slot: Slot): void {
    const handle = slot.handle
    void handle.exited?.then(err => { if (slot.handle === handle) for (const f of [...slot.deaths]) f(err) })
  }

  /** Settles when `slot`'s current worker dies, until `unwatch`. */
  private death (slot: Slot): DeathWatch {
    if (slot.handle.exited === undefined) return { died: undefined, unwatch: () => {} }
    let f!: (err: Error) => void
    const died = new Promise<Error>(resolve => { f = resolve; slot.deaths.add(resolve) })
    return { died, unwatch: () => { slot.deaths.delete(f) } }
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
      for (let i = live.length; i < size; i++) this.slots.push(this.newSlot())
      // Hand new workers to waiting callers.
      for (let i = 0; i < this.slots.length && this.waiting.length > 0; i++) {
        const slot = this.slots[i]!
        if (slot.inFlight === 0 && !slot.retired) { slot.inFlight = 1; this.hand(i, this.waiting.shift()!) }
      }
    } else {
      let extra = live.length - size
      for (const slot of live.slice().reverse()) {
        if (extra === 0) break
        slot.retired = true
        extra--
        if (slot.inFlight === 0) slot.handle.terminate()
      }
    }
    this.changed()
  }

  stats (): WorkerPoolStats {
    return { size: this.size, busy: this.slots.filter(s => s.inFlight > 0 && !s.retired).length, queued: this.waiting.length, replaced: this.replaced }
  }

  /**
   * Validates, caps and (optionally) meters a module in a worker, then compiles it once here.
   * @throws TaskError (INVALID_MODULE, MEMORY_LIMIT) for a module that cannot run
   */
  async prepare (params: PrepareModuleParameters, options: { signal?: AbortSignal } = {}): Promise<WebAssembly.Module> {
    const slot = await this.acquire(options.signal)
    try {
      const result = await this.slots[slot]!.handle.prepare(params)
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
    // A short task that would wait for a worker waits in a batch: it travels with the others queued.
    if (options.onLog === undefined && this.isShort(params.module) && this.idleSlot() < 0) return await this.runBatched(params, options.signal)
    return await this.runAlone(params, options)
  }

  /** One task in a message of its own (live logs, long or unmeasured modules, an idle pool). */
  private async runAlone (params: Omit<RunTaskParameters, 'onStderr'>, options: PoolRunOptions, front = false): Promise<RunTaskReturnType> {
    const slot = await this.acquire(options.signal, front, options.onLog === undefined ? params.module : undefined)
    const s = this.slots[slot]!
    const { after, ended } = this.post(s, options.onLog === undefined && this.isStackable(params.module))
    let started = performance.now()
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    let settled = false
    let death: DeathWatch | undefined
    try {
      const log = options.onLog !== undefined ? openLog(options.onLog) : undefined
      const send = (): { handle: WorkerHandle, run: Promise<RunTaskReturnType> } => {
        const handle = s.handle
        const message = this.message(slot, params)
        return { handle, run: handle.run({ ...message, ...(log !== undefined ? { logPort: log.port } : {}) }, [message.input.buffer, ...(log !== undefined ? [log.port] : [])]) }
      }
      let { handle, run } = send()
      this.stackNext(slot)
      // Aborted while running: its worker is replaced. Aborted while stacked behind another run: it
      // is stopped the moment that one ends (its worker replaced then, if it still holds it).
      let running = after === undefined
      let aborted = false
      let rejectRun!: (err: Error) => void
      let timedOut!: (result: RunTaskReturnType) => void
      const interrupted = new Promise<RunTaskReturnType>((resolve, reject) => { timedOut = resolve; rejectRun = reject })
      interrupted.catch(() => {})
      onAbort = () => {
        aborted = true
        if (running) { this.replace(slot); rejectRun(new AbortedError()) }
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (options.signal?.aborted === true) onAbort()
      if (after !== undefined) {
        // Stacked behind another run: this one starts when that one ends. If that one's worker was
        // replaced meanwhile (its timeout, a crash), this run's message went with it: send it again.
        await after
        if (aborted) {
          if (s.handle === handle) this.replace(slot)
          throw new AbortedError()
        }
        if (s.handle !== handle) ({ handle, run } = send())
        running = true
        started = performance.now()
      }
      timer = setTimeout(() => {
        this.replace(slot)
        timedOut({ ok: false, error: { code: 'TIMEOUT', message: `the task ran past its ${params.limits.timeoutMs} ms timeout` }, durationMs: performance.now() - started })
      }, params.limits.timeoutMs)
      // A worker that dies mid-task (its JS heap limit, a crash) fails the task now, not at its timeout.
      death = this.death(s)
      const died = death.died?.then((err): RunTaskReturnType => {
        if (!settled && s.handle === handle) this.replace(slot)
        const oom = /OUT_OF_MEMORY|heap/i.test(`${(err as { code?: string }).code ?? ''} ${err.message}`)
        return { ok: false, error: { code: oom ? 'MEMORY_LIMIT' : 'TRAP', message: oom ? 'the task took more than the worker\'s JS heap (256 MiB)' : `the worker died: ${err.message}` }, durationMs: performance.now() - started }
      })
      try {
        const result = await Promise.race([run, interrupted, ...(died !== undefined ? [died] : [])])
        this.measured(params.module, result)
        await log?.ended
        return result
      } finally {
        log?.close()
      }
    } finally {
      settled = true
      death?.unwatch()
      clearTimeout(timer)
      if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort)
      ended()
      this.releaseAfterRest(slot, started)
    }
  }

  /**
   * Marks a run posted to `s`: `after` settles when the run ahead of it on that worker ends
   * (undefined when none is), and `ended` must be called when this one ends.
   */
  private post (s: Slot, stackable: boolean): { after: Promise<void> | undefined, ended: () => void } {
    const after = s.inFlight > 1 ? s.tail : undefined
    let ended!: () => void
    const tail = new Promise<void>(resolve => { ended = resolve })
    s.tail = tail
    s.stackable = stackable
    return { after, ended: () => { ended(); if (s.tail === tail) { s.tail = undefined; s.stackable = false } } }
  }

  /** Right after a short run was sent to `slot`'s worker: the next waiting short run is stacked behind it. */
  private stackNext (slot: number): void {
    const s = this.slots[slot]!
    if (this.stopped || s.retired || s.inFlight !== 1 || !s.stackable || this.waiting.length === 0 || !this.waiterStackable(this.waiting[0]!)) return
    s.inFlight++
    this.hand(slot, this.waiting.shift()!)
    this.changed()
  }

  /** Whether `module`'s runs are short enough to stack one behind another on a worker (STACK_TASK_MS). */
  private isStackable (module: WebAssembly.Module): boolean {
    const ms = this.runTime(module)
    return this.dutyCycle >= 1 && ms !== undefined && ms < STACK_TASK_MS
  }

  /** A busy worker a run of `module` may be stacked on (its one run in flight is short too), or −1. */
  private stackSlot (module: WebAssembly.Module | undefined): number {
    if (module === undefined || !this.isStackable(module)) return -1
    return this.slots.findIndex(s => s.inFlight === 1 && s.stackable && !s.retired)
  }

  /** Terminates every worker; pending and future calls fail with PoolStoppedError. */
  stop (): void {
    this.stopped = true
    for (const slot of this.slots) slot.handle.terminate()
    for (const w of this.waiting.splice(0)) w.reject(new PoolStoppedError())
    this.changed()
  }

  /** An idle worker's slot, else (for a short run of `module`) a busy one to stack on, else the next one to free up. */
  private async acquire (signal: AbortSignal | undefined, front = false, module?: WebAssembly.Module): Promise<number> {
    if (this.stopped) throw new PoolStoppedError()
    throwIfAborted(signal)
    let free = this.idleSlot()
    // Waiting callers come first: a run is stacked only when no one is waiting.
    if (free < 0 && this.waiting.length === 0) free = this.stackSlot(module)
    if (free >= 0) {
      this.slots[free]!.inFlight++
      this.changed()
      return free
    }
    return await new Promise<number>((resolve, reject) => {
      const entry: Waiter = { resolve, reject, signal, module }
      if (front) this.waiting.unshift(entry)
      else this.waiting.push(entry)
      this.changed()
      signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(entry)
        if (i >= 0) { this.waiting.splice(i, 1); reject(new AbortedError()); this.changed() }
      }, { once: true })
    })
  }

  private release (slot: number): void {
    const s = this.slots[slot]!
    s.inFlight--
    if (s.retired) {
      if (s.inFlight === 0) s.handle.terminate()
      this.changed()
      return
    }
    // Hand the worker straight to the next caller (it stays busy), or stack the next short run on it.
    while (!this.stopped && this.waiting.length > 0 && (s.inFlight === 0 || (s.inFlight === 1 && s.stackable && this.waiterStackable(this.waiting[0]!)))) {
      s.inFlight++
      this.hand(slot, this.waiting.shift()!)
    }
    this.changed()
  }

  /** Whether a waiting caller's run may be stacked behind a running one. */
  private waiterStackable (w: Waiter): boolean {
    const module = w.batch?.params.module ?? w.module
    return module !== undefined && this.isStackable(module)
  }

  /** Gives busy `slot` to `waiter`: its slot, or its batch with the runs of the same module queued behind it. */
  private hand (slot: number, waiter: Waiter): void {
    if (waiter.batch === undefined) { waiter.resolve(slot); return }
    const batch = [waiter.batch]
    const each = this.runTime(waiter.batch.params.module) ?? BATCH_TASK_MS
    for (let i = 0; i < this.waiting.length && batch.length < MAX_BATCH_TASKS && (batch.length + 1) * each <= BATCH_WORK_MS;) {
      const w = this.waiting[i]!
      if (w.batch !== undefined && w.batch.params.module === waiter.batch.params.module) { batch.push(w.batch); this.waiting.splice(i, 1) } else i++
    }
    void this.runBatch(slot, batch)
  }

  /** Whether `module`'s tasks are short enough to batch (BATCH_TASK_MS, measured on BATCH_AFTER_RUNS runs). */
  private isShort (module: WebAssembly.Module): boolean {
    const ms = this.runTime(module)
    return ms !== undefined && ms < BATCH_TASK_MS
  }

  /** Median of a module's recent run times (ms), once BATCH_AFTER_RUNS are known. */
  private runTime (module: WebAssembly.Module): number | undefined {
    return this.medianTimes.get(module)
  }

  /** Keeps a run's time inside the worker among its module's recent ones. */
  private measured (module: WebAssembly.Module, result: RunTaskReturnType): void {
    const times = this.runTimes.get(module) ?? []
    times.push(result.durationMs)
    if (times.length > RUN_TIMES_KEPT) times.shift()
    this.runTimes.set(module, times)
    if (times.length >= BATCH_AFTER_RUNS) this.medianTimes.set(module, [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!)
  }

  /** Queues a short task (called only while every worker is busy) to go to the next free worker with the others of its module queued then. */
  private async runBatched (params: Omit<RunTaskParameters, 'onStderr'>, signal: AbortSignal | undefined): Promise<RunTaskReturnType> {
    if (this.stopped) throw new PoolStoppedError()
    throwIfAborted(signal)
    return await new Promise<RunTaskReturnType>((resolve, reject) => {
      const run: BatchedRun = { params, resolve, reject, signal, settled: false }
      const waiter: Waiter = { resolve: () => {}, reject, signal, batch: run }
      this.waiting.push(waiter)
      // A worker running a short run with none stacked behind it takes the queued runs as its next batch now.
      const stack = this.waiting.length === 1 ? this.stackSlot(params.module) : -1
      if (stack >= 0) this.stackNext(stack)
      this.changed()
      // Aborted while queued: it leaves the queue. Aborted while its batch runs: it is answered at
      // once and its result dropped; the worker finishes the (short) batch for the others.
      signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(waiter)
        if (i >= 0) { this.waiting.splice(i, 1); this.changed() }
        if (!run.settled) { run.settled = true; reject(new AbortedError()) }
      }, { once: true })
    })
  }

  /**
   * Runs `batch` on `slot` in one message. Within the smallest timeout of its tasks, or each task is
   * run again alone at the front of the queue (a runaway or a crash then fails only its own task);
   * the same when the worker dies meanwhile.
   */
  private async runBatch (slot: number, batch: BatchedRun[]): Promise<void> {
    const s = this.slots[slot]!
    // A batch holds runs of one module (hand).
    const { after, ended } = this.post(s, this.isStackable(batch[0]!.params.module))
    let started = performance.now()
    let handle = s.handle
    const timeoutMs = Math.min(...batch.map(r => r.params.limits.timeoutMs))
    let timer: ReturnType<typeof setTimeout> | undefined
    let results: RunTaskReturnType[] | undefined
    let death: DeathWatch | undefined
    try {
      const send = (): Promise<RunTaskReturnType[]> => {
        handle = s.handle
        const items = batch.map(r => this.message(slot, r.params))
        return handle.runBatch(items, items.map(i => i.input.buffer))
      }
      let answer = send()
      this.stackNext(slot)
      if (after !== undefined) {
        // Stacked behind another run (see runAlone): sent again if that run's worker was replaced.
        await after
        if (s.handle !== handle) answer = send()
        started = performance.now()
      }
      death = this.death(s)
      const interrupted = new Promise<undefined>(resolve => { timer = setTimeout(() => { this.replace(slot); resolve(undefined) }, timeoutMs) })
      const died = death.died?.then(() => { if (s.handle === handle) this.replace(slot); return undefined })
      results = await Promise.race([answer, interrupted, ...(died !== undefined ? [died] : [])])
    } catch {
      results = undefined
    } finally {
      death?.unwatch()
      clearTimeout(timer)
      ended()
      this.releaseAfterRest(slot, started)
    }
    for (const [i, run] of batch.entries()) {
      if (run.settled) continue
      const result = results?.[i]
      if (result !== undefined) {
        run.settled = true
        this.measured(run.params.module, result)
        run.resolve(result)
      } else {
        // The batch timed out or its worker died: this task runs again alone, first in line.
        this.runAlone(run.params, run.signal !== undefined ? { signal: run.signal } : {}, true).then(r => { if (!run.settled) { run.settled = true; run.resolve(r) } }, (err: Error) => { if (!run.settled) { run.settled = true; run.reject(err) } })
      }
    }
  }

  /**
   * What a run sends its worker: the module by reference, input and seed in buffers of their own (the
   * input to be transferred) — a structured clone of a view copies its whole ArrayBuffer, and a
   * decoded request's fields are views into the frame they came in (up to 256 KiB of batched tasks;
   * 140 µs a task, bench/suites/throughput.ts). `new Uint8Array(view)` copies; `slice` would not on a
   * Node Buffer.
   */
  private message (slot: number, params: Omit<RunTaskParameters, 'onStderr'>): WorkerRunParameters & { input: Uint8Array<ArrayBuffer> } {
    return { ...params, module: this.moduleRef(slot, params.module), input: new Uint8Array(params.input), seed: new Uint8Array(params.seed) }
  }

  /** Frees `slot` now, or after its rest when the duty cycle is below 1 (a run of d ms rests d·(1/duty − 1) ms). */
  private releaseAfterRest (slot: number, started: number): void {
    const rest = this.dutyCycle < 1 ? (performance.now() - started) * (1 / Math.max(this.dutyCycle, 0.05) - 1) : 0
    if (rest > 0) setTimeout(() => { this.release(slot) }, rest)
    else this.release(slot)
  }

  /** The first idle worker's slot, or −1. */
  private idleSlot (): number {
    return this.slots.findIndex(s => s.inFlight === 0 && !s.retired)
  }

  private replace (slot: number): void {
    const s = this.slots[slot]!
    s.handle.terminate()
    this.replaced++
    s.modules = []
    if (!this.stopped && !s.retired) { s.handle = this.spawn(); this.watch(s) }
  }

  /** The module as `slot`'s worker is sent it: by key alone when the worker holds it already. */
  private moduleRef (slot: number, module: WebAssembly.Module): WorkerModuleRef {
    let key = this.moduleKeys.get(module)
    if (key === undefined) {
      key = this.nextModuleKey++
      this.moduleKeys.set(module, key)
    }
    const held = this.slots[slot]!.modules.includes(key)
    useModuleKey(this.slots[slot]!.modules, key)
    return held ? { key } : { key, module }
  }

  private changed (): void {
    if (this.listenerCount('change') > 0) this.dispatchEvent(new Event('change'))
  }
}
