import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import type { JobRecord } from '../jobs/history.ts'

/** This tab's earlier jobs; for paid ones, what their cheques added to the payment lanes. */
export function PastJobs ({ jobs }: { jobs: JobRecord[] }): React.JSX.Element {
  return (
    <div className="table-scroll">
      <table data-testid="past-jobs">
        <thead><tr><th scope="col">Job</th><th scope="col">Tasks</th><th scope="col">Price · cost</th><th scope="col">When</th></tr></thead>
        <tbody>{jobs.map(j => (
          <tr key={j.jobId}>
            <td>{j.name} <code className="muted">{j.jobId.slice(0, 10)}…</code></td>
            <td>{j.accepted}/{j.tasks}{j.failed > 0 ? ` (${j.failed} failed)` : ''}</td>
            <td>{j.pricePerTask === '0' ? 'free' : <>{formatTokenAmount(BigInt(j.pricePerTask), PAYMENT_TOKEN, 6)} per run{j.cost !== undefined && <> · cost {formatTokenAmount(BigInt(j.cost), PAYMENT_TOKEN, 6)}</>}</>}</td>
            <td>{new Date(j.createdAt).toLocaleString()}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  )
}
