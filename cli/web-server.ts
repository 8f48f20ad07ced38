import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { preview } from 'vite'
import { TabmeshError } from '../errors/base.ts'
import type { ChainConfig } from '../chain/config.ts'

/** The built web app (`npm run build:web`). */
export const WEB_DIST = fileURLToPath(new URL('../dist/web', import.meta.url))

export interface WebServerHandle {
  url: string
  stop: () => Promise<void>
}

/**
 * Serves the built PWA on `host:port` plus `/tabmesh.json` — the mesh configuration the page reads at
 * start (`{ bootstrap, chain? }`): pointing the app at another network is this file, not a rebuild.
 * @throws TabmeshError WEB_NOT_BUILT when dist/web is missing
 */
export async function startWebServer (params: { port: number, host?: string, bootstrap: string[], chain?: ChainConfig }): Promise<WebServerHandle> {
  if (!existsSync(WEB_DIST)) throw new TabmeshError('WEB_NOT_BUILT', `${WEB_DIST} is missing: run \`npm run build\` first`)
  const config = JSON.stringify({ bootstrap: params.bootstrap, ...(params.chain !== undefined ? { chain: params.chain } : {}) })
  const server = await preview({
    configFile: false,
    logLevel: 'warn',
    build: { outDir: WEB_DIST },
    preview: { port: params.port, host: params.host ?? '127.0.0.1', strictPort: false, open: false },
    plugins: [{
      name: 'tabmesh-mesh-config',
      configurePreviewServer (s) {
        s.middlewares.use('/tabmesh.json', (_req, res) => {
          res.setHeader('content-type', 'application/json')
          res.setHeader('cache-control', 'no-store')
          res.end(config)
        })
      }
    }]
  })
  const url = server.resolvedUrls?.local[0]
  if (url === undefined) throw new TabmeshError('WEB_SERVER', 'the web server did not report a URL')
  return { url, stop: async () => { await server.close() } }
}
