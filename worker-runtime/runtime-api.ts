import { TaskError } from './errors.ts'
import type { TaskErrorData } from './errors.ts'
import { prepareModule } from './prepare.ts'
import type { PrepareModuleParameters } from './prepare.ts'
import { runTask } from './run-task.ts'
import type { RunTaskParameters, RunTaskReturnType } from './run-task.ts'
import { TaskLogStream } from './task-log.ts'
import type { TaskLogChunk } from './task-log.ts'

export type PrepareResult = { ok: true, bytes: Uint8Array } | { ok: false, error: TaskErrorData }

/**
 * Compiled modules a runtime worker keeps between tasks, most recently used first. The pool keeps the
 * same list per worker (worker-runtime/pool.ts) and sends a module only when its worker lacks it, so
 * a run's message carries its input, not its module. (Measured: posting a WebAssembly.Module adds
 * ~0.005 ms per message — the compiled code is shared, not copied — so this saves little time; the
 * 0.15–0.4 ms a run's postMessage took in the mesh was the thread wake-up, which batching reduces.)
 */
export const WORKER_MODULE_CACHE = 8

/** A module as a run names it: its pool-wide key, and the module itself unless the worker holds it already. */
export interface WorkerModuleRef {
  key: number
  module?: WebAssembly.Module
}

/** What crosses into a worker to run a task: `RunTaskParameters` without the callback, the module by reference, and where its live log goes. */
export type WorkerRunParameters = Omit<RunTaskParameters, 'onStderr' | 'module'> & {
  module: WorkerModuleRef
  /** Live log of the run (worker-runtime/task-log.ts): TaskLogMessages, the last one `{ end: true }`. */
  logPort?: MessagePort
}

/**
 * Most-recently-used keys, at most WORKER_MODULE_CACHE. Both sides apply the same `use` calls in
 * the same order, so the pool's copy says exactly what the worker holds.
 * @returns the key evicted by this use, if any
 */
export function useModuleKey (keys: number[], key: number): number | undefined {
  const at = keys.indexOf(key)
  if (at >= 0) keys.splice(at, 1)
  keys.unshift(key)
  return keys.length > WORKER_MODULE_CACHE ? keys.pop() : undefined
}

/** Messages on a run's log port. */
export type TaskLogMessage = { chunk: TaskLogChunk } | { end: true }

/**
 * What a runtime worker does. `prepare` is called over comlink; `run` and `runBatch` over the run
 * channel (worker-runtime/run-channel.ts), which moves each output's buffer to the pool. Errors come
 * back as data: classes do not cross workers.
 */
export interface RuntimeApi {
  prepare: (params: PrepareModuleParameters) => Promise<PrepareResult>
  run: (params: WorkerRunParameters) => RunTaskReturnType
  /**
   * Runs short tasks one after another and answers them together: one message each way for the
   * batch instead of one per task (worker-runtime/pool.ts decides what is short). No live logs.
   */
  runBatch: (batch: WorkerRunParameters[]) => RunTaskReturnType[]
}

/**
 * Origin a dedicated worker sees on its parent's messages: the empty string (HTML §9.4: messages to a
 * dedicated worker carry no origin). Passed to comlink's `expose` explicitly instead of its `"*"` default.
 */
export const PARENT_ORIGIN = ''

export function createRuntimeApi (): RuntimeApi {
  const keys: number[] = []
  const modules = new Map<number, WebAssembly.Module>()
  return {
    async prepare (params) {
      try {
        return { ok: true, bytes: await prepareModule(params) }
      } catch (err) {
        if (err instanceof TaskError) return { ok: false, error: err.toData() }
        return { ok: false, error: { code: 'INVALID_MODULE', message: `invalid module: ${String(err)}` } }
      }
    },
    run ({ logPort, module: ref, ...rest }) {
      const params = { ...rest, module: moduleOf(ref) }
      const log = logPort !== undefined
        ? new TaskLogStream(chunk => { logPort.postMessage({ chunk } satisfies TaskLogMessage, [chunk.stderr.buffer as ArrayBuffer]) })
        : undefined
      const result = runTask(log !== undefined ? { ...params, onStderr: data => { log.write(data) } } : params)
      if (log !== undefined) {
        log.end()
        logPort!.postMessage({ end: true } satisfies TaskLogMessage)
        logPort!.close()
      }
      return result
    },
    runBatch (batch) {
      return batch.map(({ logPort: _none, module: ref, ...rest }) => runTask({ ...rest, module: moduleOf(ref) }))
    }
  }

  /** The module a run names, kept for the next runs (the pool mirrors this list: useModuleKey). */
  function moduleOf (ref: WorkerModuleRef): WebAssembly.Module {
    if (ref.module !== undefined) modules.set(ref.key, ref.module)
    const module = modules.get(ref.key)
    const evicted = useModuleKey(keys, ref.key)
    if (evicted !== undefined) modules.delete(evicted)
    // Only a pool out of step with its worker gets here (a bug, not a task's doing): the call rejects.
    if (module === undefined) throw new Error(`module ${ref.key} was neither sent nor held by this worker`)
    return module
  }
}
