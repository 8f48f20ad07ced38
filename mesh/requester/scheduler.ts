import { peerIdFromString } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { AbortedError, TabmeshError } from '../../errors/base.ts'
import type { ProviderEntry, ProviderDirectory } from '../ads/directory.ts'
import { cidOf } from '../cid.ts'
import { INLINE_INPUT_BYTES, MAX_TASK_MESSAGE_BYTES, TASK_GRACE_MS, TASK_PROTOCOL } from '../constants.ts'
import { connectDirect, toMultiaddrs } from '../node/connections.ts'
import type { MeshNode } from '../node/create-node.ts'
import { isTaskOutcome } from '../provider/agent.ts'
import { TaskRequest, TaskResponse } from '../protocol/messages.js'
import { outputHashOf, receiptSigner, toHex } from '../payment/signatures.ts'
import type { FaultEvidence, JobProgress, JobSpec, JobSummary, SignedReceipt, TaskFailureData, TaskOutcome, TaskState, TaskStatus } from './types.ts'

/** A provider that answered BUSY is left alone this long, ms. */
const BUSY_BACKOFF_MS = 1_000
/** First back-off after a transport failure (dial, stream reset, deadline), doubled per failure up to MAX. */
const FAILURE_BACKOFF_MS = 2_000
const MAX_FAILURE_BACKOFF_MS = 30_000
/** Re-run the scheduling pass at least this often while a job is open (ads arrive, back-offs end). */
const PUMP_INTERVAL_MS = 500
/** Weight of a new latency sample in the per-provider moving average. */
const RTT_EWMA_ALPHA = 0.2

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
  state: TaskState
  escalated: boolean
}

interface ProviderRecord {
  inflight: number
  failures: number
  backoffUntil: number
  rttMs: number
}

/**
 * Runs one job over the live providers: picks providers by score, price and latency with a random
 * factor; pipelines up to each provider's advertised worker count; sends every task to `redundancy`
 * distinct providers and accepts it when that many outputs agree by CID; on disagreement asks further
 * providers (escalation) until a quorum of `redundancy` agrees or `maxProvidersPerTask` is reached;
 * re-assigns a task when its provider is lost or misses its deadline. Deterministic task errors
 * (trap, timeout, exit code…) are outcomes too: a quorum on one fails the task with that error.
 *
 * Events: `result` (CustomEvent<TaskOutcome>), `task` (CustomEvent<TaskStatus>), `progress`
 * (CustomEvent<JobProgress>), `fault` (CustomEvent<FaultEvidence>).
 */
export class JobScheduler extends EventTarget {
  readonly spec: JobSpec
  readonly done: Promise<JobSummary>
  private readonly node: MeshNode
  private readonly directory: ProviderDirectory
  private readonly tasks: TaskRecord[]
  private readonly open = new Set<number>()
  private readonly providers = new Map<string, ProviderRecord>()
  private readonly contributors = new Set<string>()
  private readonly faults: FaultEvidence[] = []
  private readonly started = performance.now()
  private accepted = 0
  private failed = 0
  private timer: ReturnType<typeof setInterval> | undefined
  private resolveDone!: (summary: JobSummary) => void
  private rejectDone!: (err: Error) => void
  private finished = false
  private readonly onDirectoryChange = (): void => { this.pump() }
  private readonly onDisconnect = (evt: CustomEvent<{ toString: () => string }>): void => {
    const peer = evt.detail.toString()
    for (const task of this.tasks) task.inflight.get(peer)?.abort(new TabmeshError('PROVIDER_LOST', `provider ${peer} disconnected`))
  }

  constructor (node: MeshNode, directory: ProviderDirectory, spec: JobSpec, options: { signal?: AbortSignal } = {}) {
    super()
    if (!Number.isInteger(spec.redundancy) || spec.redundancy < 1) throw new TabmeshError('INVALID_ARGUMENT', `redundancy must be a positive integer, got ${spec.redundancy}`)
    if (spec.maxProvidersPerTask < spec.redundancy) throw new TabmeshError('INVALID_ARGUMENT', 'maxProvidersPerTask must be at least redundancy')
    this.node = node
    this.directory = directory
    this.spec = spec
    this.tasks = spec.inputs.map((_, index) => ({
      index, results: new Map(), outputs: new Map(), errors: new Map(), inflight: new Map(), receipts: new Map(), excluded: new Set(), state: 'pending', escalated: false
    }))
    for (const t of this.tasks) this.open.add(t.index)
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject })
    this.done.catch(() => {})
    options.signal?.addEventListener('abort', () => { this.cancel(new AbortedError('the job was cancelled')) }, { once: true })
  }

  start (): void {
    if (this.tasks.length === 0) { this.finish(); return }
    this.directory.addEventListener('change', this.onDirectoryChange)
    this.node.addEventListener('peer:disconnect', this.onDisconnect as EventListener)
    this.timer = setInterval(() => { this.pump() }, PUMP_INTERVAL_MS)
    this.pump()
  }

  progress (): JobProgress {
    let running = 0
    let escalated = 0
    for (const t of this.tasks) {
      if (t.inflight.size > 0) running++
      if (t.escalated) escalated++
    }
    return { total: this.tasks.length, accepted: this.accepted, failed: this.failed, running, escalated, providers: this.contributors.size }
  }

  cancel (err: Error = new AbortedError('the job was cancelled')): void {
    if (this.finished) return
    for (const t of this.tasks) for (const ac of t.inflight.values()) ac.abort(err)
    this.cleanup()
    this.rejectDone(err)
  }

  private pump (): void {
    if (this.finished) return
    const now = Date.now()
    const candidates = this.directory.live(now).filter(e =>
      (this.providers.get(e.ad.peerId)?.backoffUntil ?? 0) <= now && (this.spec.paid?.eligible(e) ?? true))
    const ordered = candidates
      .map(entry => ({ entry, key: this.weight(entry) * (0.5 + Math.random()) }))
      .sort((a, b) => b.key - a.key)
    for (const { entry } of ordered) {
      const provider = this.provider(entry.ad.peerId)
      while (provider.inflight < entry.ad.workers && provider.backoffUntil <= now) {
        const task = this.nextTaskFor(entry.ad.peerId)
        if (task === undefined) break
        void this.dispatch(task, entry)
      }
    }
  }

  /** Higher is better: benchmark score over price and latency (DESIGN.md "Assign"). */
  private weight (entry: ProviderEntry): number {
    const score = entry.ad.scoreMilli > 0 ? entry.ad.scoreMilli / 1000 : 1
    const price = Math.log10(1 + Number(entry.ad.price))
    const rtt = this.providers.get(entry.ad.peerId)?.rttMs ?? 50
    return score / (1 + price) / (1 + rtt / 100)
  }

  private provider (peer: string): ProviderRecord {
    let p = this.providers.get(peer)
    if (p === undefined) {
      p = { inflight: 0, failures: 0, backoffUntil: 0, rttMs: 50 }
      this.providers.set(peer, p)
    }
    return p
  }

  private nextTaskFor (peer: string): TaskRecord | undefined {
    for (const index of this.open) {
      const task = this.tasks[index]!
      if (task.excluded.has(peer) || task.inflight.has(peer)) continue
      const needed = this.spec.redundancy - leadingCount(task) - task.inflight.size
      if (needed <= 0) continue
      if (task.excluded.size + task.inflight.size >= this.spec.maxProvidersPerTask) continue
      return task
    }
    return undefined
  }

  private async dispatch (task: TaskRecord, entry: ProviderEntry): Promise<void> {
    const peer = entry.ad.peerId
    const provider = this.provider(peer)
    const controller = new AbortController()
    task.inflight.set(peer, controller)
    provider.inflight++
    this.setState(task)
    const deadline = this.spec.limits.timeoutMs + TASK_GRACE_MS
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(deadline)])
    const sentAt = performance.now()
    let response: TaskResponse | undefined
    let transportError: unknown
    try {
      const connection = await connectDirect(this.node, peerIdFromString(peer), toMultiaddrs(entry.ad.multiaddrs), { signal })
      const stream = await connection.newStream(TASK_PROTOCOL, { signal })
      try {
        const pb = pbStream(stream, { maxDataLength: MAX_TASK_MESSAGE_BYTES })
        const input = this.spec.inputs[task.index]!
        await pb.write(this.request(task.index, input.bytes.length <= INLINE_INPUT_BYTES ? input.bytes : undefined), TaskRequest, { signal })
        response = await pb.read(TaskResponse, { signal })
        await stream.close({ signal }).catch(() => {})
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
        throw err
      }
    } catch (err) {
      transportError = err
    } finally {
      task.inflight.delete(peer)
      provider.inflight--
    }
    if (this.finished || task.state === 'verified' || task.state === 'failed') { this.pump(); return }

    if (response === undefined) {
      // Lost provider, dial failure or missed deadline: not the task's fault. Try elsewhere.
      provider.failures++
      provider.backoffUntil = Date.now() + Math.min(MAX_FAILURE_BACKOFF_MS, FAILURE_BACKOFF_MS * 2 ** (provider.failures - 1))
      if (transportError instanceof Error && this.node.getConnections(peerIdFromString(peer)).length === 0) this.directory.forget(peer)
    } else if (response.ok) {
      provider.failures = 0
      provider.rttMs = (1 - RTT_EWMA_ALPHA) * provider.rttMs + RTT_EWMA_ALPHA * Math.max(0, performance.now() - sentAt - response.durationMs)
      // Never trust the provider's claimed CID: hash the output ourselves.
      const cidObj = await cidOf(response.output)
      const cid = cidObj.toString()
      const receipt = this.spec.paid !== undefined ? await this.checkReceipt(task.index, entry, response, outputHashOf(cidObj)) : undefined
      if (this.spec.paid !== undefined && receipt === undefined) {
        // Paid results must carry a valid receipt from the advertised payout address.
        provider.failures++
        task.excluded.add(peer)
      } else {
        if (receipt !== undefined) task.receipts.set(peer, { ...receipt, peer })
        task.results.set(peer, cid)
        task.outputs.set(cid, response.output)
        task.excluded.add(peer)
        this.contributors.add(peer)
      }
    } else {
      const code = response.failure?.code ?? 'INTERNAL'
      if (isTaskOutcome(code)) {
        provider.failures = 0
        const key = `error:${code}`
        task.results.set(peer, key)
        task.errors.set(key, { code, message: response.failure?.message ?? code, exitCode: response.failure?.exitCode, stderrTail: response.failure?.stderrTail })
        task.excluded.add(peer)
        this.contributors.add(peer)
      } else if (code === 'BUSY' || code === 'UNPAID') {
        provider.backoffUntil = Date.now() + BUSY_BACKOFF_MS
      } else {
        // BAD_REQUEST / BLOB_UNAVAILABLE / INTERNAL: this provider cannot do this task.
        provider.failures++
        task.excluded.add(peer)
      }
    }
    this.evaluate(task)
    this.pump()
  }

  private request (index: number, inline: Uint8Array | undefined): TaskRequest {
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
      paid: this.spec.paid !== undefined
    }
  }

  private async checkReceipt (taskIndex: number, entry: ProviderEntry, response: TaskResponse, outputHash: `0x${string}`): Promise<Omit<SignedReceipt, 'peer'> | undefined> {
    const payout = entry.ad.payoutAddress
    if (payout === '' || response.payoutAddress.toLowerCase() !== payout.toLowerCase() || response.receiptSignature.length !== 65) return undefined
    const receipt = { jobId: this.spec.jobId as `0x${string}`, taskIndex, outputHash, provider: payout as `0x${string}` }
    const signature = toHex(response.receiptSignature)
    const signer = await receiptSigner(this.spec.paid!.chain, receipt, signature)
    return signer?.toLowerCase() === payout.toLowerCase() ? { receipt, signature } : undefined
  }

  private evaluate (task: TaskRecord): void {
    const groups = groupResults(task)
    const [leadKey, leadPeers] = [...groups.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []]
    if (leadPeers.length >= this.spec.redundancy) {
      for (const [key, peers] of groups) {
        if (key === leadKey) continue
        for (const p of peers) {
          const fault: FaultEvidence = { index: task.index, provider: p, reported: key, quorum: leadKey, quorumProviders: leadPeers }
          const faulty = task.receipts.get(p)
          const quorum = leadPeers.map(q => task.receipts.get(q)).filter((r): r is SignedReceipt => r !== undefined)
          if (faulty !== undefined && quorum.length === leadPeers.length) { fault.faultyReceipt = faulty; fault.quorumReceipts = quorum }
          this.faults.push(fault)
          this.dispatchEvent(new CustomEvent('fault', { detail: fault }))
        }
      }
      const outcome: TaskOutcome = leadKey.startsWith('error:')
        ? { index: task.index, ok: false, error: task.errors.get(leadKey)!, providers: leadPeers }
        : {
            index: task.index,
            ok: true,
            output: task.outputs.get(leadKey)!,
            outputCid: leadKey,
            providers: leadPeers,
            ...(this.spec.paid !== undefined ? { receipts: leadPeers.map(q => task.receipts.get(q)!).filter(r => r !== undefined) } : {})
          }
      this.settle(task, outcome)
      return
    }
    if (groups.size > 1) task.escalated = true
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

  private settle (task: TaskRecord, outcome: TaskOutcome): void {
    task.state = outcome.ok ? 'verified' : 'failed'
    this.open.delete(task.index)
    for (const ac of task.inflight.values()) ac.abort(new TabmeshError('TASK_SETTLED', 'the task already has a quorum'))
    if (outcome.ok) this.accepted++
    else this.failed++
    task.outputs.clear()
    this.emitTask(task)
    this.dispatchEvent(new CustomEvent('result', { detail: outcome }))
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress() }))
    if (this.open.size === 0) this.finish()
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
    this.resolveDone({ jobId: this.spec.jobId, accepted: this.accepted, failed: this.failed, durationMs: performance.now() - this.started, faults: this.faults })
  }

  private cleanup (): void {
    this.finished = true
    clearInterval(this.timer)
    this.directory.removeEventListener('change', this.onDirectoryChange)
    this.node.removeEventListener('peer:disconnect', this.onDisconnect as EventListener)
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
