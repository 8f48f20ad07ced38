import { useEffect, useState } from 'react'
import type { Address } from 'viem'
import { PAYMENT_TOKEN, formatTokenAmount } from '../../chain/tokens.ts'
import type { MeshApp } from './mesh-app.ts'

/**
 * The active account as a provider *owner*: its operators (this tab, Node providers), what its lanes
 * paid it across all of them, and registration of this tab or of a Node provider's operator key.
 */
export function Owner ({ app }: { app: MeshApp }): React.JSX.Element | null {
  const wallet = app.wallet
  const state = app.provider.state()
  const [view, setView] = useState<{ operators: readonly Address[], paid: bigint }>()
  const [operator, setOperator] = useState('')
  const [consent, setConsent] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (wallet === undefined) return
    void wallet.ownerView().then(setView, () => {})
    const t = setTimeout(() => { setTick(n => n + 1) }, 5_000)
    return () => { clearTimeout(t) }
  }, [wallet, wallet?.address, tick])
  if (wallet === undefined) return null
  const busy = wallet.txs.some(t => t.status === 'pending')
  const ownsThisTab = state.owner.toLowerCase() === wallet.address.toLowerCase()
  return (
    <section aria-labelledby="owner-title">
      <h3 id="owner-title">Owner and operators</h3>
      <p className="muted small">An owner stakes, is paid and can be slashed; each provider process (a tab, a Node provider) is an operator key the owner registers.</p>
      <p data-testid="owner-paid">Paid to <code>{wallet.address.slice(0, 10)}…</code> across {view === undefined ? '…' : `${view.operators.length} operator${view.operators.length === 1 ? '' : 's'}`}: <strong>{view !== undefined ? formatTokenAmount(view.paid, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals) : '…'}</strong> (after the protocol fee)</p>
      {view !== undefined && view.operators.length > 0 && <ul className="small" data-testid="operators">{view.operators.map(o => <li key={o}><code>{o}</code>{o.toLowerCase() === state.operator.toLowerCase() ? ' — this tab' : ''}</li>)}</ul>}
      {wallet.kind === 'injected' && !ownsThisTab && (
        <p><button type="button" disabled={busy} onClick={() => { void wallet.registerThisTab().then(ok => { if (ok) location.reload() }) }}>Register this tab as an operator of this wallet</button> <span className="muted small">The page reloads and the tab then works, and is paid, for your wallet.</span></p>
      )}
      {wallet.kind === 'injected' && (
        <div className="row">
          <label>Operator address <input value={operator} placeholder="0x…" onChange={e => { setOperator(e.target.value) }} /></label>
          <label>Consent signature <input value={consent} placeholder="0x…" onChange={e => { setConsent(e.target.value) }} /></label>
          <button type="button" disabled={busy} onClick={() => { void wallet.registerOperator(operator, consent) }}>Register operator</button>
        </div>
      )}
    </section>
  )
}
