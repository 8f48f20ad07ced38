import { peerIdFromString } from '@libp2p/peer-id'
import { keccak256 } from 'viem'
import { AbortedError, TabmeshError } from '../../errors/base.ts'
import type { ProviderEntry, ProviderDirectory } from '../ads/directory.ts'
import { cidOf } from '../cid.ts'
import { INLINE_INPUT_BYTES, TASK_GRACE_MS } from '../constants.ts'
import { nextTaskMs, providerSpeed } from './speed.ts'
import { PeerUnreachableError, toMultiaddrs } from '../node/connections.ts'
import { reportUnreachable } from '../node/reachability.ts'
import type { MeshNode } from '../node/create-node.ts'
import { isTaskOutcome, isTransientRefusal } from '../protocol/codes.ts'
import { TaskSessions, taskSpecOf } from '../protocol/task.ts'
import type { TaskSession, TaskSessionRequest } from '../protocol/task.ts'
import type { TaskResponse } from '../protocol/messages.js'
import { failureHashOf, fromHex, outputHashOf, signedBy, toHex } from '../payment/signatures.ts'
import { encodeTaskSpec } from '../../chain/task-hash.ts'
import type { DistrustedDetail } from './reputation.ts'
import { ProviderLoad } from './provider-load.ts'
import type { AcceptedReceipts, FaultEvidence, JobProgress, JobSpec, JobSummary, SignedReceipt, TaskFailureData, TaskOutcome, TaskState, TaskStatus } from './types.ts'

/** A provider that answered BUSY is left alone this long, ms. */
const BUSY_BACKOFF_MS = 1_000
/** First back-off after a transport failure (dial, stream reset, deadline), doubled per failure up to MAX. */
const FAILURE_BACKOFF_MS = 2_000
const MAX_FAILURE_BACKOFF_MS = 30_000
/** Re-run the scheduling pass at least this often while a job is open (ads arrive, back-offs end). */
const PUMP_INTERVAL_MS = 500
/**
 * Tasks kept in flight per advertised worker. 2 hides one dispatch round trip behind a running task
 * (bench/: 1 ms tasks ran at 0.18× a local pool with one per worker); a provider queues up to its
 * worker count beyond the running ones (ProviderAgent's default `maxQueued`), so none is refused BUSY.
 */
const PIPELINE_PER_WORKER = 2
/**
 * A provider that ran the job's module lately (JobSpec.warm) counts 4× in the ranking: it has the
 * module compiled, so a short task or function call starts at once, and ×4 outweighs the random
 * factor (0.5–1.5) against an equally fast cold provider.
 */
const WARM_PROVIDER_WEIGHT = 4
/** Weight of a new latency sample in the per-provider moving average. */
const RTT_EWMA_ALPHA = 0.2
/**
 * Outvoted results after which a provider gets no more of this job's tasks. One may be bad luck
 * (a non-deterministic module); two in one job is a pattern, and each one costs a re-run.
 */
const MAX_FAULTS_PER_JOB = 2

interface TaskRecord {
  index: number
  /** provider → what it reported (output CID string or `error:CODE`). */
  results: Map<string, string>
  outputs: Map<string, Uint8Array>
  errors: Map<string, TaskFailureData>
  inflight: Map<string, AbortController>
  /** Paid jobs: each provider's signed receipt. */
  receipts: Map<string, SignedReceipt>
  /** Providers that gave an answer or a non-transient refusal for this task: never asked again. */
  excluded: Set<string>
  /** Payout address each reporting provider advertised when it was asked. */
  payouts: Map<string, string>
  /** Providers whose receipt was already handed out for payment. */
  paid: Set<string>
  state: TaskState
  escalated: boolean
  /** Agreeing results needed: `redundancy`, or 1 for a trusted provider's unreplicated task; undefined until first assigned. */
  need: number | undefined
  /** The trusted provider whose word alone accepted this task (state `unverified`). */
  trustedBy: string | undefined
}

interface ProviderRecord {
  /** Outvoted results in this job. */
  faults: number
  failures: number
  backoffUntil: number
  rttMs: number
  /** Tasks of this job timed on it, and their mean time request → result, ms (mesh/requester/speed.ts). */
  timed: number
  taskMs?: number
  /** The JobScheduler.taskVersion at which no task of this job was left for it. */
  noTaskAt: number
}

/**
 * Runs one job over the live providers: picks providers by score, price and latency with a random
 * factor; pipelines up to each provider's advertised worker count; sends every task to `redundancy`
 * distinct providers and accepts it when that many outputs agree by CID; on disagreement asks further
 * providers (escalation) until a quorum of `redundancy` agrees or `maxProvidersPerTask` is reached;
 * re-assigns a task when its provider is lost or misses its deadline. Deterministic task errors
 * (trap, timeout, exit code…) are outcomes too: a quorum on one fails the task with that error.
 *
 * With `spec.verification` (adaptive replication, see ReputationBook): a task first assigned to a
 * trusted provider is, unless picked for a spot-check, sent to it alone; its output is accepted on
 * trust, held, and released as a `result` when the job ends. If that provider disagrees with a quorum
 * anywhere before then, every task it alone vouched for is reopened and replicated (`rechecked`), so
 * a caught cheater's earlier answers are voted on and, when wrong, become fault proofs.
 *
 * Events: `result` (CustomEvent<TaskOutcome>, once per task, final), `provisional`
 * (CustomEvent<TaskOutcome>, a trusted provider's output as soon as it arrives, for displays),
 * `receipts` (CustomEvent<AcceptedReceipts>, receipts now owed payment), `task` (CustomEvent<TaskStatus>),
 * `progress` (CustomEvent<JobProgress>), `fault` (CustomEvent<FaultEvidence>).
 */
export class JobScheduler extends EventTarget {
  readonly spec: JobSpec
  readonly done: Promise<JobSummary>
  private readonly node: MeshNode
  private readonly directory: ProviderDirectory
  private readonly tasks: TaskRecord[]
  private readonly open = new Set<number>()
  /**
   * Open tasks that may want another provider, so a scheduling pass does not scan every open task
   * (O(providers × tasks) at 500 peers): `retry` (already started: re-assignments, escalations,
   * re-checks) is served before `fresh`. Supersets, pruned lazily in nextTaskFor.
   */
  private readonly retry = new Set<number>()
  private readonly fresh = new Set<number>()
  private readonly providers = new Map<string, ProviderRecord>()
  private readonly contributors = new Set<string>()
  /** Providers that were part of a quorum in this job. */
  private readonly proven = new Set<string>()
  private readonly faults: FaultEvidence[] = []
  private readonly taskSpecs = new Map<number, `0x${string}`>()
  private readonly started = performance.now()
  private accepted = 0
  private failed = 0
  /** Tasks with at least one run in flight, and tasks that ever had disagreeing results (JobProgress, kept as counts: progress is read per event). */
  private running = 0
  private escalated = 0
  private rechecked = 0
  private runs = 0
  /** Tasks accepted on trust, by index, released as results when the job ends. */
  private readonly held = new Map<number, TaskOutcome>()
  private timer: ReturnType<typeof setInterval> | undefined
  /**
   * When each run in flight is given up (its timeout + TASK_GRACE_MS, ms since the epoch), checked
   * every PUMP_INTERVAL_MS: one timer per job instead of one per task.
   */
  private readonly deadlines = new Map<AbortController, number>()
  /** Providers this job could use at the last scheduling pass (JobProgress.available). */
  private available = 0
  private resolveDone!: (summary: JobSummary) => void
  private rejectDone!: (err: Error) => void
  private finished = false
  private readonly onDirectoryChange = (): void => { this.pump() }
  private readonly load: ProviderLoad
  private readonly sessions: TaskSessions
  private readonly ownsSessions: boolean
  /** Providers whose session this job is opening. */
  private readonly opening = new Set<string>()
  /** Providers this job stated a want to, so it can take it back when it ends. */
  private readonly asked = new Set<string>()
  /**
   * Bumped whenever a task may have become assignable again (an assignment ended, a task reopened):
   * a provider for which no task was found at this version is not asked for credit again until it changes.
   */
  private taskVersion = 0

  private readonly onDistrusted = (evt: Event): void => {
    const { peerId, owner } = (evt as CustomEvent<DistrustedDetail>).detail
    const address = owner.toLowerCase()
    let reopened = 0
    for (const index of [...this.held.keys()]) {
      const task = this.tasks[index]!
      const by = task.trustedBy!
      if (by !== peerId && (address === '' || task.payouts.get(by)?.toLowerCase() !== address)) continue
      this.held.delete(index)
      task.trustedBy = undefined
      task.need = this.spec.redundancy
      task.state = 'pending'
      this.accepted--
      this.rechecked++
      this.open.add(index)
      this.retry.add(index)
      this.taskVersion++
      reopened++
      this.setState(task)
    }
    if (reopened > 0) this.pump()
  }
  /**
   * @param options.load in-flight counts shared with the client's other jobs (default: this job's own)
   * @param options.signal cancels the job (`done` rejects with AbortedError); its running tasks are cancelled on their providers
   * @param options.sessions task sessions shared with the client's other jobs (default: this job's own, closed when it ends)
   */
  constructor (node: MeshNode, directory: ProviderDirectory, spec: JobSpec, options: { signal?: AbortSignal, load?: ProviderLoad, sessions?: TaskSessions } = {}) {
    super()
    if (!Number.isInteger(spec.redundancy) || spec.redundancy < 1) throw new TabmeshError('INVALID_ARGUMENT', `redundancy must be a positive integer, got ${spec.redundancy}`)
    if (spec.maxProvidersPerTask < spec.redundancy) throw new TabmeshError('INVALID_ARGUMENT', 'maxProvidersPerTask must be at least redundancy')
    this.node = node
    this.directory = directory
    this.spec = spec
    this.load = options.load ?? new ProviderLoad()
    this.ownsSessions = options.sessions === undefined
    this.sessions = options.sessions ?? new TaskSessions(node)
    this.tasks = spec.inputs.map((_, index) => ({
      index,
      results: new Map(),
      outputs: new Map(),
      errors: new Map(),
      inflight: new Map(),
      receipts: new Map(),
      excluded: new Set(),
      payouts: new Map(),
      paid: new Set(),
      state: 'pending',
      escalated: false,
      need: undefined,
      trustedBy: undefined
    }))
    for (const t of this.tasks) { this.open.add(t.index); this.fresh.add(t.index) }
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject })
    this.done.catch(() => {})
    options.signal?.addEventListener('abort', () => { this.cancel(new AbortedError('the job was cancelled')) }, { once: true })
  }

  start (): void {
    if (this.tasks.length === 0) { this.finish(); return }
    this.directory.addEventListener('change', this.onDirectoryChange)
    this.load.addEventListener('release', this.onDirectoryChange)
    this.sessions.addEventListener('credit', this.onDirectoryChange)
    this.spec.verification?.book.addEventListener('distrusted', this.onDistrusted)
    this.timer = setInterval(() => { this.expire(); this.pump() }, PUMP_INTERVAL_MS)
    this.pump()
    // Say at once how many providers there are, even when none is there to change anything.
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
  }

  progress (): JobProgress {
    return { total: this.tasks.length, accepted: this.accepted, failed: this.failed, running: this.running, escalated: this.escalated, unverified: this.held.size, providers: this.contributors.size, available: this.available, needed: this.spec.redundancy }
  }

  cancel (err: Error = new AbortedError('the job was cancelled')): void {
    if (this.finished) return
    for (const t of this.tasks) for (const ac of t.inflight.values()) ac.abort(err)
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
    this.load.setWaiting(this, !this.finished && this.retry.size + this.fresh.size > 0)
    if (this.finished || this.retry.size + this.fresh.size === 0) return
    const now = Date.now()
    const usable = this.directory.live(now).filter(e => (this.providers.get(e.ad.peerId)?.faults ?? 0) < MAX_FAULTS_PER_JOB && (this.spec.paid?.eligible(e) ?? true))
    if (usable.length !== this.available) {
      this.available = usable.length
      this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
    }
    const candidates = usable.filter(e => (this.providers.get(e.ad.peerId)?.backoffUntil ?? 0) <= now)
    const referenceMs = this.referenceTaskMs()
    const ordered = candidates
      .map(entry => ({ entry, key: this.weight(entry, referenceMs) * (0.5 + Math.random()) }))
      .sort((a, b) => b.key - a.key)
    for (const { entry } of ordered) {
      const peer = entry.ad.peerId
      const provider = this.provider(peer)
      const session = this.sessions.get(peer)
      if (session === undefined) { this.openSession(entry); continue }
      const slots = entry.ad.workers * PIPELINE_PER_WORKER
      while (session.credit > 0 && this.load.mayTake(peer, this, slots) && provider.backoffUntil <= now) {
        const task = this.nextTaskFor(entry)
        if (task === undefined) { provider.noTaskAt = this.taskVersion; break }
        void this.dispatch(task, entry, session)
      }
      // Ask for as many slots as there are tasks waiting (the provider caps it by its free slots and
      // grants again the moment one frees, with the result that freed it), but only where a task could
      // go: a grant nobody uses is a round trip for nothing.
      const wanted = provider.noTaskAt === this.taskVersion || provider.backoffUntil > now ? 0 : Math.min(this.retry.size + this.fresh.size, slots)
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
      this.transportFailure(entry, err)
      this.pump()
    })
  }

  /** A provider that could not be reached, lost its session or missed a deadline: backed off exponentially, reported when unreachable. */
  private transportFailure (entry: ProviderEntry, err: unknown): void {
    const peer = entry.ad.peerId
    const provider = this.provider(peer)
    provider.failures++
    provider.backoffUntil = Date.now() + Math.min(MAX_FAILURE_BACKOFF_MS, FAILURE_BACKOFF_MS * 2 ** (provider.failures - 1))
    if (err instanceof PeerUnreachableError) void reportUnreachable(this.node, peerIdFromString(peer), toMultiaddrs(entry.ad.multiaddrs))
    if (err instanceof Error && this.node.getConnections(peerIdFromString(peer)).length === 0) this.directory.forget(peer)
  }

  /** Higher is better: speed (measured once timed, else the clamped claim) over price and latency; `referenceMs` is referenceTaskMs(), read once per pump. */
  private weight (entry: ProviderEntry, referenceMs: number): number {
    const record = this.providers.get(entry.ad.peerId)
    const score = providerSpeed({ claimedMilli: entry.ad.scoreMilli, timed: record?.timed ?? 0, taskMs: record?.taskMs ?? 0, referenceMs })
    const price = Math.log10(1 + Number(entry.ad.price))
    const rtt = record?.rttMs ?? 50
    const reputation = this.spec.verification?.book.weight(entry.ad.peerId, entry.ad.owner) ?? 1
    const warm = this.spec.warm?.has(entry.ad.peerId) === true ? WARM_PROVIDER_WEIGHT : 1
    return warm * reputation * score / (1 + price) / (1 + rtt / 100)
  }

  /** The mean task time over every provider timed in this job, ms (0 before any). */
  private referenceTaskMs (): number {
    let sum = 0
    let n = 0
    for (const p of this.providers.values()) if (p.taskMs !== undefined) { sum += p.taskMs; n++ }
    return n === 0 ? 0 : sum / n
  }

  /** Outvoted in this job, or caught disagreeing and not yet trusted again. */
  private suspect (entry: ProviderEntry): boolean {
    return (this.providers.get(entry.ad.peerId)?.faults ?? 0) > 0 ||
      (this.spec.verification?.book.weight(entry.ad.peerId, entry.ad.owner) ?? 1) < 1
  }

  private provider (peer: string): ProviderRecord {
    let p = this.providers.get(peer)
    if (p === undefined) {
      p = { faults: 0, failures: 0, backoffUntil: 0, rttMs: 50, timed: 0, noTaskAt: -1 }
      this.providers.set(peer, p)
    }
    return p
  }

  private nextTaskFor (entry: ProviderEntry): TaskRecord | undefined {
    return this.nextIn(this.retry, entry) ?? this.nextIn(this.fresh, entry)
  }

  private nextIn (candidates: Set<number>, entry: ProviderEntry): TaskRecord | undefined {
    const peer = entry.ad.peerId
    for (const index of candidates) {
      const task = this.tasks[index]!
      const needed = (task.need ?? this.spec.redundancy) - leadingCount(task) - task.inflight.size
      if (!this.open.has(index) || needed <= 0 || task.excluded.size + task.inflight.size >= this.spec.maxProvidersPerTask) {
        candidates.delete(index) // re-added when an assignment ends or the task is reopened
        continue
      }
      if (task.excluded.has(peer) || task.inflight.has(peer)) continue
      // A split vote is settled by providers that agreed with a quorum before (once there are any)
      // and were never caught disagreeing: otherwise, early in a job with many liars, a split can
      // escalate from liar to liar until maxProvidersPerTask runs out.
      if (task.escalated && (this.suspect(entry) || (this.proven.size > 0 && !this.proven.has(peer)))) continue
      if (task.need === undefined) {
        // First assignment decides: a trusted provider's task is replicated only when spot-checked.
        const book = this.spec.verification?.book
        task.need = book !== undefined && !book.shouldReplicate(peer, entry.ad.owner) ? 1 : this.spec.redundancy
      }
      return task
    }
    return undefined
  }

  private async dispatch (task: TaskRecord, entry: ProviderEntry, session: TaskSession): Promise<void> {
    const peer = entry.ad.peerId
    const provider = this.provider(peer)
    const controller = new AbortController()
    if (task.inflight.size === 0) this.running++
    task.inflight.set(peer, controller)
    task.payouts.set(peer, entry.ad.owner)
    this.load.acquire(peer, this)
    this.setState(task)
    this.deadlines.set(controller, Date.now() + this.spec.limits.timeoutMs + TASK_GRACE_MS)
    const signal = controller.signal
    const sentAt = performance.now()
    let response: TaskResponse | undefined
    let transportError: unknown
    try {
      const input = this.spec.inputs[task.index]!
      response = await session.send(this.request(task.index, input.bytes.length <= INLINE_INPUT_BYTES ? input.bytes : undefined), { signal })
    } catch (err) {
      transportError = err
    } finally {
      task.inflight.delete(peer)
      this.deadlines.delete(controller)
      if (task.inflight.size === 0) this.running--
      this.load.release(peer, this)
      if (this.open.has(task.index)) { this.retry.add(task.index); this.taskVersion++ }
    }
    if (this.finished || !this.open.has(task.index)) { this.pump(); return }

    if (response === undefined) {
      // Lost provider, lost session or missed deadline: not the task's fault. Try elsewhere.
      this.transportFailure(entry, transportError)
      // A lost unreplicated assignment is decided afresh by whoever takes the task next.
      if (task.results.size === 0 && task.inflight.size === 0 && task.need === 1) task.need = undefined
    } else if (response.ok) {
      provider.failures = 0
      provider.rttMs = (1 - RTT_EWMA_ALPHA) * provider.rttMs + RTT_EWMA_ALPHA * Math.max(0, performance.now() - sentAt - response.durationMs)
      // Timed here, end to end: the provider's own durationMs and its ad's score are self-reported.
      provider.taskMs = nextTaskMs(provider.taskMs, performance.now() - sentAt)
      provider.timed++
      // Never trust the provider's claimed CID: hash the output ourselves.
      const cidObj = await cidOf(response.output)
      const cid = cidObj.toString()
      const receipt = this.spec.paid !== undefined ? await this.checkReceipt(task.index, entry, response, outputHashOf(cidObj)) : undefined
      if (this.spec.paid !== undefined && receipt === undefined) {
        // Paid results must carry a valid receipt from the operator the ad binds to its owner.
        provider.failures++
        task.excluded.add(peer)
      } else {
        if (receipt !== undefined) task.receipts.set(peer, receipt)
        task.results.set(peer, cid)
        task.outputs.set(cid, response.output)
        task.excluded.add(peer)
        this.contributors.add(peer)
        this.runs++
      }
    } else {
      const code = response.failure?.code ?? 'INTERNAL'
      const receipt = this.spec.paid !== undefined && isTaskOutcome(code) ? await this.checkReceipt(task.index, entry, response, failureHashOf(code)) : undefined
      if (isTaskOutcome(code) && this.spec.paid !== undefined && receipt === undefined) {
        // A paid task's failure counts toward a quorum only with a receipt that can be disputed.
        provider.failures++
        task.excluded.add(peer)
      } else if (isTaskOutcome(code)) {
        if (receipt !== undefined) task.receipts.set(peer, receipt)
        provider.failures = 0
        const key = `error:${code}`
        task.results.set(peer, key)
        task.errors.set(key, { code, message: response.failure?.message ?? code, exitCode: response.failure?.exitCode, stderrTail: response.failure?.stderrTail })
        task.excluded.add(peer)
        this.contributors.add(peer)
        this.runs++
      } else if (isTransientRefusal(code)) {
        provider.backoffUntil = Date.now() + BUSY_BACKOFF_MS
        if (code === 'UNPAID') this.spec.paid?.unpaid?.(entry)
      } else {
        // BAD_REQUEST / BLOB_UNAVAILABLE / INTERNAL: this provider cannot do this task.
        provider.failures++
        task.excluded.add(peer)
      }
    }
    this.evaluate(task)
    this.pump()
  }

  private request (index: number, inline: Uint8Array | undefined): TaskSessionRequest {
    const input = this.spec.inputs[index]!
    const { limits } = this.spec
    return {
      jobId: this.spec.jobId,
      taskIndex: index,
      moduleCid: this.spec.moduleCid.bytes,
      inputCid: input.cid.bytes,
      args: this.spec.args,
      env: this.spec.env,
      limits: { timeoutMs: limits.timeoutMs, memoryPages: limits.memoryPages, fuel: limits.fuel ?? 0n, maxOutputBytes: limits.maxOutputBytes },
      input: inline ?? new Uint8Array(0),
      paid: this.spec.paid !== undefined,
      requester: this.spec.paid?.requester ?? '',
      price: this.spec.paid?.price.toString() ?? '',
      requesterBinding: this.spec.paid !== undefined ? fromHex(this.spec.paid.binding) : new Uint8Array(0)
    }
  }

  /** Task `index`'s description as receipts commit to it (cached: the same for every provider). */
  private taskSpec (index: number): `0x${string}` {
    let spec = this.taskSpecs.get(index)
    if (spec === undefined) {
      spec = encodeTaskSpec(taskSpecOf(this.request(index, undefined)))
      this.taskSpecs.set(index, spec)
    }
    return spec
  }

  /** The provider's receipt when it is signed by the operator its (eligible, hence verified) ad binds to its owner. */
  private async checkReceipt (taskIndex: number, entry: ProviderEntry, response: TaskResponse, outputHash: `0x${string}`): Promise<SignedReceipt | undefined> {
    const operator = entry.ad.operator
    if (operator === '' || response.operator.toLowerCase() !== operator.toLowerCase() || response.receiptSignature.length !== 65) return undefined
    const receipt = { taskHash: keccak256(this.taskSpec(taskIndex)), outputHash, operator: operator as `0x${string}` }
    const signature = toHex(response.receiptSignature)
    if (!await signedBy(this.spec.paid!.chain, 'Receipt', receipt, signature, receipt.operator)) return undefined
    return { peer: entry.ad.peerId, owner: entry.ad.owner as `0x${string}`, receipt, signature }
  }

  private evaluate (task: TaskRecord): void {
    const groups = groupResults(task)
    const [leadKey, leadPeers] = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []]
    const book = this.spec.verification?.book
    if (task.need === 1 && groups.size === 1 && leadPeers.length === 1) {
      const by = leadPeers[0]!
      // Errors are never taken on trust (claiming one is free); nor is a provider distrusted meanwhile.
      if (book !== undefined && !leadKey.startsWith('error:') && book.isTrusted(by, task.payouts.get(by) ?? '')) {
        this.acceptOnTrust(task, by, leadKey)
        return
      }
      task.need = this.spec.redundancy
    }
    if (leadPeers.length >= this.spec.redundancy) {
      for (const [key, peers] of groups) {
        if (key === leadKey) continue
        for (const p of peers) {
          const fault: FaultEvidence = { index: task.index, provider: p, reported: key, quorum: leadKey, quorumProviders: leadPeers }
          const faulty = task.receipts.get(p)
          const quorum = leadPeers.map(q => task.receipts.get(q)).filter((r): r is SignedReceipt => r !== undefined)
          if (faulty !== undefined && quorum.length === leadPeers.length) { fault.faultyReceipt = faulty; fault.quorumReceipts = quorum; fault.taskSpec = this.taskSpec(task.index) }
          this.faults.push(fault)
          // A signed wrong result in a paid job is disputed: the accused gets no more of this job's tasks.
          this.provider(p).faults = fault.faultyReceipt !== undefined ? MAX_FAULTS_PER_JOB : this.provider(p).faults + 1
          book?.recordDisagreement(p, task.payouts.get(p) ?? '')
          this.dispatchEvent(new CustomEvent('fault', { detail: fault }))
        }
      }
      for (const p of leadPeers) {
        this.proven.add(p)
        book?.recordAgreement(p, task.payouts.get(p) ?? '')
      }
      // The quorum did the work, whatever the outcome: a trap or an exit code agreed by `redundancy`
      // providers is paid like an output (their receipts are as disputable).
      if (leadKey.startsWith('error:')) this.emitReceipts(task, leadPeers)
      const outcome: TaskOutcome = leadKey.startsWith('error:')
        ? { index: task.index, ok: false, error: task.errors.get(leadKey)!, providers: leadPeers }
        : {
            index: task.index,
            ok: true,
            output: task.outputs.get(leadKey)!,
            outputCid: leadKey,
            providers: leadPeers,
            verification: 'quorum',
            ...(this.spec.paid !== undefined ? { receipts: leadPeers.map(q => task.receipts.get(q)!).filter(r => r !== undefined) } : {})
          }
      this.settle(task, outcome)
      return
    }
    if (groups.size > 1 && !task.escalated) { task.escalated = true; this.escalated++ }
    if (task.inflight.size === 0 && task.excluded.size >= this.spec.maxProvidersPerTask) {
      this.settle(task, {
        index: task.index,
        ok: false,
        error: { code: 'NO_QUORUM', message: `no ${this.spec.redundancy} of ${task.excluded.size} providers agreed on task ${task.index}` },
        providers: [...task.results.keys()]
      })
      return
    }
    this.setState(task)
  }

  /** Accepts a trusted provider's unreplicated output: paid now, held as a result until the job ends. */
  private acceptOnTrust (task: TaskRecord, by: string, cid: string): void {
    const outcome: TaskOutcome = {
      index: task.index,
      ok: true,
      output: task.outputs.get(cid)!,
      outputCid: cid,
      providers: [by],
      verification: 'trusted',
      ...(this.spec.paid !== undefined ? { receipts: [task.receipts.get(by)!] } : {})
    }
    task.state = 'unverified'
    task.trustedBy = by
    this.open.delete(task.index)
    this.held.set(task.index, outcome)
    this.accepted++
    this.spec.verification!.book.recordUnverified(by, task.payouts.get(by) ?? '')
    this.emitReceipts(task, [by])
    this.emitTask(task)
    this.dispatchEvent(new CustomEvent('provisional', { detail: outcome }))
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
    if (this.open.size === 0) this.finish()
  }

  private settle (task: TaskRecord, outcome: TaskOutcome): void {
    task.state = outcome.ok ? 'verified' : 'failed'
    this.open.delete(task.index)
    for (const ac of task.inflight.values()) ac.abort(new TabmeshError('TASK_SETTLED', 'the task already has a quorum'))
    if (outcome.ok) this.accepted++
    else this.failed++
    if (outcome.ok) this.emitReceipts(task, outcome.providers)
    task.outputs.clear()
    this.emitTask(task)
    this.dispatchEvent(new CustomEvent('result', { detail: outcome }))
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
    if (this.open.size === 0) this.finish()
  }

  /** Hands out, once per provider and task, the receipts of providers whose output was accepted. */
  private emitReceipts (task: TaskRecord, providers: string[]): void {
    const receipts: SignedReceipt[] = []
    for (const p of providers) {
      const r = task.receipts.get(p)
      if (r === undefined || task.paid.has(p)) continue
      task.paid.add(p)
      receipts.push(r)
    }
    if (receipts.length > 0) this.dispatchEvent(new CustomEvent<AcceptedReceipts>('receipts', { detail: { index: task.index, receipts } }))
  }

  private setState (task: TaskRecord): void {
    if (task.state === 'verified' || task.state === 'failed') return
    task.state = task.escalated ? 'escalated' : task.inflight.size > 0 ? 'running' : 'pending'
    this.emitTask(task)
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
  }

  private emitTask (task: TaskRecord): void {
    const status: TaskStatus = { index: task.index, state: task.state, running: [...task.inflight.keys()], reported: [...task.results.keys()] }
    this.dispatchEvent(new CustomEvent('task', { detail: status }))
  }

  private finish (): void {
    this.cleanup()
    // No replicated task is left to contradict them: tasks accepted on trust are final now.
    const unverified = this.held.size
    for (const [index, outcome] of [...this.held].sort((a, b) => a[0] - b[0])) {
      this.held.delete(index)
      this.tasks[index]!.outputs.clear()
      this.dispatchEvent(new CustomEvent('result', { detail: outcome }))
    }
    if (unverified > 0) this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
    this.resolveDone({
      jobId: this.spec.jobId,
      accepted: this.accepted,
      failed: this.failed,
      durationMs: performance.now() - this.started,
      faults: this.faults,
      unverified,
      rechecked: this.rechecked,
      runs: this.runs
    })
  }

  private cleanup (): void {
    this.finished = true
    clearInterval(this.timer)
    this.directory.removeEventListener('change', this.onDirectoryChange)
    this.load.removeEventListener('release', this.onDirectoryChange)
    this.load.setWaiting(this, false)
    this.sessions.removeEventListener('credit', this.onDirectoryChange)
    for (const peer of this.asked) this.sessions.get(peer)?.want(this, 0)
    if (this.ownsSessions) this.sessions.stop()
    this.spec.verification?.book.removeEventListener('distrusted', this.onDistrusted)
  }
}

function groupResults (task: TaskRecord): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const [peer, key] of task.results) {
    const list = groups.get(key) ?? []
    list.push(peer)
    groups.set(key, list)
  }
  return groups
}

function leadingCount (task: TaskRecord): number {
  let best = 0
  for (const peers of groupResults(task).values()) best = Math.max(best, peers.length)
  return best
}
