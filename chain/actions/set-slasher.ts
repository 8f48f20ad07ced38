import type { Address, Hex } from 'viem'
import { stakingAbi } from '../generated/contracts.ts'
import type { ContractTxRequest } from '../send-tx.ts'
import { sendAction } from './send-action.ts'
import type { RequestParameters, WriteErrorType, WriteParameters } from './types.ts'

export interface SetSlasherParameters extends WriteParameters<'staking'> {
  /** the contract that may lock and slash stake (the deployment's Arbitration) */
  slasher: Address
}

/** The transaction hash, once mined and successful. */
export type SetSlasherReturnType = Hex

/** TabmeshError `errorCode` (default DEPLOY_FAILED) when it reverts; see WriteErrorType. */
export type SetSlasherErrorType = WriteErrorType

/** The transaction `setSlasher` sends (Staking.setSlasher), for callers that simulate it first or send it themselves. */
export function setSlasherRequest (p: RequestParameters<SetSlasherParameters>): ContractTxRequest<typeof stakingAbi, 'setSlasher'> {
  return { address: p.chain.staking, abi: stakingAbi, functionName: 'setSlasher', args: [p.slasher] }
}

/**
 * Names the contract allowed to slash (Staking.setSlasher; once, by the deployer — chain/deploy.ts).
 * @throws SetSlasherErrorType
 * @example
 * await setSlasher({ chain, publicClient, walletClient, slasher: chain.arbitration })
 */
export async function setSlasher (p: SetSlasherParameters): Promise<SetSlasherReturnType> {
  return await sendAction(p, setSlasherRequest(p), 'DEPLOY_FAILED')
}
