import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { TabProviderState } from '../web/provider/tab-provider.ts'

/** Debian's Chromium (`npx playwright install` cannot download here; .ci/run installs the package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Flags measured on Debian's Chromium: headless without background networking; WebRTC on loopback needs camera/mic
 * permission, `--allow-loopback-in-peer-connection` and real (not mDNS) local candidates.
 */
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'
]

/**
 * Launches Debian's Chromium headless with ARGS, and `extraArgs` (a test CA's certificate to trust, say).
 * With `namespace`, the browser runs inside that network namespace (`ip netns exec`: a home of the
 * network lab, lab/topology.sh); playwright still drives it over its pipe.
 */
export async function launchChromium (extraArgs: string[] = [], options: { namespace?: string } = {}): Promise<Browser> {
  let executablePath = CHROMIUM
  if (options.namespace !== undefined) {
    if (!/^[\w-]+$/.test(options.namespace)) throw new Error(`not a namespace name: ${options.namespace}`)
    executablePath = join(tempDir('tabmesh-chromium-'), 'chromium')
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${options.namespace} ${CHROMIUM} "$@"\n`)
    chmodSync(executablePath, 0o755)
  }
  return await chromium.launch({ executablePath, args: [...ARGS, ...extraArgs], headless: true })
}

/** A fresh context (its own IndexedDB, its own libp2p identity) with WebRTC-on-loopback permissions. */
export async function newTab (browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1100, height: 900 } })
  await context.grantPermissions(['camera', 'microphone'], { origin })
  return context
}

export function tempDir (prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Polls `probe` every 250 ms until it returns a value; throws after `timeoutMs`. */
export async function until<T> (what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export interface ProvidingTab {
  context: BrowserContext
  page: Page
  state: TabProviderState
}

/**
 * Opens the web app in a new page — of `context` (a tab reopened with the same IndexedDB and keys),
 * else of a fresh context — and waits until the tab provides; with `paid`, also until its payout key
 * is funded and staked. `onPage` runs before navigation (e.g. to collect console errors).
 */
export async function openProvidingTab (browser: Browser, url: string, options: { context?: BrowserContext, paid?: boolean, timeoutMs?: number, onPage?: (page: Page) => void } = {}): Promise<ProvidingTab> {
  const context = options.context ?? await newTab(browser, url)
  const page = await context.newPage()
  options.onPage?.(page)
  await page.goto(url)
  const state = await until(options.paid === true ? 'the tab to fund, stake and provide' : 'the tab to become a provider', async () => {
    const s = await page.evaluate(() => window.tabmesh?.state())
    return s?.status === 'providing' && (options.paid !== true || s.owner !== '') ? s : undefined
  }, options.timeoutMs ?? 90_000)
  return { context, page, state }
}

/**
 * Makes `page` note when it first shows "Reachable over WebRTC" (ms after page load, as `startupMs`
 * counts): run before navigation; read it with {@link reachableShownAt}.
 */
export async function recordReachableShown (page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = (): void => {
      const w = window as { reachableShownAt?: number }
      if (w.reachableShownAt === undefined && /Reachable over WebRTC/.test(document.querySelector('[data-testid=reachability]')?.textContent ?? '')) w.reachableShownAt = performance.now()
    }
    new MutationObserver(seen).observe(document, { subtree: true, childList: true, characterData: true })
  })
}

/** When `page` first showed the tab reachable (ms after page load), if it has; see {@link recordReachableShown}. */
export async function reachableShownAt (page: Page): Promise<number | undefined> {
  return await page.evaluate(() => (window as { reachableShownAt?: number }).reachableShownAt)
}

/** Where screenshots go for people to open: test-results/ at the repository root. */
export const ARTIFACTS = new URL('../test-results/', import.meta.url).pathname

/** A full-page screenshot, `test-results/<name>.png`. */
export async function screenshot (page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

/**
 * A test-injected EIP-1193 wallet (`window.ethereum`) for `context.addInitScript`: it forwards every
 * request to anvil's JSON-RPC, where `account` is an unlocked test account — so signatures
 * (eth_signTypedData_v4) and transactions are made by anvil, as a browser wallet would make them.
 */
export function injectedWallet (rpcUrl: string, account: string): string {
  return `(() => {
    const rpc = ${JSON.stringify(rpcUrl)}, account = ${JSON.stringify(account)}
    window.ethereum = {
      isTabmeshTestWallet: true,
      async request ({ method, params }) {
        if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [account]
        if (method === 'wallet_switchEthereumChain' || method === 'wallet_addEthereumChain' || method === 'wallet_requestPermissions') return null
        const res = await fetch(rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: Date.now(), method, params: params ?? [] }) })
        const body = await res.json()
        if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data })
        return body.result
      },
      on () {}, removeListener () {}
    }
  })()`
}

/** Opens the tab's Wallet page and presses Claim all when the tab holds something to claim. */
export async function claimFromWalletPage (page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Wallet' }).click()
  const claim = page.getByRole('button', { name: 'Claim all' })
  if (await claim.isEnabled({ timeout: 10_000 }).catch(() => false)) await claim.click()
}
