// Entry of a runtime worker in the browser (a module Web Worker).
import * as Comlink from 'comlink'
import { createRuntimeApi, PARENT_ORIGIN } from './runtime-api.ts'

Comlink.expose(createRuntimeApi(), self as unknown as Comlink.Endpoint, [PARENT_ORIGIN])
