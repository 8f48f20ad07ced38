import type { Hex } from 'viem'
import { TabmeshError } from '../errors/base.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from './clients.ts'

/** A contract call to send: what viem's `writeContract` takes. */
export interface ContractTxRequest {
  address: `0x${string}`
  abi: readonly unknown[]
  functionName: string
  args: readonly unknown[]
}

/**
 * Sends a contract transaction, waits for its receipt and checks it succeeded.
 * @param errorCode the TabmeshError code thrown when it reverts (default TX_REVERTED)
 * @returns the transaction hash
 * @throws TabmeshError `errorCode` when the transaction is mined but reverted
 */
export async function sendContractTx (publicClient: TabmeshPublicClient, walletClient: TabmeshWalletClient, request: ContractTxRequest, errorCode = 'TX_REVERTED'): Promise<Hex> {
  const hash = await walletClient.writeContract(request as never)
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new TabmeshError(errorCode, `${request.functionName} reverted (${hash})`)
  return hash
}
