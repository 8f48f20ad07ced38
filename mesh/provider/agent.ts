import type { Connection, Stream } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import type { CID } from 'multiformats/cid'
import { TabmeshError } from '../../errors/base.ts'
import { TaskError } from '../../worker-runtime/errors.ts'
import { decodeTree, InvalidTreeError } from '../../worker-runtime/tree-codec.ts'
import type { TaskMount } from '../../worker-runtime/wasi-fs.ts'
import { checkMountPaths } from '../../worker-runtime/mount-paths.ts'
import { MAX_MEMORY_PAGES, MAX_OUTPUT_BYTES, resolveLimits } from '../../worker-runtime/limits.ts'
import type { WorkerPool } from '../../worker-runtime/pool.ts'
import type { TaskLogChunk } from '../../worker-runtime/task-log.ts'
import { publishCapacityAds } from '../ads/publisher.ts'
import type { ProviderTier } from '../ads/capacity-ad.ts'
import { fetchBlobFromMesh, serveBlobs } from '../protocol/blob.ts'
import type { BlobStore } from '../blob/store.ts'
import { cidFromBytes, cidOf, verifyCid } from '../cid.ts'
import { BLOB_FETCH_TIMEOUT_MS, BLOB_SPREAD_MIN_BYTES, CHEQUE_PROTOCOL, CHEQUE_SESSIONS_PER_CONNECTION, CHEQUES_PER_PEER_PER_SECOND, MAX_QUEUED_PER_WORKER, QUEUED_WORK_PER_WORKER_MS, TASK_PROTOCOL, TASK_SESSIONS_PER_PEER_PER_SECOND, TASK_SESSIONS_PER_CONNECTION } from '../constants.ts'
import { peerRateLimit } from '../node/peer-rate-limit.ts'
import type { PeerRateLimit } from '../node/peer-rate-limit.ts'
import type { ProviderPayments } from '../payment/provider-payments.ts'
import { failureHashOf, outputHashOf, fromHex, toHex } from '../../chain/signatures.ts'
import { taskHashOf } from '../../chain/task-hash.ts'
import type { TaskSpec } from '../../chain/task-hash.ts'
import { ArbiterRole } from '../payment/arbiter.ts'
import type { MeshNode } from '../node/create-node.ts'
import type { ChequeAck, ChequeMessage, TaskLog, TaskRequest, TaskResponse } from '../protocol/messages.js'
import { isTaskOutcome } from '../protocol/codes.ts'
import type { ProviderRefusalCode } from '../protocol/codes.ts'
import { TaskSessionServer, failureResponse, taskSpecOf } from '../protocol/task.ts'
import { ChequeSessionServer } from '../protocol/cheque.ts'

/** Weight of the newest task in the mean task time: 0.2 (about the last 5–10 tasks count). */
const TASK_TIME_WEIGHT = 0.2

export interface ProviderAgentOptions {
  node: MeshNode
  pool: WorkerPool
  store: BlobStore
  tier: ProviderTier
  /** Price per task in payment-token base units (decimal string). */
  price?: string
  /** Benchmark score, tasks/s × 1000 (see mesh/provider/benchmark.ts). */
  scoreMilli?: number
  /** Longest task timeout this provider accepts, ms. */
  maxTimeoutMs?: number
  /**
   * Tasks accepted beyond the worker count, waiting for a worker. Default: adaptive — about
   * QUEUED_WORK_PER_WORKER_MS of work per worker by the mean run time of recent tasks, 1 to
   * MAX_QUEUED_PER_WORKER per worker.
   */
  maxQueued?: number
  /** The money side (receipts, cheques, claims); without it the provider takes only free jobs. */
  payments?: ProviderPayments
  /**
   * TEST ONLY: return wrong outputs (the first byte flipped and this peer's id appended, so two liars
   * never agree), signed like honest ones — how the tests show a lying provider outvoted and slashed.
   * `true` lies on every task; a number in (0, 1] lies on that fraction of tasks at random (a cheater
   * that first earns trust). Never set in a real deployment.
   */
  faultyOutputs?: boolean | number
  /** Task sessions one peer may open per second; the rest are reset (default TASK_SESSIONS_PER_PEER_PER_SECOND). */
  sessionsPerPeerPerSecond?: number
  /** Serve as an arbiter when the owner is drawn for a dispute (default true with `payments`). */
  arbiter?: boolean
}

/** 120 s: the longest single task a provider agrees to run by default. */
export const DEFAULT_MAX_TIMEOUT_MS = 120_000
/** Compiled modules kept per provider (by CID + limits). */
const COMPILED_CACHE_ENTRIES = 16

export interface ProviderAgentEvents {
  /** A task of a session started here (past the refusals). */
  'task:start': CustomEvent<ProviderTaskEvent>
  /** A task ended: its outcome, run time and output (and the output's CID, on a paid task). */
  'task:end': CustomEvent<ProviderTaskEvent>
  /** Something `stats()` reports changed. */
  change: Event
}

export interface ProviderTaskEvent {
  jobId: string
  taskIndex: number
  requester: string
  /** 'ok' or a failure code. */
  outcome?: string
  durationMs?: number
  /** The output's CID, on a paid task's success (its receipt signs it); hash `output` for a free one's. */
  outputCid?: string
  /** The output, on success (the bytes sent; not a copy). */
  output?: Uint8Array
}

export interface ProviderStats {
  running: number
  queued: number
  completed: number
  failed: number
  rejectedBusy: number
  /** Task sessions refused because their peer opened more per second than allowed. */
  rateLimited: number
  /** Task sessions open now (one per requester connection). */
  sessions: number
  /** Task sessions reset for breaking the protocol (tasks past their credit, a reused request id). */
  violations: number
  /** Tasks this provider takes at once now: workers + queue (deeper for short tasks). */
  capacity: number
  paused: boolean
}

/**
 * The provider: serves task sessions (`/tabmesh/task/2.0.0`, mesh/protocol/task.ts) from any
 * requester, fetches the module and input by CID from that requester (`/tabmesh/blob/1.0.0`,
 * hash-verified, cached), runs them in the worker pool and answers with the output and its CID, or a
 * typed failure. Short tasks get a deeper queue (QUEUED_WORK_PER_WORKER_MS). Publishes capacity ads.
 * Events (ProviderAgentEvents): `task:start`, `task:end`, `change`; each is built only while something
 * listens for it (three per task otherwise, ~3–5 µs each through an EventTarget).
 */
export class ProviderAgent extends TypedEventEmitter<ProviderAgentEvents> {
  private readonly options: ProviderAgentOptions
  private readonly compiled = new Map<string, Promise<WebAssembly.Module>>()
  private stopAds: (() => void) | undefined
  private stopServingBlobs: (() => void) | undefined
  /** Blob fetches under way, by CID: concurrent tasks needing the same blob share one. */
  private readonly fetching = new Map<string, Promise<Uint8Array>>()
  private running = 0
  /** Task sessions with requesters; they share workers + queue as credit. */
  private readonly sessions: TaskSessionServer
  private completed = 0
  private failed = 0
  private rejectedBusy = 0
  private paused = false
  private stake = 0n
  private stakeTimer: ReturnType<typeof setInterval> | undefined
  /** The operator's PeerBinding over this node's peer id (ads carry it). */
  private binding: Uint8Array = new Uint8Array(0)
  private arbiterRole: ArbiterRole | undefined
  private readonly sessionLimit: PeerRateLimit
  private readonly chequeLimit = peerRateLimit(CHEQUE_PROTOCOL, CHEQUES_PER_PEER_PER_SECOND)
  private readonly cheques = new ChequeSessionServer({
    accept: async (cheque) => await this.acceptCheque(cheque),
    take: (peer) => { this.chequeLimit.take(peer) }
  })
  private rateLimited = 0
  /** Mean run time of recent tasks in the worker (exponentially weighted), ms; undefined before the first. */
  private meanTaskMs: number | undefined
  scoreMilli: number

  constructor (options: ProviderAgentOptions) {
    super()
    this.options = options
    this.sessionLimit = peerRateLimit(TASK_PROTOCOL, options.sessionsPerPeerPerSecond ?? TASK_SESSIONS_PER_PEER_PER_SECOND)
    this.scoreMilli = options.scoreMilli ?? 0
    this.sessions = new TaskSessionServer({
      capacity: () => this.capacity(),
      paused: () => this.paused,
      run: async (request, connection, signal, log) => await this.runTask(request, connection, signal, log),
      delivered: (request, response) => { if (owedFor(request, response)) this.options.payments!.recordDelivery(request.requester as `0x${string}`, BigInt(request.price)) },
      declined: (request, response) => { if (owedFor(request, response)) this.options.payments!.recordDeclined(request.requester as `0x${string}`, BigInt(request.price)) }
    })
  }

  async start (): Promise<void> {
    const { node } = this.options
    // Data from any peer (mesh/protocol/blob.ts): big blobs this provider fetched are passed on to
    // others that need them. Small ones (most inputs) are not: they are cheap for their requester to
    // send, and a provider need not hand a requester's inputs to whoever learnt their CIDs.
    this.stopServingBlobs = await serveBlobs(node, async cid => {
      const bytes = await this.options.store.get(cid)
      return bytes !== undefined && bytes.length >= BLOB_SPREAD_MIN_BYTES ? bytes : undefined
    })
    await node.handle(TASK_PROTOCOL, (stream, connection) => {
      try {
        this.sessionLimit.take(connection.remotePeer.toString())
      } catch (err) {
        this.rateLimited++
        stream.abort(err as Error)
        return
      }
      this.sessions.handle(stream, connection)
    }, {
      maxInboundStreams: TASK_SESSIONS_PER_CONNECTION
    })
    const payments = this.options.payments
    if (payments !== undefined) {
      await node.handle(CHEQUE_PROTOCOL, (stream, connection) => { this.cheques.handle(stream, connection) }, { maxInboundStreams: CHEQUE_SESSIONS_PER_CONNECTION })
      const refreshStake = (): void => { payments.stake().then(v => { this.stake = v }, () => {}) }
      refreshStake()
      this.stakeTimer = setInterval(refreshStake, 5_000)
      this.binding = fromHex(await payments.binding(node.peerId.toString()))
      payments.start()
      if (this.options.arbiter !== false) {
        this.arbiterRole = new ArbiterRole({ payments, node, run: async (spec, connection) => await this.arbitrate(spec, connection) })
        this.arbiterRole.start()
      }
    }
    this.stopAds = publishCapacityAds(node, () => ({
      owner: this.options.payments?.owner ?? '',
      operator: this.options.payments?.address ?? '',
      binding: this.binding,
      workers: this.options.pool.size,
      scoreMilli: this.scoreMilli,
      tier: this.options.tier,
      price: this.options.price ?? '0',
      busy: this.running,
      stake: this.stake.toString()
    }))
  }

  async stop (): Promise<void> {
    this.stopAds?.()
    this.stopServingBlobs?.()
    clearInterval(this.stakeTimer)
    this.arbiterRole?.stop()
    this.options.payments?.stop()
    await this.options.node.unhandle(TASK_PROTOCOL)
    this.sessions.stop()
    if (this.options.payments !== undefined) await this.options.node.unhandle(CHEQUE_PROTOCOL)
    this.cheques.stop()
  }

  /** Paused providers answer BUSY and stop advertising capacity they will not give. */
  setPaused (paused: boolean): void {
    this.paused = paused
    this.sessions.grant()
    this.changed()
  }

  /** Workers + queue: the slots the task sessions share. */
  private capacity (): number {
    return this.options.pool.size + (this.options.maxQueued ?? this.adaptiveQueue())
  }

  /** Tasks to queue beyond the workers: QUEUED_WORK_PER_WORKER_MS of recent-sized tasks per worker. */
  private adaptiveQueue (): number {
    const size = this.options.pool.size
    if (this.meanTaskMs === undefined) return size
    const perWorker = Math.ceil(QUEUED_WORK_PER_WORKER_MS / Math.max(this.meanTaskMs, 0.1))
    return size * Math.min(MAX_QUEUED_PER_WORKER, Math.max(1, perWorker))
  }

  stats (): ProviderStats {
    const pool = this.options.pool.stats()
    return { running: this.running, queued: pool.queued, completed: this.completed, failed: this.failed, rejectedBusy: this.rejectedBusy, rateLimited: this.rateLimited, sessions: this.sessions.size, violations: this.sessions.violations, capacity: this.capacity(), paused: this.paused }
  }

  /** One task of a session (mesh/protocol/task.ts): refusals first, then the worker pool; always answers. */
  private async runTask (request: TaskRequest, connection: Connection, signal: AbortSignal, log?: (log: Omit<TaskLog, 'id'>) => void): Promise<TaskResponse> {
    const requester = connection.remotePeer.toString()
    const refusal = request.paid ? await this.paidRefusal(request, requester) : undefined
    if (refusal !== undefined) return failure(refusal.code, refusal.message)
    if (this.paused) {
      this.rejectedBusy++
      return failure('BUSY', 'the provider is paused')
    }
    const info: ProviderTaskEvent = { jobId: request.jobId, taskIndex: request.taskIndex, requester }
    this.running++
    if (this.listenerCount('task:start') > 0) this.safeDispatchEvent('task:start', { detail: info })
    this.changed()
    let response: TaskResponse
    try {
      response = await this.execute(request, connection, signal, log)
      // The run's own time in the worker, not its wait in the queue: timing the wait too made a deeper
      // queue look like longer tasks and shrank itself (1 ms tasks got 2–3 slots per worker, not 5).
      if (response.durationMs > 0) {
        const took = response.durationMs
        this.meanTaskMs = this.meanTaskMs === undefined ? took : this.meanTaskMs + TASK_TIME_WEIGHT * (took - this.meanTaskMs)
      }
      if (request.paid) response = await this.sign(request, response)
    } finally {
      this.running--
    }
    if (response.ok) this.completed++
    else this.failed++
    if (this.listenerCount('task:end') > 0) {
      const outputCid = response.ok && response.outputCid.length > 0 ? cidFromBytes(response.outputCid).toString() : undefined
      this.safeDispatchEvent('task:end', {
        detail: { ...info, outcome: response.ok ? 'ok' : response.failure?.code, durationMs: response.durationMs, ...(outputCid !== undefined ? { outputCid } : {}), ...(response.ok ? { output: response.output } : {}) }
      })
    }
    this.changed()
    return response
  }

  private async execute (request: TaskRequest, connection: Connection, signal?: AbortSignal, log?: (log: Omit<TaskLog, 'id'>) => void): Promise<TaskResponse> {
    let moduleCid: CID
    let inputCid: CID
    let treeCids: CID[]
    try {
      moduleCid = cidFromBytes(request.moduleCid)
      inputCid = cidFromBytes(request.inputCid)
      checkMountPaths(request.mounts.map(m => m.guestPath))
      if (request.outDir !== '') checkMountPaths([request.outDir])
      treeCids = request.mounts.map(m => cidFromBytes(m.treeCid))
    } catch (err) {
      return failure('BAD_REQUEST', (err as Error).message)
    }
    const maxTimeout = this.options.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS
    const asked = request.limits
    if (asked !== undefined && (asked.timeoutMs > maxTimeout || asked.memoryPages > MAX_MEMORY_PAGES || asked.maxOutputBytes > MAX_OUTPUT_BYTES)) {
      return failure('BAD_REQUEST', `limits exceed this provider's maximum (${maxTimeout} ms, ${MAX_MEMORY_PAGES} pages, ${MAX_OUTPUT_BYTES} output bytes)`)
    }
    const limits = resolveLimits({
      ...(asked !== undefined && asked.timeoutMs > 0 ? { timeoutMs: asked.timeoutMs } : {}),
      ...(asked !== undefined && asked.memoryPages > 0 ? { memoryPages: asked.memoryPages } : {}),
      ...(asked !== undefined && asked.fuel > 0n ? { fuel: asked.fuel } : {}),
      ...(asked !== undefined && asked.maxOutputBytes > 0 ? { maxOutputBytes: asked.maxOutputBytes } : {})
    })

    let input: Uint8Array
    let module: WebAssembly.Module
    let mounts: TaskMount[]
    try {
      if (request.input.length > 0) {
        await verifyCid(inputCid, request.input)
        input = request.input
      } else {
        input = await this.blob(inputCid, connection)
      }
      module = await this.compile(moduleCid, connection, limits.memoryPages, limits.fuel !== undefined)
      mounts = await Promise.all(request.mounts.map(async (m, i) => ({ guestPath: m.guestPath, tree: decodeTree(await this.blob(treeCids[i]!, connection)) })))
    } catch (err) {
      if (err instanceof TaskError) return failure(err.code, err.message)
      if (err instanceof InvalidTreeError) return failure('BAD_REQUEST', `a mounted tree is not valid: ${err.message}`)
      if (err instanceof TabmeshError && (err.code === 'BLOB_UNAVAILABLE' || err.code === 'CID_MISMATCH')) return failure('BLOB_UNAVAILABLE', err.message)
      return failure('BLOB_UNAVAILABLE', `could not fetch the task's data: ${String(err)}`)
    }

    try {
      const result = await this.options.pool.run({
        module,
        input,
        args: request.args.length > 0 ? request.args : ['task'],
        env: request.env,
        mounts,
        ...(request.outDir !== '' ? { outDir: request.outDir } : {}),
        limits,
        // The same seed on every provider: derived from the input's hash.
        seed: inputCid.multihash.digest.subarray(0, 16)
      }, {
        ...(signal !== undefined ? { signal } : {}),
        // Live logs, for a requester that asked: stderr as written, progress in thousandths.
        ...(log !== undefined ? { onLog: (c: TaskLogChunk) => { log({ stderr: c.stderr, ...(c.progress !== undefined ? { progressPermille: Math.round(c.progress * 1000) } : {}) }) } } : {})
      })
      const lie = this.options.faultyOutputs
      if (result.ok && (lie === true || (typeof lie === 'number' && Math.random() < lie))) {
        const id = new TextEncoder().encode(this.options.node.peerId.toString())
        const wrong = new Uint8Array(Math.max(1, result.output.length) + id.length)
        wrong.set(result.output)
        wrong[0] = (wrong[0]! ^ 0xff)
        wrong.set(id, wrong.length - id.length)
        result.output = wrong
      }
      if (!result.ok) {
        return { ...failure(result.error.code, result.error.message, result.error.exitCode, result.error.stderrTail), durationMs: Math.round(result.durationMs) }
      }
      return {
        ok: true,
        output: result.output,
        // Only a receipt needs the provider's own hash (the requester hashes the output itself): a
        // free task's answer goes without it (a tab's main thread hashed a no-op output in ~45 µs).
        outputCid: request.paid ? (await cidOf(result.output)).bytes : new Uint8Array(0),
        durationMs: Math.round(result.durationMs),
        fuelUsed: result.fuelUsed ?? 0n,
        failure: undefined,
        receiptSignature: new Uint8Array(0),
        operator: '',
        id: request.id
      }
    } catch (err) {
      if (signal?.aborted === true) return failure('CANCELLED', 'the task was cancelled: its worker was stopped')
      return failure('INTERNAL', `the provider failed to run the task: ${String(err)}`)
    }
  }

  private async paidRefusal (request: TaskRequest, requesterPeer: string): Promise<{ code: ProviderRefusalCode, message: string } | undefined> {
    const payments = this.options.payments
    if (payments === undefined) return { code: 'BAD_REQUEST', message: 'this provider takes no paid jobs (no operator key)' }
    if (!/^\d{1,30}$/.test(request.price)) return { code: 'BAD_REQUEST', message: 'a paid task must carry its price as a decimal integer' }
    const price = BigInt(request.price)
    const asking = BigInt(this.options.price ?? '0')
    if (price < asking || price === 0n) return { code: 'BAD_REQUEST', message: `the price ${price} is below this provider's ${asking > 0n ? asking : 1n}` }
    return await payments.refusal(request.requester, requesterPeer, toHex(request.requesterBinding), price)
  }

  /**
   * Signs the EIP-712 receipt of a paid result — an output, or a task outcome such as a trap — over
   * the task hash (chain/task-hash.ts), so conflicting receipts can be disputed.
   */
  private async sign (request: TaskRequest, response: TaskResponse): Promise<TaskResponse> {
    const payments = this.options.payments!
    const outputHash = response.ok
      ? outputHashOf(cidFromBytes(response.outputCid))
      : response.failure !== undefined && isTaskOutcome(response.failure.code) ? failureHashOf(response.failure.code) : undefined
    if (outputHash === undefined) return response
    const signature = await payments.signReceipt(taskHashOf(taskSpecOf(request)), outputHash)
    return { ...response, receiptSignature: fromHex(signature), operator: payments.address }
  }

  /**
   * Runs a disputed task as an arbiter: fetches its module and input over `connection` (a party that
   * has them) and returns the output hash — or the task outcome's hash — every honest provider gets.
   */
  private async arbitrate (spec: TaskSpec, connection: Connection): Promise<`0x${string}`> {
    const response = await this.execute({
      jobId: 'dispute',
      taskIndex: 0,
      moduleCid: spec.moduleCid,
      inputCid: spec.inputCid,
      args: spec.args,
      env: spec.env,
      mounts: spec.mounts,
      outDir: spec.outDir,
      limits: { timeoutMs: spec.timeoutMs, memoryPages: spec.memoryPages, fuel: spec.fuel, maxOutputBytes: spec.maxOutputBytes },
      input: new Uint8Array(0),
      paid: false,
      requester: '',
      price: '',
      requesterBinding: new Uint8Array(0),
      logs: false,
      id: 0
    }, connection)
    if (response.ok) return outputHashOf(await cidOf(response.output))
    if (response.failure !== undefined && isTaskOutcome(response.failure.code)) return failureHashOf(response.failure.code)
    throw new TabmeshError('ARBITRATION_FAILED', `could not run the disputed task: ${response.failure?.code ?? 'unknown'} ${response.failure?.message ?? ''}`)
  }

  /** One cheque of a cheque session (mesh/protocol/cheque.ts): kept, or refused with the amount held for the lane. */
  private async acceptCheque (msg: ChequeMessage): Promise<Omit<ChequeAck, 'id'>> {
    const payments = this.options.payments!
    try {
      if (!/^\d{1,78}$/.test(msg.cumulativeAmount)) throw new TabmeshError('CHEQUE_REJECTED', 'amount is not a decimal integer')
      if (!/^0x[0-9a-fA-F]{40}$/.test(msg.requester) || !/^0x[0-9a-fA-F]{40}$/.test(msg.owner)) throw new TabmeshError('CHEQUE_REJECTED', 'the lane\'s requester and owner must be 20-byte hex addresses')
      const held = await payments.acceptCheque(msg.requester as `0x${string}`, msg.owner as `0x${string}`, BigInt(msg.cumulativeAmount), toHex(msg.signature))
      return { ok: true, error: '', held: held.toString() }
    } catch (err) {
      const held = /^0x[0-9a-fA-F]{40}$/.test(msg.requester) ? payments.held(msg.requester as `0x${string}`) : 0n
      return { ok: false, error: err instanceof Error ? err.message : String(err), held: held.toString() }
    }
  }

  /** A blob from the store, or fetched from the requester or any peer it names (one fetch per CID at a time). */
  private async blob (cid: CID, connection: Connection): Promise<Uint8Array> {
    const cached = await this.options.store.get(cid)
    if (cached !== undefined) return cached
    const key = cid.toString()
    let fetching = this.fetching.get(key)
    if (fetching === undefined) {
      fetching = fetchBlobFromMesh({ node: this.options.node, origin: connection, cid, signal: AbortSignal.timeout(BLOB_FETCH_TIMEOUT_MS) })
        .then(async bytes => { await this.options.store.put(cid, bytes); return bytes })
        .finally(() => { this.fetching.delete(key) })
      this.fetching.set(key, fetching)
    }
    return await fetching
  }

  private async compile (cid: CID, connection: Connection, memoryPages: number, metered: boolean): Promise<WebAssembly.Module> {
    const key = `${cid.toString()}/${memoryPages}/${metered ? 'fuel' : 'free'}`
    let entry = this.compiled.get(key)
    if (entry === undefined) {
      entry = this.blob(cid, connection).then(async bytes => await this.options.pool.prepare({ bytes, memoryPages, metered }))
      this.compiled.set(key, entry)
      entry.catch(() => { this.compiled.delete(key) })
      if (this.compiled.size > COMPILED_CACHE_ENTRIES) this.compiled.delete(this.compiled.keys().next().value as string)
    }
    return await entry
  }

  private changed (): void {
    if (this.listenerCount('change') > 0) this.dispatchEvent(new Event('change'))
  }
}

const failure = failureResponse

/** A paid answer with a receipt: what a lane owes once delivered (a result that never reached the requester, or was declined, is not owed). */
function owedFor (request: TaskRequest, response: TaskResponse): boolean {
  return request.paid && response.receiptSignature.length > 0
}
