/**
 * `/tabmesh/task/2.0.0`, both halves: one long-lived, multiplexed task session per (requester,
 * provider) connection. No stream is opened per task.
 *
 * - The requester sends `RequesterFrame`s: new tasks (each with a request id), cancellations, how many
 *   more tasks it would send now (`want`) and credit it hands back unused (`returned`).
 * - The provider sends `ProviderFrame`s: answers (each echoing its request id) and new credit.
 * - Credit-based flow control (as in HTTP/2 and QUIC stream credit, counted in tasks, not bytes): a
 *   requester may send only as many tasks as the provider granted. The provider grants from its
 *   free slots (workers + queue, shared by every session), round-robin over the sessions that want
 *   some, and grants again as tasks end. A task sent without credit is a protocol violation: the
 *   session is reset and its tasks are stopped.
 * - A requester that sends one task after another asks to `keep` a slot: the provider grants the slot
 *   a task frees straight back in the frame that carries its answer (unless another session wants one).
 * - Frames coalesce: everything queued in one tick (up to TASK_BATCH_BYTES) travels in one frame, so
 *   short tasks go in batches and each frame is encoded once. A provider holds a finished answer up
 *   to TASK_ANSWER_HOLD_MS while more of the session's tasks are under way than answers wait, so
 *   short tasks' answers (and the credit they free) share frames; a session's last open task is
 *   answered at once.
 * - A cancelled task (or every task of a session that closes: the requester went away) has its
 *   worker stopped at once and answers CANCELLED.
 * - Liveness: a provider with tasks open on a session writes a frame at least every
 *   TASK_KEEPALIVE_MS (an empty one if it has nothing to say). A requester with tasks open that hears
 *   nothing for TASK_SILENCE_MS closes the session (SessionSilentError): a stalled provider gives its
 *   queued tasks back within seconds, not at their deadlines.
 *
 * Messages: mesh/protocol/messages.proto. Codes: mesh/protocol/codes.ts.
 */
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { AbortedError, TabmeshError } from '../../errors/base.ts'
import { MAX_TASK_MESSAGE_BYTES, TASK_ANSWER_HOLD_MS, TASK_BATCH_BYTES, TASK_CREDIT_LINGER_MS, TASK_DRAIN_TIMEOUT_MS, TASK_KEEPALIVE_MS, TASK_PROTOCOL, TASK_SILENCE_MS } from '../constants.ts'
import { connectDirect } from '../node/connections.ts'
import type { MeshNode } from '../node/create-node.ts'
import { readMessages, sendMessage } from '../node/message-stream.ts'
import { ProviderFrame, RequesterFrame } from './messages.js'
import type { TaskFailure, TaskLog, TaskRequest, TaskResponse } from './messages.js'
import type { WireFailureCode } from './codes.ts'
import type { TaskSpec } from '../../chain/task-hash.ts'

/** Tasks one RequesterFrame may carry (a requester never holds more credit than a provider's slots). */
const MAX_TASKS_PER_FRAME = 1024
/** Cancellations one RequesterFrame may carry. */
const MAX_CANCELS_PER_FRAME = 4096
/** argv / env entries one task may carry. */
const MAX_TASK_ARGS = 256
/** Request ids wrap below 2^32 (protobuf uint32); 0 is never used. */
const MAX_REQUEST_ID = 0xffff_ffff

/** A request as a requester hands it to its session: the session numbers it; `mounts` and `outDir` may be left out (none). */
export type TaskSessionRequest = Omit<TaskRequest, 'id' | 'mounts' | 'outDir' | 'logs'> & { mounts?: TaskRequest['mounts'], outDir?: string, logs?: boolean }

/** A TaskResponse that carries a failure `code` and nothing else. */
export function failureResponse (code: WireFailureCode, message: string, exitCode?: number, stderrTail?: string): TaskResponse {
  const failure: TaskFailure = { code, message, exitCode: exitCode ?? 0, stderrTail: stderrTail ?? '' }
  return { ok: false, output: new Uint8Array(0), outputCid: new Uint8Array(0), durationMs: 0, fuelUsed: 0n, failure, receiptSignature: new Uint8Array(0), operator: '', id: 0 }
}

/** What a task's receipt commits to, from its request (the requester computes the same from what it sends). */
export function taskSpecOf (request: Pick<TaskRequest, 'moduleCid' | 'inputCid' | 'args' | 'env' | 'limits'> & { mounts?: TaskRequest['mounts'], outDir?: string }): TaskSpec {
  return {
    moduleCid: request.moduleCid,
    inputCid: request.inputCid,
    args: request.args,
    env: request.env,
    mounts: (request.mounts ?? []).map(m => ({ guestPath: m.guestPath, treeCid: m.treeCid })),
    outDir: request.outDir ?? '',
    timeoutMs: request.limits?.timeoutMs ?? 0,
    memoryPages: request.limits?.memoryPages ?? 0,
    fuel: request.limits?.fuel ?? 0n,
    maxOutputBytes: request.limits?.maxOutputBytes ?? 0
  }
}


/** Bytes a request or response adds to a frame, near enough to bound batches. */
function sizeOf (message: TaskRequest | TaskResponse): number {
  return 'input' in message ? message.input.length + 512 + message.args.reduce((n, a) => n + a.length, 0) + message.env.reduce((n, e) => n + e.length, 0) : message.output.length + 256 + (message.failure?.message.length ?? 0) + (message.failure?.stderrTail.length ?? 0)
}

/** Removes and returns the first items of `queue` that fit in TASK_BATCH_BYTES together (at least one). */
function takeBatch<T> (queue: T[], messageOf: (item: T) => TaskRequest | TaskResponse): T[] {
  let bytes = 0
  let n = 0
  while (n < queue.length && (n === 0 || bytes + sizeOf(messageOf(queue[n]!)) <= TASK_BATCH_BYTES)) bytes += sizeOf(messageOf(queue[n++]!))
  return queue.splice(0, n)
}

/**
 * Writes frames one at a time: whatever `take` returns when a write can start goes in one frame,
 * so items queued while a write is under way (or in the same tick) share the next frame.
 */
class FrameWriter {
  private writing = false
  private scheduled = false
  /** A kick came while a write was under way: look again before stopping. */
  private again = false
  private readonly write: () => Promise<boolean>
  constructor (write: () => Promise<boolean>) { this.write = write }

  /** Starts a write in a microtask unless one is under way (that one then looks again before it stops). */
  kick (): void {
    if (this.writing) { this.again = true; return }
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => { this.scheduled = false; void this.loop() })
  }

  private async loop (): Promise<void> {
    if (this.writing) return
    this.writing = true
    try {
      // A kick between the last write's end and the loop's (a task answered in that microtask) is not lost.
      do {
        this.again = false
        while (await this.write()) { /* another frame was written; look again */ }
      } while (this.again)
    } finally {
      this.writing = false
    }
  }
}

// ————————————————————————————————————————— requester half —————————————————————————————————————————

export interface TaskSessionEvents {
  /** The provider granted `detail` more slots. */
  credit: CustomEvent<number>
  /** The session ended; `detail` says why. Every open request was rejected with it. */
  close: CustomEvent<Error>
}

/** Options of `TaskSession.send` and `run`. */
export interface TaskSendOptions {
  /** Cancels the task: the provider is told to stop it. */
  signal?: AbortSignal
  /** The task's live log as it arrives (a request sent with `logs: true`); a throw is ignored. */
  onLog?: (log: TaskLog) => void
}

/** A session closed under a request: the provider is gone (or reset the session). */
export class SessionClosedError extends TabmeshError {
  constructor (peer: string, cause?: unknown) {
    super('PROVIDER_LOST', `the task session with ${peer} closed`, { cause })
  }
}

/** A session closed by its requester: tasks were open and the provider sent nothing for `silentMs` (TASK_SILENCE_MS). */
export class SessionSilentError extends SessionClosedError {
  readonly silentMs: number
  constructor (peer: string, silentMs: number, open: number) {
    super(peer)
    this.message = `${peer} sent nothing for ${Math.round(silentMs)} ms with ${open} task(s) open: the task session was given up`
    this.silentMs = silentMs
  }
}

/** Options of a requester's task session. */
export interface TaskSessionOptions {
  /** Closes the session (SessionSilentError) when tasks are open and nothing was heard for this long, ms; default TASK_SILENCE_MS. */
  silenceMs?: number
}

/** `send` without credit: wait for the `credit` event (or use `run`). */
export class NoCreditError extends TabmeshError {
  constructor (peer: string) {
    super('NO_CREDIT', `${peer} has granted no free slot`)
  }
}

/**
 * The requester's end of a task session with one provider. Shared by every job of a client: each
 * states with `want` how many more tasks it would send, and sends with `send` while `credit` lasts.
 * Credit nobody wants is handed back with the next frame — except one slot, kept for
 * TASK_CREDIT_LINGER_MS after the last task (`keep`: the provider grants it again with the answer
 * that frees it), so tasks sent one after another cost one frame each way.
 *
 * @example
 * const session = await openTaskSession(node, providerPeerId, addrs, { signal })
 * const response = await session.run({ jobId, taskIndex: 0, moduleCid, inputCid, … }, { signal })
 */
export class TaskSession extends TypedEventEmitter<TaskSessionEvents> {
  readonly peer: string
  readonly connection: Connection
  private readonly stream: Stream
  private held = 0
  private readonly wants = new Map<object, number>()
  private sentWant = 0
  private sentKeep = 0
  private toReturn = 0
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (r: TaskResponse) => void, reject: (err: Error) => void, onLog?: ((log: TaskLog) => void) | undefined }>()
  private tasks: TaskRequest[] = []
  private cancels: number[] = []
  private readonly writer: FrameWriter
  private closedWith: Error | undefined
  /** Callers of `run` waiting for credit. */
  private waiting = 0
  /** When the last task was sent (performance.now(), ms); one slot is kept until TASK_CREDIT_LINGER_MS after. */
  private lastSentAt = -Infinity
  /** Kicks the writer when the kept slot's linger ends, so it goes back. */
  private lingerTimer: ReturnType<typeof setTimeout> | undefined
  private readonly silenceMs: number
  /** When a frame last came, or the first of the open tasks was sent if later (performance.now(), ms). */
  private heardAt = performance.now()
  /** Runs while tasks are open: closes a session silent for `silenceMs`. */
  private watchdog: ReturnType<typeof setInterval> | undefined

  constructor (connection: Connection, stream: Stream, options: TaskSessionOptions = {}) {
    super()
    this.peer = connection.remotePeer.toString()
    this.connection = connection
    this.stream = stream
    this.silenceMs = options.silenceMs ?? TASK_SILENCE_MS
    this.writer = new FrameWriter(async () => await this.flush())
    readMessages(stream, ProviderFrame, MAX_TASK_MESSAGE_BYTES, {
      message: frame => { this.received(frame) },
      end: err => { this.close(new SessionClosedError(this.peer, err)) }
    })
  }

  /** Slots granted and not used yet: tasks `send` may start now. */
  get credit (): number { return this.held }

  /** Why the session closed, or undefined while it is open. */
  get closed (): Error | undefined { return this.closedWith }

  /** Requests sent and not answered yet. */
  get open (): number { return this.pending.size }

  /**
   * Says how many more tasks `owner` (a job, say) would send now; the provider grants against the
   * sum over owners. 0 when it has none: its share of unused credit goes back to the provider.
   */
  want (owner: object, tasks: number): void {
    if (tasks > 0) this.wants.set(owner, tasks)
    else this.wants.delete(owner)
    this.writer.kick()
  }

  /**
   * Sends one task on one slot of credit.
   * @returns the provider's answer (failures included as data)
   * @throws NoCreditError without credit; SessionClosedError when the session ends first; the
   *   signal's reason (AbortedError by default) when `signal` fires — the provider is told to stop the task
   */
  async send (request: TaskSessionRequest, options: TaskSendOptions = {}): Promise<TaskResponse> {
    if (this.closedWith !== undefined) throw this.closedWith
    if (this.held === 0) throw new NoCreditError(this.peer)
    options.signal?.throwIfAborted()
    this.held--
    this.lastSentAt = performance.now()
    if (this.pending.size === 0) this.heardAt = this.lastSentAt
    this.watch()
    const id = this.takeId()
    const answer = new Promise<TaskResponse>((resolve, reject) => { this.pending.set(id, { resolve, reject, onLog: options.onLog }) })
    this.tasks.push({ ...request, mounts: request.mounts ?? [], outDir: request.outDir ?? '', logs: request.logs ?? false, id })
    this.writer.kick()
    const signal = options.signal
    if (signal === undefined) return await answer
    const onAbort = (): void => {
      const entry = this.pending.get(id)
      if (entry === undefined) return
      this.pending.delete(id)
      this.cancels.push(id)
      this.writer.kick()
      entry.reject(signal.reason instanceof Error ? signal.reason : new AbortedError())
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      return await answer
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /**
   * Declines an answer already received (its task was settled by others meanwhile): the provider
   * stops counting it as owed, within its decline budget (mesh/payment/provider-payments.ts).
   */
  decline (id: number): void {
    if (this.closedWith !== undefined || id === 0) return
    this.cancels.push(id)
    this.writer.kick()
  }

  /** `send` after waiting for credit (stating a want of one per waiting call meanwhile). */
  async run (request: TaskSessionRequest, options: TaskSendOptions = {}): Promise<TaskResponse> {
    this.waiting++
    try {
      while (this.held === 0) {
        if (this.closedWith !== undefined) throw this.closedWith
        this.want(this.runOwner, this.waiting)
        await new Promise<void>((resolve, reject) => {
          const done = (): void => { this.removeEventListener('credit', done); this.removeEventListener('close', done); options.signal?.removeEventListener('abort', aborted); resolve() }
          const aborted = (): void => { done(); reject(options.signal!.reason instanceof Error ? options.signal!.reason : new AbortedError()) }
          this.addEventListener('credit', done)
          this.addEventListener('close', done)
          options.signal?.addEventListener('abort', aborted, { once: true })
          if (options.signal?.aborted === true) aborted()
        })
      }
    } finally {
      this.waiting--
      this.want(this.runOwner, this.waiting)
    }
    return await this.send(request, options)
  }

  private readonly runOwner = {}

  /** Starts the silence check if it is not running; it stops itself when no task is open. */
  private watch (): void {
    if (this.watchdog !== undefined) return
    this.watchdog = setInterval(() => {
      if (this.pending.size === 0) { clearInterval(this.watchdog); this.watchdog = undefined; return }
      const silent = performance.now() - this.heardAt
      if (silent > this.silenceMs) this.close(new SessionSilentError(this.peer, silent, this.pending.size))
    }, Math.max(10, this.silenceMs / 4))
    if (typeof this.watchdog === 'object') this.watchdog.unref?.()
  }

  /** Ends the session: open requests are rejected, the provider stops their workers. */
  close (reason: Error = new SessionClosedError(this.peer)): void {
    if (this.closedWith !== undefined) return
    this.closedWith = reason
    clearTimeout(this.lingerTimer)
    clearInterval(this.watchdog)
    for (const entry of this.pending.values()) entry.reject(reason)
    this.pending.clear()
    this.stream.close({ signal: AbortSignal.timeout(1_000) }).catch(() => { this.stream.abort(reason) })
    this.safeDispatchEvent('close', { detail: reason })
  }

  private takeId (): number {
    for (;;) {
      const id = this.nextId
      this.nextId = id >= MAX_REQUEST_ID ? 1 : id + 1
      if (!this.pending.has(id)) return id
    }
  }

  /** Writes one frame if there is anything to say; false when there was not. */
  private async flush (): Promise<boolean> {
    if (this.closedWith !== undefined) return false
    let total = 0
    for (const n of this.wants.values()) total += n
    // Lingering after the last task: one slot, held or running (the provider re-grants it as it ends).
    const keep = total === 0 ? this.lingering() : 0
    const target = Math.max(total, keep - this.pending.size)
    if (this.held > target) { this.toReturn += this.held - target; this.held = target }
    const want = target - this.held
    if (this.tasks.length === 0 && this.cancels.length === 0 && this.toReturn === 0 && want === this.sentWant && keep === this.sentKeep) return false
    const frame: RequesterFrame = { tasks: takeBatch(this.tasks, t => t), cancel: this.cancels.splice(0), want, returned: this.toReturn, keep }
    this.toReturn = 0
    this.sentWant = want
    this.sentKeep = keep
    try {
      if (!sendMessage(this.stream, RequesterFrame, frame)) await this.stream.onDrain()
    } catch (err) {
      this.close(new SessionClosedError(this.peer, err))
      return false
    }
    return true
  }

  /** 1 while the slot kept after the last task lingers (a timer then returns it), else 0. */
  private lingering (): number {
    const left = this.lastSentAt + TASK_CREDIT_LINGER_MS - performance.now()
    if (left <= 0) return 0
    if (this.lingerTimer === undefined) {
      this.lingerTimer = setTimeout(() => { this.lingerTimer = undefined; this.writer.kick() }, left + 1)
      if (typeof this.lingerTimer === 'object') this.lingerTimer.unref?.()
    }
    return 1
  }

  /** One frame from the provider, as it arrives. */
  private received (frame: ProviderFrame): void {
    if (this.closedWith !== undefined) return
    this.heardAt = performance.now()
    // A task's logs come before its answer.
    for (const log of frame.logs) {
      try { this.pending.get(log.id)?.onLog?.(log) } catch {}
    }
    for (const response of frame.results) {
      const entry = this.pending.get(response.id)
      if (entry === undefined) continue // cancelled meanwhile
      this.pending.delete(response.id)
      entry.resolve(response)
    }
    if (frame.credit > 0) {
      this.held += frame.credit
      // The provider counted its grant against the want it was told: nothing to correct.
      this.sentWant = Math.max(0, this.sentWant - frame.credit)
      this.safeDispatchEvent('credit', { detail: frame.credit })
      this.writer.kick() // hands back what no one took
    }
  }
}

/**
 * Opens a task session with `peer` over a direct connection (dialing `addrs` if needed).
 * @throws PeerUnreachableError when no direct connection can be made; the stream's error when the
 *   provider does not speak TASK_PROTOCOL
 */
export async function openTaskSession (node: MeshNode, peer: PeerId, addrs: Multiaddr[], options: { signal?: AbortSignal } & TaskSessionOptions = {}): Promise<TaskSession> {
  const connection = await connectDirect(node, peer, addrs, options)
  const stream = await connection.newStream(TASK_PROTOCOL, options)
  return new TaskSession(connection, stream, options)
}

export interface TaskSessionsEvents {
  /** A session with provider `detail` (a peer id) got credit. */
  credit: CustomEvent<string>
}

/**
 * A requester's task sessions, one per provider, shared by all its jobs; a closed session is
 * forgotten, and the next `open` makes a new one.
 */
export class TaskSessions extends TypedEventEmitter<TaskSessionsEvents> {
  private readonly node: MeshNode
  private readonly ready = new Map<string, TaskSession>()
  private readonly opening = new Map<string, Promise<TaskSession>>()

  constructor (node: MeshNode) {
    super()
    this.node = node
  }

  /** The open session with `peer`, if any. */
  get (peer: string): TaskSession | undefined {
    return this.ready.get(peer)
  }

  /** The open session with `peer`, opening one if needed (one attempt at a time per peer). */
  async open (peer: PeerId, addrs: Multiaddr[], options: { signal?: AbortSignal } = {}): Promise<TaskSession> {
    const key = peer.toString()
    const existing = this.ready.get(key)
    if (existing !== undefined) return existing
    let opening = this.opening.get(key)
    if (opening === undefined) {
      opening = openTaskSession(this.node, peer, addrs, options).then(session => {
        this.ready.set(key, session)
        session.addEventListener('credit', () => { this.safeDispatchEvent('credit', { detail: key }) })
        session.addEventListener('close', () => { if (this.ready.get(key) === session) this.ready.delete(key) })
        return session
      }).finally(() => { this.opening.delete(key) })
      this.opening.set(key, opening)
    }
    return await opening
  }

  /** Closes every session. */
  stop (): void {
    for (const session of this.ready.values()) session.close()
    this.ready.clear()
  }
}

// —————————————————————————————————————————— provider half ——————————————————————————————————————————

export interface TaskSessionHandlerOptions {
  /** Slots (tasks running, queued or granted) offered over all sessions; read at every grant. */
  capacity: () => number
  /** While true, no credit is granted (tasks already granted still arrive and are answered). */
  paused: () => boolean
  /**
   * Runs one task and answers it; failures are answers too (never rejects on purpose). `signal`
   * fires when the requester cancels the task or its session ends: stop the worker. `log` sends the
   * task's live log ahead of its answer; it is given only for requests with `logs`.
   */
  run: (request: TaskRequest, connection: Connection, signal: AbortSignal, log: ((log: Omit<TaskLog, 'id'>) => void) | undefined) => Promise<TaskResponse>
  /** Called once an answer was written to the requester's stream. */
  delivered?: (request: TaskRequest, response: TaskResponse) => void
  /** Called when the requester cancels a request whose answer was already written (they crossed). */
  declined?: (request: TaskRequest, response: TaskResponse) => void
  /** A session with tasks open gets a frame at least this often, ms (an empty one if need be); default TASK_KEEPALIVE_MS. */
  keepaliveMs?: number
}

/** Answers a session remembers after writing them, so a cancel that crossed one can decline it. */
const DELIVERED_REMEMBERED = 256

interface ServerSession {
  connection: Connection
  stream: Stream
  /** Credit granted and not used yet. */
  granted: number
  /** More tasks the requester said it would send. */
  want: number
  /** Slots the requester asked to have granted straight back as its tasks end (RequesterFrame.keep). */
  keep: number
  /** Tasks received and not answered, by request id. */
  open: Map<number, { request: TaskRequest, controller: AbortController }>
  results: Array<{ request: TaskRequest, response: TaskResponse }>
  /** Live logs of open tasks not written yet (requests with `logs`). */
  logs: TaskLog[]
  /** Answers written lately, by request id (at most DELIVERED_REMEMBERED, oldest dropped first). */
  delivered: Map<number, { request: TaskRequest, response: TaskResponse }>
  credit: number
  writer: FrameWriter
  /** Set while answers are held for company (TASK_ANSWER_HOLD_MS); it writes them when it fires. */
  holdTimer: ReturnType<typeof setTimeout> | undefined
  /** When a frame was last written (performance.now(), ms). */
  wroteAt: number
  /** A keep-alive is due: the next flush writes a frame even if it is empty. */
  ping: boolean
  closed: boolean
}

/**
 * The provider's end: serves task sessions and shares its slots among them.
 *
 * @example
 * const server = new TaskSessionServer({ capacity: () => pool.size * 2, paused: () => false, run })
 * await node.handle(TASK_PROTOCOL, (stream, connection) => { server.handle(stream, connection) }, { maxInboundStreams: TASK_SESSIONS_PER_CONNECTION })
 */
export class TaskSessionServer {
  private readonly options: TaskSessionHandlerOptions
  private readonly sessions: ServerSession[] = []
  /** Slots granted or holding a task, over all sessions. */
  private used = 0
  /** Where the next round-robin grant starts. */
  private turn = 0
  /** Sessions reset for sending tasks past their credit (or a duplicate request id). */
  violations = 0
  /** Runs while sessions are open: marks keep-alives due. */
  private keepalive: ReturnType<typeof setInterval> | undefined

  constructor (options: TaskSessionHandlerOptions) {
    this.options = options
  }

  /** Sessions open now. */
  get size (): number { return this.sessions.length }

  /** Serves one inbound session until it ends. */
  handle (stream: Stream, connection: Connection): void {
    let session!: ServerSession
    const writer = new FrameWriter(async () => await this.flush(session))
    session = {
      connection,
      stream,
      granted: 0,
      want: 0,
      keep: 0,
      open: new Map(),
      results: [],
      logs: [],
      delivered: new Map(),
      credit: 0,
      writer,
      holdTimer: undefined,
      wroteAt: performance.now(),
      ping: false,
      closed: false
    }
    this.sessions.push(session)
    this.keepAlive()
    readMessages(stream, RequesterFrame, MAX_TASK_MESSAGE_BYTES, {
      message: frame => { this.received(session, frame) },
      end: err => {
        if (err instanceof TabmeshError && err.code === 'PROTOCOL_VIOLATION') {
          this.violations++
          stream.abort(err)
        }
        this.end(session, new AbortedError('the requester went away'))
      }
    }, { limits: { tasks: MAX_TASKS_PER_FRAME, cancel: MAX_CANCELS_PER_FRAME, tasks$: { args: MAX_TASK_ARGS, env: MAX_TASK_ARGS } } })
  }

  /** Grants free slots to the sessions that want them, round-robin one at a time. */
  grant (): void {
    if (this.options.paused()) return
    let free = this.options.capacity() - this.used
    while (free > 0) {
      let given = false
      for (let i = 0; i < this.sessions.length && free > 0; i++) {
        const s = this.sessions[(this.turn + i) % this.sessions.length]!
        if (s.closed || s.want === 0) continue
        s.want--
        s.granted++
        s.credit++
        this.used++
        free--
        given = true
        s.writer.kick()
      }
      this.turn = this.sessions.length === 0 ? 0 : (this.turn + 1) % this.sessions.length
      if (!given) break
    }
  }

  /** Ends every session (their tasks are stopped). */
  stop (): void {
    for (const s of [...this.sessions]) this.end(s, new AbortedError('the provider stopped'))
    clearInterval(this.keepalive)
    this.keepalive = undefined
  }

  /** Starts the keep-alive timer while any session is open: a session with tasks open and nothing written for half the interval gets a frame. */
  private keepAlive (): void {
    if (this.keepalive !== undefined) return
    const every = this.options.keepaliveMs ?? TASK_KEEPALIVE_MS
    this.keepalive = setInterval(() => {
      if (this.sessions.length === 0) { clearInterval(this.keepalive); this.keepalive = undefined; return }
      const now = performance.now()
      for (const s of this.sessions) {
        if (!s.closed && s.open.size > 0 && now - s.wroteAt >= every / 2) { s.ping = true; s.writer.kick() }
      }
    }, every)
    if (typeof this.keepalive === 'object') this.keepalive.unref?.()
  }

  /**
   * One frame from the requester, as it arrives.
   * @throws TabmeshError PROTOCOL_VIOLATION for tasks past the session's credit or a request id that is 0 or open (the session is reset)
   */
  private received (s: ServerSession, frame: RequesterFrame): void {
    if (s.closed) return
    const back = Math.min(frame.returned, s.granted)
    s.granted -= back
    this.used -= back
    s.want = frame.want
    s.keep = frame.keep
    for (const id of frame.cancel) this.cancel(s, id)
    if (frame.tasks.length > s.granted) throw new TabmeshError('PROTOCOL_VIOLATION', `${frame.tasks.length} tasks sent on ${s.granted} slots of credit`)
    for (const request of frame.tasks) {
      if (request.id === 0 || s.open.has(request.id)) throw new TabmeshError('PROTOCOL_VIOLATION', `request id ${request.id} is zero or already open`)
      s.granted--
      const controller = new AbortController()
      s.open.set(request.id, { request, controller })
      void this.runOne(s, request, controller)
    }
    this.grant()
  }

  /** The requester no longer wants `id`: stop it if it runs, drop its answer if not sent, decline it if sent. */
  private cancel (s: ServerSession, id: number): void {
    const running = s.open.get(id)
    if (running !== undefined) { running.controller.abort(new AbortedError('the requester cancelled the task')); return }
    const queued = s.results.findIndex(r => r.request.id === id)
    if (queued >= 0) { s.results.splice(queued, 1); return }
    const sent = s.delivered.get(id)
    if (sent === undefined) return
    s.delivered.delete(id)
    this.options.declined?.(sent.request, sent.response)
  }

  private async runOne (s: ServerSession, request: TaskRequest, controller: AbortController): Promise<void> {
    let response: TaskResponse
    try {
      // Only a request that asked for its logs gets a way to send them.
      const log = !request.logs ? undefined : (entry: Omit<TaskLog, 'id'>): void => {
        if (s.closed || !s.open.has(request.id)) return
        s.logs.push({ ...entry, id: request.id })
        s.writer.kick()
      }
      response = await this.options.run(request, s.connection, controller.signal, log)
    } catch (err) {
      response = controller.signal.aborted ? failureResponse('CANCELLED', 'the requester cancelled the task') : failureResponse('INTERNAL', `the provider failed to run the task: ${String(err)}`)
    }
    s.open.delete(request.id)
    this.used--
    if (!s.closed) {
      s.results.push({ request, response: { ...response, id: request.id } })
      // The freed slot goes back with the answer to a session that asked to keep it, unless another wants one.
      if (s.granted < s.keep && !this.options.paused() && this.used < this.options.capacity() && !this.sessions.some(o => o !== s && !o.closed && o.want > 0)) {
        s.granted++
        s.credit++
        this.used++
      }
      this.answered(s)
    }
    this.grant()
  }

  /**
   * An answer is queued: write it now, or hold it up to TASK_ANSWER_HOLD_MS while more of the
   * session's tasks are under way here than answers wait, so short tasks' answers share a frame.
   */
  private answered (s: ServerSession): void {
    if (s.open.size <= s.results.length || s.logs.length > 0) {
      clearTimeout(s.holdTimer)
      s.holdTimer = undefined
      s.writer.kick()
      return
    }
    s.holdTimer ??= setTimeout(() => { s.holdTimer = undefined; s.writer.kick() }, TASK_ANSWER_HOLD_MS)
  }

  private async flush (s: ServerSession): Promise<boolean> {
    if (s.closed || (s.results.length === 0 && s.credit === 0 && s.logs.length === 0 && !s.ping)) return false
    // Answers held for company (and credit, which travels with them) wait for the hold to end.
    if (s.holdTimer !== undefined && s.logs.length === 0) return false
    const batch = takeBatch(s.results, r => r.response)
    // Every queued log goes, so a task's logs never follow its answer. Bounded: each open task streams
    // at most LOG_STREAM_MAX_BYTES (worker-runtime/task-log.ts) and a session holds few open tasks.
    const logs = s.logs.splice(0)
    const frame: ProviderFrame = { results: batch.map(r => r.response), credit: s.credit, logs }
    s.credit = 0
    s.ping = false
    s.wroteAt = performance.now()
    try {
      if (!sendMessage(s.stream, ProviderFrame, frame)) await s.stream.onDrain({ signal: AbortSignal.timeout(TASK_DRAIN_TIMEOUT_MS) })
    } catch (err) {
      s.stream.abort(err instanceof Error ? err : new Error(String(err)))
      this.end(s, new AbortedError('the requester went away'))
      return false
    }
    for (const entry of batch) {
      this.options.delivered?.(entry.request, entry.response)
      s.delivered.set(entry.request.id, entry)
      if (s.delivered.size > DELIVERED_REMEMBERED) s.delivered.delete(s.delivered.keys().next().value!)
    }
    return true
  }

  private end (s: ServerSession, reason: Error): void {
    if (s.closed) return
    s.closed = true
    clearTimeout(s.holdTimer)
    const i = this.sessions.indexOf(s)
    if (i >= 0) this.sessions.splice(i, 1)
    this.used -= s.granted
    s.granted = 0
    s.want = 0
    for (const { controller } of s.open.values()) controller.abort(reason)
    s.stream.close({ signal: AbortSignal.timeout(1_000) }).catch(() => { s.stream.abort(reason) })
    this.grant()
  }
}

