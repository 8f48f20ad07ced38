import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Server, RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import sirv from 'sirv'
import { TabmeshError } from '../errors/base.ts'
import type { ChainConfig } from '../chain/config.ts'

/**
 * The built web app (`npm run build:web`): `dist/web` at the package root, which is one folder up from
 * `cli/` in the repository and one up from `dist/cli/` (where scripts/build-cli.ts bundles this file)
 * in the published package.
 */
export const WEB_DIST = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/web' : '../web', import.meta.url))

export interface WebServerHandle {
  url: string
  stop: () => Promise<void>
}

export interface StartWebServerParameters {
  /** 0: any free port; else this one or one of the next PORT_TRIES. */
  port: number
  /** Default 127.0.0.1. */
  host?: string
  /** Relay multiaddrs for `/tabmesh.json` (a public relay: `/tls/ws` or `/wss`, which a tab only dials). */
  bootstrap: string[]
  chain?: ChainConfig
  /** STUN/TURN servers for the tabs' WebRTC connections (none on the local mesh). */
  iceServers?: RTCIceServer[]
  /** Serve https:// with this certificate and key (PEM text) instead of http://. */
  tls?: { cert: string, key: string }
}

/**
 * Serves the built PWA (sirv, with index.html for unknown paths) on `host:port` plus `/tabmesh.json` — the mesh configuration the page reads at
 * start (`{ bootstrap, chain?, iceServers? }`, web/config.ts): pointing the app at another network is this file, not a rebuild.
 * @throws TabmeshError WEB_NOT_BUILT when dist/web is missing
 */
export async function startWebServer (params: StartWebServerParameters): Promise<WebServerHandle> {
  if (!existsSync(WEB_DIST)) throw new TabmeshError('WEB_NOT_BUILT', `${WEB_DIST} is missing: run \`npm run build\` first`)
  const config = JSON.stringify({ bootstrap: params.bootstrap, ...(params.chain !== undefined ? { chain: params.chain } : {}), ...(params.iceServers !== undefined ? { iceServers: params.iceServers } : {}) })
  const files = sirv(WEB_DIST, { single: true, etag: true })
  const handler: RequestListener = (req, res) => {
    if ((req.url ?? '/').split('?')[0] === '/tabmesh.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(config)
      return
    }
    files(req, res, () => { res.writeHead(404); res.end() })
  }
  const server = params.tls !== undefined ? createTlsServer(params.tls, handler) : createServer(handler)
  const host = params.host ?? '127.0.0.1'
  const port = await listen(server, host, params.port)
  return {
    url: `${params.tls !== undefined ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    stop: async () => { await new Promise<void>(resolve => { server.close(() => { resolve() }); server.closeAllConnections() }) }
  }
}

/** How many ports after the asked one are tried when it is taken (as `npm start` on a busy 5173). */
const PORT_TRIES = 20

/**
 * Listens on `port`, or on the next free one of the following PORT_TRIES; 0 takes any free port.
 * @returns the port listened on
 * @throws TabmeshError WEB_SERVER when none is free
 */
async function listen (server: Server, host: string, port: number): Promise<number> {
  for (let i = 0; i < (port === 0 ? 1 : PORT_TRIES); i++) {
    const error = await new Promise<NodeJS.ErrnoException | undefined>(resolve => {
      server.once('error', resolve)
      server.listen(port === 0 ? 0 : port + i, host, () => { server.off('error', resolve); resolve(undefined) })
    })
    if (error === undefined) return (server.address() as AddressInfo).port
    if (error.code !== 'EADDRINUSE') throw new TabmeshError('WEB_SERVER', `the web server cannot listen on ${host}:${port + i}: ${error.message}`)
  }
  throw new TabmeshError('WEB_SERVER', `ports ${port}–${port + PORT_TRIES - 1} on ${host} are all taken: pass another --port`)
}
