import { BaseError, decodeErrorResult, encodeFunctionData } from 'viem'
import type { Abi, Account, Address, Chain, ContractFunctionArgs, ContractFunctionName, EncodeFunctionDataParameters, Hex, SimulateContractParameters } from 'viem'
import { TabmeshError } from '../errors/base.ts'
import { serialized } from './serialize.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'

/** A state-changing function of `abi`. */
export type WriteFunctionName<abi extends Abi> = ContractFunctionName<abi, 'nonpayable' | 'payable'>

/** A contract call to send: what viem's `writeContract` takes, its function name and arguments typed by the ABI (abitype). */
export interface ContractTxRequest<abi extends Abi = Abi, name extends WriteFunctionName<abi> = WriteFunctionName<abi>> {
  address: Address
  abi: abi
  functionName: name
  args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', name>
  /** Gas limit; default: the node's estimate. */
  gas?: bigint
}

/**
 * Sends a contract transaction, waits for its receipt and checks it succeeded.
 * @param errorCode the TabmeshError code thrown when it reverts (default TX_REVERTED)
 * @param options.signal stops waiting: before sending nothing is sent; after, the transaction may
 *   still land but the caller stops waiting for it
 * @returns the transaction hash
 * @throws TabmeshError `errorCode` when the transaction reverts — before sending (the node's gas
 *   estimate reverted: nothing was sent; `details` names the contract's custom error, e.g.
 *   `CloseNotDue(…)`) or once mined; the signal's reason when aborted; viem's errors otherwise
 */
export async function sendContractTx<const abi extends Abi, name extends WriteFunctionName<abi>> (publicClient: TabmeshPublicClient, walletClient: TabmeshWalletClient, request: ContractTxRequest<abi, name>, errorCode = 'TX_REVERTED', options: { signal?: AbortSignal } = {}): Promise<Hex> {
  options.signal?.throwIfAborted()
  // One account's transactions go one at a time: concurrent sends (a lane top-up and a dispute, two
  // disputes) would otherwise pick the same nonce and one would be dropped.
  const key = `${walletClient.chain.id}/${walletClient.account.address.toLowerCase()}`
  return await serialized(queues, key, async () => {
    options.signal?.throwIfAborted()
    // Each call site is checked against its ABI by ContractTxRequest (abitype); inside this generic wrapper
    // TypeScript cannot relate viem's conditional parameter type to `abi`, hence the one assertion.
    const data = encodeFunctionData<abi, name>({ abi: request.abi, functionName: request.functionName, args: request.args } as EncodeFunctionDataParameters<abi, name>)
    let hash: Hex
    try {
      hash = await walletClient.sendTransaction({ to: request.address, data, ...(request.gas !== undefined ? { gas: request.gas } : {}) })
    } catch (err) {
      // Reverted while estimating gas: nothing was sent. Name the contract's custom error.
      const reason = revertReason(err, request.abi)
      if (reason !== undefined) throw new TabmeshError(errorCode, `${request.functionName} would revert: ${reason}`, { cause: err, details: reason })
      throw err
    }
    const receipt = await abortable(publicClient.waitForTransactionReceipt({ hash }), options.signal)
    if (receipt.status !== 'success') throw new TabmeshError(errorCode, `${request.functionName} reverted (${hash})`)
    return hash
  })
}

/**
 * Runs `request` against the latest block without sending it, as `account`: a revert throws viem's
 * ContractFunctionExecutionError carrying the contract's custom error (an injected wallet would send
 * it and report only "reverted").
 * @throws ContractFunctionExecutionError when the call would revert
 */
export async function simulateContractTx<const abi extends Abi, name extends WriteFunctionName<abi>> (publicClient: TabmeshPublicClient, account: Account, request: ContractTxRequest<abi, name>): Promise<void> {
  // As in sendContractTx: the call site is checked by ContractTxRequest; the generic body needs the assertion.
  await publicClient.simulateContract({ ...request, account } as SimulateContractParameters<abi, name, ContractFunctionArgs<abi, 'nonpayable' | 'payable', name>, Chain, Chain, Account>)
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

/**
 * The custom error (`Name(arg, …)`) or revert string a viem error carries as revert data, decoded
 * with `abi`; undefined when `err` holds no revert data.
 */
export function revertReason (err: unknown, abi: Abi): string | undefined {
  if (!(err instanceof BaseError)) return undefined
  const withData = err.walk(e => typeof (e as { data?: unknown }).data === 'string' && /^0x[0-9a-fA-F]{8}/.test((e as { data: string }).data))
  const data = (withData as { data?: Hex } | null)?.data
  if (data === undefined) return /revert/i.test(err.shortMessage) ? err.shortMessage : undefined
  try {
    const decoded = decodeErrorResult({ abi, data })
    return `${decoded.errorName}(${(decoded.args ?? []).map(a => String(a)).join(', ')})`
  } catch {
    return `unknown error ${data.slice(0, 10)}`
  }
}
