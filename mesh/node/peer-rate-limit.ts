import { RateLimiter } from '@libp2p/utils'
import { TabmeshError } from '../../errors/base.ts'

/** A peer opened more streams of a protocol per second than allowed. */
export class RateLimitedError extends TabmeshError {
  constructor (protocol: string, peer: string, limitPerSecond: number) {
    super('RATE_LIMITED', `${peer} opened more than ${limitPerSecond} ${protocol} streams per second`)
  }
}

export interface PeerRateLimit {
  /**
   * Counts one request from `peer`.
   * @throws RateLimitedError past the limit (and for PEER_BLOCK_SECONDS after it)
   */
  take: (peer: string) => void
}

/** A peer that went over its limit is refused for this long, s: a flood costs the flooder, not the provider. */
export const PEER_BLOCK_SECONDS = 5

/**
 * Per-peer request limit on one protocol (a fixed one-second window, libp2p's RateLimiter), so one
 * flooding peer cannot starve the others; libp2p's `maxInboundStreams` already caps concurrent
 * streams per connection.
 *
 * @example
 * const limit = peerRateLimit(TASK_PROTOCOL, 1000)
 * try { limit.take(connection.remotePeer.toString()) } catch (err) { ... answer RATE_LIMITED ... }
 */
export function peerRateLimit (protocol: string, perSecond: number): PeerRateLimit {
  const limiter = new RateLimiter({ points: perSecond, duration: 1, blockDuration: PEER_BLOCK_SECONDS, keyPrefix: protocol })
  return {
    take (peer) {
      try {
        limiter.consume(peer)
      } catch {
        throw new RateLimitedError(protocol, peer, perSecond)
      }
    }
  }
}
