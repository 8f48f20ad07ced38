// Test utility (not shipped, not a test file): the "requester-controlled identities accuse an honest
// provider" attack of the trust issue, used by mesh/payment/paid-mesh.test.ts and e2e/chain.e2e.test.ts.
import { keccak256 } from 'viem'
import type { Address, Hex, LocalAccount } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { publicClientFor } from '../chain/clients.ts'
import type { TabmeshWalletClient } from '../chain/clients.ts'
import type { ChainConfig } from '../chain/config.ts'
import { LOCAL_STAKE, fundLocalAccount } from '../chain/local-funding.ts'
import { encodeTaskSpec } from '../chain/task-hash.ts'
import { resolveLimits } from '../worker-runtime/limits.ts'
import { serveBlobs } from '../mesh/protocol/blob.ts'
import { cidOf } from '../mesh/cid.ts'
import { connectDirect } from '../mesh/node/connections.ts'
import { createMeshNode } from '../mesh/node/create-node.ts'
import { taskSpecOf } from '../mesh/protocol/task.ts'
import type { SignedReceipt } from '../mesh/requester/types.ts'
import { openDispute, settleDispute } from '../mesh/payment/disputes.ts'
import type { DisputeState } from '../chain/actions/read-dispute.ts'
import { signTyped } from '../chain/signatures.ts'

export interface SybilAccusation {
  state: DisputeState
  slashed: bigint
  sybils: LocalAccount[]
  ms: number
}

/**
 * Two fresh identities — registered, staked owners the requester controls — sign a receipt
 * contradicting `honest` (a receipt of `module` run on `input` with the SDK's default args and
 * limits), and the requester opens a dispute over the three. A peer connected to every provider in
 * `providers` serves the task's data to the arbiters. Resolves once the dispute is decided.
 */
export async function accuseWithSybils (p: {
  chain: ChainConfig
  wallet: TabmeshWalletClient
  honest: SignedReceipt
  module: Uint8Array
  input: Uint8Array
  providers: Array<{ peerId: string, multiaddrs: Multiaddr[] }>
  /** Relays the serving peer joins (needed to reach tabs over WebRTC). */
  bootstrap?: string[]
}): Promise<SybilAccusation> {
  const moduleCid = await cidOf(p.module)
  const inputCid = await cidOf(p.input)
  const limits = resolveLimits(undefined)
  const taskSpec = encodeTaskSpec(taskSpecOf({ moduleCid: moduleCid.bytes, inputCid: inputCid.bytes, args: ['task'], env: [], limits: { timeoutMs: limits.timeoutMs, memoryPages: limits.memoryPages, fuel: limits.fuel ?? 0n, maxOutputBytes: limits.maxOutputBytes } }))
  if (keccak256(taskSpec) !== p.honest.receipt.taskHash) throw new Error('the honest receipt is not for this task')
  const sybils = [privateKeyToAccount(generatePrivateKey()), privateKeyToAccount(generatePrivateKey())]
  for (const s of sybils) await fundLocalAccount(p.chain, s, { stake: LOCAL_STAKE })
  const wrong: Hex = keccak256(new TextEncoder().encode('a result the requester would rather see'))
  const receipts = [
    { receipt: p.honest.receipt, signature: p.honest.signature },
    ...await Promise.all(sybils.map(async s => {
      const receipt = { taskHash: p.honest.receipt.taskHash, outputHash: wrong, operator: s.address as Address }
      return { receipt, signature: await signTyped(s, p.chain, 'Receipt', receipt) }
    }))
  ]
  const server = await createMeshNode({ profile: 'node', bootstrap: p.bootstrap ?? [] })
  try {
    const blobs = new Map([[moduleCid.toString(), p.module], [inputCid.toString(), p.input]])
    await serveBlobs(server, async cid => blobs.get(cid.toString()))
    if ((p.bootstrap ?? []).length > 0) await new Promise(resolve => setTimeout(resolve, 1_000)) // join the relay first
    for (const provider of p.providers) await connectDirect(server, peerIdFromString(provider.peerId), provider.multiaddrs, { signal: AbortSignal.timeout(20_000) }).catch(() => {})
    const publicClient = publicClientFor(p.chain)
    const started = Date.now()
    const { id } = await openDispute({ chain: p.chain, publicClient, wallet: p.wallet, taskSpec, locator: server.peerId.toString(), receipts })
    const { state, slashed } = await settleDispute({ chain: p.chain, publicClient, wallet: p.wallet, id, signal: AbortSignal.timeout(240_000) })
    return { state, slashed, sybils, ms: Date.now() - started }
  } finally {
    await server.stop()
  }
}
