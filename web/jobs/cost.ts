import type { TaskOutcome } from '../../mesh/requester/types.ts'

/**
 * Protocol fee taken from each claim, basis points: PaymentLanes' `feeBps` as the local stack deploys
 * it (chain/deploy.ts, 1%). Providers' owners receive a cheque's amount less this; the requester pays
 * the cheque's amount, nothing on top.
 */
export const FEE_BPS = 100n

/** The protocol fee inside `paid` base units (what the treasury takes when providers claim). */
export function feeOf (paid: bigint, feeBps: bigint = FEE_BPS): bigint {
  return paid * feeBps / 10_000n
}

/**
 * Task runs a paid job pays for: each quorum member of every settled task — an output, or a failure a
 * quorum agreed on — or the trusted provider alone; nothing for a task no quorum agreed on.
 */
export function paidRuns (outcomes: TaskOutcome[]): number {
  return outcomes.reduce((n, r) => n + (r.ok || r.error.code !== 'NO_QUORUM' ? r.providers.length : 0), 0)
}
