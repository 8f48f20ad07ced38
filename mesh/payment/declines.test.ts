// A requester that cancels every answer after reading it (declines it) must not get outputs for free:
// only a bounded share of delivered results can be declined. No chain is touched.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { MemoryChequeStore } from './cheque-store.ts'
import { ProviderPayments } from './provider-payments.ts'

const ZERO = '0x0000000000000000000000000000000000000001'
const chain = { rpcUrl: 'http://127.0.0.1:1', chainId: 31337, lanes: ZERO, staking: ZERO, arbitration: ZERO, paymentToken: ZERO, stakingToken: ZERO, treasury: ZERO, local: true } as const
const requester = privateKeyToAccount(generatePrivateKey()).address
const PRICE = 1000n

describe('declined results (answers a requester cancelled while they were on their way)', () => {
  it('un-counts an honest few, and at most 10% + 2 of what a lane was delivered', () => {
    const payments = new ProviderPayments({ chain, account: privateKeyToAccount(generatePrivateKey()), store: new MemoryChequeStore() })
    for (let i = 0; i < 100; i++) payments.recordDelivery(requester, PRICE)
    // A crossing or two (a third run of a task two others settled): declined.
    assert.equal(payments.recordDeclined(requester, PRICE), true)
    assert.equal(payments.recordDeclined(requester, PRICE), true)
    // A requester that declines everything it read: past the budget, the results stay owed.
    let declined = 2
    for (let i = 0; i < 98; i++) if (payments.recordDeclined(requester, PRICE)) declined++
    assert.equal(declined, 12)
    // Nothing delivered at that price: nothing to decline.
    assert.equal(payments.recordDeclined(requester, PRICE + 1n), false)
  })
})
