// chain/actions on a real anvil with the real contracts: each write changes what its read returns,
// a revert comes back as a TabmeshError with the action's code (and an override), and an aborted
// write sends nothing.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseUnits } from 'viem'
import { publicClientFor, walletClientFor } from '../clients.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../clients.ts'
import type { ChainConfig } from '../config.ts'
import { freePort } from '../free-port.ts'
import { startLocalChain, testAccount } from '../local-stack.ts'
import type { LocalChain } from '../local-stack.ts'
import { approve } from './approve.ts'
import { deposit } from './deposit.ts'
import { finishClose } from './finish-close.ts'
import { fundLanes } from './fund-lanes.ts'
import { readBalance } from './read-balance.ts'
import { readDeposit } from './read-deposit.ts'
import { readDispute } from './read-dispute.ts'
import { readDisputeCount } from './read-dispute-count.ts'
import { readFeeBps } from './read-fee-bps.ts'
import { readLane } from './read-lane.ts'
import { readOperators } from './read-operators.ts'
import { readOwnerOf } from './read-owner-of.ts'
import { readStake } from './read-stake.ts'
import { readTokenDecimals } from './read-token-decimals.ts'
import { readUnbonding } from './read-unbonding.ts'
import { readUnbondingDelay } from './read-unbonding-delay.ts'
import { registerOperator } from './register-operator.ts'
import { removeOperator } from './remove-operator.ts'
import { requestUnstake } from './request-unstake.ts'
import { stake } from './stake.ts'
import { startClose } from './start-close.ts'

describe('chain/actions on anvil', () => {
  let local: LocalChain
  let chain: ChainConfig
  let publicClient: TabmeshPublicClient
  let walletClient: TabmeshWalletClient
  const owner = testAccount(6)
  const operator = testAccount(7)

  before(async () => {
    local = await startLocalChain({ dir: mkdtempSync(join(tmpdir(), 'tabmesh-actions-')), port: await freePort() })
    chain = local.chain
    publicClient = publicClientFor(chain)
    walletClient = walletClientFor(chain, owner)
  })
  after(async () => { await local?.anvil.stop() })

  it('reads the deployment: token decimals, fee, unbonding delay, no disputes', async () => {
    assert.equal(await readTokenDecimals({ publicClient, token: chain.paymentToken }), 6)
    assert.equal(await readTokenDecimals({ publicClient, token: chain.stakingToken }), 18)
    assert.equal(await readFeeBps({ chain, publicClient }), 100)
    assert.ok(await readUnbondingDelay({ chain, publicClient }) > 0)
    assert.equal(await readDisputeCount({ chain, publicClient }), 0n)
    assert.equal((await readDispute({ chain, publicClient, id: 1n })).status, 'none')
  })

  it('stakes and unbonds: approve → stake → requestUnstake move the amounts readStake and readUnbonding report', async () => {
    const clients = { chain, publicClient, walletClient }
    const before = await readBalance({ publicClient, token: chain.stakingToken, owner: owner.address })
    const amount = parseUnits('50', 18)
    await approve({ ...clients, token: chain.stakingToken, spender: chain.staking, amount })
    await stake({ ...clients, amount })
    assert.equal(await readStake({ chain, publicClient, owner: owner.address }), amount)
    assert.equal(await readBalance({ publicClient, token: chain.stakingToken, owner: owner.address }), before - amount)
    await requestUnstake({ ...clients, amount: parseUnits('20', 18) })
    assert.equal(await readStake({ chain, publicClient, owner: owner.address }), parseUnits('30', 18))
    const unbonding = await readUnbonding({ chain, publicClient, owner: owner.address })
    assert.equal(unbonding.amount, parseUnits('20', 18))
    assert.ok(unbonding.releaseAt > Date.now() / 1000 - 60)
  })

  it('registers and removes an operator; registerOperator does nothing when it already acts for the owner', async () => {
    assert.equal(await readOwnerOf({ chain, publicClient, operator: operator.address }), undefined)
    assert.match(await registerOperator({ chain, publicClient, owner: walletClient, operator }) ?? '', /^0x[0-9a-f]{64}$/)
    assert.equal(await registerOperator({ chain, publicClient, owner: walletClient, operator }), undefined, 'nothing sent the second time')
    assert.equal(await readOwnerOf({ chain, publicClient, operator: operator.address }), owner.address)
    assert.deepEqual(await readOperators({ chain, publicClient, owner: owner.address }), [operator.address])
    await removeOperator({ chain, publicClient, walletClient, operator: operator.address })
    assert.equal(await readOwnerOf({ chain, publicClient, operator: operator.address }), undefined)
  })

  it('funds a lane from the deposit and starts closing it; a close not due reverts with the action\'s code, or the one asked for', async () => {
    const clients = { chain, publicClient, walletClient }
    const to = testAccount(8).address
    await approve({ ...clients, token: chain.paymentToken, spender: chain.lanes, amount: 5_000_000n })
    await deposit({ ...clients, amount: 5_000_000n })
    assert.equal(await readDeposit({ chain, publicClient, requester: owner.address }), 5_000_000n)
    await fundLanes({ ...clients, owners: [to], amounts: [2_000_000n] })
    assert.deepEqual(await readLane({ chain, publicClient, requester: owner.address, owner: to }), { funded: 2_000_000n, claimed: 0n, closesAt: 0n })
    assert.equal(await readDeposit({ chain, publicClient, requester: owner.address }), 3_000_000n)
    await startClose({ ...clients, owner: to })
    assert.ok((await readLane({ chain, publicClient, requester: owner.address, owner: to })).closesAt > 0n)
    // The node's gas estimate reverts, so nothing is sent; the error names the contract's custom error.
    const nonce = await publicClient.getTransactionCount({ address: owner.address })
    await assert.rejects(finishClose({ ...clients, owner: to }), (err: Error & { code?: string, details?: string }) => {
      assert.equal(err.code, 'LANE_CLOSE_FAILED')
      assert.match(err.details ?? '', /^CloseNotDue\(/, err.message)
      return true
    })
    await assert.rejects(finishClose({ ...clients, owner: testAccount(9).address, errorCode: 'MY_CODE' }), (err: Error & { code?: string, details?: string }) => {
      assert.equal(err.code, 'MY_CODE')
      assert.match(err.details ?? '', /^LaneNotClosing\(/, err.message)
      return true
    })
    assert.equal(await publicClient.getTransactionCount({ address: owner.address }), nonce, 'no transaction was sent')
  })

  it('an aborted write sends nothing', async () => {
    const nonce = await publicClient.getTransactionCount({ address: owner.address })
    await assert.rejects(stake({ chain, publicClient, walletClient, amount: 1n, signal: AbortSignal.abort() }))
    assert.equal(await publicClient.getTransactionCount({ address: owner.address }), nonce)
  })
})
