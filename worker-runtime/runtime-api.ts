import { transfer } from 'comlink'
import { TaskError } from './errors.ts'
import type { TaskErrorData } from './errors.ts'
import { prepareModule } from './prepare.ts'
import type { PrepareModuleParameters } from './prepare.ts'
import { runTask } from './run-task.ts'

export type PrepareResult = { ok: true, bytes: Uint8Array } | { ok: false, error: TaskErrorData }

/** What a runtime worker exposes over comlink. Errors come back as data: classes do not cross workers. */
export interface RuntimeApi {
  prepare: (params: PrepareModuleParameters) => Promise<PrepareResult>
  run: typeof runTask
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
    run (params) {
      const result = runTask(params)
      // The output is an exact-size buffer of its own (wasi.ts): hand it over rather than copy it.
      return result.ok ? transfer(result, [result.output.buffer]) : result
    }
  }
}
