import { transfer } from 'comlink'
import { TaskError } from './errors.ts'
import type { TaskErrorData } from './errors.ts'
import { prepareModule } from './prepare.ts'
import type { PrepareModuleParameters } from './prepare.ts'
import { runTask } from './run-task.ts'
import type { RunTaskParameters, RunTaskReturnType } from './run-task.ts'
import { TaskLogStream } from './task-log.ts'
import type { TaskLogChunk } from './task-log.ts'

export type PrepareResult = { ok: true, bytes: Uint8Array } | { ok: false, error: TaskErrorData }

/** What crosses into a worker to run a task: `RunTaskParameters` without the callback, and where its live log goes. */
export type WorkerRunParameters = Omit<RunTaskParameters, 'onStderr'> & {
  /** Live log of the run (worker-runtime/task-log.ts): TaskLogMessages, the last one `{ end: true }`. */
  logPort?: MessagePort
}

/** Messages on a run's log port. */
export type TaskLogMessage = { chunk: TaskLogChunk } | { end: true }

/** What a runtime worker exposes over comlink. Errors come back as data: classes do not cross workers. */
export interface RuntimeApi {
  prepare: (params: PrepareModuleParameters) => Promise<PrepareResult>
  run: (params: WorkerRunParameters) => RunTaskReturnType
}

/**
 * Origin a dedicated worker sees on its parent's messages: the empty string (HTML §9.4: messages to a
 * dedicated worker carry no origin). Passed to comlink's `expose` explicitly instead of its `"*"` default.
 */
export const PARENT_ORIGIN = ''

export function createRuntimeApi (): RuntimeApi {
  return {
    async prepare (params) {
      try {
        return { ok: true, bytes: await prepareModule(params) }
      } catch (err) {
        if (err instanceof TaskError) return { ok: false, error: err.toData() }
        return { ok: false, error: { code: 'INVALID_MODULE', message: `invalid module: ${String(err)}` } }
      }
    },
    run ({ logPort, ...params }) {
      const log = logPort !== undefined
        ? new TaskLogStream(chunk => { logPort.postMessage({ chunk } satisfies TaskLogMessage, [chunk.stderr.buffer as ArrayBuffer]) })
        : undefined
      const result = runTask(log !== undefined ? { ...params, onStderr: data => { log.write(data) } } : params)
      if (log !== undefined) {
        log.end()
        logPort!.postMessage({ end: true } satisfies TaskLogMessage)
        logPort!.close()
      }
      // The output is an exact-size buffer of its own (wasi.ts): hand it over rather than copy it.
      return result.ok ? transfer(result, [result.output.buffer]) : result
    }
  }
}
