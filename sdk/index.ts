/**
 * tabmesh/sdk — submit WebAssembly jobs to a Tabmesh mesh from a dApp (browser) or Node.
 * See README "Embed the SDK".
 */
export { createClient } from './client.ts'
export type { CallParameters, CreateClientParameters, SubmitParameters, TabmeshClient, PaidJob } from './client.ts'
export type { Settlement } from '../mesh/payment/paid-job.ts'
export type { DisputeStatus } from '../mesh/payment/disputes.ts'
export type { ChainConfig } from '../chain/config.ts'
export { Job } from './job.ts'
export type { JobProgress, JobSummary, TaskOutcome, TaskStatus, TaskState, FaultEvidence } from '../mesh/requester/types.ts'
export { TabmeshError, AbortedError } from '../errors/base.ts'
export * from '../worker-runtime/errors.ts'
export type { TaskLimits } from '../worker-runtime/limits.ts'
export { plural, waitingForProviders } from './describe.ts'
