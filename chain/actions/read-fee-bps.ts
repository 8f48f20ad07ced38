import { paymentLanesAbi } from '../generated/contracts.ts'
import type { ReadErrorType, ReadParameters } from './types.ts'

export type ReadFeeBpsParameters = ReadParameters<'lanes'>

/** The protocol fee on claims, basis points (100 = 1%). */
export type ReadFeeBpsReturnType = number

export type ReadFeeBpsErrorType = ReadErrorType

/**
 * The fee PaymentLanes keeps of each claim (PaymentLanes.feeBps).
 * @example
 * const fee = amount * BigInt(await readFeeBps({ chain, publicClient })) / 10_000n
 */
export async function readFeeBps (p: ReadFeeBpsParameters): Promise<ReadFeeBpsReturnType> {
  return await p.publicClient.readContract({ address: p.chain.lanes, abi: paymentLanesAbi, functionName: 'feeBps' })
}
