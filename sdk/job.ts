import { AbortedError } from '../errors/base.ts'
import type { JobScheduler } from '../mesh/requester/scheduler.ts'
import type { JobProgress, JobSummary, TaskOutcome, TaskStatus } from '../mesh/requester/types.ts'

/**
 * A submitted job. Iterate `results()` for tasks as they are accepted (or fail); listen for
 * `started` (opened on chain if paid, and scheduling), `progress` (CustomEvent<JobProgress>), `task` (CustomEvent<TaskStatus>),
 * `result` (CustomEvent<TaskOutcome>, final), `provisional` (CustomEvent<TaskOutcome>: a trusted
 * provider's output before the job ends, for displays) and `fault` (CustomEvent<FaultEvidence>);
 * await `done` for the summary.
 */
export class Job extends EventTarget {
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
    this.latest = { total, accepted: 0, failed: 0, running: 0, escalated: 0, unverified: 0, providers: 0, available: 0, needed: 0 }
    this.done = scheduler.then(async s => {
      this.scheduler = s
      s.addEventListener('result', (e) => {
        this.outcomes.push(e.detail)
        this.wake()
        this.dispatchEvent(new CustomEvent('result', { detail: e.detail }))
      })
      s.addEventListener('progress', (e) => {
        this.latest = e.detail
        this.dispatchEvent(new CustomEvent('progress', { detail: this.latest }))
      })
      s.addEventListener('task', (e) => { this.dispatchEvent(new CustomEvent('task', { detail: e.detail })) })
      s.addEventListener('fault', (e) => { this.dispatchEvent(new CustomEvent('fault', { detail: e.detail })) })
      s.addEventListener('provisional', (e) => { this.dispatchEvent(new CustomEvent('provisional', { detail: e.detail })) })
      s.start()
      this.dispatchEvent(new Event('started'))
      return await s.done
    }).finally(() => { this.ended = true; this.wake() })
    this.done.catch(() => {})
  }

  /** The latest progress snapshot. */
  get progress (): JobProgress {
    return this.latest
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
