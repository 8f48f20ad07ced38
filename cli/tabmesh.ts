#!/usr/bin/env node
// tabmesh — the command line: dev | relay | provide | submit. Run `tabmesh help`.
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { TabmeshError } from '../errors/base.ts'
import { bundledPrimesPath, startNodeProvider } from '../mesh/provider/node-provider.ts'
import { startRelay } from '../relay/start-relay.ts'
import { createClient } from '../sdk/index.ts'
import type { TaskOutcome } from '../sdk/index.ts'
import { readLocalConfig, stateDir, writeLocalConfig } from './local-config.ts'
import { startWebServer } from './web-server.ts'
import { formatUnits, parseUnits } from 'viem'
import type { Hex, LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { ChainConfig } from '../chain/config.ts'
import { DEFAULT_ANVIL_PORT, startLocalChain, testAccount } from '../chain/local-stack.ts'
import { loadOrCreateEvmAccount } from './keys.ts'
import { fsChequeStore } from '../mesh/payment/fs-cheque-store.ts'
import { ProviderPayments } from '../mesh/payment/provider-payments.ts'
import { RequesterPayments } from '../mesh/payment/requester-payments.ts'
import { createMeshNode } from '../mesh/node/create-node.ts'

const USAGE = `tabmesh — a browser-native compute mesh

  tabmesh dev [--port 5173] [--relay-port 9090] [--chain-port 8545] [--workers N]
      local chain (anvil + contracts) + relay + one Node provider + the web app on 127.0.0.1;
      writes .tabmesh/local.json, prints the URL
  tabmesh relay [--host 127.0.0.1] [--port 9090]
  tabmesh provide [--bootstrap MULTIADDR]... [--workers N] [--price UNITS]
  tabmesh submit MODULE.wasm INPUT_FILE... [--redundancy 2] [--timeout MS] [--memory-pages N]
                 [--fuel N] [--arg ARG]... [--json] [--bootstrap MULTIADDR]... [--wait-providers N]
                 [--replicate-all | --spot-check RATE]   (adaptive replication: trusted providers'
                 tasks are replicated at RATE, default 0.1; --replicate-all replicates every task)
      each input file is one task; prints each accepted output (--json: one JSON line per task + a summary)
      paid: [--price TOKENS] [--min-stake TOKENS] [--deadline SECONDS]   (payment token, e.g. --price 0.001)
  tabmesh claim                     claim every cheque this machine's provider holds (one transaction)
  tabmesh refund JOB_ID             refund a paid job's unspent deposit once its deadline has passed

Keys: providers keep a generated payout key in .tabmesh/provider.key; requesters sign with
TABMESH_PRIVATE_KEY, or on the local chain with anvil test account 1.
Without --bootstrap, provide and submit use .tabmesh/local.json from \`tabmesh dev\`.`

async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'dev': return await dev(rest)
    case 'relay': return await relay(rest)
    case 'provide': return await provide(rest)
    case 'submit': return await submit(rest)
    case 'claim': return await claim()
    case 'refund': return await refund(rest)
    case undefined: case 'help': case '--help': case '-h':
      console.log(USAGE)
      return 0
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`)
      return 2
  }
}

async function dev (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '5173' }, 'relay-port': { type: 'string', default: '9090' }, 'chain-port': { type: 'string', default: String(DEFAULT_ANVIL_PORT) }, workers: { type: 'string' } } })
  const local = await startLocalChain({ dir: stateDir(), port: Number(values['chain-port']) })
  const relay = await startRelay({ port: Number(values['relay-port']), keyFile: join(stateDir(), 'relay.key') })
  const provider = await startNodeProvider({
    bootstrap: relay.multiaddrs,
    chain: local.chain,
    account: await loadOrCreateEvmAccount(join(stateDir(), 'provider.key')),
    chequeFile: join(stateDir(), 'cheques.json'),
    // Leave a core for the browser tabs the developer opens on this machine.
    workers: values.workers !== undefined ? Number(values.workers) : Math.max(1, availableParallelism() - 1),
    cacheDir: join(stateDir(), 'blobs'),
    primesModulePath: bundledPrimesPath()
  })
  const web = await startWebServer({ port: Number(values.port), bootstrap: relay.multiaddrs, chain: local.chain })
  const file = await writeLocalConfig({ bootstrap: relay.multiaddrs, web: web.url, chain: local.chain, startedAt: new Date().toISOString() })
  console.log(`tabmesh local mesh is up
  web app   ${web.url}   ← open it: the tab becomes a provider
  relay     ${relay.multiaddrs.join('\n            ')}
  provider  ${provider.node.peerId.toString()} (${provider.pool.size} workers, score ${(provider.agent.scoreMilli / 1000).toFixed(1)} tasks/s, payout ${provider.payments?.address ?? '—'})
  chain     ${local.chain.rpcUrl} (anvil, chain id ${local.chain.chainId}) escrow ${local.chain.escrow} staking ${local.chain.staking}
  config    ${file}
try:  npx tabmesh submit jobs/primes/build/primes.wasm <input files>   (Ctrl-C stops the mesh)`)
  await waitForSignal()
  await web.stop()
  await provider.stop()
  await relay.stop()
  await local.anvil.stop()
  return 0
}

async function relay (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '9090' } } })
  const handle = await startRelay({ host: values.host, port: Number(values.port), keyFile: join(stateDir(), 'relay.key') })
  console.log(`relay listening:\n  ${handle.multiaddrs.join('\n  ')}`)
  await waitForSignal()
  await handle.stop()
  return 0
}

async function provide (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { bootstrap: { type: 'string', multiple: true }, workers: { type: 'string' }, price: { type: 'string' } } })
  const config = values.bootstrap === undefined ? await readLocalConfig() : undefined
  const bootstrap = values.bootstrap ?? config!.bootstrap
  const handle = await startNodeProvider({
    bootstrap,
    ...(config?.chain !== undefined
      ? { chain: config.chain, account: await loadOrCreateEvmAccount(join(stateDir(), `provider-${process.pid}.key`)), chequeFile: join(stateDir(), `cheques-${process.pid}.json`) }
      : {}),
    ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
    ...(values.price !== undefined ? { price: values.price } : {}),
    cacheDir: join(stateDir(), 'blobs'),
    primesModulePath: bundledPrimesPath()
  })
  console.log(`providing as ${handle.node.peerId.toString()} with ${handle.pool.size} workers (score ${(handle.agent.scoreMilli / 1000).toFixed(1)} tasks/s)`)
  handle.agent.addEventListener('task:end', (e) => {
    const d = (e as CustomEvent<{ jobId: string, taskIndex: number, outcome?: string, durationMs?: number }>).detail
    console.log(`task ${d.jobId.slice(0, 10)}…#${d.taskIndex} ${d.outcome ?? ''} ${d.durationMs ?? 0} ms`)
  })
  await waitForSignal()
  await handle.stop()
  return 0
}

async function submit (args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      redundancy: { type: 'string', default: '2' },
      'replicate-all': { type: 'boolean', default: false },
      'spot-check': { type: 'string' },
      timeout: { type: 'string' },
      'memory-pages': { type: 'string' },
      fuel: { type: 'string' },
      arg: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      bootstrap: { type: 'string', multiple: true },
      'wait-providers': { type: 'string' },
      price: { type: 'string' },
      'min-stake': { type: 'string' },
      deadline: { type: 'string', default: '120' }
    }
  })
  const [modulePath, ...inputPaths] = positionals
  if (modulePath === undefined || inputPaths.length === 0) {
    console.error(`usage: tabmesh submit MODULE.wasm INPUT_FILE... (see tabmesh help)`)
    return 2
  }
  const redundancy = Number(values.redundancy)
  const config = values.bootstrap === undefined || values.price !== undefined ? await readLocalConfig() : undefined
  const bootstrap = values.bootstrap ?? config!.bootstrap
  const module = new Uint8Array(await readFile(modulePath))
  const inputs = await Promise.all(inputPaths.map(async p => new Uint8Array(await readFile(p))))
  const paid = values.price !== undefined
  const chain = config?.chain
  if (paid && chain === undefined) throw new TabmeshError('NO_CHAIN', 'paid jobs need a chain: run `tabmesh dev` (local chain) first')
  const client = await createClient({
    bootstrap,
    ...(values['spot-check'] !== undefined ? { reputation: { spotCheckRate: Number(values['spot-check']) } } : {}),
    ...(paid ? { chain: chain!, account: requesterAccount(chain!) } : {})
  })
  try {
    const want = values['wait-providers'] !== undefined ? Number(values['wait-providers']) : redundancy
    await client.waitForProviders(want, { signal: AbortSignal.timeout(60_000) })
    const job = client.submit({
      module,
      inputs,
      redundancy,
      verification: values['replicate-all'] ? 'replicate' : 'adaptive',
      args: values.arg ?? [],
      ...(paid
        ? {
            pricePerTask: parseUnits(values.price!, 6),
            minStake: parseUnits(values['min-stake'] ?? '0', 18),
            deadlineSeconds: Number(values.deadline)
          }
        : {}),
      limits: {
        ...(values.timeout !== undefined ? { timeoutMs: Number(values.timeout) } : {}),
        ...(values['memory-pages'] !== undefined ? { memoryPages: Number(values['memory-pages']) } : {}),
        ...(values.fuel !== undefined ? { fuel: BigInt(values.fuel) } : {})
      }
    })
    const paidJob = client.paidJobs.get(job.id)
    if (paidJob !== undefined) {
      await Promise.race([new Promise(resolve => { job.addEventListener('started', resolve, { once: true }) }), job.done.catch(() => {})])
      const line = { jobId: job.id, transactions: paidJob.transactions }
      if (values.json) console.log(JSON.stringify({ paid: true, ...line }))
      else console.error(`paid job ${job.id} opened on chain: ${paidJob.transactions.join(' ')}`)
    }
    if (!values.json) {
      console.error(`job ${job.id}: ${inputs.length} tasks, redundancy ${redundancy}, ${client.providers().length} providers`)
      job.addEventListener('progress', (e) => {
        const p = (e as CustomEvent<{ accepted: number, failed: number, total: number, running: number }>).detail
        process.stderr.write(`\r${p.accepted + p.failed}/${p.total} done (${p.failed} failed), ${p.running} running   `)
      })
    }
    let failed = 0
    for await (const r of job.results()) {
      if (!r.ok) failed++
      print(r, inputPaths[r.index]!, values.json)
    }
    const summary = await job.done
    if (values.json) {
      console.log(JSON.stringify({ summary: true, jobId: summary.jobId, tasks: inputs.length, accepted: summary.accepted, failed: summary.failed, unverified: summary.unverified, rechecked: summary.rechecked, runs: summary.runs, durationMs: Math.round(summary.durationMs), faults: summary.faults.length }))
    } else {
      console.error(`\njob ${summary.jobId}: ${summary.accepted} accepted (${summary.unverified} on a trusted provider's word), ${summary.failed} failed, ${summary.runs} task runs in ${(summary.durationMs / 1000).toFixed(2)} s`)
    }
    if (paidJob !== undefined) {
      if (!values.json) console.error(`settling: providers claim now; the unspent deposit is refunded after the ${values.deadline} s deadline…`)
      const s = await paidJob.settlement
      const settlement = {
        settlement: true,
        jobId: job.id,
        paid: formatUnits(s.paid, 6),
        refunded: formatUnits(s.refunded, 6),
        fee: formatUnits(s.fee, 6),
        slashed: formatUnits(s.slashed, 18),
        transactions: s.transactions
      }
      if (values.json) console.log(JSON.stringify(settlement))
      else console.error(`settled: paid ${settlement.paid} tUSD, fee ${settlement.fee} tUSD, refunded ${settlement.refunded} tUSD, slashed ${settlement.slashed} tSTK\ntransactions: ${s.transactions.join(' ')}`)
    }
    return failed > 0 ? 1 : 0
  } finally {
    await client.stop()
  }
}

/** TABMESH_PRIVATE_KEY, or on the local chain anvil test account 1 (funded by `tabmesh dev`). */
function requesterAccount (chain: ChainConfig): LocalAccount {
  const key = process.env.TABMESH_PRIVATE_KEY
  if (key !== undefined && key !== '') return privateKeyToAccount(key as Hex)
  if (!chain.local) throw new TabmeshError('NO_KEY', 'set TABMESH_PRIVATE_KEY to pay for jobs on this chain')
  return testAccount(1)
}

async function claim (): Promise<number> {
  const config = await readLocalConfig()
  if (config.chain === undefined) throw new TabmeshError('NO_CHAIN', 'no chain in .tabmesh/local.json')
  const payments = new ProviderPayments({
    chain: config.chain,
    account: await loadOrCreateEvmAccount(join(stateDir(), 'provider.key')),
    store: fsChequeStore(join(stateDir(), 'cheques.json'))
  })
  const before = payments.earnings()
  const hash = await payments.claimAll()
  console.log(hash === undefined ? 'nothing to claim' : `claimed ${formatUnits(before.claimable, 6)} tUSD for ${payments.address} in ${hash}`)
  return 0
}

async function refund (args: string[]): Promise<number> {
  const [jobId] = args
  if (jobId === undefined || !/^0x[0-9a-fA-F]{64}$/.test(jobId)) { console.error('usage: tabmesh refund JOB_ID (0x + 64 hex)'); return 2 }
  const config = await readLocalConfig()
  if (config.chain === undefined) throw new TabmeshError('NO_CHAIN', 'no chain in .tabmesh/local.json')
  const node = await createMeshNode({ profile: 'node', listen: [] })
  try {
    const payments = new RequesterPayments({ node, chain: config.chain, account: requesterAccount(config.chain) })
    const hash = await payments.refundWhenDue(jobId as Hex)
    console.log(hash === undefined ? 'nothing left to refund' : `refunded in ${hash}`)
  } finally {
    await node.stop()
  }
  return 0
}

function print (r: TaskOutcome, input: string, json: boolean): void {
  if (json) {
    if (r.ok) {
      const text = utf8OrUndefined(r.output)
      console.log(JSON.stringify({
        index: r.index,
        input,
        outputCid: r.outputCid,
        ...(text !== undefined ? { output: text } : { output: Buffer.from(r.output).toString('base64'), encoding: 'base64' }),
        providers: r.providers
      }))
    } else {
      console.log(JSON.stringify({ index: r.index, input, error: r.error, providers: r.providers }))
    }
    return
  }
  if (r.ok) {
    const text = utf8OrUndefined(r.output)
    console.log(`[${r.index}] ${input}: ${text !== undefined ? text.trimEnd() : `<${r.output.length} bytes> ${r.outputCid}`}`)
  } else {
    console.log(`[${r.index}] ${input}: FAILED ${r.error.code}: ${r.error.message}${r.error.stderrTail !== undefined && r.error.stderrTail !== '' ? `\n    stderr: ${r.error.stderrTail.trim()}` : ''}`)
  }
}

function utf8OrUndefined (bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

async function waitForSignal (): Promise<void> {
  await new Promise<void>(resolve => {
    process.once('SIGINT', () => { resolve() })
    process.once('SIGTERM', () => { resolve() })
  })
}

main(process.argv.slice(2)).then(code => { process.exit(code) }, (err: unknown) => {
  if (err instanceof TabmeshError) console.error(`tabmesh: ${err.message}`)
  else console.error(err)
  process.exit(1)
})
