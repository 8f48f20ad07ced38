import { TASK_ERROR_CODES } from '../../worker-runtime/errors.ts'
import type { TaskErrorCode } from '../../worker-runtime/errors.ts'

/**
 * Codes a provider answers with that are about the provider or the request, not the task's outcome,
 * and what a requester does on each (mesh/requester/scheduler.ts). The one registry of codes that
 * cross the wire in `TaskFailure.code` together with TASK_OUTCOME_CODES.
 */
export const PROVIDER_REFUSAL_CODES = {
  /** The provider is paused or full: try another, come back after a short back-off. */
  BUSY: 'transient',
  /** A paid task the payment lane does not cover (unfunded, behind on cheques, closing): fund it, back off. */
  UNPAID: 'transient',
  /** The request is malformed or asks for limits past the provider's: never ask this provider for this task again. */
  BAD_REQUEST: 'this-provider',
  /** The provider could not get the module or the input by CID (or the bytes did not hash to it). */
  BLOB_UNAVAILABLE: 'this-provider',
  /** The provider failed for a reason of its own. */
  INTERNAL: 'this-provider',
  /** The requester cancelled the task (mesh/protocol/task.ts `cancel`): its worker was stopped. */
  CANCELLED: 'transient'
} as const

export type ProviderRefusalCode = keyof typeof PROVIDER_REFUSAL_CODES

/** Every code `TaskFailure.code` may carry. */
export type WireFailureCode = TaskErrorCode | ProviderRefusalCode

/** The task outcomes every honest provider agrees on (worker-runtime/errors.ts): they count toward a quorum. */
export const TASK_OUTCOME_CODES: readonly TaskErrorCode[] = TASK_ERROR_CODES

/** True for failure codes that are the task's own deterministic outcome (every honest provider agrees). */
export function isTaskOutcome (code: string): code is TaskErrorCode {
  return (TASK_OUTCOME_CODES as readonly string[]).includes(code)
}

/** True for a refusal after which the same provider may be asked again once its back-off ends. */
export function isTransientRefusal (code: string): boolean {
  return Object.hasOwn(PROVIDER_REFUSAL_CODES, code) && PROVIDER_REFUSAL_CODES[code as ProviderRefusalCode] === 'transient'
}
