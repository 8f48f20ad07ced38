/**
 * How a pool asks its worker to run tasks: one plain message each way per run (or per batch), on
 * the worker's own port, beside comlink (which carries the rare `prepare`). A comlink call costs a
 * proxy per property access, a random UUID, wire-value wrapping and a promise chain on each side.
 * Measured on these machines with a no-op module, one worker, runs one after another: `pool.run`
 * took 0.218 ms p50 over comlink, of which 0.062 ms was the run itself and 0.035 ms a bare
 * message round trip to the worker. Runs are on the path every task takes, so they travel here;
 * bench/suites/dispatch.ts shows the effect end to end.
 */
import type { Remote } from 'comlink'
import type { WorkerHandle } from './pool.ts'
import type { RuntimeApi, WorkerRunParameters } from './runtime-api.ts'
import type { RunTaskReturnType } from './run-task.ts'

/** A pool → worker message: one run, or a batch run one after another (no live logs). */
export type RunMessage =
  | { tabmeshRun: number, params: WorkerRunParameters }
  | { tabmeshRun: number, batch: WorkerRunParameters[] }

/** The worker's answer, echoing the message's number. `error` only when the pool and worker disagree (a bug). */
export type RunAnswer =
  | { tabmeshRun: number, result: RunTaskReturnType }
  | { tabmeshRun: number, results: RunTaskReturnType[] }
  | { tabmeshRun: number, error: string }

/** Posts a message with the buffers to move (not copy) to the other side. */
export type Post = (message: unknown, transfer: Transferable[]) => void

/** Whether `data` (any message on the port) is a run message or answer, not comlink's. */
export function isRunMessage (data: unknown): data is RunMessage | RunAnswer {
  return typeof data === 'object' && data !== null && typeof (data as { tabmeshRun?: unknown }).tabmeshRun === 'number'
}

/** Output buffers of `results`, moved to the pool (each is an exact-size buffer of its own: wasi.ts). */
function outputs (results: RunTaskReturnType[]): Transferable[] {
  return results.flatMap(r => r.ok ? [r.output.buffer as ArrayBuffer] : [])
}

/** Worker side: runs `message` on `api` and posts the answer. */
export function answerRun (api: RuntimeApi, message: RunMessage, post: Post): void {
  const id = message.tabmeshRun
  try {
    if ('batch' in message) {
      const results = api.runBatch(message.batch)
      post({ tabmeshRun: id, results } satisfies RunAnswer, outputs(results))
    } else {
      const result = api.run(message.params)
      post({ tabmeshRun: id, result } satisfies RunAnswer, outputs([result]))
    }
  } catch (err) {
    post({ tabmeshRun: id, error: String(err) } satisfies RunAnswer, [])
  }
}

/**
 * Pool side: numbers runs and settles each with its answer. Calls in flight when the worker dies
 * never settle: the pool races every call against its worker's death and its timeout.
 */
export class RunClient {
  private readonly post: Post
  private next = 1
  private readonly pending = new Map<number, { resolve: (answer: RunAnswer) => void }>()

  constructor (post: Post) { this.post = post }

  /** One run; `transfer` (its input's buffer, its log port) is moved to the worker. */
  async run (params: WorkerRunParameters, transfer: Transferable[]): Promise<RunTaskReturnType> {
    const answer = await this.call({ tabmeshRun: 0, params }, transfer)
    if ('result' in answer) return answer.result
    throw new Error('error' in answer ? answer.error : 'a batch answer to a single run')
  }

  /** A batch of runs in one message each way. */
  async runBatch (batch: WorkerRunParameters[], transfer: Transferable[]): Promise<RunTaskReturnType[]> {
    const answer = await this.call({ tabmeshRun: 0, batch }, transfer)
    if ('results' in answer) return answer.results
    throw new Error('error' in answer ? answer.error : 'a single answer to a batch')
  }

  /** Takes an answer off the port; false for any other message. */
  receive (data: unknown): boolean {
    if (!isRunMessage(data)) return false
    const entry = this.pending.get(data.tabmeshRun)
    if (entry !== undefined) {
      this.pending.delete(data.tabmeshRun)
      entry.resolve(data as RunAnswer)
    }
    return true
  }

  private async call (message: RunMessage, transfer: Transferable[]): Promise<RunAnswer> {
    const id = this.next++
    return await new Promise<RunAnswer>(resolve => {
      this.pending.set(id, { resolve })
      this.post({ ...message, tabmeshRun: id }, transfer)
    })
  }
}

/** A worker handle's calls: `prepare` over comlink (`api`), runs over the run channel (`runs`). */
export function workerCalls (api: Remote<RuntimeApi>, runs: RunClient): Pick<WorkerHandle, 'prepare' | 'run' | 'runBatch'> {
  return {
    prepare: async params => await api.prepare(params),
    run: async (params, transfer) => await runs.run(params, transfer),
    runBatch: async (batch, transfer) => await runs.runBatch(batch, transfer)
  }
}
