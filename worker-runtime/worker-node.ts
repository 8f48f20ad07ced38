// Entry of a runtime worker under Node's worker_threads.
import { parentPort } from 'node:worker_threads'
import * as Comlink from 'comlink'
import { answerRun, isRunMessage } from './run-channel.ts'
import type { RunMessage } from './run-channel.ts'
import { createRuntimeApi, PARENT_ORIGIN } from './runtime-api.ts'

if (parentPort == null) throw new Error('worker-node.ts must run in a worker_threads Worker')
const port = parentPort
const api = createRuntimeApi()
const post = (message: unknown, transfer?: Transferable[]): void => { port.postMessage(message, transfer as never) }
// Runs come on the run channel (worker-runtime/run-channel.ts); the rest is comlink's. comlink's node
// adapter drops the event origin; give the parent's messages the dedicated-worker origin.
const endpoint: Comlink.Endpoint = {
  postMessage: post,
  addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
    port.on('message', (data: unknown) => {
      if (isRunMessage(data)) { answerRun(api, data as RunMessage, post); return }
      const event = { data, origin: PARENT_ORIGIN } as MessageEvent
      if (typeof listener === 'function') listener(event)
      else listener.handleEvent(event)
    })
  },
  removeEventListener: () => {}
}
Comlink.expose(api, endpoint, [PARENT_ORIGIN])
