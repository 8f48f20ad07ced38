// Issue #4: the web app as people use it, in real Chromium against the local chain. Screenshots of
// every page land in test-results/ for people to look at.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { unzipSync } from 'fflate'
import { programNativePath } from '../jobs/programs/programs.ts'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { publicClientFor } from '../chain/clients.ts'
import { freePort } from '../chain/free-port.ts'
import { stakingAbi, testTokenAbi } from '../chain/generated/contracts.ts'
import { startLocalChain, testAccount } from '../chain/local-stack.ts'
import type { LocalChain } from '../chain/local-stack.ts'
import { startWebServer } from '../cli/web-server.ts'
import type { WebServerHandle } from '../cli/web-server.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient } from '../sdk/index.ts'
import { injectedWallet, launchChromium, newTab, tempDir, until, screenshot } from '../testing/browser.ts'

/** The test-injected wallet's account: anvil holds its key (unlocked test account 5). */
const WALLET = testAccount(5).address

const shot = screenshot

/** What a first visit may precache: the app shell is 1.7 MB today; with binaryen it was 16.7 MB. */
const PRECACHE_MAX_BYTES = 4 * 1024 * 1024

describe('e2e: the web app — contribute, jobs, wallet, network, offline', () => {
  let local: LocalChain
  let relay: RelayHandle
  let web: WebServerHandle
  const providers: NodeProviderHandle[] = []
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let client: TabmeshClient
  const errors: string[] = []
  const dir = tempDir('tabmesh-web-e2e-')

  before(async () => {
    local = await startLocalChain({ dir, port: await freePort() })
    relay = await startRelay({ port: 0 })
    web = await startWebServer({ port: 0, bootstrap: relay.multiaddrs, chain: local.chain })
    for (let i = 0; i < 2; i++) {
      providers.push(await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(dir, `p${i}`), chequeFile: join(dir, `c${i}.json`), chain: local.chain, account: privateKeyToAccount(generatePrivateKey()), primesModulePath: bundledPrimesPath() }))
    }
    browser = await launchChromium()
    context = await newTab(browser, web.url)
    await context.addInitScript(injectedWallet(local.chain.rpcUrl, WALLET))
    page = await context.newPage()
    page.on('pageerror', e => errors.push(e.message))
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
    client = await createClient({ bootstrap: relay.multiaddrs, chain: local.chain, account: testAccount(1) })
  })

  after(async () => {
    await client?.stop()
    await browser?.close()
    for (const p of providers) await p.stop()
    await web?.stop()
    await relay?.stop()
    await local?.anvil.stop()
  })

  it('Contribute: the tab provides at once, with a Pause and preferences', async () => {
    await page.goto(web.url)
    await until('the tab to provide', async () => (await page.evaluate(() => window.tabmesh?.state().status)) === 'providing' ? true : undefined, 90_000)
    await page.getByRole('button', { name: 'Pause' }).click()
    assert.equal(await page.getByTestId('status').textContent(), 'Paused')
    await page.getByRole('button', { name: 'Resume' }).click()
    assert.equal(await page.getByTestId('status').textContent(), 'Contributing')
    // Turn automatic claiming off, so the Wallet page can claim by hand below.
    await page.getByText('Preferences').click()
    await page.getByLabel('Claim earnings automatically when a job ends').uncheck()
    // The cache preference applies at once and is kept.
    await page.getByLabel('Module and input cache').selectOption('64')
    await until('the cache preference to apply', async () => (await page.evaluate(() => window.tabmesh?.state().settings.cacheMiB)) === 64 ? true : undefined, 10_000)
    await shot(page, 'web-contribute')
  })

  it('Wallet: connect an injected wallet, faucet, stake, and see balances change', async () => {
    await page.getByRole('link', { name: 'Wallet' }).click()
    await page.getByRole('button', { name: 'Connect wallet' }).click()
    await until('the wallet to connect', async () => (await page.getByTestId('wallet-kind').textContent()) === 'connected wallet' ? true : undefined, 20_000)
    assert.equal((await page.getByTestId('wallet-address').textContent())?.toLowerCase(), WALLET.toLowerCase())
    const stakedBefore = await publicClientFor(local.chain).readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [WALLET] })
    await page.getByRole('button', { name: 'Stake', exact: true }).click()
    await until('the stake to land', async () => {
      const s = await publicClientFor(local.chain).readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [WALLET] })
      return s === stakedBefore + 10n * 10n ** 18n ? true : undefined
    }, 30_000)
    await until('the page to show the stake', async () => (await page.getByTestId('staked').textContent()) === '10' ? true : undefined, 10_000)
    // An error in plain words: unstaking more than staked.
    await page.getByLabel('Unstake amount (tSTK)').fill('5000')
    await page.getByRole('button', { name: 'Request unstake' }).click()
    await until('a plain error', async () => (await page.getByTestId('wallet-error').textContent().catch(() => null)) ?? undefined, 20_000)
    assert.match(await page.getByTestId('wallet-error').textContent() ?? '', /cannot unstake more than you have staked/)
    // The unbonding delay is read from the Staking contract: 2 minutes on the local chain.
    assert.match(await page.getByTestId('unbonding-delay').textContent() ?? '', /unbond for 2 min 0 s before/)
    // Not a number: said at once, next to the field, and no transaction is sent.
    const txsBefore = await page.locator('.txs li').count()
    await page.getByLabel('Stake amount (tSTK)', { exact: true }).fill('abc')
    await page.getByRole('button', { name: 'Stake', exact: true }).click()
    await until('the amount error', async () => /"abc" is not an amount of tSTK/.test(await page.getByTestId('wallet-error').textContent() ?? '') ? true : undefined, 5_000)
    assert.equal(await page.locator('.txs li').count(), txsBefore, 'no transaction for a bad amount')
    await page.getByLabel('Stake amount (tSTK)', { exact: true }).fill('10')
    await page.getByLabel('Unstake amount (tSTK)').fill('4')
    await page.getByRole('button', { name: 'Request unstake' }).click()
    await page.getByTestId('unbonding').waitFor({ timeout: 20_000 })
    assert.match(await page.getByTestId('unbonding').textContent() ?? '', /4 tSTK unbonding: withdrawable in/)
    await page.getByRole('button', { name: 'Use the burner key' }).click()
    await page.getByRole('button', { name: 'Faucet (local chain)' }).click()
    await until('the burner to get tUSD', async () => (await page.getByTestId('usd').textContent()) === '1000' ? true : undefined, 30_000)
    await shot(page, 'web-wallet')
  })

  it('Jobs: a paid mandelbrot job from the page completes its image tile by tile', async () => {
    await page.getByRole('link', { name: 'Jobs' }).click()
    await page.getByLabel(/Mandelbrot image/).check()
    await page.getByRole('button', { name: 'Run job' }).click()
    await page.getByTestId('job-done').waitFor({ timeout: 120_000 })
    // Tasks of providers trusted in this tab's earlier jobs may be accepted on their word: the line says how many.
    const line = await page.getByTestId('job-progress').textContent() ?? ''
    const m = /^48 of 48 tasks done · (\d+) verified by 2 providers each · (?:(\d+) accepted on a trusted provider's word · )?0 failed/.exec(line)
    assert.ok(m !== null, line)
    assert.equal(Number(m[1]) + Number(m[2] ?? 0), 48, line)
    // Every tile was painted: its centre pixel is opaque.
    const unpainted = await page.getByTestId('mandelbrot').evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!
      let missing = 0
      for (let y = 32; y < c.height; y += 64) for (let x = 32; x < c.width; x += 64) if (ctx.getImageData(x, y, 1, 1).data[3] !== 255) missing++
      return missing
    })
    assert.equal(unpainted, 0)
    await page.getByRole('cell', { name: /mandelbrot 512×384/ }).waitFor({ timeout: 10_000 })
    await shot(page, 'web-jobs')
  })

  it('Jobs: real programs — SQLite on a chosen folder\'s database, a module with per-task args and live logs, Zopfli downloaded as a zip', async () => {
    await page.getByRole('link', { name: 'Jobs' }).click()
    const free = async (): Promise<void> => { await page.getByLabel('Price per task run (tUSD)').fill('0') }
    // SQLite: a database made by the same shell built natively, in a folder chosen in the page.
    const folder = join(dir, 'shop')
    mkdirSync(folder)
    const made = spawnSync(programNativePath('sqlite3'), [join(folder, 'shop.db')], { input: "create table orders(customer text, amount int);\nwith recursive n(i) as (select 1 union all select i + 1 from n where i < 500) insert into orders select 'c' || (i % 7), i from n;\n" })
    assert.equal(made.status, 0, String(made.stderr))
    await page.getByLabel(/SQLite queries/).check()
    await page.getByLabel(/SQL — each block/).fill('select count(*), sum(amount) from orders;\n\nselect customer, count(*) from orders group by customer order by customer limit 2;')
    await page.getByTestId('folder-input').setInputFiles(folder)
    await page.getByLabel('Database file in it').fill('shop.db')
    await free()
    await page.getByRole('button', { name: 'Run job' }).click()
    await page.getByTestId('job-done').waitFor({ timeout: 120_000 })
    // The results table may render a moment after the done marker: wait for the row's final text.
    await page.getByTestId('task-result-0').filter({ hasText: '500|125250' }).waitFor({ timeout: 10_000 })
    await page.getByTestId('task-result-1').filter({ hasText: /c0\|71\s*c1\|72/ }).waitFor({ timeout: 10_000 })
    assert.match(await page.getByTestId('task-result-1').textContent() ?? '', /c0\|71\s*c1\|72/)
    await shot(page, 'web-jobs-sqlite')

    // Your own module, tasks as lines of arguments, live logs: each task's stderr and progress while it runs.
    await page.getByLabel(/Your own WASI module/).check()
    await page.getByLabel('Module (.wasm)').setInputFiles(join(import.meta.dirname, '..', 'jobs', 'wasi-c', 'build', 'steps.wasm'))
    await page.getByLabel(/tasks as lines of arguments/).fill('5 60\n4 60')
    await free()
    await page.getByRole('button', { name: 'Run job' }).click()
    const whileRunning = await until('a live log line', async () => {
      const log = await page.getByTestId('task-logs').textContent().catch(() => '') ?? ''
      return /step 1 of [45]/.test(log) ? (await page.getByTestId('job-done').count()) === 0 : undefined
    }, 60_000)
    assert.equal(whileRunning, true, 'a log line was shown while the job still ran')
    await shot(page, 'web-jobs-logs')
    await page.getByTestId('job-done').waitFor({ timeout: 120_000 })
    assert.match(await page.getByTestId('task-log-0').textContent() ?? '', /step 5 of 5/)
    assert.match(await page.getByTestId('task-log-0').textContent() ?? '', /100%/)

    // Zopfli: each chosen file compressed by a task that gets only that file; all in one zip.
    const texts = { 'a.txt': 'the quick brown fox\n'.repeat(400), 'b.txt': 'lorem ipsum dolor sit amet\n'.repeat(300) }
    for (const [name, text] of Object.entries(texts)) writeFileSync(join(dir, name), text)
    await page.getByLabel(/Compress files \(Zopfli\)/).check()
    await page.getByLabel('Files to compress').setInputFiles(Object.keys(texts).map(n => join(dir, n)))
    await free()
    await page.getByRole('button', { name: 'Run job' }).click()
    await page.getByTestId('job-done').waitFor({ timeout: 120_000 })
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download outputs (zip)' }).click()])
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())))
    assert.deepEqual(Object.keys(zip).sort(), ['a.txt.gz', 'b.txt.gz'])
    for (const [name, text] of Object.entries(texts)) assert.equal(gunzipSync(zip[`${name}.gz`]!).toString(), text)
    await shot(page, 'web-jobs-zopfli')
  })

  it('Network: lists the peers with tier, score, stake and connection, and draws the mesh', async () => {
    await page.getByRole('link', { name: 'Network' }).click()
    await until('peers in the table', async () => (await page.getByTestId('network-peers').locator('tbody tr').count()) >= 3 ? true : undefined, 20_000)
    assert.match(await page.getByTestId('network-peers').textContent() ?? '', /node.*tasks\/s.*100 tSTK/s)
    // The Trust column: what this tab's own jobs (the Mandelbrot job above) learnt of the providers.
    assert.match(await page.getByTestId('network-peers').textContent() ?? '', /\d+\/10 agreed|trusted \(\d+ agreed\)/)
    await page.getByRole('img', { name: /Mesh graph/ }).waitFor()
    await shot(page, 'web-network')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByRole('link', { name: 'Contribute' }).click()
    await shot(page, 'web-phone')
    await page.setViewportSize({ width: 1100, height: 900 })
  })

  it('Wallet: the injected wallet registers this tab as its operator; the tab earns cheques and one claim pays the wallet', async () => {
    // The wallet (which staked above) becomes the owner of this tab's operator key; the page reloads
    // and the tab provides for the wallet.
    await page.getByRole('link', { name: 'Wallet' }).click()
    await page.getByRole('button', { name: 'Connect wallet' }).click()
    await until('the wallet to connect', async () => (await page.getByTestId('wallet-kind').textContent()) === 'connected wallet' ? true : undefined, 20_000)
    await Promise.all([
      page.waitForEvent('load', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Register this tab as an operator of this wallet' }).click()
    ])
    const tab = await until('the tab to provide for the wallet', async () => {
      const s = await page.evaluate(() => window.tabmesh?.state())
      return s?.status === 'providing' && s.owner.toLowerCase() === WALLET.toLowerCase() ? s : undefined
    }, 90_000)
    const pub = publicClientFor(local.chain)
    assert.equal((await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'ownerOf', args: [tab.operator as `0x${string}`] })).toLowerCase(), WALLET.toLowerCase(), 'registered on chain')
    // A paid job needing 1 tSTK of owner stake: the tab qualifies through its owner's stake.
    const job = client.submit({ module: readFileSync(bundledPrimesPath()), inputs: Array.from({ length: 9 }, (_, i) => `${i * 100_000} ${(i + 1) * 100_000}`), redundancy: 3, pricePerTask: 1_000n, minStake: 10n ** 18n })
    const summary = await job.done
    assert.equal(summary.accepted, 9)
    await page.getByRole('link', { name: 'Wallet' }).click()
    let seen = ''
    await until('claimable earnings', async () => {
      seen = `${await page.getByTestId('claimable').textContent()} ${JSON.stringify(await page.evaluate(() => window.tabmesh!.state().earnings))} ${JSON.stringify(summary)}`
      return (await page.getByTestId('claimable').textContent()) === '0.009 tUSD' ? true : undefined
    }, 30_000).catch((err: Error) => { throw new Error(`${err.message}; page showed ${seen}`) })
    const usd = async (who: string): Promise<bigint> => await pub.readContract({ address: local.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [who as `0x${string}`] })
    const walletBefore = await usd(WALLET)
    const operatorBefore = await usd(tab.operator)
    await page.getByRole('button', { name: 'Claim all' }).click()
    await until('the claim', async () => (await page.getByTestId('wallet-claimed').textContent()) === '0.009 tUSD' ? true : undefined, 30_000)
    assert.equal(await usd(WALLET) - walletBefore, 8_910n, '9 tasks × 0.001 tUSD less the 1% fee, paid to the owner')
    assert.equal(await usd(tab.operator), operatorBefore, 'the operator key is not paid')
    // The owner's view: its operators and what it was paid across them.
    await page.getByRole('button', { name: 'Connect wallet' }).click()
    await until('the owner view', async () => /0\.00891 tUSD/.test(await page.getByTestId('owner-paid').textContent() ?? '') ? true : undefined, 20_000)
    assert.match(await page.getByTestId('operators').textContent() ?? '', new RegExp(`${tab.operator}.*this tab`, 'i'))
    await shot(page, 'web-wallet-claimed')
  })

  it('PWA: installable manifest, and the app shell starts offline', async () => {
    const manifest = await (await fetch(new URL('/manifest.webmanifest', web.url))).json() as { name: string, icons: Array<{ sizes: string }>, display: string }
    assert.equal(manifest.display, 'standalone')
    assert.ok(manifest.icons.some(i => i.sizes === '512x512'))
    // A first visit precaches the app shell, not binaryen (13 MB) or the example programs: they are
    // fetched, and cached, when first used. Precaching all of it downloaded 16.7 MB while the tab started.
    const sw = await (await fetch(new URL('/sw.js', web.url))).text()
    const precached = [...new Set([...sw.matchAll(/url:"([^"]+)"/g)].map(m => m[1]!))]
    assert.ok(precached.includes('index.html') && precached.some(u => u.startsWith('assets/worker-browser-')), `the precache holds the shell: ${precached.join(', ')}`)
    assert.deepEqual(precached.filter(u => /^assets\/(fuel|sqlite3|zopfli)-/.test(u)), [])
    const bytes = (await Promise.all(precached.map(async u => (await (await fetch(new URL(`/${u}`, web.url))).arrayBuffer()).byteLength))).reduce((a, b) => a + b, 0)
    assert.ok(bytes < PRECACHE_MAX_BYTES, `the first visit precaches ${bytes} bytes`)
    await page.evaluate(async () => { await navigator.serviceWorker.ready })
    await until('the service worker to control the page', async () => (await page.evaluate(() => navigator.serviceWorker.controller !== null)) ? true : (await page.reload(), undefined), 20_000)
    await context.setOffline(true)
    await page.reload()
    await page.getByRole('heading', { name: 'Tabmesh' }).waitFor({ timeout: 20_000 })
    await page.getByRole('navigation', { name: 'Pages' }).waitFor()
    // The app starts offline (cached shell, workers, job modules and mesh configuration)…
    await until('the offline tab to provide', async () => (await page.evaluate(() => window.tabmesh?.state().status)) === 'providing' ? true : undefined, 60_000)
    await shot(page, 'web-offline')
    // …and reconnects to the relay when the network is back.
    await context.setOffline(false)
    const relayId = relay.node.peerId.toString()
    await until('the tab to reconnect to the relay', async () => (await page.evaluate(() => window.tabmesh!.state().peers.map(p => p.peerId))).includes(relayId) ? true : undefined, 60_000)
  })

  it('shows no page errors', () => {
    assert.deepEqual(errors.filter(e => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e)), [])
  })
})
