import { useEffect, useState } from 'react'
import { peerIdFromString } from '@libp2p/peer-id'
import type { TabProvider } from '../provider/tab-provider.ts'
import type { ReputationBook } from '../../mesh/requester/reputation.ts'
import { formatTokens } from '../../chain/tokens.ts'
import { useTabState } from './use-tab-state.ts'
import { plural } from '../../sdk/index.ts'

/** Ping each connected peer this often, ms. */
const PING_INTERVAL_MS = 5_000

/** What this tab's own jobs learnt of a provider (adaptive replication), in words. */
function trustText (book: ReputationBook, peerId: string, owner: string): string {
  const r = book.get(peerId)
  if (r.agreed + r.disagreed + r.trusted === 0) return 'not seen'
  if (book.isTrusted(peerId, owner)) return `trusted (${r.agreed} agreed)`
  if (r.disagreed > 0) return `caught ${r.disagreed}× · ${r.consecutive}/${book.policy.trustThreshold}`
  return `${r.consecutive}/${book.policy.trustThreshold} agreed`
}

export function Network ({ provider, reputation }: { provider: TabProvider, reputation: ReputationBook }): React.JSX.Element {
  const state = useTabState(provider)
  const [latency, setLatency] = useState<Record<string, number>>({})
  const [, tick] = useState(0)
  useEffect(() => {
    const changed = (): void => { tick(n => n + 1) }
    reputation.addEventListener('change', changed)
    return () => { reputation.removeEventListener('change', changed) }
  }, [reputation])
  useEffect(() => {
    const measure = (): void => {
      for (const p of provider.state().peers) {
        provider.node.services.ping.ping(peerIdFromString(p.peerId), { signal: AbortSignal.timeout(3_000) })
          .then(ms => { setLatency(l => ({ ...l, [p.peerId]: ms })) }, () => {})
      }
      tick(n => n + 1)
    }
    measure()
    const t = setInterval(measure, PING_INTERVAL_MS)
    return () => { clearInterval(t) }
  }, [provider])
  const ads = provider.directory.live()
  const known = new Map(ads.map(e => [e.ad.peerId, e.ad]))
  const connected = new Map(state.peers.map(p => [p.peerId, p]))
  const ids = [...new Set([...connected.keys(), ...known.keys()])]
  const onFallback = state.homeRelay !== undefined && state.fallbackRelays.some(f => f.endsWith(`/p2p/${state.homeRelay!}`))
  return (
    <section aria-labelledby="network-title">
      <h2 id="network-title">Network</h2>
      <p className="muted">Peers this tab knows: connected ones and providers advertising capacity.</p>
      <p data-testid="network-relays">
        {state.homeRelay !== undefined ? <>Home relay <code title={state.homeRelay}>{state.homeRelay.slice(0, 8)}…{state.homeRelay.slice(-6)}</code>{onFallback ? ' (found in the DHT: no configured relay answers; the tab moves back when one does)' : ''}</> : 'No relay reachable: retrying every 2 s'}
        {' · '}{plural(state.fallbackRelays.length, 'fallback relay')} found in the DHT{state.fallbackRelays.length > 0 && !onFallback ? ', used if the configured relays go away' : ''}
      </p>
      <MeshGraph self={state.peerId} peers={ids.map(id => ({ id, kinds: connected.get(id)?.kinds ?? [], relay: connected.get(id)?.isRelay ?? false, tier: known.get(id)?.tier }))} />
      <div className="table-scroll">
      <table data-testid="network-peers">
        <thead><tr><th scope="col">Peer</th><th scope="col">Tier</th><th scope="col">Score</th><th scope="col">Price</th><th scope="col">Stake</th><th scope="col">Connection</th><th scope="col">Latency</th><th scope="col" title="What this tab's jobs learnt of the provider: trusted providers are spot-checked instead of fully replicated">Trust</th></tr></thead>
        <tbody>{ids.map(id => {
          const ad = known.get(id)
          const peer = connected.get(id)
          return (
            <tr key={id}>
              <td title={id}><code>{id.slice(0, 8)}…{id.slice(-6)}</code></td>
              <td>{peer?.isRelay === true ? 'relay' : ad?.tier ?? 'requester'}</td>
              <td>{ad !== undefined ? `${(ad.scoreMilli / 1000).toFixed(1)} tasks/s` : '—'}</td>
              <td>{ad !== undefined ? (ad.price === '0' ? 'free' : `${formatTokens(BigInt(ad.price), 6)} tUSD`) : '—'}</td>
              <td>{ad !== undefined && ad.stake !== '' ? `${formatTokens(BigInt(ad.stake), 18)} tSTK` : '—'}</td>
              <td>{peer !== undefined ? peer.kinds.join(', ') : 'not connected'}</td>
              <td>{latency[id] !== undefined ? `${latency[id]} ms` : '—'}</td>
              <td>{ad !== undefined ? trustText(reputation, id, ad.owner) : '—'}</td>
            </tr>
          )
        })}</tbody>
      </table>
      </div>
    </section>
  )
}

const KIND_COLOR: Record<string, string> = { webrtc: '#4ade80', websocket: '#38bdf8', tcp: '#38bdf8', relayed: '#facc15' }

/** Graph size in SVG units: drawn at this size (not stretched), scaled down on narrow screens. */
const GRAPH_W = 560
const GRAPH_H = 340
/** Node radius and the gap between a link's end and the node it points at, SVG units. */
const NODE_R = 9

/**
 * This tab at the centre, its peers on a circle around it, a line per connection coloured by kind.
 * Lines stop at the nodes' edges and labels sit outside the circle, so no link crosses a label.
 */
function MeshGraph ({ self, peers }: { self: string, peers: Array<{ id: string, kinds: string[], relay: boolean, tier: string | undefined }> }): React.JSX.Element {
  const cx = GRAPH_W / 2
  const cy = GRAPH_H / 2
  const r = Math.min(GRAPH_W, GRAPH_H) / 2 - 48
  return (
    <figure className="graph">
      <svg viewBox={`0 0 ${GRAPH_W} ${GRAPH_H}`} role="img" aria-label={`Mesh graph: this tab and ${plural(peers.length, 'peer')}`} style={{ width: '100%', maxWidth: GRAPH_W }}>
        {peers.map((p, i) => {
          const a = (2 * Math.PI * i) / Math.max(1, peers.length) - Math.PI / 2
          const [dx, dy] = [Math.cos(a), Math.sin(a)]
          const x = cx + r * dx
          const y = cy + r * dy
          const kind = p.kinds.find(k => k === 'webrtc') ?? p.kinds[0]
          const label = `${p.relay ? 'relay' : p.tier ?? 'peer'} …${p.id.slice(-4)}`
          return (
            <g key={p.id}>
              {kind !== undefined && <line x1={cx + 16 * dx} y1={cy + 16 * dy} x2={x - (NODE_R + 3) * dx} y2={y - (NODE_R + 3) * dy} stroke={KIND_COLOR[kind] ?? '#94a3b8'} strokeWidth={2} strokeDasharray={kind === 'relayed' ? '4 3' : undefined} />}
              <circle cx={x} cy={y} r={p.relay ? NODE_R + 2 : NODE_R} fill={p.relay ? '#f8fafc' : p.tier === 'tab' ? '#38bdf8' : p.tier === 'node' ? '#a78bfa' : '#94a3b8'} />
              <text x={x + 26 * dx} y={y + 26 * dy + 4} fontSize={12} textAnchor={Math.abs(dx) < 0.3 ? 'middle' : dx > 0 ? 'start' : 'end'} fill="currentColor">{label}</text>
            </g>
          )
        })}
        <circle cx={cx} cy={cy} r={13} fill="#4ade80" />
        <text x={cx} y={cy + 30} fontSize={12} textAnchor="middle" fill="currentColor">this tab …{self.slice(-4)}</text>
      </svg>
      <figcaption className="legend small"><span><i style={{ background: '#4ade80' }} />WebRTC (direct)</span><span><i style={{ background: '#38bdf8' }} />WebSocket</span><span><i style={{ background: '#facc15' }} />via relay</span><span><i style={{ background: '#a78bfa' }} />Node provider</span><span><i style={{ background: '#38bdf8', borderRadius: '50%' }} />tab</span></figcaption>
    </figure>
  )
}
