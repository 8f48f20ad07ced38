import type { TabProviderState } from '../provider/tab-provider.ts'
import { CACHE_CHOICES_MIB } from '../provider/settings.ts'
import type { VolunteerSettings } from '../provider/settings.ts'
import { LineChart } from './Chart.tsx'
import { plural } from '../../sdk/index.ts'
import { PAYMENT_TOKEN, formatTokens } from '../../chain/tokens.ts'

const STATUS_TEXT: Record<TabProviderState['status'], string> = {
  connecting: 'Connecting to the mesh…',
  providing: 'Contributing',
  paused: 'Paused',
  error: 'Error'
}

const KIND_TEXT: Record<string, string> = {
  webrtc: 'WebRTC (direct)',
  websocket: 'WebSocket',
  tcp: 'TCP',
  relayed: 'via relay',
  memory: 'memory',
  other: 'other'
}

const PAUSE_REASON: Record<string, string> = { you: 'by you', hidden: 'while the tab is hidden', battery: 'while on battery' }

export function Contribute ({ state, onPause, onSettings }: {
  state: TabProviderState
  onPause: (paused: boolean) => void
  onSettings?: (s: Partial<VolunteerSettings>) => Promise<void>
}): React.JSX.Element {
  const paused = state.status === 'paused'
  const active = state.status === 'providing' || paused
  return (
    <section aria-labelledby="contribute-title">
      <div className="status-row">
        <div>
          <h2 id="contribute-title">Contribute</h2>
          <p className={`status status-${state.status}`} role="status" aria-live="polite" data-testid="status">
            <span className="dot" aria-hidden="true" />{STATUS_TEXT[state.status]}
          </p>
          {paused && state.pausedBy.length > 0 && <p className="muted small">Paused {state.pausedBy.map(r => PAUSE_REASON[r] ?? r).join(', ')}.</p>}
          {active && <Reachability state={state} />}
        </div>
        <button type="button" className="primary" disabled={!active} aria-pressed={state.pausedBy.includes('you')} onClick={() => { onPause(!state.pausedBy.includes('you')) }}>
          {state.pausedBy.includes('you') ? 'Resume' : 'Pause'}
        </button>
      </div>

      <dl className="cards">
        <div className="card"><dt>Tasks done</dt><dd data-testid="tasks-done">{state.tasksDone}</dd></div>
        <div className="card"><dt>Running now</dt><dd>{state.running}</dd></div>
        <div className="card"><dt>Time contributed</dt><dd>{formatDuration(state.contributedMs)}</dd></div>
        <div className="card"><dt>Contribution score</dt><dd data-testid="credit">{state.credit.toFixed(2)}</dd></div>
        <div className="card"><dt>Benchmark</dt><dd>{state.scoreMilli > 0 ? `${(state.scoreMilli / 1000).toFixed(1)} tasks/s` : 'measuring…'}</dd></div>
        {state.operator !== '' && <div className="card"><dt>Earned (cheques)</dt><dd data-testid="earned">{tokens(state.earnings.received)} <small>tUSD</small></dd></div>}
        {state.operator !== '' && <div className="card"><dt>Claimed on chain</dt><dd data-testid="claimed">{tokens(state.earnings.claimed)} <small>tUSD</small></dd></div>}
      </dl>
      {state.operator !== '' && <p className="muted small">{state.owner.toLowerCase() === state.operator.toLowerCase() ? <>Payouts go to this tab's local burner key <code data-testid="payout">{state.owner}</code> (kept in this browser, for the local mesh only); a wallet can own this tab instead (Wallet page).</> : <>Payouts go to the wallet that owns this tab, <code data-testid="payout">{state.owner}</code>.</>}</p>}

      {state.operator !== '' && (
        <>
          <h3>Earnings over time</h3>
          <LineChart
            label="Earnings of this tab over time: cheques received and claimed, in tUSD"
            format={v => `${v.toFixed(4)} tUSD`}
            series={[
              { name: 'received (cheques)', color: '#38bdf8', points: state.earningsHistory.map(p => [p.t, Number(p.received) / 1e6]) },
              { name: 'claimed on chain', color: '#4ade80', points: state.earningsHistory.map(p => [p.t, Number(p.claimed) / 1e6]) }
            ]}
          />
        </>
      )}

      {onSettings !== undefined && <Settings settings={state.settings} onChange={onSettings} />}

      <h3>Workers</h3>
      <ul className="workers" aria-label="Web Workers">
        {Array.from({ length: state.workers }, (_, i) => {
          const busy = i < state.busyWorkers
          return <li key={i} className={busy ? 'busy' : 'idle'}><span className="bar" /><span className="label">Worker {i + 1}: {busy ? 'running a task' : 'idle'}</span></li>
        })}
      </ul>

      <h3>Peers <span className="muted">({state.peers.length})</span></h3>
      {state.peers.length === 0
        ? <p className="muted">No peers yet.</p>
        : (
          <table className="peers" data-testid="peers">
            <thead><tr><th scope="col">Peer</th><th scope="col">Role</th><th scope="col">Connection</th></tr></thead>
            <tbody>
              {state.peers.map(p => (
                <tr key={p.peerId}>
                  <td title={p.peerId}><code>{short(p.peerId)}</code></td>
                  <td>{p.isRelay ? 'relay' : p.tier === 'tab' || p.tier === 'node' ? `${p.tier} · ${p.workers !== undefined ? plural(p.workers, 'worker') : '? workers'}` : 'requester'}</td>
                  <td>{p.kinds.map(k => <span key={k} className={`kind kind-${k}`}>{KIND_TEXT[k] ?? k}</span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          )}

      <h3>Last results</h3>
      {state.recent.length === 0
        ? <p className="muted">Waiting for the first task. Submit one with <code>npx tabmesh submit</code>.</p>
        : (
          <table className="recent">
            <thead><tr><th scope="col">Job</th><th scope="col">Task</th><th scope="col">Outcome</th><th scope="col">Time</th><th scope="col">Output CID</th></tr></thead>
            <tbody>
              {state.recent.map(r => (
                <tr key={`${r.jobId}-${r.taskIndex}-${r.at}`}>
                  <td><code>{r.jobId.slice(0, 10)}…</code></td>
                  <td>#{r.taskIndex}</td>
                  <td className={r.outcome === 'ok' ? 'ok' : 'bad'}>{r.outcome === 'ok' ? 'done' : r.outcome}</td>
                  <td>{r.durationMs} ms</td>
                  <td title={r.outputCid}><code>{r.outputCid !== undefined ? short(r.outputCid) : '—'}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
          )}
      <p className="muted small">Peer id <code data-testid="peer-id">{state.peerId}</code></p>
    </section>
  )
}

function Settings ({ settings, onChange }: { settings: VolunteerSettings, onChange: (s: Partial<VolunteerSettings>) => Promise<void> }): React.JSX.Element {
  const cores = navigator.hardwareConcurrency ?? 1
  return (
    <details className="settings">
      <summary>Preferences</summary>
      <form onSubmit={e => { e.preventDefault() }}>
        <label>Worker threads <span className="muted">(1–{cores})</span>
          <input type="number" min={1} max={cores} value={settings.workers} onChange={e => { void onChange({ workers: Number(e.target.value) }) }} />
        </label>
        <label>CPU duty cycle: {settings.dutyCyclePercent}%
          <input type="range" min={10} max={100} step={10} value={settings.dutyCyclePercent} onChange={e => { void onChange({ dutyCyclePercent: Number(e.target.value) }) }} />
        </label>
        <label>Module and input cache
          <select value={settings.cacheMiB} onChange={e => { void onChange({ cacheMiB: Number(e.target.value) }) }}>
            {CACHE_CHOICES_MIB.map(mib => <option key={mib} value={mib}>{mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`}</option>)}
          </select>
          <span className="muted">least recently used modules and inputs are deleted past it</span>
        </label>
        <label className="check"><input type="checkbox" checked={settings.pauseWhenHidden} onChange={e => { void onChange({ pauseWhenHidden: e.target.checked }) }} /> Pause while this tab is hidden</label>
        <label className="check"><input type="checkbox" checked={settings.pauseOnBattery} onChange={e => { void onChange({ pauseOnBattery: e.target.checked }) }} /> Pause while on battery</label>
        <label className="check"><input type="checkbox" checked={settings.autoClaim} onChange={e => { void onChange({ autoClaim: e.target.checked }) }} /> Claim earnings automatically when a job ends</label>
      </form>
    </details>
  )
}

/** Payment-token base units (a decimal string) as a short decimal, every digit kept. */
function tokens (baseUnits: string): string {
  return formatTokens(BigInt(baseUnits), PAYMENT_TOKEN.decimals, PAYMENT_TOKEN.decimals)
}

function short (id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
}

function formatDuration (ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}

/**
 * Whether requesters can reach this tab, from what it really has: a WebRTC address through a relay
 * reservation (requesters dial it to open a direct link), and the direct links it holds now.
 */
function Reachability ({ state }: { state: TabProviderState }): React.JSX.Element {
  const webrtc = state.multiaddrs.filter(a => a.includes('/webrtc')).length
  const direct = state.peers.filter(p => !p.isRelay && p.kinds.includes('webrtc')).length
  if (webrtc === 0) {
    return <p className="small reach-bad" data-testid="reachability">Not reachable yet: this tab holds no relay reservation, so requesters cannot open a WebRTC link to it. It retries by itself; if this stays, check that the relay is up.</p>
  }
  if (state.unreachableReports > 0) {
    return <p className="small reach-bad" data-testid="reachability">{plural(state.unreachableReports, 'requester')} could not open a direct link to this tab in the last 10 minutes, so it gets fewer tasks: its WebRTC is likely blocked (a firewall, a VPN or a strict NAT). {plural(direct, 'direct link')} now.</p>
  }
  return <p className="small reach-ok" data-testid="reachability">Reachable over WebRTC through {webrtc === 1 ? 'a relay' : `${webrtc} relay addresses`} · {plural(direct, 'direct link')} now</p>
}
