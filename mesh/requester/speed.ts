/** An ad's claimed benchmark score stops counting after this many of the provider's tasks have been timed for a job. */
export const MEASURED_AFTER_TASKS = 3
/** Until then a claimed score counts between these (×1 = the reference machine): a lie buys at most 4×, for three tasks. */
export const MIN_CLAIMED_SCORE = 0.25
export const MAX_CLAIMED_SCORE = 4
/** Weight of the newest task in a provider's mean task time (exponentially weighted). */
export const TASK_TIME_EWMA_ALPHA = 0.3

export interface ProviderSpeedParameters {
  /** The ad's self-reported benchmark score, thousandths (0 = none). */
  claimedMilli: number
  /** Tasks of this job the requester has timed on the provider. */
  timed: number
  /** Their mean time from request sent to result received here, ms (transfer, queueing and run). */
  taskMs: number
  /** The same mean over every provider timed in this job, ms: the job's reference. */
  referenceMs: number
}

/**
 * A provider's relative speed for scheduling (1 = the job's typical provider). A provider's claimed
 * score is self-reported, so it only orders providers nobody has timed yet, clamped to
 * [MIN_CLAIMED_SCORE, MAX_CLAIMED_SCORE]; after MEASURED_AFTER_TASKS tasks the requester's own timing
 * replaces it: `referenceMs / taskMs`.
 *
 * @example providerSpeed({ claimedMilli: 1_000_000, timed: 5, taskMs: 900, referenceMs: 300 }) // 0.33: claimed 1000×, measured 3× slower
 */
export function providerSpeed ({ claimedMilli, timed, taskMs, referenceMs }: ProviderSpeedParameters): number {
  if (timed >= MEASURED_AFTER_TASKS && taskMs > 0 && referenceMs > 0) return referenceMs / taskMs
  const claimed = claimedMilli > 0 ? claimedMilli / 1000 : 1
  return Math.min(MAX_CLAIMED_SCORE, Math.max(MIN_CLAIMED_SCORE, claimed))
}

/** The next exponentially weighted mean task time after one more task of `ms` (the first sets it). */
export function nextTaskMs (previous: number | undefined, ms: number): number {
  return previous === undefined ? ms : (1 - TASK_TIME_EWMA_ALPHA) * previous + TASK_TIME_EWMA_ALPHA * ms
}
