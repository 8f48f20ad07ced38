// The network lab (lab/topology.sh, run by `npm run test:lab` inside lab/run.sh): a relay (ws and wss)
// and a STUN/TURN server (coturn) on the "internet", Node providers in two homes behind NATs that map
// endpoint-independently (a, b), a Chromium tab in a home behind a symmetric NAT (s), and a requester
// behind a NAT of its own (r), with loss and delay on every access link (60 ms round trips home to
// home), and last two tabs in the cone homes, which link directly. The routers' counters show which
// path each connection took.
//
// The tab behind the symmetric NAT gets its work through a TURN allocation: it takes its ICE servers
// from /tabmesh.json, and the requester pairs its server-reflexive candidate with the tab's relay
// candidate. (Found here: a peer's candidates name its private address too, and coturn is asked to
// relay to it; with no route for it, coturn's send failed and it closed the whole allocation a second
// after ICE had connected through it. The lab's internet host now has a default route, as hosts on
// the internet do, and such packets are dropped upstream: lab/topology.sh.)
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { launchChromium, openProvidingTab, screenshot, tempDir, until } from '../testing/browser.ts'
import type { ProvidingTab } from '../testing/browser.ts'
import { CLI, exit } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'
import { counters, countersGrowth, ICE, ICE_SERVERS, inNamespace, RUNNER, startLabMesh, WAN } from './lab-mesh.ts'
import type { LabMesh } from './lab-mesh.ts'

const PRIMES = fileURLToPath(new URL('../jobs/primes/build/primes.wasm', import.meta.url))

/** Bytes of the tree every task of runLabJob mounts: under the 1 MiB at which providers would pass it on to each other, so each requester → provider path carries a measurable amount. */
const BULK_BYTES = 900_000

/** Submissions still running (a test that timed out left one): `after` kills them, so none outlives the lab. */
const submissions = new Set<Proc>()

interface TaskLine { index?: number, output?: string, providers?: string[], summary?: boolean }

/**
 * `tabmesh submit` from the requester's home (home-r): 6 tasks counting primes up to 3·10⁶, each
 * mounting a BULK_BYTES tree, every task run by `redundancy` providers that must agree.
 * @returns the task lines, checked complete and right (π(3·10⁶) = 216,816)
 */
async function runLabJob (bootstrap: string, redundancy: number): Promise<TaskLine[]> {
  const cwd = tempDir('tabmesh-lab-r-')
  const data = join(cwd, 'data')
  mkdirSync(data)
  const bulk = new Uint8Array(BULK_BYTES)
  for (let i = 0; i < bulk.length; i++) bulk[i] = (i * 2654435761) >>> 24
  writeFileSync(join(data, 'bulk.bin'), bulk)
  const inputs: string[] = []
  for (let i = 0; i < 6; i++) {
    const file = join(cwd, `range-${i}.txt`)
    writeFileSync(file, `${i * 500_000} ${(i + 1) * 500_000}\n`)
    inputs.push(file)
  }
  const submit = inNamespace('home-r', process.execPath, [CLI, 'submit', PRIMES, ...inputs, '--dir', `${data}:/data`, '--redundancy', String(redundancy), '--replicate-all', '--bootstrap', bootstrap, ...ICE, '--json', '--timeout', '60000'], cwd)
  submissions.add(submit)
  const code = await exit(submit)
  submissions.delete(submit)
  assert.equal(code, 0, submit.output())
  const lines = submit.output().trim().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as TaskLine)
  const tasks = lines.filter(l => l.summary !== true)
  assert.equal(tasks.length, 6)
  assert.equal(tasks.reduce((n, l) => n + Number(l.output), 0), 216_816, 'π(3·10^6)')
  return tasks
}

/**
 * Checks, from what the routers of r and s counted since `before`, that a job's data for the provider
 * in s (`who`) went through the TURN server: over BULK_BYTES to coturn, next to nothing straight to s
 * or back to r, and the libp2p relay carried signalling and ads only.
 */
function assertThroughTurn (t: { diagnostic: (message: string) => void }, before: { r: Record<string, number>, s: Record<string, number> }, who: string): void {
  const fromR = countersGrowth('r', before.r)
  const fromS = countersGrowth('s', before.s)
  t.diagnostic(`requester's router, bytes sent: to TURN ${fromR('LAB-TURN')}, to s directly ${fromR(`LAB-P2P-${WAN.s}`)}, to a ${fromR(`LAB-P2P-${WAN.a}`)}, to b ${fromR(`LAB-P2P-${WAN.b}`)}, to the relay ${fromR('LAB-RELAY')}; s's router (${who}): to TURN ${fromS('LAB-TURN')}, to r directly ${fromS(`LAB-P2P-${WAN.r}`)}, to the relay ${fromS('LAB-RELAY')}`)
  assert.ok(fromR('LAB-TURN') > BULK_BYTES, `${who}'s copy of the data went through the TURN server`)
  assert.ok(fromR(`LAB-P2P-${WAN.s}`) < BULK_BYTES / 100, 'nothing but failed checks went to the symmetric home directly')
  assert.ok(fromS('LAB-TURN') > 0 && fromS(`LAB-P2P-${WAN.r}`) < BULK_BYTES / 100, `${who} answered through TURN`)
  assert.ok(fromR('LAB-RELAY') < BULK_BYTES / 4 && fromS('LAB-RELAY') < BULK_BYTES / 4, 'the libp2p relay carried signalling and ads, not the job\'s data')
}

describe('the network lab: NATs, STUN/TURN, loss, delay', { skip: process.env.TABMESH_LAB !== '1' ? 'run by `npm run test:lab` (lab/run.sh builds the namespaces)' : false }, () => {
  let mesh: LabMesh
  let bootstrap = ''
  let web: WebServerHandle | undefined
  let browser: Browser | undefined
  /** The tab in the symmetric home, opened by the second test and given work by the third. */
  let tab: ProvidingTab | undefined

  before(async () => {
    mesh = await startLabMesh(['a', 'b'])
    bootstrap = mesh.bootstrap
  })

  after(async () => {
    for (const p of submissions) p.child.kill('SIGKILL')
    await browser?.close()
    await web?.stop()
    await mesh?.stop()
  })

  it('a requester behind its NAT gets every task right from the providers behind cone NATs, over direct paths found with STUN; the relay carries only signalling', async (t) => {
    const before = counters('r')
    const tasks = await runLabJob(bootstrap, 2)
    assert.ok(tasks.every(l => l.providers?.length === 2), 'two providers agreed on every task')

    const grew = countersGrowth('r', before)
    const path = { toA: grew(`LAB-P2P-${WAN.a}`), toB: grew(`LAB-P2P-${WAN.b}`), toS: grew(`LAB-P2P-${WAN.s}`), turn: grew('LAB-TURN'), relay: grew('LAB-RELAY') }
    t.diagnostic(`requester's router, bytes sent: to a ${path.toA}, to b ${path.toB}, to s directly ${path.toS}, to TURN/STUN ${path.turn}, to the relay (TCP) ${path.relay}`)
    assert.ok(path.toA > BULK_BYTES && path.toB > BULK_BYTES, 'the data went straight to both cone-NAT homes (server-reflexive candidates from STUN)')
    assert.ok(path.turn < BULK_BYTES, 'no data went through TURN (the two direct paths carried it)')
    assert.ok(path.relay < BULK_BYTES / 4, 'the libp2p relay carried signalling and ads, not the job\'s data')
  })

  it('a tab behind the symmetric NAT loads the app over https, reaches the relay over wss only, provides, and dials no private or loopback address', async (t) => {
    web = await startWebServer({ host: RUNNER, port: 8443, bootstrap: [mesh.secureBootstrap], iceServers: ICE_SERVERS, tls: { cert: readFileSync(mesh.certificates.cert, 'utf8'), key: readFileSync(mesh.certificates.key, 'utf8') } })
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${mesh.certificates.spki}`], { namespace: 'home-s' })
    const before = counters('s')
    const consoleErrors: string[] = []
    tab = await openProvidingTab(browser, web.url, { timeoutMs: 90_000, onPage: page => { page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()) }) } })
    // Long enough for capacity ads (every 5 s) from both Node providers, which name their loopback
    // listeners among their addresses, and for the tab's overlay to dial them.
    await until('the tab to connect to a Node provider', async () => {
      const peers = await tab!.page.evaluate(() => window.tabmesh?.state().peers ?? [])
      return peers.some(p => p.tier === 'node') ? true : undefined
    }, 60_000)
    await new Promise(resolve => setTimeout(resolve, 5_000))
    await screenshot(tab.page, 'lab-symmetric-tab')
    const grew = countersGrowth('s', before)
    t.diagnostic(`the tab's router, bytes sent: to the relay over TCP ${grew('LAB-RELAY')} (plain ws ${grew('LAB-PLAIN-WS')}), to STUN/TURN ${grew('LAB-TURN')}`)
    assert.ok(grew('LAB-RELAY') > 0, 'the tab reached the relay')
    assert.equal(grew('LAB-PLAIN-WS'), 0, 'never over plain ws: /tabmesh.json names only the wss address')
    // Node providers' ads name /ip4/127.0.0.1/… listeners; off the local mesh a tab must not dial them
    // (it did: its node was made with no bootstrap list, which counted as a local mesh).
    const local = consoleErrors.filter(e => /(ws|wss):\/\/(127\.|10\.|192\.168\.|localhost)/.test(e))
    assert.deepEqual(local, [], 'no dial to a loopback or private address')
  })

  it('the tab behind the symmetric NAT gets work through a TURN allocation: every task right, its data relayed by TURN, none of it sent to that home directly', { timeout: 150_000 }, async (t) => {
    assert.ok(tab !== undefined, 'the previous test opened the tab')
    const page = tab.page
    const doneBefore = await page.evaluate(() => window.tabmesh?.state().tasksDone ?? 0)
    const before = { r: counters('r'), s: counters('s') }
    // Redundancy 3: every task on both Node providers and on the tab, which must all agree.
    const tasks = await runLabJob(bootstrap, 3)
    assert.ok(tasks.every(l => l.providers?.length === 3 && l.providers.includes(tab!.state.peerId)), 'the tab and both Node providers agreed on every task')
    const done = await page.evaluate(() => window.tabmesh?.state().tasksDone ?? 0)
    assert.ok(done - doneBefore >= tasks.length, `the tab ran every task (${done - doneBefore})`)
    await screenshot(page, 'lab-symmetric-turn')

    assertThroughTurn(t, before, 'the tab')
  })

  it('a Node provider behind the symmetric NAT (libjuice, not a browser) gets work through TURN too', { timeout: 150_000 }, async (t) => {
    // The tab leaves, so the job's third provider must be the Node one in the same home.
    await browser?.close()
    browser = undefined
    const peerId = await mesh.addProvider('s')
    const before = { r: counters('r'), s: counters('s') }
    const tasks = await runLabJob(bootstrap, 3)
    assert.ok(tasks.every(l => l.providers?.length === 3 && l.providers.includes(peerId)), 'the Node provider in s and both in the cone homes agreed on every task')
    assertThroughTurn(t, before, 'the Node provider')
  })

  it('tabs behind the two endpoint-independent NATs reach each other directly (server-reflexive candidates), not through TURN or the relay', { timeout: 150_000 }, async (t) => {
    assert.ok(web !== undefined, 'the second test started the web server')
    // The Node providers in a and b talk to each other too (gossip): their traffic over 12 s without the tabs is the baseline.
    const WINDOW_MS = 12_000
    const quiet = { a: counters('a'), b: counters('b') }
    await new Promise(resolve => setTimeout(resolve, WINDOW_MS))
    const baseline = { a: countersGrowth('a', quiet.a)(`LAB-P2P-${WAN.b}`), b: countersGrowth('b', quiet.b)(`LAB-P2P-${WAN.a}`) }
    const browsers = await Promise.all((['a', 'b'] as const).map(async home => await launchChromium([`--ignore-certificate-errors-spki-list=${mesh.certificates.spki}`], { namespace: `home-${home}` })))
    try {
      const [tabA, tabB] = await Promise.all(browsers.map(async b => await openProvidingTab(b, web!.url, { timeoutMs: 90_000 })))
      const linked = async (from: ProvidingTab, to: ProvidingTab): Promise<boolean> => (await from.page.evaluate(() => window.tabmesh?.state().peers ?? [])).some(p => p.peerId === to.state.peerId && p.kinds.includes('webrtc'))
      await until('a direct WebRTC link between the two tabs', async () => await linked(tabA!, tabB!) && await linked(tabB!, tabA!) ? true : undefined, 90_000)
      // The Network page pings every connected peer every 5 s: traffic on the link to count.
      for (const tab of [tabA!, tabB!]) await tab.page.getByRole('link', { name: 'Network' }).click()
      const before = { a: counters('a'), b: counters('b') }
      await new Promise(resolve => setTimeout(resolve, WINDOW_MS))
      const fromA = countersGrowth('a', before.a)
      const fromB = countersGrowth('b', before.b)
      await screenshot(tabA!.page, 'lab-cone-tabs')
      const direct = { a: fromA(`LAB-P2P-${WAN.b}`) - baseline.a, b: fromB(`LAB-P2P-${WAN.a}`) - baseline.b }
      t.diagnostic(`in ${WINDOW_MS / 1000} s: a's router sent ${fromA(`LAB-P2P-${WAN.b}`)} B straight to b (${baseline.a} B without the tabs) and ${fromA('LAB-TURN')} B to STUN/TURN; b's router ${fromB(`LAB-P2P-${WAN.a}`)} B straight to a (${baseline.b} B without the tabs) and ${fromB('LAB-TURN')} B to STUN/TURN`)
      // Through TURN the same traffic would go to coturn's address, never to the other home's: bytes
      // sent straight across (ICE checks are a few hundred) mean the link itself runs there.
      assert.ok(direct.a > 10_000 && direct.b > 10_000, 'the tabs\' link carries its traffic home to home')
    } finally {
      await Promise.all(browsers.map(async b => await b.close()))
    }
  })
})
