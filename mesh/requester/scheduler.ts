import { peerIdFromString } from '@libp2p/peer-id'
import { AbortedError, TabmeshError } from '../../errors/base.ts'
import { RelayingEmitter } from '../events.ts'
import type { ProviderEntry, ProviderDirectory } from '../ads/directory.ts'
import { cidOf } from '../cid.ts'
import { INLINE_INPUT_BYTES, MAX_QUEUED_PER_WORKER, TASK_GRACE_MS } from '../constants.ts'
import { PeerUnreachableError, toMultiaddrs } from '../node/connections.ts'
import { reportUnreachable } from '../node/reachability.ts'
import type { MeshNode } from '../node/create-node.ts'
import { isTaskOutcome, isTransientRefusal } from '../protocol/codes.ts'
import { TaskSessions, taskSpecOf } from '../protocol/task.ts'
import { decodeOutputTree } from '../../worker-runtime/output-tree.ts'
import type { TaskSession, TaskSessionRequest } from '../protocol/task.ts'
import type { TaskLog, TaskResponse } from '../protocol/messages.js'
import type { CID } from 'multiformats/cid'
import type { DistrustedDetail } from './reputation.ts'
import { ProviderLoad } from './provider-load.ts'
import { ProviderPicker } from './provider-picker.ts'
import { MAX_FAULTS_PER_JOB, TaskBook } from './task-book.ts'
import type { RunReport } from './task-book.ts'
import type { AcceptedReceipts, FaultEvidence, JobProgress, JobSpec, JobSummary, SignedReceipt, TaskLogEvent, TaskOutcome, TaskStatus } from './types.ts'

/** Re-run the scheduling pass at least this often while a job is open (ads arrive, back-offs end), ms. */
const PUMP_INTERVAL_MS = 500
/**
 * Tasks a job may keep in flight per advertised worker, at least: 2 hides one dispatch round trip
 * behind a running task (bench/: 1 ms tasks ran at 0.18× a local pool with one per worker). A
 * provider that queues more (short tasks: QUEUED_WORK_PER_WORKER_MS) grants more credit, and a job
 * may use all it is granted.
 */
const PIPELINE_PER_WORKER = 2
/**
 * 4: most tasks a job with redundancy ≥ 2 keeps queued per worker on one provider (a job with
 * redundancy 1 takes all a provider queues, up to MAX_QUEUED_PER_WORKER). Votes then come back in
 * small rounds, so trust builds while the job runs and later tasks run once: sim/simulation.test.ts
 * (1,000 tasks, 100 providers, 20 liars) needed 1,882 runs with 4, 2,106 with 8 and 2,416 with 16.
 */
const VOTED_QUEUE_PER_WORKER = 4

export interface JobSchedulerEvents {
  /** A task's final outcome, once per task. */
  result: CustomEvent<TaskOutcome>
  /** A trusted provider's output as soon as it arrives (accepted on trust), for displays. */
  trusted: CustomEvent<TaskOutcome>
  /** Receipts now owed payment. */
  receipts: CustomEvent<AcceptedReceipts>
  task: CustomEvent<TaskStatus>
  progress: CustomEvent<JobProgress>
  fault: CustomEvent<FaultEvidence>
  /** A run's live log (jobs with `logs`). */
  log: CustomEvent<TaskLogEvent>
}

/**
 * Runs one job over the live providers. Three parts, each in its own file:
 * - the task book (task-book.ts): task states, votes, escalation, acceptance on trust, re-checks — pure;
 * - the provider picker (provider-picker.ts): ranking and back-offs;
 * - the task session client (mesh/protocol/task.ts): one session per provider, shared by the
 *   client's jobs, credit granted by the provider.
 * This class wires them: on each pass it ranks the usable providers, opens sessions where there are
 * none, sends each provider as many tasks as it has credit for (and its fair share across jobs
 * allows), checks each answer (hashes the output, verifies a paid run's receipt) and records it in
 * the book. Runs past their deadline, and runs of tasks settled elsewhere, are cancelled on their
 * providers.
 *
 * Events: see JobSchedulerEvents.
 */
export class JobScheduler extends RelayingEmitter<JobSchedulerEvents> {
  readonly spec: JobSpec
  readonly done: Promise<JobSummary>
  private readonly node: MeshNode
  private readonly directory: ProviderDirectory
  private readonly book: TaskBook
  private readonly picker: ProviderPicker
  private readonly load: ProviderLoad
  private readonly sessions: TaskSessions
  private readonly ownsSessions: boolean
  private readonly taskSpecs = new Map<number, `0x${string}`>()
  private readonly started = performance.now()
  private timer: ReturnType<typeof setInterval> | undefined
  /**
   * When each run in flight is given up (its timeout + TASK_GRACE_MS, ms since the epoch), checked
   * every PUMP_INTERVAL_MS: one timer per job instead of one per task.
   */
  private readonly deadlines = new Map<AbortController, number>()
  /** Providers this job could use at the last scheduling pass (JobProgress.available). */
  private available = 0
  /** Providers whose session this job is opening. */
  private readonly opening = new Set<string>()
  /** Providers this job stated a want to, so it can take it back when it ends. */
  private readonly asked = new Set<string>()
  private resolveDone!: (summary: JobSummary) => void
  private rejectDone!: (err: Error) => void
  private finished = false
  private readonly onChange = (): void => { this.pump() }
  private readonly onDistrusted = (evt: Event): void => {
    const { peerId, owner } = (evt as CustomEvent<DistrustedDetail>).detail
    if (this.book.reopenTrustedBy(peerId, owner) > 0) this.pump()
  }

  /**
   * @param options.load in-flight counts shared with the client's other jobs (default: this job's own)
   * @param options.signal cancels the job (`done` rejects with AbortedError); its running tasks are cancelled on their providers
   * @param options.sessions task sessions shared with the client's other jobs (default: this job's own, closed when it ends)
   * @throws TabmeshError INVALID_ARGUMENT for a redundancy below 1 or maxProvidersPerTask below it
   */
  constructor (node: MeshNode, directory: ProviderDirectory, spec: JobSpec, options: { signal?: AbortSignal, load?: ProviderLoad, sessions?: TaskSessions } = {}) {
    super()
    this.node = node
    this.directory = directory
    this.spec = spec
    this.book = new TaskBook({
      tasks: spec.inputs.length,
      redundancy: spec.redundancy,
      maxProvidersPerTask: spec.maxProvidersPerTask,
      ...(spec.verification !== undefined ? { reputation: spec.verification.book } : {}),
      taskSpec: index => this.taskSpec(index),
      ...(spec.outDir !== undefined ? { present: presentOutputTree } : {})
    })
    this.picker = new ProviderPicker({ ...(spec.verification !== undefined ? { reputation: spec.verification.book } : {}), ...(spec.warm !== undefined ? { warm: spec.warm } : {}) })
    this.load = options.load ?? new ProviderLoad()
    this.ownsSessions = options.sessions === undefined
    this.sessions = options.sessions ?? new TaskSessions(node)
    for (const type of ['result', 'trusted', 'receipts', 'task', 'fault'] as const) this.relay(this.book, type)
    this.relay(this.book, 'progress', () => this.progress())
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject })
    this.done.catch(() => {})
    options.signal?.addEventListener('abort', () => { this.cancel(new AbortedError('the job was cancelled')) }, { once: true })
  }

  start (): void {
    if (this.spec.inputs.length === 0) { this.finish(); return }
    this.directory.addEventListener('change', this.onChange)
    this.load.addEventListener('release', this.onChange)
    this.sessions.addEventListener('credit', this.onChange)
    this.spec.verification?.book.addEventListener('distrusted', this.onDistrusted)
    this.timer = setInterval(() => { this.expire(); this.pump() }, PUMP_INTERVAL_MS)
    this.pump()
    // Say at once how many providers there are, even when none is there to change anything.
    if (this.listenerCount('progress') > 0) this.safeDispatchEvent('progress', { detail: this.progress() })
  }

  progress (): JobProgress {
    const c = this.book.counts()
    return { total: c.total, accepted: c.accepted, failed: c.failed, running: c.running, escalated: c.escalated, trusted: c.trusted, providers: c.providers, available: this.available, needed: this.spec.redundancy }
  }

  /** Stops scheduling and cancels every run in flight on its provider; `done` rejects with `err`. */
  cancel (err: Error = new AbortedError('the job was cancelled')): void {
    if (this.finished) return
    this.book.abortAll(err)
    this.cleanup()
    this.rejectDone(err)
  }

  /** Aborts runs past their deadline: the provider is told to stop them, and the task goes elsewhere. */
  private expire (): void {
    const now = Date.now()
    for (const [controller, deadline] of this.deadlines) {
      if (deadline <= now) controller.abort(new TabmeshError('DEADLINE_MISSED', `no answer within the task's timeout + ${TASK_GRACE_MS} ms`))
    }
  }

  private pump (): void {
    if (!this.finished && this.book.openTasks === 0) { this.finish(); return }
    this.load.setWaiting(this, !this.finished && this.book.waiting > 0)
    if (this.finished || this.book.waiting === 0) return
    const now = Date.now()
    const usable = this.directory.live(now).filter(e => this.book.faultsOf(e.ad.peerId) < MAX_FAULTS_PER_JOB && (this.spec.paid?.eligible(e) ?? true))
    if (usable.length !== this.available) {
      this.available = usable.length
      if (this.listenerCount('progress') > 0) this.safeDispatchEvent('progress', { detail: this.progress() })
    }
    for (const entry of this.picker.rank(usable, now)) {
      const peer = entry.ad.peerId
      const record = this.picker.record(peer)
      const session = this.sessions.get(peer)
      if (session === undefined) { this.openSession(entry); continue }
      const depth = entry.ad.workers * (1 + (this.spec.redundancy > 1 ? VOTED_QUEUE_PER_WORKER : MAX_QUEUED_PER_WORKER))
      const slots = Math.max(entry.ad.workers * PIPELINE_PER_WORKER, session.credit + this.load.of(peer))
      while (session.credit > 0 && this.load.of(peer, this) < depth && this.load.mayTake(peer, this, slots) && !this.picker.backedOff(peer, now)) {
        const index = this.book.next(peer, entry.ad.owner)
        if (index === undefined) { record.noTaskAt = this.book.version; break }
        void this.dispatch(index, entry, session)
      }
      // Ask for as many slots as there are tasks waiting (the provider caps it by its free slots and
      // grants again the moment one frees, with the result that freed it), but only where a task could
      // go: a grant nobody uses is a round trip for nothing.
      const wanted = record.noTaskAt === this.book.version || this.picker.backedOff(peer, now) ? 0 : Math.min(this.book.waiting, depth)
      session.want(this, wanted)
      this.asked.add(peer)
    }
  }

  /** Opens the provider's task session in the background and schedules again when it is there. */
  private openSession (entry: ProviderEntry): void {
    const peer = entry.ad.peerId
    if (this.opening.has(peer)) return
    this.opening.add(peer)
    this.sessions.open(peerIdFromString(peer), toMultiaddrs(entry.ad.multiaddrs), { signal: AbortSignal.timeout(this.spec.limits.timeoutMs + TASK_GRACE_MS) }).then(() => {
      this.opening.delete(peer)
      this.pump()
    }, (err: unknown) => {
      this.opening.delete(peer)
      this.lost(entry, err)
      this.pump()
    })
  }

  /** A provider that could not be reached, lost its session or missed a deadline: backed off, reported when unreachable. */
  private lost (entry: ProviderEntry, err: unknown): void {
    const peer = entry.ad.peerId
    this.picker.lost(peer)
    if (err instanceof PeerUnreachableError) void reportUnreachable(this.node, peerIdFromString(peer), toMultiaddrs(entry.ad.multiaddrs))
    if (err instanceof Error && this.node.getConnections(peerIdFromString(peer)).length === 0) this.directory.forget(peer)
  }

  private async dispatch (index: number, entry: ProviderEntry, session: TaskSession): Promise<void> {
    const peer = entry.ad.peerId
    const controller = new AbortController()
    this.book.start(index, peer, entry.ad.owner, controller)
    this.load.acquire(peer, this)
    this.deadlines.set(controller, Date.now() + this.spec.limits.timeoutMs + TASK_GRACE_MS)
    const sentAt = performance.now()
    let response: TaskResponse | undefined
    let report: RunReport = { kind: 'nothing' }
    try {
      const input = this.spec.inputs[index]!
      response = await session.send(this.request(index, input.bytes.length <= INLINE_INPUT_BYTES ? input.bytes : undefined), {
        signal: controller.signal,
        ...(this.spec.logs === true ? { onLog: (log: TaskLog) => { this.log(index, peer, log) } } : {})
      })
      if (!this.finished && this.book.isOpen(index)) report = await this.check(index, entry, response, performance.now() - sentAt)
    } catch (err) {
      if (response === undefined && !this.finished && this.book.isOpen(index)) report = this.lostRun(entry, err)
    } finally {
      this.deadlines.delete(controller)
      this.load.release(peer, this)
    }
    // An answer that came after others settled the task is not used, hence not paid: say so.
    if (response !== undefined && (this.finished || !this.book.isOpen(index))) session.decline(response.id)
    this.book.end(index, peer, report)
    this.pump()
  }

  private readonly logDecoder = new TextDecoder()

  /** Relays a run's live log while its task is open. */
  private log (index: number, provider: string, log: TaskLog): void {
    if (this.finished || !this.book.isOpen(index) || this.listenerCount('log') === 0) return
    const detail: TaskLogEvent = { index, provider, stderr: this.logDecoder.decode(log.stderr) }
    if (log.progressPermille !== undefined) detail.progress = Math.min(1000, log.progressPermille) / 1000
    this.safeDispatchEvent('log', { detail })
  }

  /** Lost provider, lost session or missed deadline: not the task's fault. */
  private lostRun (entry: ProviderEntry, err: unknown): RunReport {
    this.lost(entry, err)
    return { kind: 'nothing' }
  }

  /** What an answer counts for: the output hashed here (never the provider's claimed CID), a paid run's receipt verified. */
  private async check (index: number, entry: ProviderEntry, response: TaskResponse, elapsedMs: number): Promise<RunReport> {
    const peer = entry.ad.peerId
    const paid = this.spec.paid !== undefined
    if (response.ok) {
      this.picker.answered(peer, elapsedMs, response.durationMs)
      const cid = await cidOf(response.output)
      const receipt = paid ? await this.checkReceipt(index, entry, response, { outputCid: cid }) : undefined
      // Paid results must carry a valid receipt from the operator the ad binds to its owner.
      if (paid && receipt === undefined) { this.picker.refused(peer); return { kind: 'refused' } }
      return { kind: 'output', cid: cid.toString(), output: response.output, ...(receipt !== undefined ? { receipt } : {}) }
    }
    const code = response.failure?.code ?? 'INTERNAL'
    if (isTaskOutcome(code)) {
      const receipt = paid ? await this.checkReceipt(index, entry, response, { failureCode: code }) : undefined
      // A paid task's failure counts toward a quorum only with a receipt that can be disputed.
      if (paid && receipt === undefined) { this.picker.refused(peer); return { kind: 'refused' } }
      this.picker.answered(peer, elapsedMs, response.durationMs)
      const error = { code, message: response.failure?.message ?? code, exitCode: response.failure?.exitCode, stderrTail: response.failure?.stderrTail }
      return { kind: 'outcome', error, ...(receipt !== undefined ? { receipt } : {}) }
    }
    if (isTransientRefusal(code)) {
      this.picker.busy(peer)
      if (code === 'UNPAID') this.spec.paid?.unpaid?.(entry)
      return { kind: 'nothing' }
    }
    // BAD_REQUEST / BLOB_UNAVAILABLE / INTERNAL: this provider cannot do this task.
    this.picker.refused(peer)
    return { kind: 'refused' }
  }

  private request (index: number, inline: Uint8Array | undefined): TaskSessionRequest {
    const input = this.spec.inputs[index]!
    const { limits } = this.spec
    return {
      jobId: this.spec.jobId,
      taskIndex: index,
      moduleCid: this.spec.moduleCid.bytes,
      inputCid: input.cid.bytes,
      args: input.args ?? this.spec.args,
      env: input.env ?? this.spec.env,
      mounts: [...(this.spec.mounts ?? []), ...(input.mounts ?? [])],
      outDir: this.spec.outDir ?? '',
      logs: this.spec.logs === true,
      limits: { timeoutMs: limits.timeoutMs, memoryPages: limits.memoryPages, fuel: limits.fuel ?? 0n, maxOutputBytes: limits.maxOutputBytes },
      input: inline ?? new Uint8Array(0),
      paid: this.spec.paid !== undefined,
      requester: this.spec.paid?.requester ?? '',
      price: this.spec.paid?.price.toString() ?? '',
      requesterBinding: this.spec.paid?.bindingBytes ?? new Uint8Array(0)
    }
  }

  /** Task `index`'s description as receipts commit to it (cached: the same for every provider; paid jobs only). */
  private taskSpec (index: number): `0x${string}` {
    let spec = this.taskSpecs.get(index)
    if (spec === undefined) {
      spec = this.spec.paid?.encodeTaskSpec(taskSpecOf(this.request(index, undefined))) ?? '0x'
      this.taskSpecs.set(index, spec)
    }
    return spec
  }

  /** The provider's receipt when valid (PaidJobPolicy.verifyReceipt). */
  private async checkReceipt (taskIndex: number, entry: ProviderEntry, response: TaskResponse, result: { outputCid: CID } | { failureCode: string }): Promise<SignedReceipt | undefined> {
    return await this.spec.paid!.verifyReceipt({ taskSpec: this.taskSpec(taskIndex), entry, response, result })
  }

  private finish (): void {
    if (this.finished) return
    this.cleanup()
    const trusted = this.book.releaseTrusted()
    const c = this.book.counts()
    this.resolveDone({
      jobId: this.spec.jobId,
      accepted: c.accepted,
      failed: c.failed,
      durationMs: performance.now() - this.started,
      faults: this.book.faults,
      trusted,
      rechecked: c.rechecked,
      runs: c.runs
    })
  }

  private cleanup (): void {
    this.finished = true
    clearInterval(this.timer)
    this.directory.removeEventListener('change', this.onChange)
    this.load.removeEventListener('release', this.onChange)
    this.load.setWaiting(this, false)
    this.sessions.removeEventListener('credit', this.onChange)
    for (const peer of this.asked) this.sessions.get(peer)?.want(this, 0)
    if (this.ownsSessions) this.sessions.stop()
    this.spec.verification?.book.removeEventListener('distrusted', this.onDistrusted)
  }
}

/**
 * An accepted output tree as an outcome shows it: stdout, and the files by path. Bytes that are not
 * an output tree (only a quorum of colluding providers could get them accepted) are shown as they
 * are, with no files.
 */
function presentOutputTree (output: Uint8Array): { output: Uint8Array, files: Record<string, Uint8Array> } {
  try {
    const { stdout, files } = decodeOutputTree(output)
    return { output: stdout, files }
  } catch {
    return { output, files: {} }
  }
}
