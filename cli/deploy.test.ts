// `tabmesh deploy --rpc URL` against a second anvil treated as a remote chain (its own chain id, no
// local.json): the contracts land with the real-network settings, the ChainConfig file it writes is
// what the other commands use through TABMESH_CHAIN, and every mistake is refused before gas is spent.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { toHex } from 'viem'
import { startAnvil } from '../chain/anvil.ts'
import type { AnvilHandle } from '../chain/anvil.ts'
import { publicClientFor } from '../chain/clients.ts'
import type { ChainConfig } from '../chain/config.ts'
import { freePort } from '../chain/free-port.ts'
import { paymentLanesAbi, stakingAbi } from '../chain/generated/contracts.ts'
import { DEFAULT_CHALLENGE_SECONDS, DEFAULT_UNBONDING_SECONDS } from '../chain/deploy.ts'
import { testAccount } from '../chain/local-stack.ts'
import { CLI, exit, spawnProc } from '../testing/cli-process.ts'
import { EXIT } from './cli-error.ts'

/** A chain id no local mesh uses: the "remote" chain. */
const REMOTE_CHAIN_ID = 31_999

const keyOf = (index: number): string => toHex(testAccount(index).getHdKey().privateKey!)

async function tabmesh (args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null, out: string }> {
  const proc = spawnProc(process.execPath, [CLI, ...args], cwd, { ...process.env, TABMESH_DEPLOYER_KEY: '', TABMESH_CHAIN: '', TABMESH_PRIVATE_KEY: '', ...env })
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000)
  const code = await exit(proc)
  clearTimeout(timer)
  return { code, out: proc.output() }
}

describe('tabmesh deploy to a remote chain', () => {
  let anvil: AnvilHandle
  const cwd = mkdtempSync(join(tmpdir(), 'tabmesh-deploy-'))
  const deployer = keyOf(5)
  before(async () => { anvil = await startAnvil({ port: await freePort(), chainId: REMOTE_CHAIN_ID }) })
  after(async () => { await anvil.stop() })

  const nonce = async (): Promise<number> => await publicClientFor({ rpcUrl: anvil.rpcUrl, chainId: REMOTE_CHAIN_ID }).getTransactionCount({ address: testAccount(5).address })

  it('deploys every contract with the real-network settings and writes the ChainConfig the CLI reads', async () => {
    const out = join(cwd, 'remote', 'chain.json')
    const r = await tabmesh(['deploy', '--rpc', anvil.rpcUrl, '--out', out], cwd, { TABMESH_DEPLOYER_KEY: deployer })
    assert.equal(r.code, 0, r.out)
    for (const name of ['TestToken tUSD', 'TestToken tSTK', 'Staking', 'PaymentLanes', 'Arbitration']) assert.match(r.out, new RegExp(`${name}\\s+0x[0-9a-fA-F]{40}`), r.out)
    const config = JSON.parse(readFileSync(out, 'utf8')) as ChainConfig
    assert.equal(config.chainId, REMOTE_CHAIN_ID)
    assert.equal(config.rpcUrl, anvil.rpcUrl)
    assert.equal(config.local, false)
    assert.equal(config.treasury, testAccount(5).address)
    const client = publicClientFor(config)
    for (const address of [config.lanes, config.staking, config.arbitration, config.paymentToken, config.stakingToken]) {
      const code = await client.getCode({ address })
      assert.ok(code !== undefined && code.length > 2, `code at ${address}`)
    }
    assert.equal(await client.readContract({ address: config.staking, abi: stakingAbi, functionName: 'slasher' }), config.arbitration)
    assert.equal(await client.readContract({ address: config.staking, abi: stakingAbi, functionName: 'unbondingDelay' }), DEFAULT_UNBONDING_SECONDS)
    assert.equal(BigInt(await client.readContract({ address: config.lanes, abi: paymentLanesAbi, functionName: 'challengeWindow' })), DEFAULT_CHALLENGE_SECONDS)

    // The other commands use it through TABMESH_CHAIN, with no local mesh in this directory.
    const lanes = await tabmesh(['lanes', 'list'], cwd, { TABMESH_CHAIN: out, TABMESH_PRIVATE_KEY: keyOf(6) })
    assert.equal(lanes.code, 0, lanes.out)
    assert.match(lanes.out, new RegExp(`requester ${testAccount(6).address}: deposit 0 tUSD`))
    assert.match(lanes.out, /no lanes yet/)

    // Existing tokens are used as they are, not deployed again.
    const again = join(cwd, 'again.json')
    const reuse = await tabmesh(['deploy', '--rpc', anvil.rpcUrl, '--payment-token', config.paymentToken, '--staking-token', config.stakingToken, '--out', again], cwd, { TABMESH_DEPLOYER_KEY: deployer })
    assert.equal(reuse.code, 0, reuse.out)
    assert.doesNotMatch(reuse.out, /TestToken/)
    const second = JSON.parse(readFileSync(again, 'utf8')) as ChainConfig
    assert.equal(second.paymentToken, config.paymentToken)
    assert.equal(second.stakingToken, config.stakingToken)
    assert.notEqual(second.lanes, config.lanes)
  })

  it('refuses mistakes before spending gas: no key, a bad URL, a dead chain, a token with the wrong decimals, a bad chain file', async () => {
    const before = await nonce()
    const noKey = await tabmesh(['deploy', '--rpc', anvil.rpcUrl], cwd, {})
    assert.equal(noKey.code, EXIT.usage, noKey.out)
    assert.match(noKey.out, /TABMESH_DEPLOYER_KEY/)
    const badUrl = await tabmesh(['deploy', '--rpc', 'localhost:8545'], cwd, { TABMESH_DEPLOYER_KEY: deployer })
    assert.equal(badUrl.code, EXIT.usage, badUrl.out)
    const dead = await tabmesh(['deploy', '--rpc', `http://127.0.0.1:${await freePort()}`], cwd, { TABMESH_DEPLOYER_KEY: deployer })
    assert.equal(dead.code, EXIT.unreachable, dead.out)
    assert.match(dead.out, /does not answer/)
    const badAddress = await tabmesh(['deploy', '--rpc', anvil.rpcUrl, '--treasury', '0x1234'], cwd, { TABMESH_DEPLOYER_KEY: deployer })
    assert.equal(badAddress.code, EXIT.usage, badAddress.out)
    assert.equal(await nonce(), before, 'nothing was sent')

    // An 18-decimal token offered as the payment token (the app counts payments in 6 decimals).
    const first = JSON.parse(readFileSync(join(cwd, 'remote', 'chain.json'), 'utf8')) as ChainConfig
    const decimals = await tabmesh(['deploy', '--rpc', anvil.rpcUrl, '--payment-token', first.stakingToken], cwd, { TABMESH_DEPLOYER_KEY: deployer })
    assert.equal(decimals.code, EXIT.usage, decimals.out)
    assert.match(decimals.out, /18 decimals; the payment token needs 6/)
    assert.equal(await nonce(), before, 'nothing was deployed')

    const broken = join(cwd, 'broken.json')
    writeFileSync(broken, JSON.stringify({ ...first, lanes: 'nowhere' }))
    const bad = await tabmesh(['lanes', 'list'], cwd, { TABMESH_CHAIN: broken, TABMESH_PRIVATE_KEY: keyOf(6) })
    assert.equal(bad.code, EXIT.usage, bad.out)
    assert.match(bad.out, /"lanes" must be a 0x address/)
  })
})
