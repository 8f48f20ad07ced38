// Issue #3 end to end: a paid job on the local chain across two Chromium tabs and Node providers.
// Every provider is paid exactly accepted tasks × price, the treasury its fee, the requester the rest;
// a provider returning wrong outputs (test-only flag) is outvoted and slashed on chain.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createTestClient, http } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { Browser } from 'playwright-core'
import { chainOf, publicClientFor } from '../chain/clients.ts'
import { freePort } from '../chain/free-port.ts'
import { stakingAbi, testTokenAbi } from '../chain/generated/contracts.ts'
import { LOCAL_STAKE } from '../chain/local-funding.ts'
import { startLocalChain, testAccount } from '../chain/local-stack.ts'
import type { LocalChain } from '../chain/local-stack.ts'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient, TaskOutcome } from '../sdk/index.ts'
import { launchChromium, openProvidingTab, tempDir, until, screenshot } from './browser.ts'
import type { ProvidingTab } from './browser.ts'

const primes = readFileSync(bundledPrimesPath())
const PRICE = 2_000n // 0.002 tUSD per task run


describe('e2e: a paid job on the local chain across tabs and Node providers', () => {
  let local: LocalChain
  let relay: RelayHandle
  let web: WebServerHandle
  let honest: NodeProviderHandle
  let liar: NodeProviderHandle
  let browser: Browser
  const tabs: ProvidingTab[] = []
  let client: TabmeshClient
  const dir = tempDir('tabmesh-chain-e2e-')

  before(async () => {
    local = await startLocalChain({ dir, port: await freePort() })
    relay = await startRelay({ port: 0 })
    web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs, chain: local.chain })
    const provider = async (name: string, faultyOutputs: boolean): Promise<NodeProviderHandle> => await startNodeProvider({
      bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(dir, name), chequeFile: join(dir, `${name}.json`),
      chain: local.chain, account: privateKeyToAccount(generatePrivateKey()), faultyOutputs
    })
    honest = await provider('honest', false)
    liar = await provider('liar', true)
    browser = await launchChromium()
    for (let i = 0; i < 2; i++) tabs.push(await openProvidingTab(browser, web.url, { paid: true }))
    client = await createClient({ bootstrap: relay.multiaddrs, chain: local.chain, account: testAccount(1) })
    await client.waitForProviders(4, { signal: AbortSignal.timeout(60_000) })
  })

  after(async () => {
    await client?.stop()
    await browser?.close()
    await honest?.stop()
    await liar?.stop()
    await web?.stop()
    await relay?.stop()
    await local?.anvil.stop()
  })

  it('pays every provider exactly accepted tasks × price, the fee to the treasury, the rest back; slashes the liar', async () => {
    const pub = publicClientFor(local.chain)
    const usd = async (who: `0x${string}`): Promise<bigint> => await pub.readContract({ address: local.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [who] })
    const stakeOf = async (who: `0x${string}`): Promise<bigint> => await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [who] })
    const payouts = new Map<string, `0x${string}`>([
      ...tabs.map(t => [t.state.peerId, t.state.payoutAddress as `0x${string}`] as const),
      [honest.node.peerId.toString(), honest.payments!.address],
      [liar.node.peerId.toString(), liar.payments!.address]
    ])
    // Tabs start with test tUSD of their own (to pay for their jobs); Node providers with none.
    const start = new Map<string, bigint>()
    for (const address of payouts.values()) {
      assert.equal(await stakeOf(address), LOCAL_STAKE, 'every provider staked on the local chain')
      start.set(address, await usd(address))
    }
    const requester = testAccount(1).address
    const before = { requester: await usd(requester), treasury: await usd(local.chain.treasury) }

    const TASKS = 24
    const inputs = Array.from({ length: TASKS }, (_, i) => `${i * 500_000} ${(i + 1) * 500_000}`)
    const job = client.submit({ module: primes, inputs, redundancy: 2, verification: 'replicate', pricePerTask: PRICE, minStake: LOCAL_STAKE, deadlineSeconds: 900 })
    const acceptedBy = new Map<string, number>()
    let total = 0
    for await (const r of job.results()) {
      assert.ok(r.ok, JSON.stringify((r as TaskOutcome & { ok: false }).error))
      total += Number(new TextDecoder().decode(r.output))
      for (const p of r.providers) acceptedBy.set(p, (acceptedBy.get(p) ?? 0) + 1)
    }
    const summary = await job.done
    assert.equal(summary.accepted, TASKS)
    assert.equal(total, 788_060, 'π(1.2·10^7)')
    assert.equal(acceptedBy.get(liar.node.peerId.toString()), undefined, 'the liar never made a quorum')
    for (const t of tabs) assert.ok((acceptedBy.get(t.state.peerId) ?? 0) > 0, 'each tab helped accept tasks')

    const test = createTestClient({ chain: chainOf(local.chain), mode: 'anvil', transport: http(local.chain.rpcUrl) })
    await test.increaseTime({ seconds: 1000 })
    await test.mine({ blocks: 1 })
    const settlement = await client.paidJobs.get(job.id)!.settlement

    let paid = 0n
    for (const [peer, address] of payouts) {
      const expected = BigInt(acceptedBy.get(peer) ?? 0) * PRICE
      assert.equal(await usd(address) - start.get(address)!, expected, `provider ${peer} paid accepted × price`)
      paid += expected
    }
    assert.equal(paid, BigInt(TASKS) * 2n * PRICE)
    const fee = paid / 100n
    assert.equal(await usd(local.chain.treasury) - before.treasury, fee, 'treasury: 1% of payments')
    assert.equal(before.requester - await usd(requester), paid + fee, 'requester: the rest came back')
    assert.equal(settlement.paid, paid)
    assert.equal(settlement.fee, fee)
    assert.ok(summary.faults.length > 0)
    assert.equal(await stakeOf(liar.payments!.address), 0n, 'the liar was slashed on chain')
    assert.equal(settlement.slashed, LOCAL_STAKE)

    // The tab shows what it earned and claimed.
    const [a] = tabs
    const claimed = await until('tab A to show its claimed earnings', async () => {
      const s = await a!.page.evaluate(() => window.tabmesh?.state())
      return s !== undefined && s.earnings.claimed !== '0' ? s.earnings.claimed : undefined
    }, 30_000)
    assert.equal(BigInt(claimed), BigInt(acceptedBy.get(a!.state.peerId) ?? 0) * PRICE)
    await screenshot(a!.page, 'contribute-paid')
  })
})
