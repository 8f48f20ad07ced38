import { Worker } from 'node:worker_threads'
import * as Comlink from 'comlink'
import type { WorkerHandle } from './pool.ts'
import type { RuntimeApi } from './runtime-api.ts'

/** Spawns a runtime worker in a Node worker_threads Worker (24–44 ms each: the pool keeps them warm). */
export function spawnNodeWorker (): WorkerHandle {
  const worker = new Worker(new URL('./worker-node.ts', import.meta.url))
  const endpoint: Comlink.Endpoint = {
    postMessage: (message: unknown, transfer?: Transferable[]) => worker.postMessage(message, transfer as never),
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      worker.on('message', (data: unknown) => {
        const event = { data } as MessageEvent
        if (typeof listener === 'function') listener(event)
        else listener.handleEvent(event)
      })
    },
    removeEventListener: () => {}
  }
  return {
    api: Comlink.wrap<RuntimeApi>(endpoint),
    terminate: () => { void worker.terminate() }
  }
}
