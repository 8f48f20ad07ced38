import type { Hex } from 'viem'
import { TabmeshError } from '../errors/base.ts'
import { serialized } from './serialize.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'

/** A contract call to send: what viem's `writeContract` takes. */
export interface ContractTxRequest {
  address: `0x${string}`
  abi: readonly unknown[]
  functionName: string
  args: readonly unknown[]
  /** Gas limit; default: the node's estimate. */
  gas?: bigint
}

/**
 * Sends a contract transaction, waits for its receipt and checks it succeeded.
 * @param errorCode the TabmeshError code thrown when it reverts (default TX_REVERTED)
 * @param options.signal stops waiting: before sending nothing is sent; after, the transaction may
 *   still land but the caller stops waiting for it
 * @returns the transaction hash
 * @throws TabmeshError `errorCode` when the transaction is mined but reverted; the signal's reason when aborted
 */
export async function sendContractTx (publicClient: TabmeshPublicClient, walletClient: TabmeshWalletClient, request: ContractTxRequest, errorCode = 'TX_REVERTED', options: { signal?: AbortSignal } = {}): Promise<Hex> {
  options.signal?.throwIfAborted()
  // One account's transactions go one at a time: concurrent sends (a lane top-up and a dispute, two
  // disputes) would otherwise pick the same nonce and one would be dropped.
  const key = `${walletClient.chain.id}/${walletClient.account.address.toLowerCase()}`
  return await serialized(queues, key, async () => {
    options.signal?.throwIfAborted()
    const hash = await walletClient.writeContract(request as never)
    const receipt = await abortable(publicClient.waitForTransactionReceipt({ hash }), options.signal)
    if (receipt.status !== 'success') throw new TabmeshError(errorCode, `${request.functionName} reverted (${hash})`)
    return hash
  })
}

/** The last pending transaction per chain and account (see sendContractTx). */
const queues = new Map<string, Promise<unknown>>()

/** `promise`, or the signal's reason as soon as it aborts. */
async function abortable<T> (promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return await promise
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
  }
}
