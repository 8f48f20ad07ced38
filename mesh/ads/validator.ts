import { TopicValidatorResult } from '@libp2p/gossipsub'
import { CAPACITY_TOPIC } from '../constants.ts'
import type { MeshNode } from '../node/create-node.ts'
import { decodeCapacityAd, InvalidAdError } from './capacity-ad.ts'

/**
 * Installs the capacity-ad validator on `node`'s gossipsub: unsigned, forged (naming another peer
 * than the signer), oversized, stale and malformed ads are rejected, so they are neither delivered
 * nor forwarded and their sender's gossipsub score drops (P4). Relays and requesters both install it.
 * @param onReject called with the reason of each rejected ad (diagnostics, tests)
 */
export function validateCapacityAds (node: MeshNode, onReject: (reason: string) => void = () => {}): void {
  node.services.pubsub.topicValidators.set(CAPACITY_TOPIC, async (_peer, msg) => {
    if (msg.type !== 'signed') { onReject('unsigned'); return TopicValidatorResult.Reject }
    try {
      decodeCapacityAd(msg.data, msg.from.toString(), Date.now())
      return TopicValidatorResult.Accept
    } catch (err) {
      onReject(err instanceof InvalidAdError ? err.message : 'invalid')
      return TopicValidatorResult.Reject
    }
  })
}
