// Paid jobs on a real local chain (anvil + the deployed contracts) over a loopback libp2p mesh of
// six Node providers (each its own owner and operator): payment lanes and cheques pay the honest
// providers exactly, a lying provider is disputed and slashed by three drawn arbiters, two
// requester-controlled identities cannot slash an honest owner, and a requester that stops paying and
// closes its lane gets no more work than the credit limit while the provider claims what it holds.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createTestClient, createWalletClient, http } from 'viem'
import type { Address } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { chainOf, publicClientFor } from '../../chain/clients.ts'
import { paymentLanesAbi, stakingAbi, testTokenAbi } from '../../chain/generated/contracts.ts'
import { LOCAL_STAKE } from '../../chain/local-funding.ts'
import { LOCAL_ARBITRATION } from '../../chain/deploy.ts'
import { testAccount } from '../../chain/local-stack.ts'
import type { LocalChain } from '../../chain/local-stack.ts'
import { tempDir } from '../../testing/browser.ts'
import { startPaidMesh } from '../../testing/paid-mesh.ts'
import type { PaidMesh } from '../../testing/paid-mesh.ts'
import type { RelayHandle } from '../../relay/start-relay.ts'
import type { TabmeshClient, TaskOutcome } from '../../sdk/index.ts'
import { bundledPrimesPath, startNodeProvider } from '../provider/node-provider.ts'
import type { NodeProviderHandle } from '../provider/node-provider.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { serveBlobs } from '../protocol/blob.ts'
import { cidOf } from '../cid.ts'
import { createMeshNode } from '../node/create-node.ts'
import { openTaskSession } from '../protocol/task.ts'
import { accuseWithSybils } from '../../testing/sybil-accusation.ts'
import { RequesterPayments } from './requester-payments.ts'
import { fromHex, signTyped, typedSigner } from '../../chain/signatures.ts'

const primes = readFileSync(bundledPrimesPath())
const PRICE = 1_000n // 0.001 tUSD per task run
const PROVIDERS = 6
const LIAR = 2

describe('paid jobs on anvil: lanes, cheques, claims, disputes', () => {
  let mesh: PaidMesh
  let local: LocalChain
  let relay: RelayHandle
  let providers: NodeProviderHandle[]
  let client: TabmeshClient
  const dir = tempDir('tabmesh-paid-')
  const stakeOf = async (owner: Address): Promise<bigint> => await publicClientFor(local.chain).readContract({ address: local.chain.staking, abi: stakingAbi, functionName: 'stakeOf', args: [owner] })

  before(async () => {
    mesh = await startPaidMesh(dir, PROVIDERS, { liar: LIAR });
    ({ local, relay, providers, client } = mesh)
  })

  after(async () => { await mesh?.stop() })

  it('pays every accepted run by cheque on its owner\'s lane; the liar is disputed and slashed by three arbiters', async () => {
    const pub = publicClientFor(local.chain)
    const requester = testAccount(1).address
    for (const p of providers) assert.equal(await stakeOf(p.payments!.owner), LOCAL_STAKE)

    // Six real tasks and one every provider fails on (bad input): an agreed failure is paid like an output.
    const inputs = [...Array.from({ length: 6 }, (_, i) => `${i * 100_000} ${(i + 1) * 100_000}`), 'not a range']
    const job = client.submit({ module: primes, inputs, redundancy: 2, verification: 'replicate', pricePerTask: PRICE, minStake: LOCAL_STAKE })
    const outcomes: TaskOutcome[] = []
    for await (const r of job.results()) outcomes.push(r)
    const summary = await job.done
    assert.equal(summary.accepted, 6)
    assert.equal(summary.failed, 1)
    let total = 0
    const runsBy = new Map<string, number>()
    for (const r of outcomes) {
      if (r.index === 6) assert.equal(!r.ok && r.error.code, 'EXIT_NONZERO')
      else total += Number(new TextDecoder().decode(r.ok ? r.output : new Uint8Array()))
      for (const peer of r.providers) runsBy.set(peer, (runsBy.get(peer) ?? 0) + 1)
    }
    assert.equal(total, 49_098, 'π(6·10^5)')
    const liar = providers[LIAR]!
    const liarId = liar.node.peerId.toString()
    assert.ok(outcomes.every(r => r.index === 6 || !r.providers.includes(liarId)), 'the liar is never in a quorum on an output (it fails bad input like everyone)')
    assert.ok(summary.faults.length > 0 && summary.faults.every(f => f.provider === liar.node.peerId.toString()), 'only the liar is reported')
    assert.ok(summary.faults.every(f => f.faultyReceipt !== undefined && f.taskSpec !== undefined), 'every fault carries signed receipts')

    const settlement = await client.paidJobs.get(job.id)!.settlement
    const expectedPaid = 7n * 2n * PRICE
    assert.equal(settlement.paid, expectedPaid, 'every task paid twice (redundancy 2)')
    assert.equal(settlement.fee, expectedPaid / 100n)
    assert.equal(settlement.disputes.length, summary.faults.length, 'one dispute per signed wrong result')
    assert.ok(settlement.disputes.every(d => d.status === 'resolved'), `disputes resolved: ${JSON.stringify(settlement.disputes, (_k, v) => typeof v === 'bigint' ? v.toString() : v)}`)
    assert.equal(settlement.slashed, BigInt(summary.faults.length) * LOCAL_ARBITRATION.slashAmount, 'the liar lost the slash amount per dispute')
    assert.equal(await stakeOf(liar.payments!.owner), LOCAL_STAKE - settlement.slashed, 'slashed on chain')

    // Each provider holds its lane's cheque for exactly its accepted runs and claims it: its owner
    // receives runs × price less the 1% fee; the lane never pays more than it was funded.
    let claimedTotal = 0n
    for (const p of providers) {
      const runs = BigInt(runsBy.get(p.node.peerId.toString()) ?? 0)
      assert.equal(p.payments!.held(requester), runs * PRICE, `cheque held by provider ${providers.indexOf(p)}`)
      if (runs === 0n) { assert.notEqual(p, providers[0]); continue }
      await p.payments!.claim(requester)
      const [funded, claimed] = await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'lanes', args: [requester, p.payments!.owner] })
      assert.equal(claimed, runs * PRICE, 'claimed = cheque')
      assert.ok(funded >= claimed, 'lane solvent')
      assert.equal(await pub.readContract({ address: local.chain.paymentToken, abi: testTokenAbi, functionName: 'balanceOf', args: [p.payments!.owner] }), runs * PRICE - runs * PRICE / 100n, 'owner paid, less the fee')
      claimedTotal += claimed
    }
    assert.equal(claimedTotal, expectedPaid)
    assert.equal(await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'feesAccrued' }), expectedPaid / 100n, '1% of the claims accrued to the treasury')
    assert.equal(await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'unspent', args: [requester, liar.payments!.owner] }) >= 0n, true)
  })

  it('two requester-controlled identities that contradict an honest receipt are slashed; the honest owner keeps its stake', async () => {
    // A task the honest providers ran in the last job, and one honest provider's receipt of it.
    const job = client.submit({ module: primes, inputs: ['0 5000'], redundancy: 2, verification: 'replicate', pricePerTask: PRICE })
    const [outcome] = await Array.fromAsync(job.results())
    assert.ok(outcome?.ok === true && outcome.receipts !== undefined && outcome.receipts.length === 2)
    await client.paidJobs.get(job.id)!.settlement
    const honest = outcome.receipts[0]!
    const wallet = createWalletClient({ account: testAccount(1), chain: chainOf(local.chain), transport: http(local.chain.rpcUrl) })
    const { state, slashed, sybils, ms } = await accuseWithSybils({
      chain: local.chain, wallet, honest, module: primes, input: new TextEncoder().encode('0 5000'),
      providers: providers.map(p => ({ peerId: p.node.peerId.toString(), multiaddrs: p.node.getMultiaddrs() }))
    })
    console.log(`dispute ${state.id} ${state.status} in ${ms} ms`)
    assert.equal(state.status, 'resolved')
    assert.ok(state.arbiters.every(a => ![honest.owner, ...sybils.map(s => s.address)].some(p => p.toLowerCase() === a.toLowerCase())), 'no party arbitrates')
    assert.equal(await stakeOf(honest.owner), LOCAL_STAKE, 'the honest owner keeps its stake')
    for (const s of sybils) assert.equal(await stakeOf(s.address), LOCAL_STAKE - LOCAL_ARBITRATION.slashAmount, 'each Sybil is slashed')
    assert.equal(slashed, 2n * LOCAL_ARBITRATION.slashAmount)
  })

  it('a requester that stops paying and closes its lane gets at most the credit limit; the provider claims every cheque before the window ends', async () => {
    const provider = await startNodeProvider({
      bootstrap: relay.multiaddrs, workers: 1, cacheDir: join(dir, 'blobs-strict'), chequeFile: join(dir, 'cheques-strict.json'),
      chain: local.chain, account: privateKeyToAccount(generatePrivateKey()), chequeGraceMs: 0
    })
    const freeloader = await createMeshNode({ profile: 'node', bootstrap: relay.multiaddrs })
    try {
      const owner = provider.payments!.owner
      const payer = new RequesterPayments({ node: freeloader, chain: local.chain, account: testAccount(2) })
      // The provider has read the lane empty (as its watcher does on the requester's deposit event):
      // funding it must not leave a task refused on that copy.
      assert.equal((await provider.payments!.lane(payer.address)).funded, 0n)
      await payer.ensureFunded([owner], 10n * PRICE)
      const moduleCid = await cidOf(primes)
      await serveBlobs(freeloader, async cid => cid.equals(moduleCid) ? primes : undefined)
      const session = await openTaskSession(freeloader, peerIdFromString(provider.node.peerId.toString()), provider.node.getMultiaddrs())
      const binding = fromHex(await payer.binding(freeloader.peerId.toString()))
      const send = async (i: number, requesterBinding = binding): Promise<string> => {
        const input = new TextEncoder().encode(`0 ${1000 * (i + 1)}`)
        const res = await session.run({ jobId: `0x${'ab'.repeat(32)}`, taskIndex: i, moduleCid: moduleCid.bytes, inputCid: (await cidOf(input)).bytes, args: ['primes'], env: [], limits: undefined, input, paid: true, requester: payer.address, price: PRICE.toString(), requesterBinding })
        if (!res.ok) refusals.push(`${res.failure!.code}: ${res.failure!.message}`)
        return res.ok ? `ok signed=${res.receiptSignature.length === 65}` : res.failure!.code
      }
      const refusals: string[] = []
      // A binding made for another peer id proves nothing: refused before any work.
      const stolen = fromHex(await payer.binding('12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD'))
      assert.equal(await send(0, stolen), 'BAD_REQUEST')
      // Two tasks paid by cheque, then the requester stops paying and starts closing the lane.
      assert.equal(await send(0), 'ok signed=true', refusals.at(-1))
      await payer.pay('job', provider.node.peerId.toString(), owner, PRICE)
      assert.equal(await send(1), 'ok signed=true', refusals.at(-1))
      await payer.pay('job', provider.node.peerId.toString(), owner, PRICE)
      // An aborted operation sends nothing.
      const nonce = await publicClientFor(local.chain).getTransactionCount({ address: payer.address })
      await assert.rejects(payer.startClose(owner, { signal: AbortSignal.abort() }), { name: 'AbortError' })
      assert.equal(await publicClientFor(local.chain).getTransactionCount({ address: payer.address }), nonce)
      await payer.startClose(owner)
      const outcomes: string[] = []
      for (let i = 2; i < 6; i++) outcomes.push(await send(i))
      assert.deepEqual(outcomes, ['ok signed=true', 'ok signed=true', 'UNPAID', 'UNPAID'], 'one task of credit past the grace, then refused')
      // The provider saw the close and claimed the cheques it holds at once.
      const pub = publicClientFor(local.chain)
      const deadline = Date.now() + 20_000
      let claimed = 0n
      while (Date.now() < deadline && claimed < 2n * PRICE) {
        [, claimed] = await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'lanes', args: [payer.address, owner] })
        await new Promise(resolve => setTimeout(resolve, 250))
      }
      assert.equal(claimed, 2n * PRICE, 'every cheque it held was claimed inside the challenge window')
      // Paid up again, but within the last LANE_CLOSE_MARGIN_MS of the window it takes nothing.
      await payer.pay('job', provider.node.peerId.toString(), owner, 2n * PRICE)
      const test = createTestClient({ chain: chainOf(local.chain), mode: 'anvil', transport: http(local.chain.rpcUrl) })
      await test.increaseTime({ seconds: 61 })
      await test.mine({ blocks: 1 })
      assert.equal(await send(6), 'UNPAID', 'a lane closing within the margin gets no work')
      await test.increaseTime({ seconds: 60 })
      await test.mine({ blocks: 1 })
      const before = await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'deposits', args: [payer.address] })
      await payer.finishClose(owner)
      const after = await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'deposits', args: [payer.address] })
      const [funded, claimedAtEnd] = await pub.readContract({ address: local.chain.lanes, abi: paymentLanesAbi, functionName: 'lanes', args: [payer.address, owner] })
      assert.equal(after - before, 10n * PRICE - claimedAtEnd, 'the requester got back only what was never claimed')
      assert.equal(funded, claimedAtEnd)
    } finally {
      await freeloader.stop()
      await provider.stop()
    }
  })

  it('signs cheques through a JSON-RPC wallet (eth_signTypedData_v4, as an injected wallet does)', async () => {
    const address = testAccount(3).address
    // No private key in this process: anvil holds it, as a browser wallet would.
    const wallet = createWalletClient({ account: address, chain: chainOf(local.chain), transport: http(local.chain.rpcUrl) })
    const cheque = { requester: address, owner: testAccount(4).address, cumulativeAmount: 12_345n }
    const signature = await signTyped(wallet, local.chain, 'Cheque', cheque)
    assert.equal(await typedSigner(local.chain, 'Cheque', cheque, signature), address)
    assert.notEqual(await typedSigner(local.chain, 'Cheque', { ...cheque, cumulativeAmount: 12_346n }, signature), address)
  })
})
