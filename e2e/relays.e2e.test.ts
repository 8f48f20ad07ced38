// Two relays, no single point of failure (issue 14): a tab attaches to one of the listed relays, its
// home by rendezvous hashing of its peer id; a requester attached only to the other relay sees the
// tab's ads (relays forward them to each other: `tabmesh relay --peer`) and runs a job on it; the
// tab's home relay is killed mid-job: no task is lost, and the tab is attached to the other relay
// within seconds (the failover time is printed). A tab told of a single relay finds the others in
// the DHT (client mode), moves to one when its relay dies, and starts there on its next page load.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { freePort } from '../chain/free-port.ts'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { rankRelays } from '../mesh/node/home-relay.ts'
import { relayPeerOf } from '../mesh/node/keep-bootstrap.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient } from '../sdk/index.ts'
import { launchChromium, openProvidingTab, screenshot, tempDir, until } from '../testing/browser.ts'
import { CLI, exit, spawnProc, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'

const TASKS = 60

async function startRelayProcess (dir: string, peers: string[]): Promise<{ proc: Proc, address: string }> {
  const proc = spawnProc(process.execPath, [CLI, 'relay', '--port', String(await freePort()), ...peers.flatMap(p => ['--peer', p])], dir)
  const m = await waitFor(proc, /(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\w+)/, 30_000)
  return { proc, address: m[1]! }
}

/** Four jobs/primes tasks on whatever provider `requester` finds; every one accepted and right. */
async function runFourPrimeCounts (requester: TabmeshClient): Promise<void> {
  const job = requester.submit({ module: readFileSync(bundledPrimesPath()), inputs: ['0 100', '100 1000', '1000 10000', '0 2'], redundancy: 1 })
  const results: string[] = []
  job.addEventListener('result', (ev) => { const r = (ev as CustomEvent<{ index: number, output?: Uint8Array }>).detail; results[r.index] = new TextDecoder().decode(r.output) })
  const summary = await job.done
  assert.equal(summary.accepted, 4)
  assert.deepEqual(results, ['25\n', '143\n', '1061\n', '0\n'])
}

describe('two relays: a home relay per tab, ads across relays, failover mid-job', () => {
  const procs: Proc[] = []
  let browser: Browser | undefined
  let web: WebServerHandle | undefined
  let client: TabmeshClient | undefined
  const relays: Array<{ proc: Proc, address: string }> = []

  before(async () => {
    // Separate working directories: each relay keeps its own key in .tabmesh/relay.key.
    relays.push(await startRelayProcess(tempDir('tabmesh-relay-a-'), []))
    relays.push(await startRelayProcess(tempDir('tabmesh-relay-b-'), [relays[0]!.address]))
    procs.push(...relays.map(r => r.proc))
  })
  after(async () => {
    await client?.stop()
    await browser?.close()
    await web?.stop()
    for (const p of procs) p.child.kill('SIGKILL')
    await Promise.all(procs.map(async p => await exit(p)))
  })

  it('ranks relays by rendezvous hashing: stable per peer, spread over peers, one leaving moves only its own', async () => {
    const list = ['A', 'B', 'C', 'D'].map((_, i) => `/ip4/127.0.0.1/tcp/${9000 + i}/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiV${'abcd'[i]!}`)
    const peers = Array.from({ length: 400 }, (_, i) => `peer-${i}`)
    const homes = await Promise.all(peers.map(async p => (await rankRelays(p, list))[0]!))
    assert.deepEqual(await rankRelays('peer-7', list), await rankRelays('peer-7', [...list].reverse()), 'the order does not depend on the list order')
    for (const r of list) {
      const n = homes.filter(h => h === r).length
      assert.ok(n > 60 && n < 140, `${n} of 400 peers on one of 4 relays`)
    }
    const without = list.slice(1)
    const moved = await Promise.all(peers.map(async (p, i) => (await rankRelays(p, without))[0] !== homes[i] && homes[i] !== list[0]))
    assert.equal(moved.filter(Boolean).length, 0, 'peers of the other relays keep theirs')
  })

  it('a requester on the other relay runs a job on the tab; its home relay dies mid-job and nothing is lost', async () => {
    web = await startWebServer({ port: 0, bootstrap: relays.map(r => r.address) })
    browser = await launchChromium()
    const tab = await openProvidingTab(browser, web.url, { timeoutMs: 60_000 })
    const homePeer = await until('the tab to name its home relay', async () => (await tab.page.evaluate(() => window.tabmesh?.state().homeRelay)) ?? undefined, 30_000)
    const home = relays.find(r => relayPeerOf(r.address) === homePeer)!
    const other = relays.find(r => r !== home)!
    assert.ok(home !== undefined, `home ${homePeer} is one of the listed relays`)
    assert.equal((await rankRelays(tab.state.peerId, relays.map(r => r.address)))[0], home.address, 'the home is the first of its rendezvous order')
    const relayLinks = async (): Promise<string[]> => await tab.page.evaluate(() => (window.tabmesh?.state().peers ?? []).filter(p => p.isRelay).map(p => p.peerId))
    assert.deepEqual(await relayLinks(), [homePeer], 'attached to its home relay only')

    // The requester knows only the other relay: the tab's ads reach it relay to relay.
    client = await createClient({ bootstrap: [other.address] })
    await client.waitForProviders(1, { signal: AbortSignal.timeout(30_000) })
    assert.ok(client.providers().some(p => p.ad.peerId === tab.state.peerId), 'the tab\'s ad crossed to the other relay')
    const primes = readFileSync(bundledPrimesPath())
    const job = client.submit({ module: primes, inputs: Array.from({ length: TASKS }, (_, i) => `${i * 2_000_000} ${(i + 1) * 2_000_000}`), redundancy: 1 })
    await until('a sixth of the job', async () => job.progress.accepted >= TASKS / 6 ? true : undefined, 120_000)
    const killedAt = Date.now()
    home.proc.child.kill('SIGKILL')
    const otherPeer = relayPeerOf(other.address)
    const [summary, failoverMs, reservedMs] = await Promise.all([
      job.done,
      until('the tab to fail over to the other relay', async () => (await tab.page.evaluate(() => window.tabmesh?.state().homeRelay)) === otherPeer ? Date.now() - killedAt : undefined, 30_000),
      until('a reservation on the other relay', async () => (await tab.page.evaluate(() => window.tabmesh?.state().multiaddrs ?? [])).some(a => a.includes(`/p2p/${otherPeer!}/p2p-circuit`)) ? Date.now() - killedAt : undefined, 30_000)
    ])
    assert.equal(summary.accepted, TASKS, `every task accepted (${summary.failed} failed)`)
    assert.equal(summary.failed, 0)
    const state = await tab.page.evaluate(() => window.tabmesh!.state())
    assert.ok(state.relayFailovers >= 1)
    console.log(`relay failover: home relay killed → tab attached to the other relay in ${failoverMs} ms, its reservation there in ${reservedMs} ms (polled every 250 ms); job ${summary.accepted}/${TASKS} accepted`)
  })

  it('a tab told of one relay finds another in the DHT, works through it when its relay dies, and starts there after a reload', async () => {
    const x = await startRelay({ port: 0 })
    const y = await startRelay({ port: 0, peers: x.multiaddrs })
    const yPeer = y.node.peerId.toString()
    const only = await startWebServer({ port: 0, bootstrap: [x.multiaddrs[0]!] })
    const chromium = await launchChromium()
    let requester: TabmeshClient | undefined
    try {
      const tab = await openProvidingTab(chromium, only.url, { timeoutMs: 60_000 })
      const state = async (): Promise<NonNullable<ReturnType<NonNullable<typeof window.tabmesh>['state']>>> => await tab.page.evaluate(() => window.tabmesh!.state())
      const fallback = await until('the tab to find the other relay in the DHT', async () => (await state()).fallbackRelays.find(a => relayPeerOf(a) === yPeer), 30_000)
      assert.equal((await state()).homeRelay, x.node.peerId.toString(), 'its configured relay stays home while it answers')
      const killedAt = Date.now()
      await x.stop()
      const failoverMs = await until('the tab to move to the relay it found', async () => (await state()).homeRelay === yPeer ? Date.now() - killedAt : undefined, 30_000)
      requester = await createClient({ bootstrap: y.multiaddrs })
      await until('the tab\'s ad on the found relay', async () => requester!.providers().some(p => p.ad.peerId === tab.state.peerId) ? true : undefined, 30_000)
      await runFourPrimeCounts(requester)
      assert.ok((await state()).tasksDone >= 4, 'the tab ran them')
      // The page loads again with its one configured relay still dead: it starts on the one it saved.
      const reloadedAt = Date.now()
      await tab.page.reload()
      const homeMs = await until('the reloaded tab to attach to its saved fallback', async () => (await tab.page.evaluate(() => window.tabmesh?.state().homeRelay)) === yPeer ? Date.now() - reloadedAt : undefined, 30_000)
      await tab.page.getByRole('link', { name: 'Network' }).click()
      const relaysLine = tab.page.getByTestId('network-relays')
      await until('the Network page to name the home and the fallback', async () => /Home relay.*found in the DHT: no configured relay answers.*1 fallback relay found in the DHT/.test(await relaysLine.textContent() ?? '') ? true : undefined, 20_000)
      assert.match(await relaysLine.textContent() ?? '', new RegExp(`Home relay ${yPeer.slice(0, 8)}`))
      await screenshot(tab.page, 'relays-dht-fallback')
      console.log(`dht fallback: the tab found ${fallback}; its only relay killed → attached to the found one in ${failoverMs} ms; 4/4 tasks through it; after a reload attached there in ${homeMs} ms`)
    } finally {
      await requester?.stop()
      await chromium.close()
      await only.stop()
      await x.stop().catch(() => {})
      await y.stop()
    }
  })

  it('relays find each other in the DHT: two told only of a third link up, and ads cross them once it is gone', async () => {
    const seed = await startRelay({ port: 0, discoveryIntervalMs: 1_000 })
    const d = await startRelay({ port: 0, peers: seed.multiaddrs, discoveryIntervalMs: 1_000 })
    const e = await startRelay({ port: 0, peers: seed.multiaddrs, discoveryIntervalMs: 1_000 })
    const cacheDir = tempDir('tabmesh-dht-provider-')
    let provider: Awaited<ReturnType<typeof startNodeProvider>> | undefined
    let requester: TabmeshClient | undefined
    try {
      const t0 = Date.now()
      await until('relays d and e to find each other in the DHT', async () => d.node.getConnections(e.node.peerId).length > 0 ? true : undefined, 30_000)
      const linkedMs = Date.now() - t0
      await seed.stop()
      provider = await startNodeProvider({ bootstrap: d.multiaddrs, workers: 1, cacheDir })
      requester = await createClient({ bootstrap: e.multiaddrs })
      await requester.waitForProviders(1, { signal: AbortSignal.timeout(30_000) })
      await runFourPrimeCounts(requester)
      console.log(`dht: relays told only of a third found each other in ${linkedMs} ms; with the third gone, a requester on one ran 4/4 tasks on a provider attached only to the other`)
    } finally {
      await requester?.stop()
      await provider?.stop()
      await d.stop()
      await e.stop()
    }
  })
})
