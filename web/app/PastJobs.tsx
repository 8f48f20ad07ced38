import { useEffect, useState } from 'react'
import { publicClientFor } from '../../chain/clients.ts'
import { jobEscrowAbi } from '../../chain/generated/contracts.ts'
import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import type { JobRecord } from '../jobs/history.ts'
import { withFee } from '../jobs/cost.ts'
import { plainError } from '../wallet/errors.ts'
import type { MeshApp } from './App.tsx'

/** A paid job's escrow as read from chain. */
interface EscrowView {
  refunded: boolean
  /** Unspent deposit plus unspent fee reserve, base units. */
  remaining: bigint
  /** Unix seconds after which the remainder can be refunded. */
  deadline: number
}

/** How often the escrow states (and the "refundable now" buttons) are re-read, ms. */
const ESCROW_REFRESH_MS = 5_000

/** This tab's earlier jobs; for paid ones, what they cost and what is still in escrow, with a Refund button once due. */
export function PastJobs ({ app, jobs }: { app: MeshApp, jobs: JobRecord[] }): React.JSX.Element {
  const [escrow, setEscrow] = useState<Record<string, EscrowView | 'unknown'>>({})
  const [busy, setBusy] = useState<string>()
  const [error, setError] = useState<string>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const t = setInterval(() => { setTick(n => n + 1) }, ESCROW_REFRESH_MS)
    return () => { clearInterval(t) }
  }, [])
  useEffect(() => {
    const chain = app.provider.chain
    if (chain === undefined) return
    const pub = publicClientFor(chain)
    void Promise.all(jobs.filter(j => j.pricePerTask !== '0').map(async j => {
      try {
        const [, deadline, , , refunded, , , remaining, feeRemaining] = await pub.readContract({ address: chain.escrow, abi: jobEscrowAbi, functionName: 'jobs', args: [j.jobId as `0x${string}`] })
        return [j.jobId, { refunded, remaining: remaining + feeRemaining, deadline: Number(deadline) }] as const
      } catch { return [j.jobId, 'unknown'] as const }
    })).then(entries => { setEscrow(Object.fromEntries(entries)) })
  }, [jobs, tick, busy])

  async function refund (jobId: string): Promise<void> {
    setBusy(jobId)
    setError(undefined)
    try {
      const client = await app.client()
      await client.refund(jobId as `0x${string}`, { signal: AbortSignal.timeout(60_000) })
    } catch (err) {
      setError(plainError(err))
    } finally {
      setBusy(undefined)
    }
  }

  const now = Date.now() / 1000
  return (
    <>
      {error !== undefined && <p role="alert" className="error">{error}</p>}
      <div className="table-scroll">
        <table data-testid="past-jobs">
          <thead><tr><th scope="col">Job</th><th scope="col">Tasks</th><th scope="col">Price · cost</th><th scope="col">Escrow</th><th scope="col">When</th></tr></thead>
          <tbody>{jobs.map(j => {
            const e = escrow[j.jobId]
            return (
              <tr key={j.jobId}>
                <td>{j.name} <code className="muted">{j.jobId.slice(0, 10)}…</code></td>
                <td>{j.accepted}/{j.tasks}{j.failed > 0 ? ` (${j.failed} failed)` : ''}</td>
                <td>{j.pricePerTask === '0' ? 'free' : <>{formatTokenAmount(BigInt(j.pricePerTask), PAYMENT_TOKEN, 6)} per run{j.cost !== undefined && <> · cost {formatTokenAmount(withFee(BigInt(j.cost)), PAYMENT_TOKEN, 6)}</>}</>}</td>
                <td data-testid={`escrow-${j.jobId.slice(0, 10)}`}>{j.pricePerTask === '0'
                  ? '—'
                  : e === undefined ? '…' : e === 'unknown' ? 'unknown'
                    : e.refunded ? 'refunded'
                      : e.remaining === 0n ? 'fully paid out'
                        : now > e.deadline
                          ? <>{formatTokenAmount(e.remaining, PAYMENT_TOKEN, 6)} unspent <button type="button" disabled={busy !== undefined} onClick={() => { void refund(j.jobId) }}>{busy === j.jobId ? 'Refunding…' : 'Refund'}</button></>
                          : <>{formatTokenAmount(e.remaining, PAYMENT_TOKEN, 6)} unspent, refundable at {new Date(e.deadline * 1000).toLocaleTimeString()}</>}</td>
                <td>{new Date(j.createdAt).toLocaleString()}</td>
              </tr>
            )
          })}</tbody>
        </table>
      </div>
    </>
  )
}
