// The `tabmesh` package (the repository root: CLI, Node provider runtime, relay) as an operator gets
// it: built, checked (publint, arethetypeswrong, `npm publish --dry-run` for both packages), packed
// with `npm pack` together with @tabmesh/sdk, installed into an empty project from the two tarballs
// with install scripts on, and run from there: a relay and a provider started with `npx tabmesh`,
// a job from an SDK script answered by that provider, the library exports from plain Node, and the
// one-line refusal of a Node older than 22.12.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { freePort } from '../chain/free-port.ts'
import { exit, spawnProc, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'
import { bin, bytesUnder, cleanEnv, pack, root, run, runAsync } from './consumer-util.ts'

/** Node.js the installed command refuses below (cli/bin.js). */
const MIN_NODE = [22, 12] as const
/** The machine's own Node (Debian's), which may be older than the Node 22 this repository brings. */
const SYSTEM_NODE = '/usr/bin/node'
/** How long a stopped `tabmesh` may take to claim and close before it is killed: 15 s. */
const STOP_GRACE_MS = 15_000

describe('tabmesh from its tarball', () => {
  let project: string
  const procs: Proc[] = []

  before(() => {
    // `npm test` has built the jobs, contracts and web app already; the two bundles are built here.
    assert.ok(existsSync(join(root, 'dist/web/index.html')), 'dist/web is built (npm run build)')
    run(process.execPath, [join(root, 'scripts/build-sdk.ts')], root)
    run(process.execPath, [join(root, 'scripts/build-cli.ts')], root)
    project = mkdtempSync(join(tmpdir(), 'tabmesh-operator-'))
  })

  /**
   * The installed command, run with this Node 22 — what `npx tabmesh` runs. The long-running ones
   * are started without npx, whose `npm exec` → `sh` → `node` chain does not pass SIGINT on.
   */
  const tabmeshBin = (): string => join(project, 'node_modules/.bin/tabmesh')

  after(async () => {
    for (const proc of procs) proc.child.kill('SIGINT')
    await Promise.all(procs.map(async proc => await Promise.race([exit(proc), new Promise(resolve => setTimeout(resolve, STOP_GRACE_MS))])))
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL')
  })

  it('passes publint and arethetypeswrong (ESM only)', () => {
    run(bin('publint'), ['--strict', root], root)
    run(bin('attw'), ['--pack', root, '--profile', 'esm-only'], root)
  })

  it('`npm publish --dry-run` is clean for both packages (no warning, no correction of package.json)', () => {
    for (const dir of [root, join(root, 'sdk')]) {
      const publish = spawnSync('npm', ['publish', '--dry-run', '--ignore-scripts'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' })
      assert.equal(publish.status, 0, publish.stderr)
      assert.match(publish.stderr + publish.stdout, /\+ (tabmesh|@tabmesh\/sdk)@\d+\.\d+\.\d+/)
      const warnings = publish.stderr.split('\n').filter(l => /npm warn/i.test(l) && !/Unknown (user|env) config|requires you to be logged in/.test(l))
      assert.deepEqual(warnings, [], `npm publish --dry-run in ${dir}`)
    }
  })

  it('ships JavaScript, the web app and the benchmark module, and no TypeScript source', () => {
    const files = (JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', root], root)) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map(f => f.path)
    for (const path of ['cli/bin.js', 'dist/cli/tabmesh.js', 'dist/cli/worker-node.js', 'dist/cli/index.js', 'dist/types/cli/index.d.ts', 'dist/web/index.html', 'jobs/primes/build/primes.wasm']) assert.ok(files.includes(path), path)
    assert.deepEqual(files.filter(f => /\.tsx?$/.test(f) && !f.endsWith('.d.ts')), [])
  })

  it('installs from the two tarballs into an empty project, install scripts on', () => {
    const sdk = pack(join(root, 'sdk'), project)
    const tabmesh = pack(root, project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'operator', private: true, type: 'module' }))
    run('npm', ['install', '--no-audit', '--no-fund', sdk, tabmesh], project)
    const installed = bytesUnder(join(project, 'node_modules'))
    console.log(`# measured: tabmesh + @tabmesh/sdk installed: ${(installed / 1e6).toFixed(1)} MB in node_modules (tabmesh tarball ${(statSync(tabmesh).size / 1e6).toFixed(1)} MB)`)
    assert.ok(existsSync(join(project, 'node_modules/.bin/tabmesh')))
    assert.ok(!existsSync(join(project, 'node_modules/react-native')), 'no React Native (the @libp2p/webrtc in the bundles has no such path)')
    assert.ok(!existsSync(join(project, 'node_modules/tabmesh/node_modules/@tabmesh/sdk')), 'the CLI uses the one installed @tabmesh/sdk')
  })

  it('refuses an old Node in one line, exit 2; runs `tabmesh help` on Node 22', () => {
    const system = execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
    const [major, minor] = system.split('.').map(Number) as [number, number]
    let result: { status: number | null, stderr: string }
    try {
      execFileSync(SYSTEM_NODE, [join(project, 'node_modules/.bin/tabmesh'), 'help'], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      result = { status: 0, stderr: '' }
    } catch (err) {
      result = err as { status: number | null, stderr: string }
    }
    if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
      assert.equal(result.status, 2)
      assert.equal(result.stderr, `tabmesh needs Node.js ${MIN_NODE.join('.')} or newer, and this is Node.js ${system}: install Node.js 22 (the current LTS line) or newer and run it again\n`)
    } else {
      assert.equal(result.status, 0, result.stderr)
    }
    assert.match(run('npx', ['--no-install', 'tabmesh', 'help'], project), /tabmesh provide \[--bootstrap MULTIADDR\]/)
  })

  it('runs a free job: `npx tabmesh relay` and `npx tabmesh provide` from the install, an SDK script from the install', async () => {
    const relay = spawnProc(process.execPath, [tabmeshBin(), 'relay', '--port', '0'], project, cleanEnv())
    procs.push(relay)
    const multiaddr = (await waitFor(relay, /^\s+(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\S+)$/m, 30_000))[1]!
    const provider = spawnProc(process.execPath, [tabmeshBin(), 'provide', '--bootstrap', multiaddr, '--workers', '1'], project, cleanEnv())
    procs.push(provider)
    const peerId = (await waitFor(provider, /^providing as (\S+) with 1 worker/m, 60_000))[1]!
    cpSync(join(root, 'examples/node/index.js'), join(project, 'index.js'))
    const out = await runAsync(process.execPath, ['index.js', multiaddr, join(project, 'node_modules/tabmesh/jobs/primes/build/primes.wasm')], project)
    assert.match(out, /^call 25$/m)
    assert.match(out, /^task 0 25$/m)
    assert.match(out, /^task 1 143$/m)
    // The installed provider ran them (it is the only provider on this relay) and said so.
    await waitFor(provider, /^task \S+#[01] /m, 10_000)
    assert.ok(peerId.startsWith('12D3KooW'))
  })

  it('`npx tabmesh dev` from the install brings up the local mesh: anvil, contracts, relay, providers, the web app', async () => {
    const [chainPort, relayPort] = [await freePort(), await freePort()]
    const dev = spawnProc(process.execPath, [tabmeshBin(), 'dev', '--port', '0', '--relay-port', String(relayPort), '--chain-port', String(chainPort), '--workers', '1'], project, cleanEnv())
    procs.push(dev)
    const web = (await waitFor(dev, /web app\s+(http:\/\/127\.0\.0\.1:\d+\/)/, 120_000))[1]!
    assert.match(dev.output(), /try: {2}npx tabmesh submit node_modules\/tabmesh\/jobs\/primes\/build\/primes\.wasm/)
    assert.match(await (await fetch(web)).text(), /<title>/i)
    const config = await (await fetch(new URL('/tabmesh.json', web))).json() as { bootstrap: string[], chain: { rpcUrl: string } }
    assert.equal(config.chain.rpcUrl, `http://127.0.0.1:${chainPort}`)
    assert.match(config.bootstrap[0]!, new RegExp(`/tcp/${relayPort}/ws/p2p/`))
    // An unknown path is the app (it routes in the page), a built asset is served as itself.
    assert.match(await (await fetch(new URL('/jobs', web))).text(), /<title>/i)
    dev.child.kill('SIGINT')
    assert.equal(await Promise.race([exit(dev), new Promise(resolve => setTimeout(() => { resolve('still running') }, STOP_GRACE_MS))]), 0, 'Ctrl-C stops tabmesh dev cleanly')
  })

  it('exports startRelay and startNodeProvider to plain Node, typed', async () => {
    writeFileSync(join(project, 'lib.js'), `import { startRelay, startNodeProvider, bundledPrimesPath, TabmeshError } from 'tabmesh'
import { existsSync } from 'node:fs'
const relay = await startRelay({ port: 0 })
const provider = await startNodeProvider({ bootstrap: relay.multiaddrs, workers: 1, cacheDir: '.tabmesh/lib-blobs' })
console.log('relay', relay.multiaddrs.length > 0, 'provider', provider.pool.size, 'primes', existsSync(bundledPrimesPath()), typeof TabmeshError)
await provider.stop()
await relay.stop()
`)
    assert.match(await runAsync(process.execPath, ['lib.js'], project), /^relay true provider 1 primes true function$/m)
    writeFileSync(join(project, 'check.ts'), `import { startRelay } from 'tabmesh'
import type { RelayHandle, StartNodeProviderParameters } from 'tabmesh'
const relay: RelayHandle = await startRelay({ port: 0 })
const params: StartNodeProviderParameters = { bootstrap: relay.multiaddrs, workers: 2, cacheDir: '.tabmesh/blobs' }
console.log(params.workers)
`)
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--lib', 'es2023,dom', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types'), '--skipLibCheck', 'check.ts'], project)
  })
})
