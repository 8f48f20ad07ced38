// Gas of the money path, measured from real transaction receipts on a local anvil with the deployed
// contracts: funding lanes, claims, and a whole dispute. Per task for jobs of 10, 100 and 1,000 tasks
// at redundancy 2 over 4 provider owners: one fundLanes for the 4 lanes + one claim per owner (lanes
// are cumulative, so the count of transactions does not grow with the job). Baseline: paying every
// task run with its own claim transaction (2 claims per task at redundancy 2).
import { keccak256, parseEventLogs, toHex } from 'viem'
import type { Hex, LocalAccount } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { publicClientFor, walletClientFor } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { freePort } from '../../chain/free-port.ts'
import { arbitrationAbi, paymentLanesAbi, testTokenAbi } from '../../chain/generated/contracts.ts'
import { LOCAL_STAKE, fundLocalAccount } from '../../chain/local-funding.ts'
import { startLocalChain, testAccount } from '../../chain/local-stack.ts'
import { sendContractTx } from '../../chain/send-tx.ts'
import type { ContractTxRequest } from '../../chain/send-tx.ts'
import { tempDir } from '../../testing/browser.ts'
import { signTyped } from '../../chain/signatures.ts'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

const PRICE = 1_000n

export const gasSuite: BenchSuite = {
  name: 'gas',
  async run () {
    const local = await startLocalChain({ dir: tempDir('tabmesh-gas-'), port: await freePort() })
    try {
      return await measure(local.chain)
    } finally {
      await local.anvil.stop()
    }
  }
}

async function measure (chain: ChainConfig): Promise<BenchRow[]> {
  const pub = publicClientFor(chain)
  const gasOf = async (account: LocalAccount, request: ContractTxRequest): Promise<bigint> => {
    const hash = await sendContractTx(pub, walletClientFor(chain, account), request)
    return (await pub.getTransactionReceipt({ hash })).gasUsed
  }
  const requester = testAccount(1)
  const owners: LocalAccount[] = []
  for (let i = 0; i < 6; i++) {
    const a = privateKeyToAccount(generatePrivateKey())
    await fundLocalAccount(chain, a, { stake: LOCAL_STAKE })
    owners.push(a)
  }
  const four = owners.slice(0, 4)
  await gasOf(requester, { address: chain.paymentToken, abi: testTokenAbi, functionName: 'approve', args: [chain.lanes, 10n ** 10n] })
  const deposit = await gasOf(requester, { address: chain.lanes, abi: paymentLanesAbi, functionName: 'deposit', args: [10n ** 10n] })
  const rows: BenchRow[] = []
  const claimAll = async (cumulative: bigint): Promise<bigint> => {
    let sum = 0n
    for (const o of four) {
      const cheque = { requester: requester.address, owner: o.address, cumulativeAmount: cumulative }
      const signature = await signTyped(requester, chain, 'Cheque', cheque)
      sum += await gasOf(o, { address: chain.lanes, abi: paymentLanesAbi, functionName: 'claim', args: [cheque, signature] })
    }
    return sum
  }
  let cumulative = 0n
  let firstClaims = 0n
  let laterClaims = 0n
  for (const tasks of [10, 100, 1000]) {
    const perOwner = BigInt(tasks) * 2n * PRICE / 4n
    const fund = await gasOf(requester, { address: chain.lanes, abi: paymentLanesAbi, functionName: 'fundLanes', args: [four.map(o => o.address), four.map(() => perOwner)] })
    cumulative += perOwner
    const claims = await claimAll(cumulative)
    if (tasks === 10) firstClaims = claims
    if (tasks === 100) laterClaims = claims
    const perRunClaim = Number(claims) / 4
    rows.push({
      benchmark: 'Settlement gas',
      case: `${tasks}-task job, redundancy 2, 4 owners (fundLanes + 4 claims${tasks === 10 ? ', new lanes' : ', lanes reused'})`,
      tabmesh: { value: Number(fund + claims) / tasks, unit: 'gas/task' },
      baseline: { name: 'a claim per task run', value: 2 * perRunClaim, unit: 'gas/task' },
      note: `receipts on anvil: fundLanes ${fund}, claims ${claims} (4); deposit ${deposit} once per requester`
    })
  }
  // fundLanes for 100 new lanes in one transaction.
  const hundred = Array.from({ length: 100 }, (_, i) => `0x${(0x1000 + i).toString(16).padStart(40, '0')}` as const)
  const fund100 = await gasOf(requester, { address: chain.lanes, abi: paymentLanesAbi, functionName: 'fundLanes', args: [hundred, hundred.map(() => PRICE)] })
  rows.push({ benchmark: 'Lane operations', case: 'fund a new lane (batch of 100)', tabmesh: { value: Number(fund100) / 100, unit: 'gas' }, note: 'goal ≤ 30,000' })
  rows.push({ benchmark: 'Lane operations', case: 'claim (the owner already holds the token)', tabmesh: { value: Number(laterClaims) / 4, unit: 'gas' }, note: 'goal ≤ 60,000' })
  rows.push({ benchmark: 'Lane operations', case: 'claim, an owner\'s first payment ever', tabmesh: { value: Number(firstClaims) / 4, unit: 'gas' }, note: 'the ERC-20 creates the owner\'s balance slot (+17k)' })

  // One whole dispute: open (bond approve + open), draw, 3 commits, 3 reveals, resolve.
  const spec: Hex = toHex('a task')
  const taskHash = keccak256(spec)
  const receipts = await Promise.all([owners[0]!, owners[1]!].map(async (o, i) => {
    const receipt = { taskHash, outputHash: keccak256(toHex(`output ${i}`)), operator: o.address }
    return { receipt, signature: await signTyped(o, chain, 'Receipt', receipt) }
  }))
  const bond = await pub.readContract({ address: chain.arbitration, abi: arbitrationAbi, functionName: 'disputeBond' })
  let dispute = await gasOf(requester, { address: chain.stakingToken, abi: testTokenAbi, functionName: 'approve', args: [chain.arbitration, bond] })
  const openHash = await sendContractTx(pub, walletClientFor(chain, requester), { address: chain.arbitration, abi: arbitrationAbi, functionName: 'openDispute', args: [spec, toHex('peer'), receipts.map(r => r.receipt), receipts.map(r => r.signature)] })
  const openReceipt = await pub.getTransactionReceipt({ hash: openHash })
  dispute += openReceipt.gasUsed
  const id = parseEventLogs({ abi: arbitrationAbi, logs: openReceipt.logs, eventName: 'DisputeOpened' })[0]!.args.id
  const estimate = await pub.estimateContractGas({ address: chain.arbitration, abi: arbitrationAbi, functionName: 'draw', args: [id], account: requester })
  dispute += await gasOf(requester, { address: chain.arbitration, abi: arbitrationAbi, functionName: 'draw', args: [id], gas: estimate * 2n + 100_000n })
  const [, , , , , , , , arbiters] = await pub.readContract({ address: chain.arbitration, abi: arbitrationAbi, functionName: 'dispute', args: [id] })
  const byAddress = new Map(owners.map(o => [o.address.toLowerCase(), o]))
  const salt = keccak256(toHex('salt'))
  const vote = receipts[0]!.receipt.outputHash
  for (const a of arbiters) {
    const commitment = await pub.readContract({ address: chain.arbitration, abi: arbitrationAbi, functionName: 'commitmentOf', args: [id, a, vote, salt] })
    dispute += await gasOf(byAddress.get(a.toLowerCase())!, { address: chain.arbitration, abi: arbitrationAbi, functionName: 'commit', args: [id, commitment] })
  }
  for (const a of arbiters) dispute += await gasOf(byAddress.get(a.toLowerCase())!, { address: chain.arbitration, abi: arbitrationAbi, functionName: 'reveal', args: [id, vote, salt] })
  dispute += await gasOf(requester, { address: chain.arbitration, abi: arbitrationAbi, functionName: 'resolve', args: [id] })
  rows.push({ benchmark: 'Dispute gas', case: `open + draw (${(await pub.readContract({ address: chain.staking, abi: (await import('../../chain/generated/contracts.ts')).stakingAbi, functionName: 'ownerCount' })).toString()} owners in the pool) + 3 commits + 3 reveals + resolve`, tabmesh: { value: Number(dispute), unit: 'gas' }, note: 'all transactions of one dispute, anvil receipts' })
  return rows
}
