import { useSyncExternalStore } from 'react'
import type { TabProvider, TabProviderState } from '../provider/tab-provider.ts'

/** useSyncExternalStore needs a new snapshot object exactly when the state changed, the same one otherwise. */
let last: { version: string, value: TabProviderState } | undefined
function snapshot (provider: TabProvider): TabProviderState {
  const s = provider.state()
  const version = JSON.stringify([s.status, s.tasksDone, s.tasksFailed, s.running, s.busyWorkers, s.workers, s.peers.map(p => p.peerId + p.kinds.join()), s.recent[0]?.at, s.scoreMilli, s.earnings, s.earningsHistory.length, s.settings, s.pausedBy])
  if (last?.version !== version) last = { version, value: { ...s, peers: [...s.peers], recent: [...s.recent] } }
  return last.value
}

/** This tab's provider state, re-rendering the component when it changes. */
export function useTabState (provider: TabProvider): TabProviderState {
  return useSyncExternalStore(provider.subscribe, () => snapshot(provider))
}
