import * as Comlink from 'comlink'
import type { WorkerHandle } from './pool.ts'
import { RunClient, workerCalls } from './run-channel.ts'
import type { RuntimeApi } from './runtime-api.ts'

/** Spawns a runtime worker as a module Web Worker. */
export function spawnBrowserWorker (): WorkerHandle {
  const worker = new Worker(new URL('./worker-browser.ts', import.meta.url), { type: 'module', name: 'tabmesh-runtime' })
  const runs = new RunClient((message, transfer) => { worker.postMessage(message, transfer) })
  // Answers on the run channel (worker-runtime/run-channel.ts) are taken before comlink sees them.
  worker.addEventListener('message', (e: MessageEvent) => { if (runs.receive(e.data)) e.stopImmediatePropagation() })
  const api = Comlink.wrap<RuntimeApi>(worker)
  return {
    ...workerCalls(api, runs),
    terminate: () => { worker.terminate() }
  }
}
