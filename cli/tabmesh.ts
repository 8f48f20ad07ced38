#!/usr/bin/env node
// tabmesh — the command line: dev | relay | provide | submit. Run `tabmesh help`.
import { multiaddr } from '@multiformats/multiaddr'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { cidOf } from '../mesh/cid.ts'
import { availableParallelism } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { TabmeshError } from '../errors/base.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TaskInput, TaskOutcome } from '../sdk/index.ts'
import { parseDirOptions, parseEnvOptions, parseTaskLines } from './task-lines.ts'
import { parseIceServers } from './ice-servers.ts'
import { readLocalConfig, stateDir, writeLocalConfig } from './local-config.ts'
import type { LocalConfig } from './local-config.ts'
import { CliError, EXIT, amountOption, intOption, oneLine, rateOption } from './cli-error.ts'
import { claimProviderSlot, providerKeys } from './provider-slots.ts'
import { assertChainReachable } from '../chain/reachable.ts'
import { plural, utf8OrUndefined, waitingForProviders } from '../sdk/index.ts'
import type { Job } from '../sdk/index.ts'
import type { JobProgress } from '../mesh/requester/types.ts'
import type { MeshNode } from '../mesh/node/create-node.ts'
import { startWebServer } from './web-server.ts'
import { formatUnits } from 'viem'
import type { Hex, LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { ChainConfig } from '../chain/config.ts'
import { PAYMENT_TOKEN, STAKING_TOKEN, formatTokenAmount } from '../chain/tokens.ts'
import { DEFAULT_ANVIL_PORT, startLocalChain, testAccount } from '../chain/local-stack.ts'
import { loadOrCreateEvmAccount } from '../mesh/node/keys.ts'
import { fsChequeStore } from '../mesh/payment/fs-cheque-store.ts'
import { ProviderPayments } from '../mesh/payment/provider-payments.ts'
import { checkDisputeArgs, checkLanesArgs, disputeCommand, lanesCommand } from './money-commands.ts'
import { readOwnerOf } from '../chain/actions/read-owner-of.ts'
import { signTyped } from '../chain/signatures.ts'
import { publicClientFor } from '../chain/clients.ts'
import { chainFromEnvironment } from './chain-file.ts'
import { relayPeerOf } from '../mesh/node/keep-bootstrap.ts'
import { deployCommand } from './deploy-command.ts'

const USAGE = `tabmesh — a browser-native compute mesh

  tabmesh dev [--port 5173] [--relay-port 9090] [--chain-port 8545] [--workers N]
      local chain (anvil + contracts) + relay + two Node providers (N workers each) + the web app on 127.0.0.1;
      writes .tabmesh/local.json, prints the URL
  tabmesh relay [--host 127.0.0.1] [--port 9090] [--tls-cert FILE --tls-key FILE [--tls-port 443]] [--announce MULTIADDR]... [--peer MULTIADDR]...
      with a certificate it serves wss:// on --tls-port too (browsers reach a public relay only over wss);
      --announce names it as peers should dial it, e.g. /dns4/relay.example.org/tcp/443/tls/ws;
      --peer MULTIADDR (repeatable): other relays of the deployment, kept connected so ads cross relays; relays
      find the rest of them in the DHT (one --peer is enough)
  tabmesh provide [--bootstrap MULTIADDR]... [--workers N] [--price UNITS] [--owner ADDRESS]
                  [--ice-server stun:HOST[:PORT] | turn:USER:PASSWORD@HOST[:PORT]]... [--listen MULTIADDR]...
      reports tasks and earnings; keeps its operator key in .tabmesh/providers/N.key across runs; paid work
      pays the owner (default: the operator key itself; with --owner, that wallet registers the key —
      Wallet page "Register an operator"); claims what it holds when it stops
  tabmesh submit MODULE.wasm [INPUT_FILE...] [--tasks FILE] [--redundancy 2] [--timeout MS]
                 [--memory-pages N] [--fuel N] [--arg ARG]... [--env NAME=VALUE]...
                 [--dir HOST_DIR:GUEST_PATH]... [--out DIR] [--logs] [--json]
                 [--bootstrap MULTIADDR]... [--ice-server URL]...
                 [--replicate-all | --spot-check RATE]   (adaptive replication: trusted providers'
                 tasks are replicated at RATE, default 0.1; --replicate-all replicates every task)
      each input file is one task (on stdin), and so is each line of --tasks, a JSON-lines file of
      {"stdin"?: "…", "args"?: ["…"], "env"?: {"NAME": "…"}} (args after the --arg ones, env over --env);
      --dir mounts a copy of HOST_DIR at GUEST_PATH (e.g. --dir ./data:/data) in every task, writable;
      --out DIR writes what each task left in /out under DIR/<index>/ (verified by redundancy with stdout);
      --logs shows each run's stderr and progress live on stderr, as [INDEX PROVIDER] lines (a task
      reports progress with "#progress 0.4", "40%" or "4/10" lines on its stderr);
      prints each accepted output (--json: one JSON line per task + a summary);
      says at once when fewer providers are online than each task needs, and keeps waiting; Ctrl-C cancels
      paid: [--price TOKENS] [--min-stake TOKENS]   (payment token, e.g. --price 0.001; paid over payment lanes)
  tabmesh claim                     claim every cheque this machine's providers hold (pays their owners)
  tabmesh lanes [list] | fund OWNER AMOUNT | close OWNER | finish OWNER
                                    the requester's payment lanes: unspent funds come back after a close's
                                    challenge window (2 min on the local chain, 24 h by default elsewhere)
  tabmesh dispute [ID]              disputes: parties, arbiters, votes, who was slashed
  tabmesh deploy --rpc URL [--payment-token 0x…] [--staking-token 0x…] [--treasury 0x…] [--out FILE]
                                    deploys the contracts to any EVM chain (key: TABMESH_DEPLOYER_KEY; 7-day
                                    unbonding, 24 h challenge window; TestTokens unless tokens are given) and
                                    writes the ChainConfig (default .tabmesh/chain.json); with
                                    TABMESH_CHAIN=FILE, provide/submit/claim/lanes/dispute use that chain

Exit codes: 0 done · 1 some tasks failed · 2 usage mistake (nothing was sent) · 3 mesh or chain
unreachable · 130 interrupted (the job was cancelled).
Keys: providers keep a generated payout key in .tabmesh/; requesters sign with TABMESH_PRIVATE_KEY,
or on the local chain with anvil test account 1.
Without --bootstrap, provide and submit use .tabmesh/local.json from \`tabmesh dev\` (npm start).`

/** Node providers `tabmesh dev` starts: enough for the default redundancy of 2. */
const LOCAL_PROVIDERS = 2

const COMMANDS = ['dev', 'relay', 'provide', 'submit', 'claim', 'lanes', 'dispute', 'deploy', 'help']

async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'dev': return await dev(rest)
    case 'relay': return await relay(rest)
    case 'provide': return await provide(rest)
    case 'submit': return await submit(rest)
    case 'claim': return await claim(rest)
    case 'lanes': { checkLanesArgs(rest); const chain = await localChain(); return await lanesCommand(rest, chain, requesterAccount(chain)) }
    case 'dispute': checkDisputeArgs(rest); return await disputeCommand(rest, await localChain())
    case 'deploy': {
      const { values } = parse(rest, { rpc: { type: 'string' }, 'payment-token': { type: 'string' }, 'staking-token': { type: 'string' }, treasury: { type: 'string' }, 'unbonding-seconds': { type: 'string' }, 'challenge-seconds': { type: 'string' }, out: { type: 'string', default: join(stateDir(), 'chain.json') } })
      return await deployCommand(values)
    }
    case undefined: case 'help': case '--help': case '-h':
      console.log(USAGE)
      return 0
    default:
      throw new CliError('UNKNOWN_COMMAND', `unknown command "${command}"; the commands are ${COMMANDS.join(', ')} (tabmesh help)`)
  }
}

/** node:util parseArgs, strict: unknown options and missing values are usage errors. */
function parse<T extends ParseArgsConfig['options']> (args: string[], options: T, allowPositionals = false): ReturnType<typeof parseArgs<{ args: string[], options: T, allowPositionals: boolean, strict: true }>> {
  return parseArgs({ args, options, allowPositionals, strict: true })
}

async function dev (args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: 'string', default: '5173' }, 'relay-port': { type: 'string', default: '9090' }, 'chain-port': { type: 'string', default: String(DEFAULT_ANVIL_PORT) }, workers: { type: 'string' } })
  const port = intOption('port', values.port, 0, 65535)!
  const relayPort = intOption('relay-port', values['relay-port'], 0, 65535)!
  const chainPort = intOption('chain-port', values['chain-port'], 1, 65535)!
  const workers = intOption('workers', values.workers, 1, 1024)
  const local = await startLocalChain({ dir: stateDir(), port: chainPort })
  const relay = await startRelay({ port: relayPort, keyFile: join(stateDir(), 'relay.key') })
  // Two Node providers, so the web app's default example (redundancy 2: a tab never runs its own
  // jobs) is served and verified with no other tab or command. Together they leave a core for the tabs.
  const perProvider = workers ?? Math.max(1, Math.floor((availableParallelism() - 1) / LOCAL_PROVIDERS))
  const providers = []
  for (let i = 0; i < LOCAL_PROVIDERS; i++) {
    providers.push(await startNodeProvider({
      bootstrap: relay.multiaddrs,
      chain: local.chain,
      account: await loadOrCreateEvmAccount(join(stateDir(), i === 0 ? 'provider.key' : `provider-${i + 1}.key`)),
      chequeFile: join(stateDir(), i === 0 ? 'cheques.json' : `cheques-${i + 1}.json`),
      workers: perProvider,
      cacheDir: join(stateDir(), 'blobs'),
      primesModulePath: bundledPrimesPath()
    }))
  }
  const web = await startWebServer({ port, bootstrap: relay.multiaddrs, chain: local.chain })
  const file = await writeLocalConfig({ bootstrap: relay.multiaddrs, web: web.url, chain: local.chain, startedAt: new Date().toISOString() })
  console.log(`tabmesh local mesh is up
  web app   ${web.url}   ← open it: the tab becomes a provider
  relay     ${relay.multiaddrs.join('\n            ')}
${providers.map(p => `  provider  ${p.node.peerId.toString()} (${plural(p.pool.size, 'worker')}, score ${(p.agent.scoreMilli / 1000).toFixed(1)} tasks/s, owner ${p.payments?.owner ?? '—'})`).join('\n')}
  chain     ${local.chain.rpcUrl} (anvil, chain id ${local.chain.chainId}) lanes ${local.chain.lanes} staking ${local.chain.staking} arbitration ${local.chain.arbitration}
  config    ${file}
try:  npx tabmesh submit ${relative(process.cwd(), bundledPrimesPath())} <input files>   (Ctrl-C stops the mesh)`)
  await waitForSignal()
  await web.stop()
  for (const p of providers) await p.stop()
  await relay.stop()
  await local.anvil.stop()
  return 0
}

async function relay (args: string[]): Promise<number> {
  const { values } = parse(args, { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9090' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'tls-port': { type: 'string', default: '443' }, announce: { type: 'string', multiple: true }, peer: { type: 'string', multiple: true } })
  const port = intOption('port', values.port, 0, 65535)!
  const tlsPort = intOption('tls-port', values['tls-port'], 0, 65535)!
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new CliError('USAGE', '--tls-cert and --tls-key go together: the certificate (PEM) and its private key')
  const tls = values['tls-cert'] !== undefined ? { cert: new TextDecoder().decode(await readInput(values['tls-cert'])), key: new TextDecoder().decode(await readInput(values['tls-key']!)), port: tlsPort } : undefined
  for (const a of values.announce ?? []) {
    try { multiaddr(a) } catch { throw new CliError('INVALID_OPTION', `--announce must be a multiaddr like /dns4/relay.example.org/tcp/443/tls/ws, got "${a}"`) }
  }
  for (const a of values.peer ?? []) {
    let ok = false
    try { ok = relayPeerOf(a) !== undefined } catch {}
    if (!ok) throw new CliError('INVALID_OPTION', `--peer must be another relay's multiaddr with its /p2p/ id, got "${a}"`)
  }
  const handle = await startRelay({ host: values.host, port, keyFile: join(stateDir(), 'relay.key'), ...(tls !== undefined ? { tls } : {}), ...(values.announce !== undefined ? { announce: values.announce } : {}), ...(values.peer !== undefined ? { peers: values.peer } : {}) })
  console.log(`relay listening:\n  ${handle.multiaddrs.join('\n  ')}`)
  await waitForSignal()
  await handle.stop()
  return 0
}

/** Task lines `tabmesh provide` prints per second before it sums the rest up: 10. */
const TASK_LINES_PER_SECOND = 10

async function provide (args: string[]): Promise<number> {
  const { values } = parse(args, { bootstrap: { type: 'string', multiple: true }, workers: { type: 'string' }, price: { type: 'string' }, owner: { type: 'string' }, 'ice-server': { type: 'string', multiple: true }, listen: { type: 'string', multiple: true } })
  const iceServers = parseIceServers(values['ice-server'])
  if (values.owner !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.owner)) throw new CliError('USAGE', '--owner must be a 0x address (the wallet that registers this provider\'s operator key)')
  const workers = intOption('workers', values.workers, 1, 1024)
  const price = values.price !== undefined ? String(intOption('price', values.price, 0)) : undefined
  const config = values.bootstrap === undefined ? await localConfig() : undefined
  const bootstrap = values.bootstrap ?? config!.bootstrap
  const chain = await chainFromEnvironment() ?? config?.chain
  if (chain !== undefined) await unreachable(assertChainReachable(chain))
  const slot = chain !== undefined ? await claimProviderSlot(stateDir()) : undefined
  const handle = await startNodeProvider({
    bootstrap,
    ...(chain !== undefined && slot !== undefined
      ? { chain, account: await loadOrCreateEvmAccount(slot.keyFile), chequeFile: slot.chequeFile, ...(values.owner !== undefined ? { owner: values.owner as `0x${string}` } : {}) }
      : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(iceServers.length > 0 ? { iceServers } : {}),
    ...(values.listen !== undefined ? { listen: values.listen } : {}),
    cacheDir: join(stateDir(), 'blobs'),
    primesModulePath: bundledPrimesPath()
  })
  try {
    assertBootstrapReached(handle.node, bootstrap)
  } catch (err) {
    await handle.stop()
    await slot?.release()
    throw err
  }
  console.log(`providing as ${handle.node.peerId.toString()} with ${plural(handle.pool.size, 'worker')} (score ${(handle.agent.scoreMilli / 1000).toFixed(1)} tasks/s)${handle.payments !== undefined ? `, operator ${handle.payments.address} (key ${slot!.keyFile}) for owner ${handle.payments.owner}` : ''}`)
  if (handle.payments !== undefined && handle.payments.owner.toLowerCase() !== handle.payments.address.toLowerCase()) {
    const registered = await readOwnerOf({ chain: chain!, publicClient: publicClientFor(chain!), operator: handle.payments.address })
    if (registered?.toLowerCase() !== handle.payments.owner.toLowerCase()) {
      const consent = await signTyped(await loadOrCreateEvmAccount(slot!.keyFile), chain!, 'OperatorConsent', { owner: handle.payments.owner, operator: handle.payments.address })
      console.log(`not yet an operator of ${handle.payments.owner}: paid jobs skip this provider until the owner registers it
  (Wallet page → Owner and operators → Register operator) with
  operator ${handle.payments.address}
  consent  ${consent}`)
    }
  }
  // One line per task while tasks are few; past TASK_LINES_PER_SECOND a line per second sums them up
  // (a terminal printing 1,000 lines a second costs more than 1 ms tasks).
  let lines = 0
  let summed = { tasks: 0, failed: 0, ms: 0 }
  const second = setInterval(() => {
    if (summed.tasks > 0) console.log(`${plural(summed.tasks, 'more task')} in the last second (${summed.failed} failed, ${Math.round(summed.ms)} ms of work)`)
    lines = 0
    summed = { tasks: 0, failed: 0, ms: 0 }
  }, 1_000)
  second.unref()
  handle.agent.addEventListener('task:end', (e) => {
    const d = (e as CustomEvent<{ jobId: string, taskIndex: number, outcome?: string, durationMs?: number }>).detail
    if (lines++ < TASK_LINES_PER_SECOND) { console.log(`task ${d.jobId.slice(0, 10)}…#${d.taskIndex} ${d.outcome ?? ''} ${d.durationMs ?? 0} ms`); return }
    summed.tasks++
    if (d.outcome !== 'ok') summed.failed++
    summed.ms += d.durationMs ?? 0
  })
  const payments = handle.payments
  if (payments !== undefined) {
    let last = ''
    const report = (): void => {
      const e = payments.earnings()
      const tusd = (v: bigint): string => formatTokenAmount(v, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)
      const line = `earned ${tusd(e.received)} (claimed ${tusd(e.claimed)}, claimable ${tusd(e.claimable)})`
      if (line !== last) { last = line; console.log(line) }
    }
    payments.addEventListener('change', report)
    payments.addEventListener('claimed', (e) => {
      const d = (e as CustomEvent<{ hash: string, amount: bigint }>).detail
      console.log(`claimed ${formatTokenAmount(d.amount, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)} in ${d.hash}`)
    })
    report()
  }
  await waitForSignal()
  if (payments !== undefined) {
    // Leaving: claim what this operator holds so its owner is paid even if it never comes back.
    payments.autoClaim = false
    await payments.claimAll().catch((err: unknown) => { console.error(`could not claim on the way out: ${oneLine(err)} (tabmesh claim retries)`) })
  }
  await handle.stop()
  await slot?.release()
  return 0
}

async function submit (args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    redundancy: { type: 'string', default: '2' },
    'replicate-all': { type: 'boolean', default: false },
    'spot-check': { type: 'string' },
    timeout: { type: 'string' },
    'memory-pages': { type: 'string' },
    fuel: { type: 'string' },
    arg: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    dir: { type: 'string', multiple: true },
    out: { type: 'string' },
    tasks: { type: 'string' },
    logs: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    bootstrap: { type: 'string', multiple: true },
    'ice-server': { type: 'string', multiple: true },
    price: { type: 'string' },
    'min-stake': { type: 'string' }
  }, true)
  const iceServers = parseIceServers(values['ice-server'])
  const [modulePath, ...inputPaths] = positionals
  if (modulePath === undefined || (inputPaths.length === 0 && values.tasks === undefined)) throw new CliError('USAGE', 'usage: tabmesh submit MODULE.wasm [INPUT_FILE...] [--tasks FILE] (tabmesh help)')
  // Everything the person typed is checked before anything touches the network.
  const redundancy = intOption('redundancy', values.redundancy, 1, 16)!
  const spotCheck = rateOption('spot-check', values['spot-check'])
  const timeoutMs = intOption('timeout', values.timeout, 1, 3_600_000)
  const memoryPages = intOption('memory-pages', values['memory-pages'], 1, 65_536)
  const fuel = intOption('fuel', values.fuel, 1)
  const price = amountOption('price', values.price, PAYMENT_TOKEN)
  const minStake = amountOption('min-stake', values['min-stake'], STAKING_TOKEN)
  const env = parseEnvOptions(values.env)
  const mounts = parseDirOptions(values.dir)
  const module = await readInput(modulePath)
  if (!WebAssembly.validate(module)) throw new CliError('INVALID_MODULE', `${modulePath} is not a WebAssembly module${module.length >= 4 && module[0] === 0 && module[1] === 0x61 ? ' (it does not validate)' : ' (it lacks the \\0asm header)'}`)
  // One task per input file (its bytes on stdin), then one per line of --tasks.
  const taskLines = values.tasks !== undefined ? parseTaskLines(new TextDecoder().decode(await readInput(values.tasks)), values.tasks) : []
  const inputs: Array<Uint8Array | TaskInput> = [...await Promise.all(inputPaths.map(readInput)), ...taskLines]
  const labels = [...inputPaths, ...taskLines.map((_, i) => `${values.tasks!}#${i}`)]
  const paid = price !== undefined
  const chainFile = await chainFromEnvironment()
  const config = values.bootstrap === undefined || (paid && chainFile === undefined) ? await localConfig() : undefined
  const bootstrap = values.bootstrap ?? config!.bootstrap
  const chain = chainFile ?? config?.chain
  if (paid && chain === undefined) throw new CliError('NO_CHAIN', 'paid jobs need a chain: run `npm start` (tabmesh dev) first', EXIT.unreachable)
  if (paid) await unreachable(assertChainReachable(chain!))
  const account = paid ? requesterAccount(chain!) : undefined

  const client = await createClient({
    bootstrap,
    ...(iceServers.length > 0 ? { iceServers } : {}),
    ...(spotCheck !== undefined ? { reputation: { spotCheckRate: spotCheck } } : {}),
    ...(paid ? { chain: chain!, account: account! } : {})
  })
  const cancel = new AbortController()
  let interrupted = false
  const onSignal = (): void => { interrupted = true; cancel.abort() }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    assertBootstrapReached(client.node, bootstrap)
    const job = client.submit({
      module,
      inputs,
      redundancy,
      verification: values['replicate-all'] ? 'replicate' : 'adaptive',
      args: values.arg ?? [],
      env,
      mounts,
      ...(values.out !== undefined ? { outDir: OUT_DIR } : {}),
      ...(values.logs ? { logs: true } : {}),
      signal: cancel.signal,
      ...(paid
        ? {
            pricePerTask: price,
            minStake: minStake ?? 0n
          }
        : {}),
      limits: {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(memoryPages !== undefined ? { memoryPages } : {}),
        ...(fuel !== undefined ? { fuel: BigInt(fuel) } : {})
      }
    })
    const paidJob = client.paidJobs.get(job.id)
    if (paidJob !== undefined) {
      await Promise.race([new Promise(resolve => { job.addEventListener('started', resolve, { once: true }) }), job.done.catch(() => {})])
      if (values.json) console.log(JSON.stringify({ paid: true, jobId: job.id, requester: account!.address }))
      else console.error(`paid job ${job.id}: payment lanes of ${account!.address} are funded as providers start; every accepted run is paid by cheque`)
    }
    if (!values.json) {
      console.error(`job ${job.id}: ${plural(inputs.length, 'task')}, redundancy ${redundancy}, ${plural(client.providers().length, 'provider')} online`)
      showProgress(job)
    }
    if (values.logs) showLogs(job)
    let failed = 0
    for await (const r of job.results()) {
      if (!r.ok) failed++
      const files = r.ok && values.out !== undefined ? await writeOutFiles(values.out, r.index, r.files ?? {}) : undefined
      print(r, labels[r.index]!, values.json, files)
    }
    const summary = await job.done
    if (values.json) {
      console.log(JSON.stringify({ summary: true, jobId: summary.jobId, tasks: inputs.length, accepted: summary.accepted, failed: summary.failed, trusted: summary.trusted, rechecked: summary.rechecked, runs: summary.runs, durationMs: Math.round(summary.durationMs), faults: summary.faults.length }))
    } else {
      const trusted = summary.trusted > 0 ? ` (${summary.trusted} on a trusted provider's word)` : ''
      console.error(`job ${summary.jobId}: ${summary.accepted} accepted${trusted}, ${summary.failed} failed, ${plural(summary.runs, 'task run')} in ${(summary.durationMs / 1000).toFixed(2)} s`)
    }
    if (paidJob !== undefined) {
      if (!values.json) console.error('settling: delivering the last cheques and waiting for any dispute to be decided…')
      const s = await paidJob.settlement
      const settlement = {
        settlement: true,
        jobId: job.id,
        paid: formatUnits(s.paid, 6),
        fee: formatUnits(s.fee, 6),
        slashed: formatUnits(s.slashed, 18),
        disputes: s.disputes.map(d => ({ id: d.id.toString(), status: d.status })),
        transactions: s.transactions
      }
      if (values.json) console.log(JSON.stringify(settlement))
      else console.error(`settled: paid ${settlement.paid} tUSD by cheque (providers' owners get it less the ${settlement.fee} tUSD fee when they claim), slashed ${settlement.slashed} tSTK${s.disputes.length > 0 ? ` in ${plural(s.disputes.length, 'dispute')} (tabmesh dispute)` : ''}; what the lanes still hold stays for your next job (tabmesh lanes)\ntransactions: ${s.transactions.join(' ')}`)
    }
    return failed > 0 ? EXIT.tasksFailed : EXIT.ok
  } catch (err) {
    if (interrupted) {
      console.error('\ncancelled: the job was stopped and its running tasks aborted')
      return EXIT.interrupted
    }
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await client.stop()
  }
}

/**
 * Progress on stderr: one line rewritten in place on a terminal; without one (a pipe, a CI log), a
 * new line at most every PROGRESS_LINE_MS and whenever the waiting state changes. Says at once when
 * fewer providers are online than each task needs, and keeps saying how long it has waited.
 */
function showProgress (job: Job): void {
  const tty = process.stderr.isTTY
  const started = Date.now()
  let lastLine = 0
  let lastWaiting: string | undefined
  job.addEventListener('progress', (e) => {
    const p = (e as CustomEvent<JobProgress>).detail
    const waiting = waitingForProviders(p)
    const text = waiting !== undefined
      ? `${waiting} — start one with \`npx tabmesh provide\` or open the web app; waiting ${Math.round((Date.now() - started) / 1000)} s (Ctrl-C cancels)`
      : `${p.accepted + p.failed}/${p.total} done (${p.failed} failed), ${p.running} running`
    if (tty) { process.stderr.write(`\r\x1b[K${text}`); return }
    const now = Date.now()
    const done = p.accepted + p.failed === p.total
    if (waiting !== lastWaiting || done || now - lastLine >= PROGRESS_LINE_MS) {
      lastLine = now
      lastWaiting = waiting
      process.stderr.write(`${text}\n`)
    }
  })
  if (tty) job.done.finally(() => { process.stderr.write('\n') }).catch(() => {})
}

/**
 * `--logs`: each run's stderr on our stderr as it comes, a line at a time, prefixed with the task
 * index and the provider (the last 6 characters of its peer id), and its progress when it changes:
 *   [3 h9XkQa] 33%
 *   [3 h9XkQa] step 3 of 6
 * A line cut between two pieces of the log is held until its end arrives (or the task ends).
 */
function showLogs (job: Job): void {
  const partial = new Map<string, string>()
  const write = (text: string): void => { process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${text}` : text) }
  job.addEventListener('log', (e) => {
    const { index, provider, stderr, progress } = e.detail
    const key = `${index} ${provider.slice(-6)}`
    const lines = ((partial.get(key) ?? '') + stderr).split('\n')
    partial.set(key, lines.pop()!)
    // Progress first: a piece carries the progress reported before the lines that came with it.
    if (progress !== undefined) write(`[${key}] ${Math.round(progress * 100)}%\n`)
    for (const line of lines) write(`[${key}] ${line}\n`)
  })
  job.addEventListener('result', (e) => {
    for (const [key, rest] of partial) {
      if (!key.startsWith(`${e.detail.index} `)) continue
      if (rest !== '') write(`[${key}] ${rest}\n`)
      partial.delete(key)
    }
  })
}

/** Without a terminal, one progress line at most this often, ms. */
const PROGRESS_LINE_MS = 2_000

/** Reads a file the person named; a missing or unreadable one is a usage error of one line. */
async function readInput (path: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (err) {
    throw new CliError('UNREADABLE_FILE', oneLine(err))
  }
}

/** .tabmesh/local.json, or exit 3 with what to do. */
async function localConfig (): Promise<LocalConfig> {
  try {
    return await readLocalConfig()
  } catch (err) {
    throw new CliError('NO_LOCAL_MESH', oneLine(err), EXIT.unreachable)
  }
}

/** The local mesh's chain from .tabmesh/local.json, checked to answer; otherwise exit 3 with what to do. */
async function localChain (): Promise<ChainConfig> {
  const chain = await chainFromEnvironment() ?? (await localConfig()).chain
  if (chain === undefined) throw new CliError('NO_CHAIN', 'no chain in .tabmesh/local.json: run `npm start` (tabmesh dev) first, or set TABMESH_CHAIN to a ChainConfig file (tabmesh deploy writes one)', EXIT.unreachable)
  await unreachable(assertChainReachable(chain))
  return chain
}

/** Turns an unreachable chain into exit code 3. */
async function unreachable (probe: Promise<void>): Promise<void> {
  try { await probe } catch (err) { throw new CliError(err instanceof TabmeshError ? err.code : 'UNREACHABLE', oneLine(err), EXIT.unreachable) }
}

/** The node connected to at least one bootstrap relay; otherwise exit 3 naming them. */
function assertBootstrapReached (node: MeshNode, bootstrap: string[]): void {
  const ids = new Set(bootstrap.map(a => a.split('/p2p/').pop()))
  if (bootstrap.length === 0 || node.getConnections().some(c => ids.has(c.remotePeer.toString()))) return
  throw new CliError('RELAY_UNREACHABLE', `cannot reach the relay at ${bootstrap[0]}${bootstrap.length > 1 ? ` (or ${bootstrap.length - 1} more)` : ''}: is the mesh running (\`npm start\`)?`, EXIT.unreachable)
}

/** TABMESH_PRIVATE_KEY, or on the local chain anvil test account 1 (funded by `tabmesh dev`). */
function requesterAccount (chain: ChainConfig): LocalAccount {
  const key = process.env.TABMESH_PRIVATE_KEY
  if (key !== undefined && key !== '') {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new CliError('BAD_KEY', 'TABMESH_PRIVATE_KEY must be 0x followed by 64 hex digits')
    return privateKeyToAccount(key as Hex)
  }
  if (!chain.local) throw new CliError('NO_KEY', 'set TABMESH_PRIVATE_KEY to pay for jobs on this chain')
  return testAccount(1)
}

async function claim (args: string[]): Promise<number> {
  parse(args, {})
  const chain = await localChain()
  let claimedAny = false
  for (const { keyFile, chequeFile } of await providerKeys(stateDir())) {
    const account = await loadOrCreateEvmAccount(keyFile)
    // Cheques pay the owner the operator acts for on chain (itself when it registered itself).
    const owner = await readOwnerOf({ chain, publicClient: publicClientFor(chain), operator: account.address }) ?? account.address
    const payments = new ProviderPayments({ chain, account, owner, store: fsChequeStore(chequeFile) })
    payments.autoClaim = false
    const hash = await payments.claimAll()
    if (hash === undefined) continue
    claimedAny = true
    console.log(`claimed ${formatTokenAmount(payments.earnings().claimed, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)} in total for owner ${payments.owner} (operator ${payments.address}) in ${hash}`)
  }
  if (!claimedAny) console.log('nothing to claim: every cheque this machine\'s providers hold is already claimed (no transaction sent)')
  return 0
}

/** The guest directory `tabmesh submit --out` collects: /out. */
const OUT_DIR = '/out'

/**
 * Writes what task `index` left in /out under `dir/<index>/` (paths from the output tree, checked:
 * plain names only, so nothing lands outside that folder).
 * @returns each file's path → CID
 */
async function writeOutFiles (dir: string, index: number, files: Record<string, Uint8Array>): Promise<Record<string, string>> {
  const cids: Record<string, string> = {}
  const base = join(dir, String(index))
  await mkdir(base, { recursive: true })
  for (const [path, data] of Object.entries(files)) {
    if (path.split('/').some(c => c === '' || c === '.' || c === '..')) throw new CliError('BAD_OUTPUT', `task ${index} left a file at ${JSON.stringify(path)}, which is not a plain path`, EXIT.tasksFailed)
    await mkdir(join(base, path, '..'), { recursive: true })
    await writeFile(join(base, path), data)
    cids[path] = (await cidOf(data)).toString()
  }
  return cids
}

function print (r: TaskOutcome, input: string, json: boolean, files?: Record<string, string>): void {
  if (json) {
    if (r.ok) {
      const text = utf8OrUndefined(r.output)
      console.log(JSON.stringify({
        index: r.index,
        input,
        outputCid: r.outputCid,
        ...(text !== undefined ? { output: text } : { output: Buffer.from(r.output).toString('base64'), encoding: 'base64' }),
        ...(files !== undefined ? { files } : {}),
        providers: r.providers
      }))
    } else {
      console.log(JSON.stringify({ index: r.index, input, error: r.error, providers: r.providers }))
    }
    return
  }
  if (r.ok) {
    const text = utf8OrUndefined(r.output)
    console.log(`[${r.index}] ${input}: ${text !== undefined ? text.trimEnd() : `<${r.output.length} bytes> ${r.outputCid}`}${files !== undefined ? ` (+ ${plural(Object.keys(files).length, 'file')} in /out)` : ''}`)
  } else {
    console.log(`[${r.index}] ${input}: FAILED ${r.error.code}: ${r.error.message}${r.error.stderrTail !== undefined && r.error.stderrTail !== '' ? `\n    stderr: ${r.error.stderrTail.trim()}` : ''}`)
  }
}

async function waitForSignal (): Promise<void> {
  await new Promise<void>(resolve => {
    process.once('SIGINT', () => { resolve() })
    process.once('SIGTERM', () => { resolve() })
  })
}

main(process.argv.slice(2)).then(code => { process.exit(code) }, (err: unknown) => {
  const code = err instanceof CliError
    ? err.exitCode
    : (err as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS') === true ? EXIT.usage : 1
  const hint = code === EXIT.usage && !(err instanceof CliError) ? ' (tabmesh help)' : ''
  console.error(`tabmesh: ${oneLine(err)}${hint}`)
  if (process.env.TABMESH_DEBUG === '1' && err instanceof Error) console.error(err.stack)
  process.exit(code)
})
