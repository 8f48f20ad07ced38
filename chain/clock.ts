import type { TabmeshPublicClient } from './clients.ts'

/**
 * The earliest timestamp the next block can carry, unix seconds: the latest block's, or this
 * machine's clock if later. Deadlines (dispute windows, lane closes) are block timestamps, and a chain
 * that mines on demand (anvil) keeps an old latest block while nobody sends a transaction — waiting
 * for it to pass a deadline would wait for someone else's transaction.
 */
export async function nextBlockTime (publicClient: TabmeshPublicClient): Promise<bigint> {
  const latest = (await publicClient.getBlock()).timestamp
  const wall = BigInt(Math.floor(Date.now() / 1000))
  return latest > wall ? latest : wall
}
