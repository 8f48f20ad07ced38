// Issue 15: the first five minutes, as a newcomer lives them. `tabmesh dev` (what `npm start` runs)
// in its own process, a fresh Chromium profile: open the URL, go to Jobs, press Run job on the
// default example with no other click, see every task's result and what the job cost. Then 20
// reloads of a tab against the same mesh (each a new peer id from the same IP): every reloaded tab
// is seen by requesters and sees the providers. Screenshots (desktop and 390 px) go to test-results/.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { freePort } from '../chain/free-port.ts'
import { createClient } from '../sdk/index.ts'
import type { TabmeshClient } from '../sdk/index.ts'
import { launchChromium, newTab, openProvidingTab, tempDir, until, screenshot } from '../testing/browser.ts'
import { exit, run, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'

const shot = screenshot
/** The default example: Mandelbrot 512×384 in 64-px tiles. */
const DEFAULT_TASKS = 48
const RELOADS = 20

describe('e2e: a newcomer\'s first five minutes', () => {
  const cwd = tempDir('tabmesh-newcomer-')
  let dev: Proc
  let url: string
  let bootstrap: string
  let browser: Browser
  let requester: TabmeshClient
  const errors: string[] = []

  before(async () => {
    dev = run(['dev', '--port', '0', '--relay-port', '0', '--chain-port', String(await freePort()), '--workers', '1'], cwd)
    url = (await waitFor(dev, /web app\s+(http:\/\/\S+)/, 120_000))[1]!
    bootstrap = (await waitFor(dev, /relay\s+(\/ip4\/\S+)/, 5_000))[1]!
    browser = await launchChromium()
  })

  after(async () => {
    await requester?.stop()
    await browser?.close()
    dev?.child.kill('SIGINT')
    if (dev !== undefined) await exit(dev)
  })

  it('runs the default example from a fresh profile with one click, shows every result and the cost', async () => {
    const context = await newTab(browser, url)
    const page = await context.newPage()
    page.on('pageerror', e => errors.push(e.message))
    await page.goto(url)
    await page.getByRole('link', { name: 'Jobs' }).click()
    await until('two other providers online', async () => /^2 other providers online/.test(await page.getByTestId('providers-online').textContent() ?? '') ? true : undefined, 60_000)
    await shot(page, 'newcomer-1-jobs')
    await page.getByRole('button', { name: 'Run job' }).click()
    await page.getByTestId('job-done').waitFor({ timeout: 180_000 })
    const progress = await page.getByTestId('job-progress').textContent() ?? ''
    assert.match(progress, new RegExp(`^${DEFAULT_TASKS} of ${DEFAULT_TASKS} tasks done · `), progress)
    assert.match(progress, / · 0 failed · /)
    assert.doesNotMatch(progress, /\b1 providers\b|\b1 tasks\b/, 'plurals')
    // Every task's result is listed: binary tiles as size + CID + download.
    await page.getByText(`Results of ${DEFAULT_TASKS} tasks`).waitFor()
    assert.equal(await page.locator('[data-testid^="task-result-"]').count(), DEFAULT_TASKS)
    assert.match(await page.getByTestId('task-result-0').textContent() ?? '', /16,384 bytes · bafkrei/)
    // What it cost, in token units: one cheque amount per accepted run at 0.001 tUSD (the 1% fee is inside it).
    const cost = await page.getByTestId('job-cost').textContent() ?? ''
    const runs = Number(/for ([\d,]+) accepted task runs/.exec(cost)?.[1]?.replace(/,/g, ''))
    assert.ok(runs >= DEFAULT_TASKS && runs <= 2 * DEFAULT_TASKS, cost)
    assert.match(cost, new RegExp(`^Cost: ${(runs * 0.001).toFixed(6).replace(/\.?0+$/, '')} tUSD — `), cost)
    await shot(page, 'newcomer-2-job-done')
    // After the first job: a price that is not a number is refused where it is typed; it never
    // becomes a free job.
    const price = page.getByLabel('Price per task run (tUSD)')
    await price.fill('abc')
    await page.getByText('"abc" is not a price').waitFor({ timeout: 5_000 })
    assert.equal(await page.getByRole('button', { name: 'Run job' }).isDisabled(), true, 'Run job is disabled for a bad price')
    await price.fill('0.001')
    // Past jobs with their cost in token units, and the payment lanes the job funded.
    await page.getByTestId('past-jobs').waitFor()
    assert.match(await page.getByTestId('past-jobs').textContent() ?? '', /0\.001 tUSD per run · cost/)
    await page.getByTestId('lanes').waitFor({ timeout: 15_000 })
    assert.match(await page.getByTestId('lanes').textContent() ?? '', /Close/, 'a funded lane can be closed from the page')
    // The same pages at phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 })
    for (const p of ['jobs', 'network', 'wallet', 'contribute']) {
      await page.goto(`${url}#/${p}`)
      await page.waitForTimeout(1_500)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `#/${p} is ${overflow} px wider than a 390 px phone`)
      await shot(page, `newcomer-390-${p}`)
    }
    assert.deepEqual(errors, [])
    await context.close()
  })

  it(`survives ${RELOADS} tab reloads: every reloaded tab is seen and sees the providers`, async () => {
    requester = await createClient({ bootstrap: [bootstrap] })
    const tab = await openProvidingTab(browser, url)
    for (let i = 0; i < RELOADS; i++) {
      await tab.page.reload()
      const peerId = await until(`reload ${i}: providing`, async () => {
        const s = await tab.page.evaluate(() => window.tabmesh?.state())
        return s?.status === 'providing' ? s.peerId : undefined
      }, 60_000)
      await until(`reload ${i}: the requester sees the reloaded tab ${peerId}`, async () => requester.providers().some(e => e.ad.peerId === peerId) ? true : undefined, 20_000)
    }
    // The last reloaded tab still gets the mesh's ads and runs a job on it.
    await tab.page.goto(`${url}#/jobs`)
    await until('the tab sees the two Node providers', async () => /^[2-9] other providers online/.test(await tab.page.getByTestId('providers-online').textContent() ?? '') ? true : undefined, 20_000)
    await tab.page.getByLabel(/Count primes/).check()
    await tab.page.getByRole('button', { name: 'Run job' }).click()
    await tab.page.getByTestId('job-done').waitFor({ timeout: 120_000 })
    assert.match(await tab.page.getByTestId('job-progress').textContent() ?? '', /^20 of 20 tasks done · .* 5,761,455 primes/)
    await tab.context.close()
  })
})
