import type { Address, LocalAccount } from 'viem'
import { isAddress } from 'viem'
import { publicClientFor, walletClientFor } from '../chain/clients.ts'
import type { ChainConfig } from '../chain/config.ts'
import { arbitrationAbi } from '../chain/generated/contracts.ts'
import { finishClose } from '../chain/actions/finish-close.ts'
import { readDisputeCount } from '../chain/actions/read-dispute-count.ts'
import { readLane } from '../chain/actions/read-lane.ts'
import { startClose } from '../chain/actions/start-close.ts'
import { nextBlockTime } from '../chain/clock.ts'
import { PAYMENT_TOKEN, STAKING_TOKEN, formatTokenAmount, parseTokenAmount } from '../chain/tokens.ts'
import { readDispute } from '../chain/actions/read-dispute.ts'
import { listLanes } from '../mesh/payment/list-lanes.ts'
import { CliError } from './cli-error.ts'

const usd = (v: bigint): string => formatTokenAmount(v, PAYMENT_TOKEN, PAYMENT_TOKEN.decimals)
const stk = (v: bigint): string => formatTokenAmount(v, STAKING_TOKEN, STAKING_TOKEN.decimals)

function owner (value: string | undefined, usage: string): Address {
  if (value === undefined || !isAddress(value)) throw new CliError('USAGE', `${usage} (OWNER is a 0x address)`)
  return value
}

const LANES_USAGE = 'usage: tabmesh lanes [list] | fund OWNER AMOUNT | close OWNER | finish OWNER'

/** Checks `tabmesh lanes` arguments before anything touches the network. @throws CliError USAGE */
export function checkLanesArgs (args: string[]): void {
  const [action = 'list', ...rest] = args
  if (action === 'list' && rest.length === 0) return
  if ((action === 'close' || action === 'finish') && rest.length === 1) { owner(rest[0], LANES_USAGE); return }
  if (action === 'fund' && rest.length === 2) {
    owner(rest[0], LANES_USAGE)
    try { parseTokenAmount(rest[1]!, PAYMENT_TOKEN) } catch (err) { throw new CliError('USAGE', `AMOUNT: ${err instanceof Error ? err.message : String(err)}`) }
    return
  }
  throw new CliError('USAGE', LANES_USAGE)
}

/** Checks `tabmesh dispute` arguments. @throws CliError USAGE */
export function checkDisputeArgs (args: string[]): void {
  if (args.length > 1 || (args[0] !== undefined && !/^\d{1,20}$/.test(args[0]))) throw new CliError('USAGE', 'usage: tabmesh dispute [ID] (a dispute number)')
}

/**
 * `tabmesh lanes [list]` · `tabmesh lanes fund OWNER AMOUNT` · `tabmesh lanes close OWNER` ·
 * `tabmesh lanes finish OWNER` — the requester's payment lanes (contracts/src/PaymentLanes.sol).
 * @returns the exit code
 */
export async function lanesCommand (args: string[], chain: ChainConfig, account: LocalAccount): Promise<number> {
  const publicClient = publicClientFor(chain)
  const wallet = walletClientFor(chain, account)
  checkLanesArgs(args)
  const [action = 'list', ...rest] = args
  const usage = LANES_USAGE
  const send = async (functionName: 'startClose' | 'finishClose', who: Address): Promise<void> => {
    // Say why before spending gas: PaymentLanes would only revert.
    const { funded, claimed, closesAt } = await readLane({ chain, publicClient, requester: account.address, owner: who })
    const now = await nextBlockTime(publicClient)
    if (funded === claimed && funded === 0n) throw new CliError('NO_LANE', `there is no lane from ${account.address} to ${who} (tabmesh lanes lists them)`, 1)
    if (functionName === 'finishClose' && closesAt === 0n) throw new CliError('LANE_NOT_CLOSING', `the lane to ${who} is not closing: run \`tabmesh lanes close ${who}\` first`, 1)
    if (functionName === 'finishClose' && closesAt > now) throw new CliError('CLOSE_NOT_DUE', `the close of the lane to ${who} is due in ${closesAt - now} s: the owner may still claim until then`, 1)
    const hash = await (functionName === 'startClose' ? startClose : finishClose)({ chain, publicClient, walletClient: wallet, owner: who, errorCode: 'LANE_FAILED' })
    console.log(`${functionName === 'startClose' ? 'closing' : 'closed'} the lane to ${who} in ${hash}`)
  }
  switch (action) {
    case 'list': {
      if (rest.length > 0) throw new CliError('USAGE', usage)
      const { deposit, lanes } = await listLanes({ publicClient, chain, requester: account.address })
      console.log(`requester ${account.address}: deposit ${usd(deposit)} (not in any lane)`)
      if (lanes.length === 0) console.log('no lanes yet: a paid job (tabmesh submit --price …) funds one per provider owner')
      const now = BigInt(Math.floor(Date.now() / 1000))
      for (const { owner: o, funded: f, claimed: c, closesAt } of lanes) {
        const state = closesAt === 0n ? 'open' : closesAt <= now ? 'close due: tabmesh lanes finish ' + o : `closing in ${closesAt - now} s`
        console.log(`lane → ${o}: funded ${usd(f)}, claimed ${usd(c)}, unclaimed ${usd(f - c)} · ${state}`)
      }
      return 0
    }
    case 'fund': {
      const to = owner(rest[0], usage)
      if (rest[1] === undefined || rest.length > 2) throw new CliError('USAGE', usage)
      const amount = parseTokenAmount(rest[1], PAYMENT_TOKEN)
      const { RequesterPayments } = await import('../mesh/payment/requester-payments.ts')
      const { createMeshNode } = await import('../mesh/node/create-node.ts')
      const node = await createMeshNode({ profile: 'node', listen: [] })
      try {
        const hashes = await new RequesterPayments({ node, chain, account }).ensureFunded([to], amount)
        console.log(hashes.length === 0 ? 'the lane already holds that much beyond what it owes' : `funded in ${hashes.join(' ')}`)
      } finally {
        await node.stop()
      }
      return 0
    }
    case 'close': await send('startClose', owner(rest[0], usage)); return 0
    case 'finish': await send('finishClose', owner(rest[0], usage)); return 0
    default: throw new CliError('USAGE', usage)
  }
}

/**
 * `tabmesh dispute [ID]` — lists disputes (or shows one): parties, outputs, arbiters, votes, status.
 * @returns the exit code
 */
export async function disputeCommand (args: string[], chain: ChainConfig): Promise<number> {
  checkDisputeArgs(args)
  const publicClient = publicClientFor(chain)
  const count = await readDisputeCount({ chain, publicClient })
  const ids = args[0] !== undefined ? [BigInt(args[0])] : Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1))
  if (ids.length === 0) console.log('no disputes')
  for (const id of ids) {
    if (id < 1n || id > count) throw new CliError('NO_DISPUTE', `there is no dispute ${id} (disputes 1…${count})`)
    const d = await readDispute({ chain, publicClient, id })
    const slashed = await publicClient.getContractEvents({ address: chain.arbitration, abi: arbitrationAbi, eventName: 'OwnerSlashed', args: { id }, fromBlock: d.drawBlock - 1n })
    console.log(`dispute ${id}: ${d.status} · opened by ${d.opener} · task ${d.taskHash}`)
    d.parties.forEach((p, i) => { console.log(`  party   ${p} reported ${d.outputs[i]}`) })
    d.arbiters.forEach((a, k) => { console.log(`  arbiter ${a} revealed ${/^0x0+$/.test(d.reveals[k] ?? '0x0') ? '—' : d.reveals[k]}`) })
    for (const s of slashed) console.log(`  slashed ${s.args.owner} ${stk(s.args.amount ?? 0n)}`)
  }
  return 0
}
