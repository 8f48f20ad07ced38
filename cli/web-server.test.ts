import assert from 'node:assert/strict'
import { request } from 'node:https'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { tempDir } from '../testing/browser.ts'
import { makeCertificates } from '../testing/certificates.ts'
import { startWebServer, WEB_DIST } from './web-server.ts'

describe('the web server', { skip: !existsSync(WEB_DIST) ? 'needs `npm run build` (dist/web)' : false }, () => {
  it('serves /tabmesh.json with the ICE servers over https with the given certificate', async () => {
    const certs = makeCertificates(tempDir('tabmesh-web-tls-'))
    const iceServers = [{ urls: 'turn:203.0.113.10:3478?transport=udp', username: 'lab', credential: 'secret' }]
    const web = await startWebServer({ port: 0, bootstrap: ['/ip4/127.0.0.1/tcp/9090/ws'], iceServers, tls: { cert: readFileSync(certs.cert, 'utf8'), key: readFileSync(certs.key, 'utf8') } })
    try {
      assert.match(web.url, /^https:\/\/127\.0\.0\.1:\d+\/$/)
      const body = await new Promise<string>((resolve, reject) => {
        request(new URL('/tabmesh.json', web.url), { ca: readFileSync(certs.ca) }, res => {
          let text = ''
          res.on('data', (d: Buffer) => { text += d.toString() })
          res.on('end', () => { resolve(text) })
        }).on('error', reject).end()
      })
      assert.deepEqual(JSON.parse(body), { bootstrap: ['/ip4/127.0.0.1/tcp/9090/ws'], iceServers })
      // A client that does not trust the test CA is refused.
      await assert.rejects(new Promise((resolve, reject) => { request(new URL('/tabmesh.json', web.url), resolve).on('error', reject).end() }), /self-signed|unable to verify|certificate/i)
    } finally {
      await web.stop()
    }
  })
})
