import * as Comlink from 'comlink'
import type { WorkerHandle } from './pool.ts'
import type { RuntimeApi } from './runtime-api.ts'

/** Spawns a runtime worker as a module Web Worker. */
export function spawnBrowserWorker (): WorkerHandle {
  const worker = new Worker(new URL('./worker-browser.ts', import.meta.url), { type: 'module', name: 'tabmesh-runtime' })
  return {
    api: Comlink.wrap<RuntimeApi>(worker),
    terminate: () => { worker.terminate() }
  }
}
