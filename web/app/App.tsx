import { useEffect, useState } from 'react'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient } from '../../sdk/index.ts'
import { ReputationBook } from '../../mesh/requester/reputation.ts'
import { loadConfig } from '../config.ts'
import { startTabProvider } from '../provider/tab-provider.ts'
import type { TabProvider, TabProviderState } from '../provider/tab-provider.ts'
import { WalletController } from '../wallet/controller.ts'
import { Contribute } from './Contribute.tsx'
import { Jobs } from './Jobs.tsx'
import { Network } from './Network.tsx'
import { Wallet } from './Wallet.tsx'
import { useTabState } from './use-tab-state.ts'
import type { MeshApp } from './mesh-app.ts'

declare global {
  interface Window {
    /** Read-only view for tests and the curious: `tabmesh.state()`. */
    tabmesh?: { state: () => TabProviderState, peerId: string }
  }
}

/**
 * Boots once: StrictMode's double effect must not start two libp2p nodes. main.tsx calls it before
 * React's first render, so libp2p and the worker pool start while the page renders (page load →
 * first task is timed in bench/suites/first-task.ts).
 */
let booting: Promise<MeshApp> | undefined
export function boot (): Promise<MeshApp> {
  booting ??= loadConfig().then(async config => {
    const provider = await startTabProvider(config)
    const wallet = provider.chain !== undefined && provider.burner !== undefined
      ? new WalletController({ chain: provider.chain, burner: provider.burner, ...(provider.payments !== undefined ? { payments: provider.payments } : {}) })
      : undefined
    const reputation = new ReputationBook()
    let cached: { key: string, client: Promise<TabmeshClient> } | undefined
    const client = async (): Promise<TabmeshClient> => {
      const key = wallet === undefined ? 'free' : `${wallet.kind}:${wallet.address}`
      if (cached?.key !== key) {
        const previous = cached?.client
        cached = {
          key,
          client: createClient({ node: provider.node, reputation, ...(wallet !== undefined ? { chain: wallet.chain, walletClient: wallet.walletClient() } : {}) })
        }
        void previous?.then(async c => { await c.stop() })
      }
      return await cached.client
    }
    return { provider, wallet, client, reputation }
  })
  return booting
}

const PAGES = [
  { id: 'contribute', title: 'Contribute' },
  { id: 'jobs', title: 'Jobs' },
  { id: 'wallet', title: 'Wallet' },
  { id: 'network', title: 'Network' }
] as const
type PageId = typeof PAGES[number]['id']

function pageFromHash (): PageId {
  const id = location.hash.replace(/^#\/?/, '')
  return PAGES.some(p => p.id === id) ? id as PageId : 'contribute'
}

export function App (): React.JSX.Element {
  const [app, setApp] = useState<MeshApp>()
  const [error, setError] = useState<string>()
  const [page, setPage] = useState<PageId>(pageFromHash)
  useEffect(() => {
    boot().then(a => {
      window.tabmesh = { state: a.provider.state, peerId: a.provider.state().peerId }
      setApp(a)
    }, (err: unknown) => { setError(err instanceof Error ? err.message : String(err)) })
    const onHash = (): void => { setPage(pageFromHash()) }
    window.addEventListener('hashchange', onHash)
    return () => { window.removeEventListener('hashchange', onHash) }
  }, [])
  return (
    <div className="shell">
      <header className="top">
        <img src="/icon.svg" alt="" width={32} height={32} />
        <h1>Tabmesh</h1>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(p => (
              <li key={p.id}><a href={`#/${p.id}`} aria-current={page === p.id ? 'page' : undefined}>{p.title}</a></li>
            ))}
          </ul>
        </nav>
        <p className="tagline">This tab lends its spare CPU to a peer-to-peer WebAssembly compute mesh.</p>
      </header>
      <main>
        {error !== undefined && <div role="alert" className="error">Could not join the mesh: {error}</div>}
        {app === undefined && error === undefined && <p className="muted" role="status">Joining the mesh…</p>}
        {app !== undefined && page === 'contribute' && <LiveContribute provider={app.provider} />}
        {app !== undefined && page === 'jobs' && <Jobs app={app} />}
        {app !== undefined && page === 'wallet' && <Wallet app={app} />}
        {app !== undefined && page === 'network' && <Network provider={app.provider} reputation={app.reputation} />}
      </main>
    </div>
  )
}

function LiveContribute ({ provider }: { provider: TabProvider }): React.JSX.Element {
  const state = useTabState(provider)
  return <Contribute state={state} onPause={(paused) => { provider.setPaused(paused) }} onSettings={async (s) => { await provider.updateSettings(s) }} />
}
