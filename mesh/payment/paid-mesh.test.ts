// A paid job on a real local chain (anvil + the deployed contracts) over a loopback libp2p mesh:
// cheques pay the honest providers exactly, a lying provider is outvoted and slashed, the rest is refunded.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createTestClient, http } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { chainOf, publicClientFor } from '../../chain/clients.ts'
import { freePort } from '../../chain/free-port.ts'
import { jobEscrowAbi, stakingAbi, testTokenAbi } from '../../chain/generated/contracts.ts'
import { LOCAL_STAKE } from '../../chain/local-funding.ts'
import { startLocalChain, testAccount } from '../../chain/local-stack.ts'
import type { LocalChain } from '../../chain/local-stack.ts'
import { tempDir } from '../../e2e/browser.ts'
import { startRelay } from '../../relay/start-relay.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import { createClient } from '../../sdk/index.ts'
import type { TabmeshClient, TaskOutcome } from '../../sdk/index.ts'
import { bundledPrimesPath, startNodeProvider } from '../provider/node-provider.ts'
import { pbStream } from '@libp2p/utils'
import { peerIdFromString } from '@libp2p/peer-id'
import { serveBlobs } from '../blob/protocol.ts'
import { cidOf } from '../cid.ts'
import { MAX_TASK_MESSAGE_BYTES, TASK_PROTOCOL } from '../constants.ts'
import { connectDirect, toMultiaddrs } from '../node/connections.ts'
import { createMeshNode } from '../node/create-node.ts'
import { TaskRequest, TaskResponse } from '../protocol/messages.js'
import { RequesterPayments } from './requester-payments.ts'
import { chequeSigner, outputHashOf, signCheque } from './signatures.ts'
import { createWalletClient } from 'viem'
import type { NodeProviderHandle } from '../provider/node-provider.ts'

const primes = readFileSync(bundledPrimesPath())
const PRICE = 1_000n // 0.001 tUSD per task run

describe('paid job on anvil: cheques, claims, slashing, refund', () => {
  let local: LocalChain
  let relay: RelayHandle
  const providers: NodeProviderHandle[] = []
  let client: TabmeshClient
  const dir = tempDir('tabmesh-paid-')

  before(async () => {
    local = await startLocalChain({ dir, port: await freePort() })
    relay = await startRelay({ port: 0 })
    for (let i = 0; i < 3; i++) {
      providers.push(await startNodeProvider({
        bootstrap: relay.multiaddrs,
        workers: 1,
        cacheDir: join(dir, `blobs-${i}`),
        chequeFile: join(dir, `cheques-${i}.json`),
        chain: local.chain,
        account: privateKeyToAccount(generatePrivateKey()),
        faultyOutputs: i === 2
      }))
    }
    client = await createClient({ bootstrap: relay.multiaddrs, chain: local.chain, account: testAccount(1) })
    await client.waitForProviders(3, { signal: AbortSignal.timeout(30_000) })
  })

  after(async () => {
    await client?.stop()
    for (const p of providers) await p.stop()
    await relay?.stop()
    await local?.anvil.stop()
  })

  it('pays accepted tasks × price, slashes the liar, refunds the rest', async () => {
    const pub = publicClientFor(local.chain)
    const balance = async (token: `0x${string}`, who: `0x${string}`): Promise<bigint> => await pub.readContract({ address: token, abi: testTokenAbi, functionName: 'balanceOf', args: [who] })
    const requester = testAccount(1).address
    const before = {
      requester: await balance(local.chain.paymentToken, requester),
      treasury: await balance(local.chain.paymentToken, local.chain.treasury)
    }
    for (const p of providers) assert.equal(await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [p.payments!.address] }), LOCAL_STAKE)

    // Six real tasks and one every provider fails on (bad input): failed tasks are not paid, so part
    // of the deposit must come back.
    const inputs = [...Array.from({ length: 6 }, (_, i) => `${i * 100_000} ${(i + 1) * 100_000}`), 'not a range']
    const job = client.submit({ module: primes, inputs, redundancy: 2, verification: 'replicate', pricePerTask: PRICE, minStake: LOCAL_STAKE, deadlineSeconds: 600 })
    const outcomes: TaskOutcome[] = []
    for await (const r of job.results()) outcomes.push(r)
    const summary = await job.done
    assert.equal(summary.accepted, 6)
    assert.equal(summary.failed, 1)
    let total = 0
    const acceptedBy = new Map<string, number>()
    for (const r of outcomes) {
      if (r.index === 6) { assert.equal(!r.ok && r.error.code, 'EXIT_NONZERO'); continue }
      assert.ok(r.ok)
      total += Number(new TextDecoder().decode(r.output))
      for (const peer of r.providers) acceptedBy.set(peer, (acceptedBy.get(peer) ?? 0) + 1)
    }
    assert.equal(total, 49_098, 'π(6·10^5)')
    const liar = providers[2]!
    assert.equal(acceptedBy.get(liar.node.peerId.toString()), undefined, 'the liar is never in a quorum')
    assert.ok(summary.faults.length > 0 && summary.faults.every(f => f.provider === liar.node.peerId.toString()), 'only the liar is reported')

    // Let the deadline pass on chain so the SDK's automatic refund can run.
    const test = createTestClient({ chain: chainOf(local.chain), mode: 'anvil', transport: http(local.chain.rpcUrl) })
    await test.increaseTime({ seconds: 700 })
    await test.mine({ blocks: 1 })
    const settlement = await client.paidJobs.get(job.id)!.settlement

    const deposit = 7n * 2n * PRICE
    let paidTotal = 0n
    for (const p of providers.slice(0, 2)) {
      const expected = BigInt(acceptedBy.get(p.node.peerId.toString()) ?? 0) * PRICE
      assert.equal(await balance(local.chain.paymentToken, p.payments!.address), expected, 'paid exactly accepted tasks × price')
      paidTotal += expected
    }
    assert.equal(paidTotal, deposit - 2n * PRICE, 'every accepted task paid twice (redundancy 2), the failed one not at all')
    assert.equal(await balance(local.chain.paymentToken, liar.payments!.address), 0n)
    const fee = paidTotal / 100n
    assert.equal(await balance(local.chain.paymentToken, local.chain.treasury) - before.treasury, fee, 'treasury got 1% of what was paid')
    assert.equal(before.requester - await balance(local.chain.paymentToken, requester), paidTotal + fee, 'the requester got the rest back')
    assert.deepEqual({ paid: settlement.paid, fee: settlement.fee, slashed: settlement.slashed }, { paid: paidTotal, fee, slashed: LOCAL_STAKE })
    assert.equal(settlement.refunded, deposit + deposit / 100n - paidTotal - fee, 'refund = unspent deposit + unspent fee reserve')

    assert.equal(await pub.readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [liar.payments!.address] }), 0n, 'the liar was slashed on chain')
    const [, , , , refunded] = await pub.readContract({ address: local.chain.escrow, abi: jobEscrowAbi, functionName: 'jobs', args: [job.id as `0x${string}`] })
    assert.equal(refunded, true)
  })

  it('stops serving a requester that falls more than one task behind on cheques', async () => {
    const provider = await startNodeProvider({
      bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(dir, 'blobs-strict'), chequeFile: join(dir, 'cheques-strict.json'),
      chain: local.chain, account: privateKeyToAccount(generatePrivateKey()), chequeGraceMs: 0
    })
    const freeloader = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    try {
      // A requester that opens a paid job on chain, then never sends a cheque.
      const moduleCid = await cidOf(primes)
      await serveBlobs(freeloader, async cid => cid.equals(moduleCid) ? primes : undefined)
      const jobId = `0x${'ab'.repeat(32)}` as const
      await new RequesterPayments({ node: freeloader, chain: local.chain, account: testAccount(2) }).openJob({
        jobId, moduleHash: outputHashOf(moduleCid), inputsRoot: outputHashOf(moduleCid), taskCount: 10, redundancy: 1, pricePerTask: PRICE, deadline: BigInt(Math.floor(Date.now() / 1000) + 3600), minStake: 0n
      })
      const connection = await connectDirect(freeloader, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
      const outcomes: string[] = []
      for (let i = 0; i < 4; i++) {
        const input = new TextEncoder().encode(`0 ${1000 * (i + 1)}`)
        const stream = await connection.newStream(TASK_PROTOCOL)
        const pb = pbStream(stream, { maxDataLength: MAX_TASK_MESSAGE_BYTES })
        await pb.write({ jobId, taskIndex: i, moduleCid: moduleCid.bytes, inputCid: (await cidOf(input)).bytes, args: ['primes'], env: [], limits: undefined, input, paid: true }, TaskRequest)
        const res = await pb.read(TaskResponse)
        outcomes.push(res.ok ? `ok signed=${res.receiptSignature.length === 65}` : res.failure!.code)
      }
      assert.deepEqual(outcomes, ['ok signed=true', 'ok signed=true', 'UNPAID', 'UNPAID'], 'one task of credit, then refused')
    } finally {
      await freeloader.stop()
      await provider.stop()
    }
  })

  it('signs cheques through a JSON-RPC wallet (eth_signTypedData_v4, as an injected wallet does)', async () => {
    const address = testAccount(3).address
    // No private key in this process: anvil holds it, as a browser wallet would.
    const wallet = createWalletClient({ account: address, chain: chainOf(local.chain), transport: http(local.chain.rpcUrl) })
    const cheque = { jobId: `0x${'cd'.repeat(32)}` as const, provider: testAccount(4).address, cumulativeAmount: 12_345n }
    const signature = await signCheque(wallet as never, local.chain, cheque)
    assert.equal(await chequeSigner(local.chain, cheque, signature), address)
    assert.notEqual(await chequeSigner(local.chain, { ...cheque, cumulativeAmount: 12_346n }, signature), address)
  })
})
