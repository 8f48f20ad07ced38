// Entry of a runtime worker under Node's worker_threads.
import { parentPort } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { createRuntimeApi, PARENT_ORIGIN } from './runtime-api.ts'

if (parentPort == null) throw new Error('worker-node.ts must run in a worker_threads Worker')
const port = parentPort
// comlink's node adapter drops the event origin; give the parent's messages the dedicated-worker origin.
const endpoint: Comlink.Endpoint = {
  postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer as never),
  addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
    port.on('message', (data: unknown) => {
      const event = { data, origin: PARENT_ORIGIN } as MessageEvent
      if (typeof listener === 'function') listener(event)
      else listener.handleEvent(event)
    })
  },
  removeEventListener: () => {}
}
Comlink.expose(createRuntimeApi(), endpoint, [PARENT_ORIGIN])
