// The README's path as a person runs it: `tabmesh dev`, `tabmesh provide`, `tabmesh submit --json`,
// each its own process, finding each other through .tabmesh/local.json.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { tempDir } from '../testing/browser.ts'
import { exit, run, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'
import { freePort } from '../chain/free-port.ts'
import { publicClientFor } from '../chain/clients.ts'
import { paymentLanesAbi, testTokenAbi } from '../chain/generated/contracts.ts'
import { testAccount } from '../chain/local-stack.ts'
import { PAYMENT_TOKEN, formatTokenAmount } from '../chain/tokens.ts'
import { providerKeys } from '../cli/provider-slots.ts'
import { privateKeyToAccount } from 'viem/accounts'

const PRIMES = fileURLToPath(new URL('../jobs/primes/build/primes.wasm', import.meta.url))
const PRINTENV = fileURLToPath(new URL('../jobs/wasi-c/build/printenv.wasm', import.meta.url))
const LSTREE = fileURLToPath(new URL('../jobs/wasi-c/build/lstree.wasm', import.meta.url))

describe('cli: tabmesh dev + provide + submit', () => {
  const cwd = tempDir('tabmesh-cli-')
  const procs: Proc[] = []

  after(async () => {
    for (const p of procs) p.child.kill('SIGINT')
    await Promise.all(procs.map(exit))
  })

  it('dev prints the URL and writes local.json; provide joins; submit --json returns the right counts', async () => {
    const dev = run(['dev', '--port', '0', '--relay-port', '0', '--chain-port', String(await freePort()), '--workers', '1'], cwd)
    procs.push(dev)
    const [, url] = await waitFor(dev, /web app\s+(http:\/\/\S+)/, 60_000)
    const config = JSON.parse(readFileSync(join(cwd, '.tabmesh', 'local.json'), 'utf8')) as { bootstrap: string[], web: string, chain: { lanes: `0x${string}`, arbitration: string, local: boolean, rpcUrl: string, chainId: number, paymentToken: `0x${string}` } }
    assert.match(config.chain.lanes, /^0x[0-9a-f]{40}$/i)
    assert.match(config.chain.arbitration, /^0x[0-9a-f]{40}$/i)
    assert.equal(config.chain.local, true)
    assert.equal(config.web, url)
    assert.match(config.bootstrap[0]!, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3Koo/)
    const page = await fetch(url!)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /<div id="root">/)
    assert.deepEqual(await (await fetch(new URL('/tabmesh.json', url))).json(), { bootstrap: config.bootstrap, chain: config.chain })

    const provide = run(['provide', '--workers', '1'], cwd)
    procs.push(provide)
    await waitFor(provide, /providing as 12D3Koo\S+ with 1 worker\b/, 60_000)

    const inputs: string[] = []
    for (let i = 0; i < 8; i++) {
      const file = join(cwd, `range-${i}.txt`)
      writeFileSync(file, `${i * 1_000_000} ${(i + 1) * 1_000_000}\n`)
      inputs.push(file)
    }
    const submit = run(['submit', PRIMES, ...inputs, '--redundancy', '2', '--json'], cwd)
    assert.equal(await exit(submit), 0, submit.output())
    const lines = submit.output().trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
    const tasks = lines.filter(l => l.summary !== true)
    const summary = lines.find(l => l.summary === true)
    assert.equal(tasks.length, 8)
    assert.deepEqual(summary && { accepted: summary.accepted, failed: summary.failed, tasks: summary.tasks }, { accepted: 8, failed: 0, tasks: 8 })
    let total = 0
    for (const t of tasks) {
      assert.equal(t.input, inputs[t.index as number])
      assert.match(t.outputCid as string, /^bafkrei/)
      assert.equal((t.providers as string[]).length, 2)
      total += Number(t.output)
    }
    assert.equal(total, 539_777, 'π(8·10^6)')

    // A host directory mounted in every task with --dir: both providers list the same tree.
    const data = join(cwd, 'data')
    mkdirSync(join(data, 'sub'), { recursive: true })
    writeFileSync(join(data, 'log.txt'), 'host\n')
    writeFileSync(join(data, 'sub', 'x.bin'), new Uint8Array(7))
    const mounted = run(['submit', LSTREE, inputs[0]!, '--dir', `${data}:/data`, '--arg=/data', '--redundancy', '2', '--json'], cwd)
    assert.equal(await exit(mounted), 0, mounted.output())
    const listing = mounted.output().trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.summary !== true)
    assert.match(listing?.output as string, /^log\.txt ino=\d+ size=5 mtime=1704067200\nsub ino=\d+ size=0 mtime=1704067200\/\n {2}x\.bin ino=\d+ size=7 mtime=1704067200\nlog\.txt: host\nappended by this task\n$/)
    assert.equal((listing?.providers as string[]).length, 2)
    assert.equal(readFileSync(join(data, 'log.txt'), 'utf8'), 'host\n', 'the host directory is untouched')

    // --out: what each task leaves in /out lands under DIR/<index>/, and --json lists each file's CID.
    const outDir = join(cwd, 'out')
    const collected = run(['submit', LSTREE, inputs[0]!, inputs[1]!, '--dir', `${data}:/out`, '--out', outDir, '--arg=/out', '--redundancy', '2', '--json'], cwd)
    assert.equal(await exit(collected), 0, collected.output())
    const collectedLines = collected.output().trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>).filter(l => l.summary !== true)
    assert.equal(collectedLines.length, 2)
    for (const line of collectedLines) {
      assert.deepEqual(Object.keys(line.files as Record<string, string>).sort(), ['log.txt', 'sub/x.bin'])
      assert.match((line.files as Record<string, string>)['log.txt']!, /^bafkrei/)
      assert.equal(readFileSync(join(outDir, String(line.index), 'log.txt'), 'utf8'), 'host\nappended by this task\n')
      assert.equal(readFileSync(join(outDir, String(line.index), 'sub', 'x.bin')).length, 7)
    }

    // Per-task args and env: a --tasks file, job-wide --arg and --env.
    const tasksFile = join(cwd, 'tasks.jsonl')
    writeFileSync(tasksFile, '{"args":["one"],"env":{"MODE":"fast"}}\n{"stdin":"in","env":{"SHARED":"task"}}\n')
    const perTask = run(['submit', PRINTENV, '--tasks', tasksFile, '--arg=--job', '--env', 'SHARED=job', '--redundancy', '2', '--json'], cwd)
    assert.equal(await exit(perTask), 0, perTask.output())
    const perTaskLines = perTask.output().trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>).filter(l => l.summary !== true)
    assert.deepEqual(perTaskLines.map(l => [l.index, l.input, l.output]).sort(), [
      [0, `${tasksFile}#0`, 'arg 0 task\narg 1 --job\narg 2 one\nenv SHARED=job\nenv MODE=fast\nstdin \n'],
      [1, `${tasksFile}#1`, 'arg 0 task\narg 1 --job\nenv SHARED=task\nstdin in\n']
    ])

    // The same job, paid: the CLI prints the job id, the lane funding transactions and the settlement in token units.
    const paid = run(['submit', PRIMES, ...inputs, '--redundancy', '2', '--json', '--price', '0.001', '--min-stake', '100'], cwd)
    assert.equal(await exit(paid), 0, paid.output())
    const paidLines = paid.output().trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
    const opened = paidLines.find(l => l.paid === true)
    assert.match(opened?.jobId as string, /^0x[0-9a-f]{64}$/)
    const settlement = paidLines.find(l => l.settlement === true)
    assert.deepEqual(settlement && { paid: settlement.paid, fee: settlement.fee, slashed: settlement.slashed, disputes: settlement.disputes }, { paid: '0.016', fee: '0.00016', slashed: '0', disputes: [] }, '8 tasks × 2 × 0.001 tUSD')
    assert.ok((settlement?.transactions as string[]).length >= 1, 'the lanes were funded (approve, deposit, fundLanes)')

    // `tabmesh lanes` lists the requester's lanes: funded, claimed, unclaimed.
    const lanes = run(['lanes'], cwd)
    assert.equal(await exit(lanes), 0, lanes.output())
    assert.match(lanes.output(), /lane → 0x[0-9a-fA-F]{40}: funded [\d.]+ tUSD, claimed [\d.]+ tUSD, unclaimed [\d.]+ tUSD · open/)

    // `tabmesh claim` claims every lane this machine's operators hold cheques for, paying their owners.
    const chainConfig = { rpcUrl: config.chain.rpcUrl, chainId: config.chain.chainId }
    const pub = publicClientFor(chainConfig)
    const keys = await providerKeys(join(cwd, '.tabmesh'))
    assert.equal(keys.length, 3, 'the two dev providers and the `provide` slot')
    const accounts = keys.map(k => privateKeyToAccount(readFileSync(k.keyFile, 'utf8').trim() as `0x${string}`))
    const first = run(['claim'], cwd)
    assert.equal(await exit(first), 0, first.output())
    assert.match(first.output(), /^claimed [\d.]+ tUSD in total for owner 0x/m)
    // Then nothing is owed on chain, and no transaction is sent from any of this machine's keys.
    // As if a provider had crashed between its claim landing and recording it: the cheque files say
    // nothing is claimed. PaymentLanes knows better, and `claim` must ask it before spending gas.
    let stale = 0
    for (const { chequeFile } of keys) {
      if (!existsSync(chequeFile)) continue
      const records = JSON.parse(readFileSync(chequeFile, 'utf8')) as Record<string, { claimed: string }>
      for (const r of Object.values(records)) { r.claimed = '0'; stale++ }
      writeFileSync(chequeFile, JSON.stringify(records))
    }
    assert.ok(stale > 0, 'some provider holds a cheque of the paid job')
    const nonces = await Promise.all(accounts.map(async a => await pub.getTransactionCount({ address: a.address })))
    const claim = run(['claim'], cwd)
    assert.equal(await exit(claim), 0, claim.output())
    assert.match(claim.output(), /^nothing to claim: every cheque this machine's providers hold is already claimed \(no transaction sent\)$/m)
    assert.deepEqual(await Promise.all(accounts.map(async a => await pub.getTransactionCount({ address: a.address }))), nonces, 'no transaction sent')

    // `tabmesh provide` reports its earnings: what its lane has claimed (gross), which its owner — its
    // own key — received less the 1% fee.
    const balance = await pub.readContract({ address: config.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [accounts[2]!.address] })
    const claimedGross = await pub.readContract({ address: config.chain.lanes, abi: paymentLanesAbi, functionName: 'lanes', args: [testAccount(1).address, accounts[2]!.address] }).then(l => l[1])
    assert.equal(balance, claimedGross - claimedGross / 100n, 'the owner received the claims less the fee')
    const shown = formatTokenAmount(claimedGross, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)
    await waitFor(provide, new RegExp(`earned ${shown.replace('.', '\\.')} \\(claimed ${shown.replace('.', '\\.')}, claimable 0 tUSD\\)`), 30_000)
  })
})
