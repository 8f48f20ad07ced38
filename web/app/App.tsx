import { useEffect, useState, useSyncExternalStore } from 'react'
import { loadConfig } from '../config.ts'
import { startTabProvider } from '../provider/tab-provider.ts'
import type { TabProvider, TabProviderState } from '../provider/tab-provider.ts'
import { Contribute } from './Contribute.tsx'

declare global {
  interface Window {
    /** Read-only view for tests and the curious: `tabmesh.state()`. */
    tabmesh?: { state: () => TabProviderState, peerId: string }
  }
}

/** Boots the tab provider once; StrictMode's double effect must not start two libp2p nodes. */
let booting: Promise<TabProvider> | undefined
function boot (): Promise<TabProvider> {
  booting ??= loadConfig().then(async config => await startTabProvider(config))
  return booting
}

export function App (): React.JSX.Element {
  const [provider, setProvider] = useState<TabProvider>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    boot().then(p => {
      window.tabmesh = { state: p.state, peerId: p.state().peerId }
      setProvider(p)
    }, (err: unknown) => { setError(err instanceof Error ? err.message : String(err)) })
  }, [])
  return (
    <div className="shell">
      <header className="top">
        <img src="/icon.svg" alt="" width={32} height={32} />
        <h1>Tabmesh</h1>
        <p className="tagline">This tab lends its spare CPU to a peer-to-peer WebAssembly compute mesh.</p>
      </header>
      <main>
        {error !== undefined && <div role="alert" className="error">Could not join the mesh: {error}</div>}
        {provider === undefined && error === undefined && <p className="muted" role="status">Joining the mesh…</p>}
        {provider !== undefined && <Live provider={provider} />}
      </main>
    </div>
  )
}

function Live ({ provider }: { provider: TabProvider }): React.JSX.Element {
  const state = useSyncExternalStore(provider.subscribe, () => snapshot(provider))
  return <Contribute state={state} onPause={(paused) => { provider.setPaused(paused) }} />
}

/** useSyncExternalStore needs a stable snapshot between changes. */
let last: { version: string, value: TabProviderState } | undefined
function snapshot (provider: TabProvider): TabProviderState {
  const s = provider.state()
  const version = `${s.status}|${s.tasksDone}|${s.tasksFailed}|${s.running}|${s.busyWorkers}|${s.peers.map(p => p.peerId + p.kinds.join()).join()}|${s.recent[0]?.at ?? 0}|${s.scoreMilli}|${s.earnings.received}|${s.earnings.claimed}`
  if (last?.version !== version) last = { version, value: { ...s, peers: [...s.peers], recent: [...s.recent] } }
  return last.value
}
