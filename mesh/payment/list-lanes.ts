import type { Address } from 'viem'
import type { TabmeshPublicClient } from '../../chain/clients.ts'
import type { ChainConfig } from '../../chain/config.ts'
import { paymentLanesAbi } from '../../chain/generated/contracts.ts'
import { readDeposit } from '../../chain/actions/read-deposit.ts'
import { readLane } from '../../chain/actions/read-lane.ts'
import type { LaneState } from '../../chain/actions/read-lane.ts'

export interface ListLanesParameters {
  publicClient: TabmeshPublicClient
  chain: Pick<ChainConfig, 'lanes'>
  requester: Address
}

export interface ListLanesReturnType {
  /** The requester's deposit not in any lane, payment-token base units. */
  deposit: bigint
  /** Every lane the requester ever funded, in the order first funded. */
  lanes: Array<LaneState & { owner: Address }>
}

/**
 * The requester's payment lanes, for displays (`tabmesh lanes`, the Jobs page): owners from its
 * `LaneFunded` logs (scanned from the first block — a listing, never on an agent's hot path), each
 * lane's state read from PaymentLanes.
 */
export async function listLanes (p: ListLanesParameters): Promise<ListLanesReturnType> {
  const { publicClient, chain, requester } = p
  const funded = await publicClient.getContractEvents({ address: chain.lanes, abi: paymentLanesAbi, eventName: 'LaneFunded', args: { requester }, fromBlock: 'earliest' })
  const owners = [...new Set(funded.map(l => l.args.owner).filter((o): o is Address => o !== undefined))]
  const [deposit, lanes] = await Promise.all([
    readDeposit({ chain, publicClient, requester }),
    Promise.all(owners.map(async owner => ({ owner, ...await readLane({ chain, publicClient, requester, owner }) })))
  ])
  return { deposit, lanes }
}
