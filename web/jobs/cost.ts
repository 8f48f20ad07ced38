/**
 * Protocol fee taken on claims, basis points: JobEscrow's `feeBps` as deployed by the local stack
 * (chain/deploy.ts, 1%). The Jobs page uses it to show what a paid job cost in total.
 */
export const FEE_BPS = 100n

/** The protocol fee on `paid` base units. */
export function feeOf (paid: bigint): bigint {
  return paid * FEE_BPS / 10_000n
}

/** Base units paid to providers → the same plus the protocol fee on it. */
export function withFee (paid: bigint): bigint {
  return paid + feeOf(paid)
}
