export interface SurvivingWrongResultsParameters {
  /** Tasks the cheating provider takes in the job. */
  tasks: number
  /** Probability, [0, 1], that it returns a wrong output for a task. */
  lieRate: number
  /** The requester's spot-check rate, (0, 1]. */
  spotCheckRate: number
  /** Consecutive agreeing results that earn trust. */
  trustThreshold: number
  /** Whether the provider is already trusted when the job starts (it earned trust in earlier jobs). */
  startTrusted: boolean
  /** Whether a caught provider's results accepted on trust are re-checked (Tabmesh: yes; plain BOINC: no). */
  recheck?: boolean
}

/**
 * Expected number of a cheater's wrong outputs that end up in a job's final results under adaptive
 * replication, computed exactly by dynamic programming over (tasks left, consecutive agreements).
 * Assumes the cheater's replicas are always outvoted by honest providers (no colluding majority).
 *
 * Untrusted: every task is replicated; a lie is caught (run reset to 0), a truth extends the run.
 * Trusted: with probability s the task is replicated (a lie is caught); otherwise a lie is accepted on
 * trust and survives only if the cheater is not caught during the rest of the job, each later task
 * catching it with probability s·q while trusted (1 − s·q per task), and with probability q while
 * earning trust back. See docs/verification.md.
 *
 * @returns the expected count (divide by `tasks` for the fraction of its outputs that are wrong)
 */
export function survivingWrongResults (params: SurvivingWrongResultsParameters): number {
  const { tasks, lieRate: q, spotCheckRate: s, trustThreshold: t } = params
  const recheck = params.recheck ?? true
  // noCatch[c]: P(no catch in the next r tasks from run c); wrong[c]: expected surviving wrong results.
  let noCatch = new Float64Array(t + 1).fill(1)
  let wrong = new Float64Array(t + 1)
  for (let r = 1; r <= tasks; r++) {
    const nextNoCatch = new Float64Array(t + 1)
    const nextWrong = new Float64Array(t + 1)
    for (let c = 0; c < t; c++) {
      nextNoCatch[c] = (1 - q) * noCatch[c + 1]!
      nextWrong[c] = q * wrong[0]! + (1 - q) * wrong[c + 1]!
    }
    nextNoCatch[t] = (1 - s * q) * noCatch[t]!
    const survives = recheck ? noCatch[t]! : 1
    nextWrong[t] = s * q * wrong[0]! + s * (1 - q) * wrong[t]! + (1 - s) * (q * survives + wrong[t]!)
    noCatch = nextNoCatch
    wrong = nextWrong
  }
  return wrong[params.startTrusted ? t : 0]!
}
