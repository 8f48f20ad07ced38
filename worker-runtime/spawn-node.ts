import { Worker } from 'node:worker_threads'
import * as Comlink from 'comlink'
import type { WorkerHandle } from './pool.ts'
import { RunClient, workerCalls } from './run-channel.ts'
import type { RuntimeApi } from './runtime-api.ts'

/**
 * JS heap of one runtime worker (worker_threads `resourceLimits`): 256 MiB old generation, 32 MiB
 * young. Wasm memory is not counted (the module's own cap bounds it); this bounds what the WASI shim
 * and the runtime allocate for a module, so a worker that runs out dies alone (ERR_WORKER_OUT_OF_MEMORY)
 * instead of growing the provider process.
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 } as const

/**
 * The worker's entry file: `worker-node.ts` beside this file in the repository; in the published
 * `tabmesh` package this code is bundled into `dist/cli/`, where the entry is `worker-node.js` (every
 * chunk of that bundle sits in the one folder: scripts/build-cli.ts).
 */
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-node.ts' : './worker-node.js', import.meta.url)

/** Spawns a runtime worker in a Node worker_threads Worker (24–44 ms each: the pool keeps them warm). */
export function spawnNodeWorker (): WorkerHandle {
  const worker = new Worker(WORKER_ENTRY, { resourceLimits: WORKER_RESOURCE_LIMITS })
  const exited = new Promise<Error>(resolve => {
    worker.once('error', resolve)
    worker.once('exit', code => { resolve(new Error(`the worker exited with code ${code}`)) })
  })
  const runs = new RunClient((message, transfer) => { worker.postMessage(message, transfer as never) })
  const endpoint: Comlink.Endpoint = {
    postMessage: (message: unknown, transfer?: Transferable[]) => worker.postMessage(message, transfer as never),
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      worker.on('message', (data: unknown) => {
        if (runs.receive(data)) return
        const event = { data } as MessageEvent
        if (typeof listener === 'function') listener(event)
        else listener.handleEvent(event)
      })
    },
    removeEventListener: () => {}
  }
  const api = Comlink.wrap<RuntimeApi>(endpoint)
  return {
    ...workerCalls(api, runs),
    terminate: () => { void worker.terminate() },
    exited
  }
}
