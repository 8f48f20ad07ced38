import type { WorkerHandle } from '../worker-runtime/pool.ts'
import { createRuntimeApi } from '../worker-runtime/runtime-api.ts'

/**
 * Simulation only: a "worker" that runs tasks on the calling thread, so hundreds of simulated providers
 * fit in one process without hundreds of worker threads. Same runtime API (real Wasm, real WASI) as
 * `spawnNodeWorker`; a runaway module would block the thread, so the simulation runs honest modules only.
 */
export function spawnInlineWorker (): WorkerHandle {
  const api = createRuntimeApi()
  return {
    prepare: async params => await api.prepare(params),
    run: async params => api.run(params),
    runBatch: async batch => api.runBatch(batch),
    terminate: () => {}
  }
}
