import { hexToString, keccak256, encodeAbiParameters } from 'viem'
import type { Hex } from 'viem'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection } from '@libp2p/interface'
import { arbitrationAbi } from '../../chain/generated/contracts.ts'
import { decodeTaskSpec } from '../../chain/task-hash.ts'
import type { TaskSpec } from '../../chain/task-hash.ts'
import { nextBlockTime } from '../../chain/clock.ts'
import type { MeshNode } from '../node/create-node.ts'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import type { ProviderPayments } from './provider-payments.ts'
import { commitVote } from '../../chain/actions/commit-vote.ts'
import { readDispute } from '../../chain/actions/read-dispute.ts'
import { revealVote } from '../../chain/actions/reveal-vote.ts'
import { settleDispute } from './disputes.ts'

/** The vote of an arbiter that could not get the task's data (Arbitration: "could not fetch"). */
const UNAVAILABLE: Hex = `0x${'0'.repeat(64)}`
/** How often an arbiter looks whether it may reveal (every arbiter committed, or the commit window ended), ms. */
const REVEAL_POLL_MS = 1_000
/** How long fetching and running a disputed task may take before the arbiter votes "unavailable", ms. */
const ARBITRATE_TIMEOUT_MS = 120_000

export interface ArbiterRoleOptions {
  payments: ProviderPayments
  node: MeshNode
  /** Runs the task in the provider's worker runtime, fetching its data over `connection`; returns its output hash. */
  run: (spec: TaskSpec, connection: Connection) => Promise<Hex>
}

/**
 * The arbiter role of a provider agent (tabs and Node alike): when Arbitration draws this operator's
 * owner for a dispute, fetches the task's module and input by CID from the peers the dispute names,
 * runs it in the worker runtime, commits `keccak256(abi.encode(id, owner, outputHash, salt))`, reveals
 * once every arbiter committed (or the commit window ended) and resolves when it can. Votes zero when
 * the data cannot be fetched. Watches `ArbitersDrawn` from the current block on.
 * Events: `vote` (CustomEvent<{ id: bigint, outputHash: Hex }>).
 */
export class ArbiterRole extends EventTarget {
  private readonly options: ArbiterRoleOptions
  private readonly handled = new Set<bigint>()
  private unwatch: (() => void) | undefined
  private readonly controller = new AbortController()

  constructor (options: ArbiterRoleOptions) {
    super()
    this.options = options
  }

  start (): void {
    const { payments } = this.options
    this.unwatch = payments.publicClient.watchContractEvent({
      address: payments.chain.arbitration,
      abi: arbitrationAbi,
      eventName: 'ArbitersDrawn',
      onLogs: (logs) => {
        for (const log of logs) {
          const { id, arbiters } = log.args
          if (id === undefined || arbiters === undefined || this.handled.has(id)) continue
          if (!arbiters.some(a => a.toLowerCase() === payments.owner.toLowerCase())) continue
          this.handled.add(id)
          void this.arbitrate(id, log.blockNumber ?? 0n).catch(() => {})
        }
      },
      onError: () => {}
    })
  }

  stop (): void {
    this.unwatch?.()
    this.controller.abort()
  }

  private async arbitrate (id: bigint, drawnAt: bigint): Promise<void> {
    const { payments } = this.options
    const signal = this.controller.signal
    const chain = payments.chain
    const data = await payments.publicClient.getContractEvents({ address: chain.arbitration, abi: arbitrationAbi, eventName: 'DisputeData', args: { id }, fromBlock: drawnAt > 300n ? drawnAt - 300n : 0n, toBlock: drawnAt })
    let outputHash = UNAVAILABLE
    const taskSpec = data[0]?.args.taskSpec
    const locator = data[0]?.args.locator
    if (taskSpec !== undefined && locator !== undefined) {
      try {
        const spec = decodeTaskSpec(taskSpec)
        const connection = await this.connect(hexToString(locator).split('\n').filter(l => l !== ''))
        if (connection !== undefined) outputHash = await withTimeout(this.options.run(spec, connection), ARBITRATE_TIMEOUT_MS)
      } catch {
        outputHash = UNAVAILABLE
      }
    }
    const salt = keccak256(crypto.getRandomValues(new Uint8Array(32)))
    const commitment = keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }], [id, payments.owner, outputHash, salt]))
    await commitVote({ chain, publicClient: payments.publicClient, walletClient: payments.walletClient, id, commitment })
    while (true) {
      signal.throwIfAborted()
      const state = await readDispute({ chain, publicClient: payments.publicClient, id })
      if (state.status !== 'drawn') return
      if (state.commitments.every(c => c !== UNAVAILABLE) || await nextBlockTime(payments.publicClient) > state.commitDeadline) break
      await new Promise(resolve => setTimeout(resolve, REVEAL_POLL_MS))
    }
    await revealVote({ chain, publicClient: payments.publicClient, walletClient: payments.walletClient, id, outputHash, salt })
    this.dispatchEvent(new CustomEvent('vote', { detail: { id, outputHash } }))
    await settleDispute({ chain, publicClient: payments.publicClient, wallet: payments.walletClient, id, signal })
  }

  /** A connection to the first reachable peer of the dispute's locator. */
  private async connect (peers: string[]): Promise<Connection | undefined> {
    const { node } = this.options
    for (const peer of peers) {
      try {
        const id = peerIdFromString(peer)
        const open = node.getConnections(id).find(c => c.limits === undefined) ?? node.getConnections(id)[0]
        if (open !== undefined) return open
        return await node.dial(id, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      } catch {}
    }
    return undefined
  }
}

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms`)) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}
