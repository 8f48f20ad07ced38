// Entry of a runtime worker in the browser (a module Web Worker).
import * as Comlink from 'comlink'
import { answerRun, isRunMessage } from './run-channel.ts'
import type { RunMessage } from './run-channel.ts'
import { createRuntimeApi, PARENT_ORIGIN } from './runtime-api.ts'

const api = createRuntimeApi()
const post = (message: unknown, transfer: Transferable[]): void => { self.postMessage(message, { transfer }) }
// Runs come on the run channel (worker-runtime/run-channel.ts), taken before comlink's listener sees them.
self.addEventListener('message', (e: MessageEvent) => {
  if (isRunMessage(e.data)) { e.stopImmediatePropagation(); answerRun(api, e.data as RunMessage, post) }
})
Comlink.expose(api, self as unknown as Comlink.Endpoint, [PARENT_ORIGIN])
