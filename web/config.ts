/** The mesh this page joins: `/tabmesh.json` from the server (`tabmesh dev` writes the local one). */
import type { ChainConfig } from '../chain/config.ts'

export interface WebConfig {
  bootstrap: string[]
  /** The contracts; without it the tab takes only free jobs. */
  chain?: ChainConfig
}

/** localStorage key of the last configuration fetched: the PWA starts offline with it. */
const SAVED = 'tabmesh.config'

export async function loadConfig (): Promise<WebConfig> {
  let config: Partial<WebConfig>
  try {
    const res = await fetch('/tabmesh.json', { cache: 'no-store' })
    if (!res.ok) throw new Error(`could not load /tabmesh.json (${res.status}): is the page served by \`tabmesh dev\`?`)
    config = await res.json() as Partial<WebConfig>
    localStorage.setItem(SAVED, JSON.stringify(config))
  } catch (err) {
    const saved = localStorage.getItem(SAVED)
    if (saved === null) throw err
    // Offline: start with the last known mesh; the relay is redialled until the network is back.
    config = JSON.parse(saved) as Partial<WebConfig>
  }
  if (!Array.isArray(config.bootstrap) || config.bootstrap.length === 0) throw new Error('/tabmesh.json names no bootstrap relay')
  return { bootstrap: config.bootstrap, ...(config.chain !== undefined ? { chain: config.chain } : {}) }
}
