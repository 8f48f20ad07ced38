/** The mesh this page joins: `/tabmesh.json` from the server (`tabmesh dev` writes the local one). */
import type { ChainConfig } from '../chain/config.ts'

export interface WebConfig {
  bootstrap: string[]
  /** The contracts; without it the tab takes only free jobs. */
  chain?: ChainConfig
  /**
   * WebRTC ICE servers (STUN, TURN) for the tab's peer connections, as RTCIceServer entries
   * (W3C WebRTC §4.2.1). None on the local mesh; a tab behind a symmetric NAT needs a TURN server.
   */
  iceServers?: RTCIceServer[]
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
  return parseConfig(config)
}

/**
 * Checks a `/tabmesh.json` body.
 * @throws Error naming the field: no bootstrap relay, or an `iceServers` entry without `urls`
 */
export function parseConfig (config: Partial<WebConfig>): WebConfig {
  if (!Array.isArray(config.bootstrap) || config.bootstrap.length === 0) throw new Error('/tabmesh.json names no bootstrap relay')
  const ice = config.iceServers
  if (ice !== undefined && (!Array.isArray(ice) || !ice.every(isIceServer))) {
    throw new Error('/tabmesh.json: iceServers must be a list of { "urls": "stun:…" | "turn:…", "username"?, "credential"? }')
  }
  return {
    bootstrap: config.bootstrap,
    ...(config.chain !== undefined ? { chain: config.chain } : {}),
    ...(ice !== undefined ? { iceServers: ice } : {})
  }
}

function isIceServer (s: unknown): s is RTCIceServer {
  if (typeof s !== 'object' || s === null) return false
  const { urls, username, credential } = s as Record<string, unknown>
  const url = (u: unknown): boolean => typeof u === 'string' && /^(stun|turns?):/.test(u)
  return (url(urls) || (Array.isArray(urls) && urls.length > 0 && urls.every(url))) &&
    (username === undefined || typeof username === 'string') && (credential === undefined || typeof credential === 'string')
}
