import { TypedEventEmitter } from 'main-event'
import { TabmeshError } from '../../errors/base.ts'
import type { ReputationBook } from './reputation.ts'
import type { AcceptedReceipts, FaultEvidence, JobProgress, SignedReceipt, TaskFailureData, TaskOutcome, TaskState, TaskStatus } from './types.ts'

/**
 * Outvoted results after which a provider gets no more of this job's tasks. One may be bad luck
 * (a non-deterministic module); two in one job is a pattern, and each one costs a re-run.
 */
export const MAX_FAULTS_PER_JOB = 2

/** What one run of a task came back with, as the scheduler checked it. */
export type RunReport =
  /** An output (its CID computed by the requester) and, in paid jobs, the provider's valid receipt. */
  | { kind: 'output', cid: string, output: Uint8Array, receipt?: SignedReceipt }
  /** A deterministic task outcome (trap, timeout, exit code…) every honest provider agrees on. */
  | { kind: 'outcome', error: TaskFailureData, receipt?: SignedReceipt }
  /** This provider cannot do this task (bad request, data unavailable, a paid result without a valid receipt): never ask it again for it. */
  | { kind: 'refused' }
  /** Lost provider or session, missed deadline, a busy or unpaid refusal: nothing learnt about the task. */
  | { kind: 'nothing' }

export interface TaskBookParameters {
  /** Number of tasks (indexes 0…tasks − 1). */
  tasks: number
  /** Agreeing results a task needs. */
  redundancy: number
  /** Most distinct providers one task may be sent to before it fails with NO_QUORUM. */
  maxProvidersPerTask: number
  /** Adaptive replication: trusted providers' tasks are run once unless spot-checked (see ReputationBook). */
  reputation?: ReputationBook
  /** The encoded task spec receipts commit to (mesh/protocol/task.ts taskSpecOf), for fault evidence. */
  taskSpec: (index: number) => `0x${string}`
  /** Turns an accepted output into what the outcome shows (a job that collects files: stdout and the files). */
  present?: (output: Uint8Array) => { output: Uint8Array, files?: Record<string, Uint8Array> }
}

export interface TaskBookEvents {
  /** A task's final outcome (once per task). */
  result: CustomEvent<TaskOutcome>
  /** A trusted provider's output accepted on its word alone, before the job ends (for displays). */
  trusted: CustomEvent<TaskOutcome>
  /** Receipts now owed payment. */
  receipts: CustomEvent<AcceptedReceipts>
  task: CustomEvent<TaskStatus>
  /** A counter of `counts()` changed. */
  progress: CustomEvent<void>
  fault: CustomEvent<FaultEvidence>
}

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
  /** Owner each provider's ad named when it was asked. */
  owners: Map<string, string>
  /** Providers whose receipt was already handed out for payment. */
  paid: Set<string>
  state: TaskState
  escalated: boolean
  /** Agreeing results needed: `redundancy`, or 1 for a trusted provider's task run once; undefined until first assigned. */
  need: number | undefined
  /** The trusted provider whose word alone accepted this task (state `trusted`). */
  trustedBy: string | undefined
}

/** Counts of a job's tasks and runs (JobProgress and JobSummary read them). */
export type TaskBookCounts = Pick<JobProgress, 'total' | 'accepted' | 'failed' | 'running' | 'escalated' | 'trusted' | 'providers'> & {
  /** Tasks reopened because the provider that alone vouched for them was caught disagreeing. */
  rechecked: number
  /** Task runs that reported a result. */
  runs: number
}

/**
 * The task book of one job: task states, which provider may take which task, the votes, trust holds
 * and re-checks. Pure bookkeeping — no network, no timers, no hashing: the scheduler (scheduler.ts)
 * asks `next` for a task to send and tells `start`/`end` about runs and what they returned; the
 * book decides (quorum, escalation, NO_QUORUM, acceptance on trust) and says so in events.
 *
 * Voting follows BOINC's validator: a task is accepted when `redundancy` results agree by CID; on a
 * split it is escalated to further providers — only ones that agreed with a quorum before and were
 * never caught disagreeing — until a quorum forms or `maxProvidersPerTask` is spent. With a
 * reputation book (BOINC's adaptive replication) a trusted provider's task runs once and is accepted
 * on trust, held, and released as a result when the job ends; if that provider disagrees with a quorum
 * before then, every task it alone vouched for is reopened (`reopenTrustedBy`).
 *
 * @example
 * const book = new TaskBook({ tasks: 1, redundancy: 2, maxProvidersPerTask: 5, taskSpec: () => '0x' })
 * const i = book.next('A', '0xa…')!
 * book.start(i, 'A', '0xa…', new AbortController())
 * book.end(i, 'A', { kind: 'output', cid: 'bafk…', output })
 */
export class TaskBook extends TypedEventEmitter<TaskBookEvents> {
  private readonly params: TaskBookParameters
  private readonly tasks: TaskRecord[]
  private readonly open = new Set<number>()
  /**
   * Open tasks that may want another provider, so `next` does not scan every open task
   * (O(providers × tasks) at 500 peers): `retry` (already started: re-assignments, escalations,
   * re-checks) is served before `fresh`. Supersets, pruned lazily in `next`.
   */
  private readonly retry = new Set<number>()
  private readonly fresh = new Set<number>()
  /** Outvoted results per provider in this job. */
  private readonly faultCounts = new Map<string, number>()
  /** Providers that were part of a quorum in this job. */
  private readonly proven = new Set<string>()
  private readonly contributors = new Set<string>()
  readonly faults: FaultEvidence[] = []
  /** Tasks accepted on trust, by index, released as results when the job ends. */
  private readonly acceptedOnTrust = new Map<number, TaskOutcome>()
  private accepted = 0
  private failed = 0
  private running = 0
  private escalated = 0
  private rechecked = 0
  private runs = 0
  /**
   * Bumped whenever a task may have become assignable again (a run ended, a task reopened): a
   * provider for which `next` found nothing at this version need not be asked again until it changes.
   */
  version = 0

  constructor (params: TaskBookParameters) {
    super()
    if (!Number.isInteger(params.redundancy) || params.redundancy < 1) throw new TabmeshError('INVALID_ARGUMENT', `redundancy must be a positive integer, got ${params.redundancy}`)
    if (params.maxProvidersPerTask < params.redundancy) throw new TabmeshError('INVALID_ARGUMENT', 'maxProvidersPerTask must be at least redundancy')
    this.params = params
    this.tasks = Array.from({ length: params.tasks }, (_, index) => ({
      index,
      results: new Map(),
      outputs: new Map(),
      errors: new Map(),
      inflight: new Map(),
      receipts: new Map(),
      excluded: new Set(),
      owners: new Map(),
      paid: new Set(),
      state: 'pending',
      escalated: false,
      need: undefined,
      trustedBy: undefined
    }))
    for (const t of this.tasks) { this.open.add(t.index); this.fresh.add(t.index) }
  }

  /** Tasks not yet settled (held ones count as settled). */
  get openTasks (): number { return this.open.size }

  /** Open tasks that may want another provider (an upper bound). */
  get waiting (): number { return this.retry.size + this.fresh.size }

  /** Whether task `index` is still open (not settled, not held on trust). */
  isOpen (index: number): boolean { return this.open.has(index) }

  counts (): TaskBookCounts {
    return { total: this.tasks.length, accepted: this.accepted, failed: this.failed, running: this.running, escalated: this.escalated, trusted: this.acceptedOnTrust.size, providers: this.contributors.size, rechecked: this.rechecked, runs: this.runs }
  }

  /** Outvoted results of `peer` in this job (a provider at MAX_FAULTS_PER_JOB gets no more tasks). */
  faultsOf (peer: string): number { return this.faultCounts.get(peer) ?? 0 }

  /**
   * The next task `peer` (whose ad names `owner`) should run, or undefined when none may go to it.
   * The first assignment of a task decides its replication: a trusted provider's task runs once unless
   * the reputation book picks it for a spot-check.
   */
  next (peer: string, owner: string): number | undefined {
    return this.nextIn(this.retry, peer, owner) ?? this.nextIn(this.fresh, peer, owner)
  }

  private nextIn (candidates: Set<number>, peer: string, owner: string): number | undefined {
    for (const index of candidates) {
      const task = this.tasks[index]!
      const needed = (task.need ?? this.params.redundancy) - leadingCount(task) - task.inflight.size
      if (!this.open.has(index) || needed <= 0 || task.excluded.size + task.inflight.size >= this.params.maxProvidersPerTask) {
        candidates.delete(index) // re-added when a run ends or the task is reopened
        continue
      }
      if (task.excluded.has(peer) || task.inflight.has(peer)) continue
      // A split vote is settled by providers that agreed with a quorum before (once there are any)
      // and were never caught disagreeing: otherwise, early in a job with many liars, a split can
      // escalate from liar to liar until maxProvidersPerTask runs out.
      if (task.escalated && (this.suspect(peer, owner) || (this.proven.size > 0 && !this.proven.has(peer)))) continue
      if (task.need === undefined) {
        const book = this.params.reputation
        task.need = book !== undefined && !book.shouldReplicate(peer, owner) ? 1 : this.params.redundancy
      }
      return index
    }
    return undefined
  }

  /** Outvoted in this job, or caught disagreeing and not yet trusted again. */
  private suspect (peer: string, owner: string): boolean {
    return this.faultsOf(peer) > 0 || (this.params.reputation?.weight(peer, owner) ?? 1) < 1
  }

  /** A run of task `index` was sent to `peer`; `controller` is aborted if the task settles meanwhile. */
  start (index: number, peer: string, owner: string, controller: AbortController): void {
    const task = this.tasks[index]!
    if (task.inflight.size === 0) this.running++
    task.inflight.set(peer, controller)
    task.owners.set(peer, owner)
    // Fully assigned: no longer waiting (so `waiting` asks providers for no slot it cannot use).
    if ((task.need ?? this.params.redundancy) - leadingCount(task) - task.inflight.size <= 0) { this.fresh.delete(index); this.retry.delete(index) }
    this.setState(task)
  }

  /**
   * The run of task `index` on `peer` ended with `report` (what it returned, as the scheduler checked
   * it); the book decides the task if it can. The run counts as in flight until then, so the same
   * provider is never given the task again while its answer is being checked.
   */
  end (index: number, peer: string, report: RunReport): void {
    const task = this.tasks[index]!
    if (!task.inflight.delete(peer)) return
    if (task.inflight.size === 0) this.running--
    if (this.open.has(index)) { this.retry.add(index); this.version++ }
    this.record(index, peer, report)
  }

  private record (index: number, peer: string, report: RunReport): void {
    const task = this.tasks[index]!
    if (!this.open.has(index)) return
    switch (report.kind) {
      case 'output':
        if (report.receipt !== undefined) task.receipts.set(peer, report.receipt)
        task.results.set(peer, report.cid)
        task.outputs.set(report.cid, report.output)
        task.excluded.add(peer)
        this.contributors.add(peer)
        this.runs++
        break
      case 'outcome': {
        if (report.receipt !== undefined) task.receipts.set(peer, report.receipt)
        const key = `error:${report.error.code}`
        task.results.set(peer, key)
        task.errors.set(key, report.error)
        task.excluded.add(peer)
        this.contributors.add(peer)
        this.runs++
        break
      }
      case 'refused':
        task.excluded.add(peer)
        break
      case 'nothing':
        // A lost run of a task meant to run once is decided afresh by whoever takes it next.
        if (task.results.size === 0 && task.inflight.size === 0 && task.need === 1) task.need = undefined
        break
    }
    this.evaluate(task)
  }

  /**
   * Reopens every task held on the word of `peer` (or of any provider of `owner`, when given) for
   * replication: it was caught disagreeing with a quorum. Returns how many were reopened.
   */
  reopenTrustedBy (peer: string, owner: string): number {
    const address = owner.toLowerCase()
    let reopened = 0
    for (const index of [...this.acceptedOnTrust.keys()]) {
      const task = this.tasks[index]!
      const by = task.trustedBy!
      if (by !== peer && (address === '' || task.owners.get(by)?.toLowerCase() !== address)) continue
      this.acceptedOnTrust.delete(index)
      task.trustedBy = undefined
      task.need = this.params.redundancy
      task.state = 'pending'
      this.accepted--
      this.rechecked++
      this.open.add(index)
      this.retry.add(index)
      this.version++
      reopened++
      this.setState(task)
    }
    return reopened
  }

  /** Aborts every run in flight with `reason`. */
  abortAll (reason: Error): void {
    for (const t of this.tasks) for (const controller of t.inflight.values()) controller.abort(reason)
  }

  /**
   * Ends the book: tasks held on trust are final now (no replicated task is left to contradict them)
   * and are emitted as results, in index order. Returns how many there were.
   */
  releaseTrusted (): number {
    const trusted = this.acceptedOnTrust.size
    for (const [index, outcome] of [...this.acceptedOnTrust].sort((a, b) => a[0] - b[0])) {
      this.acceptedOnTrust.delete(index)
      this.tasks[index]!.outputs.clear()
      this.emit('result', { detail: outcome })
    }
    if (trusted > 0) this.emit('progress')
    return trusted
  }

  private evaluate (task: TaskRecord): void {
    const groups = groupResults(task)
    const [leadKey, leadPeers] = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []]
    const book = this.params.reputation
    const { redundancy } = this.params
    if (task.need === 1 && groups.size === 1 && leadPeers.length === 1) {
      const by = leadPeers[0]!
      // Errors are never taken on trust (claiming one is free); nor is a provider distrusted meanwhile.
      if (book !== undefined && !leadKey.startsWith('error:') && book.isTrusted(by, task.owners.get(by) ?? '')) {
        this.acceptOnTrust(task, by, leadKey)
        return
      }
      task.need = redundancy
    }
    if (leadPeers.length >= redundancy) {
      for (const [key, peers] of groups) {
        if (key === leadKey) continue
        for (const p of peers) {
          const fault: FaultEvidence = { index: task.index, provider: p, reported: key, quorum: leadKey, quorumProviders: leadPeers }
          const faulty = task.receipts.get(p)
          const quorum = leadPeers.map(q => task.receipts.get(q)).filter((r): r is SignedReceipt => r !== undefined)
          if (faulty !== undefined && quorum.length === leadPeers.length) { fault.faultyReceipt = faulty; fault.quorumReceipts = quorum; fault.taskSpec = this.params.taskSpec(task.index) }
          this.faults.push(fault)
          // A signed wrong result in a paid job is disputed: the accused gets no more of this job's tasks.
          this.faultCounts.set(p, fault.faultyReceipt !== undefined ? MAX_FAULTS_PER_JOB : this.faultsOf(p) + 1)
          book?.recordDisagreement(p, task.owners.get(p) ?? '')
          this.emit('fault', { detail: fault })
        }
      }
      for (const p of leadPeers) {
        this.proven.add(p)
        book?.recordAgreement(p, task.owners.get(p) ?? '')
      }
      // The quorum did the work, whatever the outcome: a trap or an exit code agreed by `redundancy`
      // providers is paid like an output (their receipts are as disputable).
      if (leadKey.startsWith('error:')) this.emitReceipts(task, leadPeers)
      const receipts = leadPeers.map(q => task.receipts.get(q)).filter((r): r is SignedReceipt => r !== undefined)
      const outcome: TaskOutcome = leadKey.startsWith('error:')
        ? { index: task.index, ok: false, error: task.errors.get(leadKey)!, providers: leadPeers }
        : { index: task.index, ok: true, ...this.shown(task.outputs.get(leadKey)!), outputCid: leadKey, providers: leadPeers, verification: 'quorum', ...(receipts.length > 0 ? { receipts } : {}) }
      this.settle(task, outcome)
      return
    }
    if (groups.size > 1 && !task.escalated) { task.escalated = true; this.escalated++ }
    if (task.inflight.size === 0 && task.excluded.size >= this.params.maxProvidersPerTask) {
      this.settle(task, {
        index: task.index,
        ok: false,
        error: { code: 'NO_QUORUM', message: `no ${redundancy} of ${task.excluded.size} providers agreed on task ${task.index}` },
        providers: [...task.results.keys()]
      })
      return
    }
    this.setState(task)
  }

  private shown (output: Uint8Array): { output: Uint8Array, files?: Record<string, Uint8Array> } {
    return this.params.present?.(output) ?? { output }
  }

  /** Accepts a trusted provider's output run once: paid now, held as a result until the job ends. */
  private acceptOnTrust (task: TaskRecord, by: string, cid: string): void {
    const receipt = task.receipts.get(by)
    const outcome: TaskOutcome = { index: task.index, ok: true, ...this.shown(task.outputs.get(cid)!), outputCid: cid, providers: [by], verification: 'trusted', ...(receipt !== undefined ? { receipts: [receipt] } : {}) }
    task.state = 'trusted'
    task.trustedBy = by
    this.open.delete(task.index)
    this.acceptedOnTrust.set(task.index, outcome)
    this.accepted++
    this.params.reputation!.recordUnverified(by, task.owners.get(by) ?? '')
    this.emitReceipts(task, [by])
    this.emitTask(task)
    this.emit('trusted', { detail: outcome })
    this.emit('progress')
  }

  private settle (task: TaskRecord, outcome: TaskOutcome): void {
    task.state = outcome.ok ? 'verified' : 'failed'
    this.open.delete(task.index)
    for (const controller of task.inflight.values()) controller.abort(new TabmeshError('TASK_SETTLED', 'the task already has a quorum'))
    if (outcome.ok) this.accepted++
    else this.failed++
    if (outcome.ok) this.emitReceipts(task, outcome.providers)
    task.outputs.clear()
    this.emitTask(task)
    this.emit('result', { detail: outcome })
    this.emit('progress')
  }

  /** Hands out, once per provider and task, the receipts of providers whose result was accepted. */
  private emitReceipts (task: TaskRecord, providers: string[]): void {
    const receipts: SignedReceipt[] = []
    for (const p of providers) {
      const r = task.receipts.get(p)
      if (r === undefined || task.paid.has(p)) continue
      task.paid.add(p)
      receipts.push(r)
    }
    if (receipts.length > 0) this.emit('receipts', { detail: { index: task.index, receipts } })
  }

  private setState (task: TaskRecord): void {
    if (task.state === 'verified' || task.state === 'failed') return
    task.state = task.escalated ? 'escalated' : task.inflight.size > 0 ? 'running' : 'pending'
    this.emitTask(task)
    this.emit('progress')
  }

  /** Dispatches `type` when something listens for it (a relay attaches only on demand: mesh/events.ts). */
  private emit (type: keyof TaskBookEvents, init?: CustomEventInit): void {
    if (this.listenerCount(type) > 0) this.safeDispatchEvent(type, init)
  }

  private emitTask (task: TaskRecord): void {
    if (this.listenerCount('task') === 0) return
    this.emit('task', { detail: { index: task.index, state: task.state, running: [...task.inflight.keys()], reported: [...task.results.keys()] } })
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
