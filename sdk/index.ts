/**
 * tabmesh/sdk — submit WebAssembly jobs to a Tabmesh mesh from a dApp (browser) or Node.
 * See README "Embed the SDK".
 */
export { createClient } from './client.ts'
export type * from './types.ts'
export { Job } from './job.ts'
export type { JobEvents } from './job.ts'
export { TabmeshError, AbortedError } from '../errors/base.ts'
export * from '../worker-runtime/errors.ts'
export { formatCount, plural, utf8OrUndefined, waitingForProviders } from './describe.ts'
