import { useEffect, useState } from 'react'
import type { Address } from 'viem'
import { publicClientFor } from '../../chain/clients.ts'
import { listLanes } from '../../mesh/payment/list-lanes.ts'
import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import { plainError } from '../wallet/errors.ts'
import type { MeshApp } from './mesh-app.ts'

/** One payment lane of this requester, as PaymentLanes holds it (base units; closesAt unix seconds, 0 = open). */
interface LaneView {
  owner: Address
  funded: bigint
  claimed: bigint
  closesAt: number
}

/** How often the lanes are re-read (a provider may claim, a close may become due), ms. */
const LANES_REFRESH_MS = 5_000

/**
 * The requester's payment lanes (one per provider owner it paid): what each holds, and Close → Finish
 * to take unspent funds back after the challenge window (contracts/src/PaymentLanes.sol).
 */
export function Lanes ({ app }: { app: MeshApp }): React.JSX.Element | null {
  const [lanes, setLanes] = useState<LaneView[]>()
  const [deposit, setDeposit] = useState<bigint>(0n)
  const [busy, setBusy] = useState<string>()
  const [error, setError] = useState<string>()
  const [tick, setTick] = useState(0)
  const chain = app.provider.chain
  const requester = app.wallet?.address as Address | undefined
  useEffect(() => {
    const t = setInterval(() => { setTick(n => n + 1) }, LANES_REFRESH_MS)
    return () => { clearInterval(t) }
  }, [])
  useEffect(() => {
    if (chain === undefined || requester === undefined) return
    const pub = publicClientFor(chain)
    void (async () => {
      const listed = await listLanes({ publicClient: pub, chain, requester })
      const views = listed.lanes.map(l => ({ ...l, closesAt: Number(l.closesAt) }))
      setDeposit(listed.deposit)
      setLanes(views)
    })().catch(() => { setLanes([]) })
  }, [chain, requester, tick, busy])

  if (chain === undefined || requester === undefined) return null
  async function act (owner: Address, finish: boolean): Promise<void> {
    setBusy(owner)
    setError(undefined)
    try {
      const payments = (await app.client()).payments
      if (payments === undefined) throw new Error('connect a wallet first')
      await (finish ? payments.finishClose(owner) : payments.startClose(owner))
    } catch (err) {
      setError(plainError(err))
    } finally {
      setBusy(undefined)
    }
  }
  const now = Date.now() / 1000
  const usd = (v: bigint): string => formatTokenAmount(v, PAYMENT_TOKEN, 6)
  return (
    <section>
      <h3>Payment lanes</h3>
      <p className="muted small">One lane per provider owner you paid. What the owner has not claimed stays in the lane — your cheques' unclaimed part, and the rest for your next job. Close starts a challenge window in which the owner can still claim your last cheque, then Finish returns what is left to your deposit ({usd(deposit)} now).</p>
      {error !== undefined && <p role="alert" className="error">{error}</p>}
      {lanes === undefined ? <p className="muted">Loading…</p> : lanes.length === 0 ? <p className="muted">None yet: a paid job funds them.</p> : (
        <div className="table-scroll">
          <table data-testid="lanes">
            <thead><tr><th scope="col">Owner</th><th scope="col">Funded</th><th scope="col">Claimed</th><th scope="col" title="funded − claimed: what your cheques owe that the owner has not claimed yet, and what is still free">Unclaimed</th><th scope="col" /></tr></thead>
            <tbody>{lanes.map(l => (
              <tr key={l.owner}>
                <td title={l.owner}><code>{l.owner.slice(0, 8)}…{l.owner.slice(-4)}</code></td>
                <td>{usd(l.funded)}</td>
                <td>{usd(l.claimed)}</td>
                <td>{usd(l.funded - l.claimed)}</td>
                <td>{l.funded === l.claimed
                  ? '—'
                  : l.closesAt === 0
                    ? <button type="button" disabled={busy !== undefined} onClick={() => { void act(l.owner, false) }}>{busy === l.owner ? 'Closing…' : 'Close'}</button>
                    : now >= l.closesAt
                      ? <button type="button" disabled={busy !== undefined} onClick={() => { void act(l.owner, true) }}>{busy === l.owner ? 'Finishing…' : 'Finish'}</button>
                      : <>closing, due {new Date(l.closesAt * 1000).toLocaleTimeString()}</>}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </section>
  )
}
