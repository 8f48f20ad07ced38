import { useEffect, useState } from 'react'
import { formatTokens } from '../../chain/tokens.ts'
import type { MeshApp } from './mesh-app.ts'
import { useEvents } from './use-events.ts'
import { Owner } from './Owner.tsx'

export function Wallet ({ app }: { app: MeshApp }): React.JSX.Element {
  const wallet = app.wallet
  const provider = app.provider
  useEvents(wallet)
  useEvents(provider.payments)
  const [stakeAmount, setStakeAmount] = useState('10')
  const [unstakeAmount, setUnstakeAmount] = useState('10')
  const [now, setNow] = useState(Math.floor(Date.now() / 1000))
  const [shownKey, setShownKey] = useState<string>()
  useEffect(() => { void wallet?.refresh() }, [wallet])
  useEffect(() => {
    const t = setInterval(() => { setNow(Math.floor(Date.now() / 1000)) }, 1000)
    return () => { clearInterval(t) }
  }, [])
  if (wallet === undefined) return <section><h2>Wallet</h2><p className="muted">This mesh has no chain configured: jobs here are free.</p></section>

  const b = wallet.balances
  const earnings = provider.payments?.earnings()
  const state = provider.state()
  const hasInjected = typeof window !== 'undefined' && 'ethereum' in window
  const busy = wallet.txs.some(t => t.status === 'pending')
  const countdown = b !== undefined && b.unbonding > 0n ? Math.max(0, b.releaseAt - now) : 0
  return (
    <section aria-labelledby="wallet-title">
      <h2 id="wallet-title">Wallet</h2>
      <div className="wallet-who">
        <p>Active account: <strong data-testid="wallet-kind">{wallet.kind === 'injected' ? 'connected wallet' : 'local burner key'}</strong> <code data-testid="wallet-address">{wallet.address}</code></p>
        {wallet.kind === 'burner' && <p className="muted small">The burner key was generated in this browser and is kept in IndexedDB. It is for the local mesh and small amounts only.</p>}
        <div className="buttons">
          {wallet.kind === 'burner'
            ? <button type="button" disabled={!hasInjected || busy} onClick={() => { void wallet.connectInjected() }}>{hasInjected ? 'Connect wallet' : 'No browser wallet found'}</button>
            : <button type="button" disabled={busy} onClick={() => { void wallet.useBurner() }}>Use the burner key</button>}
          {wallet.kind === 'burner' && <button type="button" onClick={() => { setShownKey(shownKey === undefined ? wallet.exportBurnerKey() : undefined) }}>{shownKey === undefined ? 'Export burner key' : 'Hide key'}</button>}
          {wallet.chain.local && <button type="button" disabled={busy} onClick={() => { void wallet.faucet() }}>Faucet (local chain)</button>}
        </div>
        {shownKey !== undefined && <p className="key"><code>{shownKey}</code> <span className="muted small">Anyone with this key controls the burner's funds.</span></p>}
      </div>

      <dl className="cards">
        <div className="card"><dt>tUSD (payment)</dt><dd data-testid="usd">{b !== undefined ? formatTokens(b.usd, 6) : '…'}</dd></div>
        <div className="card"><dt>tSTK (staking)</dt><dd data-testid="stk">{b !== undefined ? formatTokens(b.stk, 18) : '…'}</dd></div>
        <div className="card"><dt>Staked</dt><dd data-testid="staked">{b !== undefined ? formatTokens(b.stake, 18) : '…'}</dd></div>
        <div className="card"><dt>Gas (ETH)</dt><dd>{b !== undefined ? formatTokens(b.eth, 18) : '…'}</dd></div>
      </dl>

      <h3>Stake</h3>
      <p className="muted small">Owners need stake for their providers to take paid jobs (the job says how much); an owner whose receipt three randomly drawn arbiters find wrong loses 10 tSTK per dispute. Staked owners are also drawn as arbiters.</p>
      <div className="row">
        <label>Stake amount (tSTK) <input inputMode="decimal" value={stakeAmount} onChange={e => { setStakeAmount(e.target.value) }} /></label>
        <button type="button" disabled={busy} onClick={() => { void wallet.stake(stakeAmount) }}>Stake</button>
      </div>
      <div className="row">
        <label>Unstake amount (tSTK) <input inputMode="decimal" value={unstakeAmount} onChange={e => { setUnstakeAmount(e.target.value) }} /></label>
        <button type="button" disabled={busy} onClick={() => { void wallet.requestUnstake(unstakeAmount) }}>Request unstake</button>
      </div>
      {b !== undefined && <p className="muted small" data-testid="unbonding-delay">Unstaked tokens unbond for {formatCountdown(b.unbondingDelay)} before they can be withdrawn; they can still be slashed meanwhile.</p>}
      {wallet.error !== undefined && <p role="alert" className="error" data-testid="wallet-error">{wallet.error}</p>}
      {b !== undefined && b.unbonding > 0n && (
        <p data-testid="unbonding">{formatTokens(b.unbonding, 18)} tSTK unbonding: {countdown > 0 ? <>withdrawable in <strong>{formatCountdown(countdown)}</strong></> : 'withdrawable now'}
          {' '}<button type="button" disabled={busy || countdown > 0} onClick={() => { void wallet.withdraw() }}>Withdraw</button></p>
      )}

      {earnings !== undefined && (
        <>
          <h3>Earnings of this tab</h3>
          <p>Cheques received <strong>{formatTokens(earnings.received, 6)} tUSD</strong>, claimed <strong data-testid="wallet-claimed">{formatTokens(earnings.claimed, 6)} tUSD</strong>, claimable <strong data-testid="claimable">{formatTokens(earnings.claimable, 6)} tUSD</strong>.
            {' '}<button type="button" disabled={busy || earnings.claimable === 0n} onClick={() => { void wallet.claimAll() }}>Claim all</button></p>
          <p className="muted small">This tab's operator key <code data-testid="operator">{state.operator}</code> signs its receipts; claims pay its owner <code data-testid="owner">{state.owner}</code>{state.owner.toLowerCase() === state.operator.toLowerCase() ? ' (the key itself)' : ''}.</p>
        </>
      )}

      <Owner app={app} />

      <h3>Transactions</h3>
      {wallet.txs.length === 0
        ? <p className="muted">None yet.</p>
        : <ul className="txs">{wallet.txs.map(t => (
          <li key={t.id} className={t.status}><span className="badge">{t.status === 'pending' ? 'pending…' : t.status}</span> {t.label}{t.hash !== undefined && <> <code className="muted">{t.hash.slice(0, 12)}…</code></>}{t.error !== undefined && <> — {t.error}</>}</li>
        ))}</ul>}
    </section>
  )
}

function formatCountdown (s: number): string {
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  return `${h > 0 ? `${h} h ` : ''}${m} min ${sec} s`
}
