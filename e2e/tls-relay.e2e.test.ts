// A relay that serves wss:// (issue 14, TLS): `tabmesh relay --tls-cert --tls-key` with a certificate
// from a test CA made here; a tab reaches it over wss only (its /tabmesh.json names no ws address)
// and provides; a Node provider and a requester reach it over wss trusting the test CA; a job runs
// on the tab. The certificate is made by openssl for 127.0.0.1, so nothing leaves loopback.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { freePort } from '../chain/free-port.ts'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { launchChromium, openProvidingTab, tempDir } from '../testing/browser.ts'
import { makeCertificates } from '../testing/certificates.ts'
import type { TestCertificates } from '../testing/certificates.ts'
import { CLI, exit, spawnProc, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'
import type { Browser } from 'playwright-core'

describe('a relay serving wss:// with a test CA', () => {
  const dir = tempDir('tabmesh-tls-')
  const procs: Proc[] = []
  let browser: Browser | undefined
  let web: WebServerHandle | undefined
  let wss = ''
  let certs: TestCertificates

  before(async () => {
    certs = makeCertificates(dir)
    const [plain, secure] = [await freePort(), await freePort()]
    const relay = spawnProc(process.execPath, [CLI, 'relay', '--port', String(plain), '--tls-cert', certs.cert, '--tls-key', certs.key, '--tls-port', String(secure)], dir)
    procs.push(relay)
    const m = await waitFor(relay, /(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\/\w+)/, 30_000)
    wss = m[1]!
    assert.match(relay.output(), new RegExp(`/tcp/${secure}/tls/ws/p2p/`))
  })
  after(async () => {
    await browser?.close()
    await web?.stop()
    for (const p of procs) p.child.kill('SIGINT')
    await Promise.all(procs.map(async p => await exit(p)))
  })

  it('Node reaches it over wss trusting the CA, and not without it', async () => {
    const untrusted = spawnProc(process.execPath, [CLI, 'provide', '--bootstrap', wss, '--workers', '1'], dir, { ...process.env, NODE_EXTRA_CA_CERTS: '' })
    const code = await exit(untrusted)
    assert.equal(code, 3, `a certificate nobody trusts is refused: ${untrusted.output()}`)
    const provider = spawnProc(process.execPath, [CLI, 'provide', '--bootstrap', wss, '--workers', '1'], dir, { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca })
    procs.push(provider)
    await waitFor(provider, /providing as/, 30_000)
  })

  it('a tab reaches it over wss only, provides, and runs a job sent over wss', async () => {
    web = await startWebServer({ port: 0, bootstrap: [wss] })
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${certs.spki}`])
    const tab = await openProvidingTab(browser, web.url, { timeoutMs: 60_000 })
    assert.equal(tab.state.status, 'providing')
    const input = join(dir, 'range.txt')
    writeFileSync(input, '0 1000000')
    const submit = spawnProc(process.execPath, [CLI, 'submit', join(import.meta.dirname, '../jobs/primes/build/primes.wasm'), input, input, '--redundancy', '2', '--bootstrap', wss, '--json'], dir, { ...process.env, NODE_EXTRA_CA_CERTS: certs.ca })
    const code = await exit(submit)
    assert.equal(code, 0, submit.output())
    const summary = submit.output().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as { summary?: boolean, accepted?: number, output?: string }).find(l => l.summary === true)
    assert.equal(summary?.accepted, 2, submit.output())
    assert.match(submit.output(), /78498/)
    const ran = await tab.page.evaluate(() => window.tabmesh?.state().tasksDone ?? 0)
    assert.ok(ran >= 1, `the tab ran ${ran} of the 4 runs (redundancy 2: the tab and the Node provider)`)
  })
})
