// Issue #5 chaos: a paid 500-task job while providers (a Node provider and a tab) are killed at random
// and one provider in five lies; then a relay restart in the middle of a job. Real Chromium, real
// WebRTC, real anvil; loopback only (scripts/netns.sh). Every loop here is bounded by a deadline.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { LocalAccount } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { Browser, BrowserContext } from 'playwright-core'
import { publicClientFor } from '../chain/clients.ts'
import { freePort } from '../chain/free-port.ts'
import { stakingAbi, testTokenAbi } from '../chain/generated/contracts.ts'
import { LOCAL_STAKE } from '../chain/local-funding.ts'
import { startLocalChain, testAccount } from '../chain/local-stack.ts'
import type { LocalChain } from '../chain/local-stack.ts'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { connectionKind } from '../mesh/node/connections.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient } from '../sdk/index.ts'
import { primeCountsPerRange } from '../jobs/primes/reference.ts'
import { claimFromWalletPage, launchChromium, openProvidingTab, tempDir, until } from '../testing/browser.ts'
import type { ProvidingTab } from '../testing/browser.ts'

const primes = readFileSync(bundledPrimesPath())
const PRICE = 1_000n // 0.001 tUSD per task run
const TASKS = 500
const RANGE = 20_000
const dec = new TextDecoder()

describe('e2e chaos: providers killed, liars, a relay restart', () => {
  const dir = tempDir('tabmesh-chaos-')
  let local: LocalChain
  let relayPort: number
  let relay: RelayHandle
  let web: WebServerHandle
  let browser: Browser
  let client: TabmeshClient
  const tabs: ProvidingTab[] = []
  const nodes = new Map<string, { handle: NodeProviderHandle, account: LocalAccount }>()

  const startRelayHere = async (): Promise<RelayHandle> => await startRelay({ port: relayPort, keyFile: join(dir, 'relay.key') })
  const startNode = async (name: string, options: { liar?: boolean, account?: LocalAccount } = {}): Promise<NodeProviderHandle> => {
    const account = options.account ?? privateKeyToAccount(generatePrivateKey())
    const handle = await startNodeProvider({
      bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(dir, name), chequeFile: join(dir, `${name}-cheques.json`),
      chain: local.chain, account, ...(options.liar === true ? { faultyOutputs: true } : {})
    })
    nodes.set(name, { handle, account })
    return handle
  }
  const openTab = async (context?: BrowserContext): Promise<ProvidingTab> => await openProvidingTab(browser, web.url, { paid: true, ...(context !== undefined ? { context } : {}) })

  before(async () => {
    local = await startLocalChain({ dir, port: await freePort() })
    relayPort = await freePort()
    relay = await startRelayHere()
    web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs, chain: local.chain })
    await startNode('n0')
    await startNode('n1')
    await startNode('n2') // a sixth owner: three arbiters remain whichever three owners a dispute is about
    await startNode('liar', { liar: true }) // 1 of 6 providers Byzantine
    browser = await launchChromium()
    for (let i = 0; i < 2; i++) tabs.push(await openTab())
    client = await createClient({ bootstrap: relay.multiaddrs, chain: local.chain, account: testAccount(1) })
    await client.waitForProviders(6, { signal: AbortSignal.timeout(60_000) })
  })

  after(async () => {
    await client?.stop()
    await browser?.close()
    for (const { handle } of nodes.values()) await handle.stop().catch(() => {})
    await web?.stop()
    await relay?.stop()
    await local?.anvil.stop()
  })

  it(`a paid ${TASKS}-task job: a Node provider and a tab killed mid-job, a liar among six — all outputs right, the liar disputed and slashed, every accepted run paid to its owner`, async () => {
    const expected = primeCountsPerRange(TASKS, RANGE)
    const pub = publicClientFor(local.chain)
    const usd = async (who: `0x${string}`): Promise<bigint> => await pub.readContract({ address: local.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [who] })
    const liar = nodes.get('liar')!
    const payoutOf = new Map<string, `0x${string}`>([
      ...tabs.map(t => [t.state.peerId, t.state.owner as `0x${string}`] as const),
      ...[...nodes.values()].map(n => [n.handle.node.peerId.toString(), n.account.address] as const)
    ])
    // Tabs start with test tUSD of their own (to pay for their jobs): count what they earn on top.
    const startBalance = new Map<string, bigint>()
    for (const payout of payoutOf.values()) startBalance.set(payout, await usd(payout))

    const inputs = expected.map((_, i) => `${i * RANGE} ${(i + 1) * RANGE}`)
    const job = client.submit({ module: primes, inputs, redundancy: 2, pricePerTask: PRICE, minStake: LOCAL_STAKE })
    // Kill at random points: the Node provider n1 somewhere in the first half, tab B somewhere in the second.
    const killNodeAt = 50 + Math.floor(Math.random() * 150)
    const killTabAt = 250 + Math.floor(Math.random() * 150)
    const killed: string[] = []
    job.addEventListener('progress', () => {
      const done = job.progress.accepted
      if (done >= killNodeAt && !killed.includes('n1')) {
        killed.push('n1')
        const n1 = nodes.get('n1')!.handle
        // abrupt, as a crash: no goodbye, tasks in flight lost, nothing of the process keeps running
        void (async () => { n1.pool.stop(); n1.payments?.stop(); await n1.node.stop() })()
      }
      if (done >= killTabAt && !killed.includes('tab')) {
        killed.push('tab')
        void tabs[1]!.page.close()
      }
    })

    const paidRuns = new Map<`0x${string}`, number>() // payout address → accepted task runs
    const outputs = new Map<number, string>()
    for await (const r of job.results()) {
      assert.ok(r.ok, `task ${r.index}: ${r.ok ? '' : `${r.error.code} ${r.error.message}`}`)
      outputs.set(r.index, dec.decode(r.output).trim())
      for (const p of r.providers) {
        const payout = payoutOf.get(p)!
        paidRuns.set(payout, (paidRuns.get(payout) ?? 0) + 1)
      }
    }
    const summary = await job.done
    assert.deepEqual(killed.sort(), ['n1', 'tab'], 'both kills happened mid-job')
    assert.equal(summary.accepted, TASKS)
    for (let i = 0; i < TASKS; i++) assert.equal(outputs.get(i), String(expected[i]), `task ${i}`)
    assert.equal(paidRuns.get(liar.account.address), undefined, 'the liar never made a quorum')
    assert.ok(summary.faults.some(f => f.provider === liar.handle.node.peerId.toString()), 'the liar was caught')

    // The killed ones come back (same operator key, new peer id) and get the cheques they missed.
    await startNode('n1', { account: nodes.get('n1')!.account })
    tabs[1] = await openTab(tabs[1]!.context)
    const settlement = await client.paidJobs.get(job.id)!.settlement
    // Every operator claims what it holds; each owner receives its accepted runs × price less the 1% fee.
    for (const { handle } of nodes.values()) await handle.payments!.claimAll()
    for (const t of tabs) await claimFromWalletPage(t.page)
    const net = (runs: number): bigint => BigInt(runs) * PRICE - BigInt(runs) * PRICE / 100n
    await until('every owner to be paid what it was owed', async () => {
      for (const [payout, runs] of paidRuns) if (await usd(payout) - (startBalance.get(payout) ?? 0n) !== net(runs)) return undefined
      return true
    }, 90_000).catch(async (err: Error) => {
      const got = await Promise.all([...paidRuns].map(async ([p, runs]) => `${p}: ${await usd(p) - (startBalance.get(p) ?? 0n)} of ${net(runs)}`))
      throw new Error(`${err.message}: ${got.join('; ')}`)
    })

    let paid = 0n
    for (const runs of paidRuns.values()) paid += BigInt(runs) * PRICE
    assert.equal(settlement.paid, paid, 'cheques = accepted task runs × price')
    assert.ok(settlement.disputes.some(d => d.status === 'resolved'), `the liar's dispute was decided: ${JSON.stringify(settlement.disputes, (_k, v) => typeof v === 'bigint' ? v.toString() : v)}`)
    const stake = await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [liar.account.address] })
    assert.ok(settlement.slashed > 0n && stake === LOCAL_STAKE - settlement.slashed, `the liar was slashed on chain: stake ${stake}, settlement slashed ${settlement.slashed}, disputes ${JSON.stringify(settlement.disputes, (_k, v) => typeof v === 'bigint' ? v.toString() : v)}`)
    console.log(`# measured: ${TASKS} paid tasks, ${summary.runs} runs (${summary.trusted} on trust), ${summary.faults.length} faults, ${settlement.disputes.length} disputes, node killed at ${killNodeAt}, tab at ${killTabAt}; paid ${paid}, slashed ${settlement.slashed}`)
  })

  it('the relay restarts mid-job: direct links keep carrying tasks, peers re-reserve, and a new tab joins afterwards', async () => {
    const peers = () => client.providers().map(p => p.ad.peerId)
    await until('all providers advertised again', async () => peers().length >= 5 ? true : undefined, 60_000)
    const tabA = tabs[0]!
    // Long enough that it is still running once the relay has stopped: 120 tasks were all accepted
    // before relay.stop() returned once providers queued deeper (the task sessions' keep-alives).
    const inputs = Array.from({ length: 400 }, (_, i) => `${i * 200_000} ${(i + 1) * 200_000}`)
    const job = client.submit({ module: primes, inputs, redundancy: 2, verification: 'replicate' })
    await until('some of the job', async () => job.progress.accepted >= 30 ? true : undefined, 120_000)

    await relay.stop()
    const atStop = job.progress.accepted
    const webrtc = client.node.getConnections().filter(c => c.remotePeer.toString() === tabA.state.peerId && connectionKind(c) === 'webrtc')
    assert.ok(webrtc.length > 0, 'a direct WebRTC link to tab A was in use')
    await until('tasks to keep completing with the relay down', async () => job.progress.accepted >= atStop + 20 ? true : undefined, 60_000)
    assert.ok(webrtc.some(c => c.status === 'open'), 'the WebRTC link outlived the relay')

    relay = await startRelayHere()
    const tabC = await openTab() // needs a reservation on the restarted relay to be reachable
    const summary = await job.done
    assert.equal(summary.accepted, inputs.length)

    await until('tab A to hold a reservation again', async () => {
      const s = await tabA.page.evaluate(() => window.tabmesh?.state())
      return s?.status === 'providing' && s.multiaddrs.some(a => a.includes('/p2p-circuit')) ? true : undefined
    }, 60_000)
    await until('the new tab to advertise', async () => peers().includes(tabC.state.peerId) ? true : undefined, 30_000)
    // Tasks go only where a session is open, and the new tab's session is a WebRTC dial through the
    // new relay: on a loaded machine one job can end before it opens. So jobs follow one another
    // (bounded by a deadline) until the new tab has taken a task; each job's results are checked.
    const used = new Set<string>()
    const deadline = Date.now() + 90_000
    let jobs = 0
    while (!used.has(tabC.state.peerId) && Date.now() < deadline) {
      const after = client.submit({ module: primes, inputs: Array.from({ length: 200 }, (_, i) => `${i * 2_000_000} ${(i + 1) * 2_000_000}`), redundancy: 1, verification: 'replicate' })
      for await (const r of after.results()) { assert.ok(r.ok); for (const p of r.providers) used.add(p) }
      jobs++
    }
    console.log(`# measured: the tab that joined after the restart took tasks in job ${jobs} after it`)
    assert.ok(used.has(tabC.state.peerId), 'the tab that joined after the restart took tasks (over WebRTC set up through the new relay)')
  })
})
