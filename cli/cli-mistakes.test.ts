// Every CLI mistake a newcomer made (issue 15) gets one line that says what to do, no stack trace,
// and a documented exit code — before anything touches the network where the mistake is local.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { exit, run, waitFor } from '../testing/cli-process.ts'
import { startRelay } from '../relay/start-relay.ts'
import type { RelayHandle } from '../relay/start-relay.ts'
import { freePort } from '../chain/free-port.ts'
import { EXIT } from './cli-error.ts'

const PRIMES = fileURLToPath(new URL('../jobs/primes/build/primes.wasm', import.meta.url))
/** A peer id nobody runs: the relay of a local.json left behind by a mesh that was stopped. */
const DEAD_PEER = '12D3KooWGRUVh8fACXQd8N1RHSLsvFaWXmkuUUuN5bdBRS8WHNX8'

async function tabmesh (args: string[], cwd: string, timeoutMs = 30_000): Promise<{ code: number | null, out: string, ms: number }> {
  const started = Date.now()
  const proc = run(args, cwd)
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs)
  const code = await exit(proc)
  clearTimeout(timer)
  return { code, out: proc.output(), ms: Date.now() - started }
}

/** One line of output, and no line of a stack trace. */
function assertOneLine (out: string, pattern: RegExp): void {
  const lines = out.trim().split('\n')
  assert.equal(lines.length, 1, `expected one line, got:\n${out}`)
  assert.match(lines[0]!, /^tabmesh: /)
  assert.match(lines[0]!, pattern)
  assert.doesNotMatch(out, /^\s+at /m, 'no stack trace')
}

describe('cli mistakes: one line each, exit codes, nothing sent', () => {
  const bare = mkdtempSync(join(tmpdir(), 'tabmesh-cli-bare-'))
  const stale = mkdtempSync(join(tmpdir(), 'tabmesh-cli-stale-'))
  let deadPort: number

  before(async () => {
    for (const dir of [bare, stale]) {
      writeFileSync(join(dir, 'in.txt'), '0 1000\n')
      writeFileSync(join(dir, 'not.wasm'), 'hello\n')
      writeFileSync(join(dir, 'bad-tasks.jsonl'), 'not json\n')
    }
    deadPort = await freePort()
    // What a stopped `npm start` leaves behind: a local.json whose relay and chain no longer answer.
    mkdirSync(join(stale, '.tabmesh'))
    writeFileSync(join(stale, '.tabmesh', 'local.json'), JSON.stringify({
      bootstrap: [`/ip4/127.0.0.1/tcp/${deadPort}/ws/p2p/${DEAD_PEER}`],
      chain: { rpcUrl: `http://127.0.0.1:${deadPort}`, chainId: 31337, lanes: `0x${'1'.repeat(40)}`, staking: `0x${'2'.repeat(40)}`, arbitration: `0x${'6'.repeat(40)}`, paymentToken: `0x${'3'.repeat(40)}`, stakingToken: `0x${'4'.repeat(40)}`, treasury: `0x${'5'.repeat(40)}`, local: true },
      startedAt: new Date().toISOString()
    }))
  })

  const usage: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['sumbit'], /unknown command "sumbit"; the commands are dev, relay, provide, submit/],
    ['a mistyped option', ['submit', PRIMES, 'in.txt', '--frobnicate'], /unknown option --frobnicate/],
    ['a missing input file', ['submit', PRIMES, 'missing.txt'], /cannot read missing\.txt: no such file/],
    ['a missing module', ['submit', 'nope.wasm', 'in.txt'], /cannot read nope\.wasm: no such file/],
    ['--price abc', ['submit', PRIMES, 'in.txt', '--price', 'abc'], /--price: "abc" is not an amount of tUSD/],
    ['a module that is not wasm', ['submit', 'not.wasm', 'in.txt'], /not\.wasm is not a WebAssembly module/],
    ['--redundancy 0', ['submit', PRIMES, 'in.txt', '--redundancy', '0'], /--redundancy must be a whole number from 1 to 16, got "0"/],
    ['--timeout abc', ['submit', PRIMES, 'in.txt', '--timeout', 'abc'], /--timeout must be a whole number/],
    ['submit --env without =', ['submit', PRIMES, 'in.txt', '--env', 'NOVALUE'], /--env NOVALUE: expected NAME=value/],
    ['submit --dir without a guest path', ['submit', PRIMES, 'in.txt', '--dir', '/nonexistent-dir-xyz'], /--dir \/nonexistent-dir-xyz: expected HOST_DIR:GUEST_PATH/],
    ['submit --tasks with a bad line', ['submit', PRIMES, '--tasks', 'bad-tasks.jsonl'], /bad-tasks\.jsonl:1: not JSON/],
    ['submit without inputs', ['submit', PRIMES], /usage: tabmesh submit MODULE\.wasm \[INPUT_FILE\.\.\.\] \[--tasks FILE\]/],
    ['a malformed lane owner', ['lanes', 'close', 'xyz'], /usage: tabmesh lanes .*OWNER is a 0x address/],
    ['a lane amount that is not a number', ['lanes', 'fund', `0x${'a'.repeat(40)}`, 'lots'], /"lots" is not an amount of tUSD/],
    ['a malformed dispute id', ['dispute', '1e3'], /usage: tabmesh dispute \[ID\]/],
    ['provide --workers 0', ['provide', '--workers', '0'], /--workers must be a whole number from 1/]
  ]
  for (const [what, args, pattern] of usage) {
    it(`${what}: exit ${EXIT.usage} before touching the network, even with a mesh configured`, async () => {
      // Run where local.json names a dead relay: a usage mistake must be found before any dial.
      const r = await tabmesh(args, stale)
      assert.equal(r.code, EXIT.usage, r.out)
      assertOneLine(r.out, pattern)
    })
  }

  it(`no local mesh: exit ${EXIT.unreachable}, says to run npm start`, async () => {
    const r = await tabmesh(['submit', PRIMES, 'in.txt'], bare)
    assert.equal(r.code, EXIT.unreachable, r.out)
    assertOneLine(r.out, /no local mesh: .*local\.json is missing\. Run `npm start`/)
  })

  it(`a stopped mesh (relay gone): exit ${EXIT.unreachable} at once, no [object ErrorEvent], no 60 s wait`, async () => {
    const r = await tabmesh(['submit', PRIMES, 'in.txt'], stale)
    assert.equal(r.code, EXIT.unreachable, r.out)
    assertOneLine(r.out, /cannot reach the relay at \/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3Koo\S+: is the mesh running \(`npm start`\)\?/)
    assert.doesNotMatch(r.out, /object ErrorEvent/)
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`)
  })

  for (const args of [['provide'], ['claim'], ['submit', PRIMES, 'in.txt', '--price', '0.001']]) {
    it(`tabmesh ${args[0]}${args.includes('--price') ? ' --price' : ''} with the chain gone: exit ${EXIT.unreachable}, one line instead of a viem dump`, async () => {
      const r = await tabmesh(args, stale)
      assert.equal(r.code, EXIT.unreachable, r.out)
      assertOneLine(r.out, /the chain at http:\/\/127\.0\.0\.1:\d+ does not answer: is the local mesh running \(`npm start`\)\?/)
    })
  }
})

describe('cli: a job nobody can serve says so at once, keeps waiting, and Ctrl-C cancels it', () => {
  let relay: RelayHandle
  const cwd = mkdtempSync(join(tmpdir(), 'tabmesh-cli-wait-'))
  before(async () => {
    relay = await startRelay({ port: 0 })
    writeFileSync(join(cwd, 'in.txt'), '0 1000\n')
  })
  after(async () => { await relay?.stop() })

  it('prints the waiting reason on its own line (no TTY), then exits 130 on SIGINT', async () => {
    const proc = run(['submit', PRIMES, 'in.txt', '--bootstrap', relay.multiaddrs[0]!], cwd)
    await waitFor(proc, /waiting for providers: each task needs 2 different providers, 0 are available — start one with `npx tabmesh provide`/, 15_000)
    // Without a terminal, progress is whole lines, not carriage returns running together.
    assert.doesNotMatch(proc.output(), /\r/)
    proc.child.kill('SIGINT')
    assert.equal(await exit(proc), EXIT.interrupted, proc.output())
    assert.match(proc.output(), /cancelled: the job was stopped/)
  })
})
