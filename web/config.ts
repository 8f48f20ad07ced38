/** The mesh this page joins: `/tabmesh.json` from the server (`tabmesh dev` writes the local one). */
import type { ChainConfig } from '../chain/config.ts'

export interface WebConfig {
  bootstrap: string[]
  /** The contracts; without it the tab takes only free jobs. */
  chain?: ChainConfig
}

export async function loadConfig (): Promise<WebConfig> {
  const res = await fetch('/tabmesh.json', { cache: 'no-store' })
  if (!res.ok) throw new Error(`could not load /tabmesh.json (${res.status}): is the page served by \`tabmesh dev\`?`)
  const config = await res.json() as Partial<WebConfig>
  if (!Array.isArray(config.bootstrap) || config.bootstrap.length === 0) throw new Error('/tabmesh.json names no bootstrap relay')
  return { bootstrap: config.bootstrap, ...(config.chain !== undefined ? { chain: config.chain } : {}) }
}
