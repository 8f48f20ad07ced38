import type { Abi, Hex } from 'viem'
import { sendContractTx } from '../send-tx.ts'
import type { ContractTxRequest, WriteFunctionName } from '../send-tx.ts'
import type { WriteClients } from './types.ts'

/**
 * Sends one action's transaction with the caller's clients, signal and error code (`defaultCode`
 * unless the caller gave one); what every write action in this folder does.
 * @throws WriteErrorType
 */
export async function sendAction<const abi extends Abi, name extends WriteFunctionName<abi>> (p: WriteClients, request: ContractTxRequest<abi, name>, defaultCode: string): Promise<Hex> {
  return await sendContractTx(p.publicClient, p.walletClient, request, p.errorCode ?? defaultCode, p.signal !== undefined ? { signal: p.signal } : {})
}
