// Issue "Trustless for real" end to end, on the local chain across Chromium tabs and Node providers:
// an injected EIP-1193 wallet (an anvil account) stakes and owns a tab operator (registered from the
// Wallet page) and a Node operator (registered with the consent the Node key signed) and is paid for
// a job over payment lanes; a provider returning wrong outputs (test-only flag) is disputed, three
// drawn arbiters (tabs and Node providers) re-run the task, and the liar alone is slashed; two
// requester-controlled identities that contradict an honest receipt are slashed, not the honest owner.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { Browser } from 'playwright-core'
import { createWalletClient, http } from 'viem'
import { chainOf, publicClientFor } from '../chain/clients.ts'
import { freePort } from '../chain/free-port.ts'
import { arbitrationAbi, stakingAbi, testTokenAbi } from '../chain/generated/contracts.ts'
import { LOCAL_STAKE } from '../chain/local-funding.ts'
import { LOCAL_ARBITRATION } from '../chain/deploy.ts'
import { startLocalChain, testAccount } from '../chain/local-stack.ts'
import type { LocalChain } from '../chain/local-stack.ts'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { readDispute } from '../chain/actions/read-dispute.ts'
import { accuseWithSybils } from '../testing/sybil-accusation.ts'
import { toMultiaddrs } from '../mesh/node/connections.ts'
import { signTyped } from '../chain/signatures.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient, TaskOutcome } from '../sdk/index.ts'
import { claimFromWalletPage, injectedWallet, launchChromium, newTab, openProvidingTab, screenshot, tempDir, until } from '../testing/browser.ts'
import type { ProvidingTab } from '../testing/browser.ts'

const primes = readFileSync(bundledPrimesPath())
const PRICE = 2_000n // 0.002 tUSD per task run
/** The injected wallet: anvil test account 5 (unlocked, funded by the local stack). */
const WALLET = testAccount(5).address

describe('e2e: a paid job owned by an injected wallet; a liar disputed and slashed by three arbiters', () => {
  let local: LocalChain
  let relay: RelayHandle
  let web: WebServerHandle
  const nodes = new Map<string, NodeProviderHandle>()
  let browser: Browser
  const tabs: ProvidingTab[] = []
  let client: TabmeshClient
  const dir = tempDir('tabmesh-chain-e2e-')
  /** The wallet's Node provider's operator key (the test signs its consent, as `tabmesh provide --owner` prints it). */
  const walletNodeKey = privateKeyToAccount(generatePrivateKey())

  before(async () => {
    local = await startLocalChain({ dir, port: await freePort() })
    relay = await startRelay({ port: 0 })
    web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs, chain: local.chain })
    const provider = async (name: string, options: { faultyOutputs?: boolean, owner?: `0x${string}` } = {}, account = privateKeyToAccount(generatePrivateKey())): Promise<void> => {
      nodes.set(name, await startNodeProvider({
        bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(dir, name), chequeFile: join(dir, `${name}.json`),
        chain: local.chain, account, ...options
      }))
    }
    // Six owners, so that three arbiters remain whichever three owners a dispute is about.
    for (const name of ['honest-1', 'honest-2', 'honest-3']) await provider(name)
    await provider('liar', { faultyOutputs: true })
    await provider('wallet-node', { owner: WALLET }, walletNodeKey)
    browser = await launchChromium()
    // Tab A carries the injected wallet; tab B stays a burner-owned provider.
    const walletContext = await newTab(browser, web.url)
    await walletContext.addInitScript(injectedWallet(local.chain.rpcUrl, WALLET))
    tabs.push(await openProvidingTab(browser, web.url, { context: walletContext, paid: true }))
    tabs.push(await openProvidingTab(browser, web.url, { paid: true }))
    client = await createClient({ bootstrap: relay.multiaddrs, chain: local.chain, account: testAccount(1) })
  })

  after(async () => {
    await client?.stop()
    await browser?.close()
    for (const n of nodes.values()) await n.stop()
    await web?.stop()
    await relay?.stop()
    await local?.anvil.stop()
  })

  it('the wallet stakes, registers its tab and its Node provider as operators, and is paid for both', async () => {
    const pub = publicClientFor(local.chain)
    const page = tabs[0]!.page
    await page.getByRole('link', { name: 'Wallet' }).click()
    await page.getByRole('button', { name: 'Connect wallet' }).click()
    await until('the wallet to connect', async () => (await page.getByTestId('wallet-kind').textContent()) === 'connected wallet' ? true : undefined, 20_000)
    await page.getByLabel('Stake amount (tSTK)', { exact: true }).fill('100')
    await page.getByRole('button', { name: 'Stake', exact: true }).click()
    await until('the wallet\'s stake', async () => await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [WALLET] }) >= LOCAL_STAKE ? true : undefined, 30_000)
    // The Node provider's operator key signs its consent (what `tabmesh provide --owner` prints); the
    // wallet registers it from the page.
    const walletNode = nodes.get('wallet-node')!.payments!
    const consent = await signTyped(walletNodeKey, local.chain, 'OperatorConsent', { owner: WALLET, operator: walletNode.address })
    await page.getByLabel('Operator address').fill(walletNode.address)
    await page.getByLabel('Consent signature').fill(consent)
    await page.getByRole('button', { name: 'Register operator' }).click()
    await until('the Node operator to be registered', async () => (await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'ownerOf', args: [walletNode.address] })).toLowerCase() === WALLET.toLowerCase() ? true : undefined, 30_000)
    // This tab: registered, then the page reloads and the tab provides for the wallet.
    await Promise.all([
      page.waitForEvent('load', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Register this tab as an operator of this wallet' }).click()
    ])
    tabs[0]!.state = await until('tab A to provide for the wallet', async () => {
      const s = await page.evaluate(() => window.tabmesh?.state())
      return s?.status === 'providing' && s.owner.toLowerCase() === WALLET.toLowerCase() ? s : undefined
    }, 90_000)
    assert.deepEqual((await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'operatorsOf', args: [WALLET] })).map(a => a.toLowerCase()).sort(), [walletNode.address, tabs[0]!.state.operator].map(a => a.toLowerCase()).sort())
    await client.waitForProviders(7, { signal: AbortSignal.timeout(60_000) })
  })

  it('pays every run by cheque to its owner; the liar is disputed, three arbiters decide, it alone is slashed', async () => {
    const pub = publicClientFor(local.chain)
    const usd = async (who: string): Promise<bigint> => await pub.readContract({ address: local.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [who as `0x${string}`] })
    const stakeOf = async (who: string): Promise<bigint> => await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [who as `0x${string}`] })
    const liar = nodes.get('liar')!
    const ownerOf = new Map<string, string>([
      ...tabs.map(t => [t.state.peerId, t.state.owner] as const),
      ...[...nodes.values()].map(n => [n.node.peerId.toString(), n.payments!.owner] as const)
    ])
    const owners = [...new Set(ownerOf.values())]
    assert.equal(owners.length, 6, 'six owners: the wallet (a tab and a Node provider), tab B, three honest Node providers, the liar')
    const start = new Map<string, bigint>()
    for (const o of owners) start.set(o, await usd(o))

    const TASKS = 24
    const inputs = Array.from({ length: TASKS }, (_, i) => `${i * 500_000} ${(i + 1) * 500_000}`)
    const job = client.submit({ module: primes, inputs, redundancy: 2, verification: 'replicate', pricePerTask: PRICE, minStake: LOCAL_STAKE })
    const runsByOwner = new Map<string, number>()
    let total = 0
    for await (const r of job.results()) {
      assert.ok(r.ok, JSON.stringify((r as TaskOutcome & { ok: false }).error))
      total += Number(new TextDecoder().decode(r.output))
      for (const p of r.providers) runsByOwner.set(ownerOf.get(p)!, (runsByOwner.get(ownerOf.get(p)!) ?? 0) + 1)
    }
    const summary = await job.done
    assert.equal(summary.accepted, TASKS)
    assert.equal(total, 788_060, 'π(1.2·10^7)')
    assert.equal(runsByOwner.get(liar.payments!.owner), undefined, 'the liar never made a quorum')
    assert.ok((runsByOwner.get(WALLET) ?? 0) > 0, 'the wallet\'s operators helped accept tasks')
    assert.ok(summary.faults.length > 0, 'the liar was caught')

    const started = Date.now()
    const settlement = await client.paidJobs.get(job.id)!.settlement
    console.log(`# measured: ${summary.faults.length} disputes settled ${Date.now() - started} ms after the job`)
    assert.equal(settlement.paid, BigInt(TASKS) * 2n * PRICE)
    assert.equal(settlement.fee, settlement.paid / 100n)
    assert.equal(settlement.disputes.length, summary.faults.length)
    for (const d of settlement.disputes) {
      assert.equal(d.status, 'resolved', JSON.stringify(d, (_k, v) => typeof v === 'bigint' ? v.toString() : v))
      const state = await readDispute({ chain: local.chain, publicClient: pub, id: d.id })
      assert.equal(state.arbiters.length, 3, 'three arbiters')
      assert.ok(state.arbiters.every(a => !state.parties.some(p => p.toLowerCase() === a.toLowerCase())), 'no party arbitrates its own dispute')
      const slashed = await pub.getContractEvents({ address: local.chain.arbitration, abi: arbitrationAbi, eventName: 'OwnerSlashed', args: { id: d.id }, fromBlock: state.drawBlock - 1n })
      assert.deepEqual(slashed.map(l => l.args.owner?.toLowerCase()), [liar.payments!.owner.toLowerCase()], 'only the liar is slashed')
    }
    // Each dispute slashes up to slashAmount; Staking.slash takes no more than the liar still holds, so
    // past LOCAL_STAKE ÷ slashAmount (10) faults the liar's stake is spent and later disputes take 0.
    const wanted = BigInt(summary.faults.length) * LOCAL_ARBITRATION.slashAmount
    assert.equal(settlement.slashed, wanted < LOCAL_STAKE ? wanted : LOCAL_STAKE)
    assert.equal(await stakeOf(liar.payments!.owner), LOCAL_STAKE - settlement.slashed, 'the liar was slashed on chain')
    for (const o of owners) if (o.toLowerCase() !== liar.payments!.owner.toLowerCase()) assert.ok(await stakeOf(o) >= LOCAL_STAKE, `honest owner ${o} kept its stake`)

    // Every operator claims what it holds (tab A from its Wallet page); each owner receives its runs ×
    // price less the 1% fee — the wallet for its tab and its Node provider together.
    for (const t of tabs) await claimFromWalletPage(t.page)
    const pageA = tabs[0]!.page
    for (const n of nodes.values()) await n.payments!.claimAll()
    for (const o of owners) {
      const runs = BigInt(runsByOwner.get(o) ?? 0)
      const expected = runs * PRICE - runs * PRICE / 100n
      await until(`owner ${o} to be paid`, async () => await usd(o) - start.get(o)! === expected ? true : undefined, 30_000).catch(async (err: Error) => {
        throw new Error(`${err.message}: got ${await usd(o) - start.get(o)!}, want ${expected}`)
      })
    }
    await pageA.getByRole('button', { name: 'Connect wallet' }).click()
    await until('the owner view', async () => /\d/.test(await pageA.getByTestId('owner-paid').textContent() ?? '') ? true : undefined, 20_000)
    await screenshot(pageA, 'wallet-owner-paid')
  })

  it('two requester-controlled identities that contradict an honest receipt are slashed by arbiters in tabs and Node providers; the honest owner keeps its stake', async () => {
    const job = client.submit({ module: primes, inputs: ['0 5000'], redundancy: 2, verification: 'replicate', pricePerTask: PRICE, minStake: LOCAL_STAKE })
    const [outcome] = await Array.fromAsync(job.results())
    assert.ok(outcome?.ok === true && outcome.receipts !== undefined && outcome.receipts.length === 2)
    await client.paidJobs.get(job.id)!.settlement
    const honest = outcome.receipts[0]!
    const wallet = createWalletClient({ account: testAccount(1), chain: chainOf(local.chain), transport: http(local.chain.rpcUrl) })
    const pub = publicClientFor(local.chain)
    const stakeBefore = await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [honest.owner] })
    const { state, slashed, sybils, ms } = await accuseWithSybils({
      chain: local.chain, wallet, honest, module: primes, input: new TextEncoder().encode('0 5000'), bootstrap: relay.multiaddrs,
      providers: client.providers().map(p => ({ peerId: p.ad.peerId, multiaddrs: toMultiaddrs(p.ad.multiaddrs) }))
    })
    console.log(`# measured: a Sybil accusation decided in ${ms} ms (open → draw → 3 commits → 3 reveals → resolve)`)
    assert.equal(state.status, 'resolved')
    assert.ok(state.arbiters.every(a => ![honest.owner, ...sybils.map(s => s.address)].some(p => p.toLowerCase() === a.toLowerCase())), 'no party arbitrates')
    assert.equal(await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [honest.owner] }), stakeBefore, 'the honest owner keeps its stake')
    for (const s of sybils) assert.equal(await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [s.address] }), LOCAL_STAKE - LOCAL_ARBITRATION.slashAmount, 'each requester-controlled identity is slashed')
    assert.equal(slashed, 2n * LOCAL_ARBITRATION.slashAmount)
  })
})
