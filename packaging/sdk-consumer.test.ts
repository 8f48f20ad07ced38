// @tabmesh/sdk as a user gets it: built, checked (publint, arethetypeswrong), packed with `npm pack`,
// installed into an empty project from the tarball with install scripts on, type-checked against
// its .d.ts, and run by plain Node (no type stripping) against a local mesh: a function call and a
// small job, answered by a real Node provider.
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import type { NodeProviderHandle } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import { launchChromium, newTab, until } from '../testing/browser.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { bin, bytesUnder, pack, root, run, runAsync } from './consumer-util.ts'

/** Budget for the SDK installed alone, dependencies included: 100 MB. */
const MAX_INSTALLED_BYTES = 100_000_000

describe('@tabmesh/sdk from its tarball', () => {
  let project: string
  let relay: RelayHandle
  let provider: NodeProviderHandle

  before(async () => {
    run(process.execPath, [join(root, 'scripts/build-sdk.ts')], root)
    project = mkdtempSync(join(tmpdir(), 'tabmesh-consumer-'))
    relay = await startRelay({ port: 0 })
    provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-consumer-cache-')) })
  })

  after(async () => {
    await provider?.stop()
    await relay?.stop()
  })

  it('keeps its public API as sdk/sdk.api.md records it (a deliberate change: npm run api:sdk, and commit the report)', () => {
    run(bin('api-extractor'), ['run', '-c', join(root, 'sdk/api-extractor.json')], join(root, 'sdk'))
  })

  it('passes publint and arethetypeswrong (ESM only)', () => {
    run(bin('publint'), ['--strict', join(root, 'sdk')], root)
    run(bin('attw'), ['--pack', join(root, 'sdk'), '--profile', 'esm-only'], root)
  })

  it('installs from `npm pack` into an empty project, within its size budget', () => {
    const tarball = pack(join(root, 'sdk'), project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    run('npm', ['install', '--no-audit', '--no-fund', tarball], project)
    const installed = bytesUnder(join(project, 'node_modules'))
    console.log(`# measured: @tabmesh/sdk installed alone: ${(installed / 1e6).toFixed(1)} MB in node_modules`)
    assert.ok(installed <= MAX_INSTALLED_BYTES, `${installed} bytes installed, budget ${MAX_INSTALLED_BYTES}`)
  })

  it('type-checks a consumer against the published .d.ts', () => {
    writeFileSync(join(project, 'check.ts'), `import { createClient, TabmeshError } from '@tabmesh/sdk'
import type { JobProgress, TaskOutcome } from '@tabmesh/sdk'
const client = await createClient({ bootstrap: [] })
const job = client.submit({ module: new Uint8Array(0), inputs: ['x'], redundancy: 2 })
job.addEventListener('progress', (e) => { const p: JobProgress = e.detail; console.log(p.accepted) })
for await (const r of job.results()) { const o: TaskOutcome = r; console.log(o.ok ? o.output.length : o.error.code) }
const err: TabmeshError = new TabmeshError('INVALID_ARGUMENT', 'x')
console.log(err.code)
`)
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--lib', 'es2023,dom', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types'), '--skipLibCheck', 'check.ts'], project)
  })

  it('runs examples/node as it is, in plain Node against a local mesh: a function call and a job', async () => {
    cpSync(join(root, 'examples/node/index.js'), join(project, 'index.js'))
    const out = await runAsync(process.execPath, ['index.js', relay.multiaddrs[0]!, bundledPrimesPath()], project)
    assert.match(out, /^call 25$/m)
    assert.match(out, /^task 0 25$/m)
    assert.match(out, /^task 1 143$/m)
    assert.equal(readFileSync(join(project, 'node_modules/@tabmesh/sdk/dist/node/index.js'), 'utf8').includes('from "libp2p"'), true, 'dependencies stay imports (installed, deduplicated with the app)')
  })

  it('builds examples/browser with Vite within its budget, and the page runs a call in Chromium', async () => {
    const app = join(project, 'app')
    cpSync(join(root, 'examples/browser'), app, { recursive: true })
    run(bin('vite'), ['build', '--logLevel', 'error', '--outDir', join(project, 'app-dist'), '--manifest'], app)
    const dist = join(project, 'app-dist')
    // What the page loads before its first call: the entry chunk and its static imports (dynamic ones — paid jobs — load on demand).
    const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string, isEntry?: boolean, imports?: string[] }>
    const loaded = new Set<string>()
    const visit = (key: string): void => { if (loaded.has(key)) return; loaded.add(key); for (const k of manifest[key]!.imports ?? []) visit(k) }
    for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry === true) visit(key)
    // The budget (250 KiB gzip) lives in .size-limit.js and size-limit checks it.
    const files = [...loaded].map(key => join(dist, manifest[key]!.file))
    const [check] = JSON.parse(execFileSync(process.execPath, [bin('size-limit'), '--json'], { cwd: root, env: { ...process.env, TABMESH_FREE_PAGE_FILES: JSON.stringify(files) }, encoding: 'utf8' })) as Array<{ passed: boolean, size: number, sizeLimit: number }>
    console.log(`# measured: a page that submits a free job loads ${(check!.size / 1024).toFixed(0)} KiB of gzipped JavaScript (${loaded.size} chunks; size-limit budget ${(check!.sizeLimit / 1024).toFixed(0)} KiB)`)
    assert.ok(check!.passed && check!.size > 0, `${check!.size} bytes gzip, budget ${check!.sizeLimit}`)

    const primes = readFileSync(bundledPrimesPath())
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!
      if (path === '/primes.wasm') { res.writeHead(200, { 'content-type': 'application/wasm' }); res.end(primes); return }
      const file = join(dist, path === '/' ? 'index.html' : path)
      try {
        const body = readFileSync(file)
        res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' })
        res.end(body)
      } catch { res.writeHead(404); res.end() }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const browser = await launchChromium()
    try {
      const page = await (await newTab(browser, origin)).newPage()
      await page.goto(`${origin}/?bootstrap=${encodeURIComponent(relay.multiaddrs[0]!)}`)
      const text = await until('the page\'s call', async () => { const t = await page.textContent('#out'); return t?.startsWith('call') === true ? t : undefined }, 60_000)
      assert.equal(text, 'call 25')
    } finally {
      await browser.close()
      server.close()
    }
  })
})
