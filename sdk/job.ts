import { AbortedError } from '../errors/base.ts'
import { RelayingEmitter } from '../mesh/events.ts'
import type { JobScheduler } from '../mesh/requester/scheduler.ts'
import type { FaultEvidence, JobProgress, JobSummary, TaskLogEvent, TaskOutcome, TaskStatus } from '../mesh/requester/types.ts'

/** What a Job dispatches. */
export interface JobEvents {
  /** Scheduling began (for a paid job: after its payment lanes were prepared). */
  started: Event
  /** Progress counts changed. */
  progress: CustomEvent<JobProgress>
  /** A task changed state (pending, running, escalated, verified, failed). */
  task: CustomEvent<TaskStatus>
  /** A task's final outcome, once per task. */
  result: CustomEvent<TaskOutcome>
  /** A trusted provider's output before the job ends, for displays (final outcomes come as `result`). */
  trusted: CustomEvent<TaskOutcome>
  /** A provider was outvoted: the evidence. */
  fault: CustomEvent<FaultEvidence>
  /** A run's live log: stderr and progress as the task runs (jobs submitted with `logs: true`). */
  log: CustomEvent<TaskLogEvent>
}

/**
 * A submitted job. Iterate `results()` for tasks as they are accepted (or fail); listen for the
 * events in JobEvents (events nobody listens for are never built); await `done` for the summary.
 *
 * @example
 * const job = client.submit({ module, inputs: ['1 100', '100 200'] })
 * job.addEventListener('progress', (e) => { console.log(e.detail.accepted, '/', e.detail.total) })
 * for await (const r of job.results()) console.log(r.index, r.ok ? r.output : r.error.code)
 */
export class Job extends RelayingEmitter<JobEvents> {
  readonly id: string
  /** Resolves when every task is accepted or failed; rejects if the job is cancelled or cannot start. */
  readonly done: Promise<JobSummary>
  private readonly outcomes: TaskOutcome[] = []
  private readonly waiters: Array<() => void> = []
  private scheduler: JobScheduler | undefined
  private latest: JobProgress
  private ended = false

  private readonly controller: AbortController | undefined

  /** @param controller aborted by `cancel`, also before the scheduler exists (the job is still being prepared) */
  constructor (id: string, total: number, scheduler: Promise<JobScheduler>, controller?: AbortController) {
    super()
    this.controller = controller
    this.id = id
    this.latest = { total, accepted: 0, failed: 0, running: 0, escalated: 0, trusted: 0, providers: 0, available: 0, needed: 0 }
    this.done = scheduler.then(async s => {
      this.scheduler = s
      s.addEventListener('result', (e) => {
        this.outcomes.push(e.detail)
        this.wake()
        if (this.listenerCount('result') > 0) this.safeDispatchEvent('result', { detail: e.detail })
      })
      for (const type of ['progress', 'task', 'fault', 'trusted', 'log'] as const) this.relay(s, type)
      s.start()
      this.dispatchEvent(new Event('started'))
      return await s.done
    }).finally(() => { this.ended = true; this.wake() })
    this.done.catch(() => {})
  }

  /** The latest progress snapshot. */
  get progress (): JobProgress {
    return this.scheduler?.progress() ?? this.latest
  }

  /** Task outcomes in the order they settled; ends when the job is done. Each outcome is yielded once per iterator. */
  async * results (): AsyncGenerator<TaskOutcome, void, undefined> {
    let next = 0
    while (true) {
      while (next < this.outcomes.length) yield this.outcomes[next++]!
      if (this.ended) {
        await this.done // surface a cancellation or start failure to the consumer
        if (next >= this.outcomes.length) return
        continue
      }
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  /** Stops scheduling and cancels tasks in flight (their providers stop the workers); `done` rejects with AbortedError. */
  cancel (): void {
    this.controller?.abort(new AbortedError('the job was cancelled'))
    this.scheduler?.cancel()
  }

  private wake (): void {
    for (const w of this.waiters.splice(0)) w()
  }
}
