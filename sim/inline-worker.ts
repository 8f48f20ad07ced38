import type { Remote } from 'comlink'
import type { WorkerHandle } from '../worker-runtime/pool.ts'
import { createRuntimeApi } from '../worker-runtime/runtime-api.ts'
import type { RuntimeApi } from '../worker-runtime/runtime-api.ts'

/**
 * Simulation only: a "worker" that runs tasks on the calling thread, so hundreds of simulated providers
 * fit in one process without hundreds of worker threads. Same runtime API (real Wasm, real WASI) as
 * `spawnNodeWorker`; a runaway module would block the thread, so the simulation runs honest modules only.
 */
export function spawnInlineWorker (): WorkerHandle {
  const api = createRuntimeApi()
  return {
    api: { prepare: api.prepare, run: async (params: Parameters<RuntimeApi['run']>[0]) => api.run(params) } as unknown as Remote<RuntimeApi>,
    terminate: () => {}
  }
}
