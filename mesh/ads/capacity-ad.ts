import { TabmeshError } from '../../errors/base.ts'
import { AD_MAX_FUTURE_MS, AD_TTL_MS, MAX_AD_BYTES } from '../constants.ts'
import { CapacityAd } from '../protocol/messages.js'

export { CapacityAd }

export type ProviderTier = 'tab' | 'node'

/** A capacity ad failed validation. */
export class InvalidAdError extends TabmeshError {
  constructor (reason: string) { super('INVALID_AD', `capacity ad rejected: ${reason}`) }
}

/**
 * Decodes and validates an ad received from gossipsub. Gossipsub (StrictSign) already checked the
 * message signature against `from`; here the ad must name that same peer, be small, fresh and sane.
 *
 * @param data the pubsub message payload
 * @param from the peer id string gossipsub verified as the signer
 * @param nowMs the receiver's clock, milliseconds since the Unix epoch
 * @throws InvalidAdError with the reason
 */
export function decodeCapacityAd (data: Uint8Array, from: string, nowMs: number): CapacityAd {
  if (data.length > MAX_AD_BYTES) throw new InvalidAdError(`${data.length} bytes, over ${MAX_AD_BYTES}`)
  let ad: CapacityAd
  try {
    ad = CapacityAd.decode(data, { limits: { multiaddrs: 32 } })
  } catch (err) {
    throw new InvalidAdError(`malformed protobuf (${String(err)})`)
  }
  if (ad.peerId !== from) throw new InvalidAdError(`names peer ${ad.peerId} but was signed by ${from}`)
  if (ad.tier !== 'tab' && ad.tier !== 'node') throw new InvalidAdError(`unknown tier "${ad.tier}"`)
  if (ad.workers < 1 || ad.workers > 1024) throw new InvalidAdError(`worker count ${ad.workers} outside 1..1024`)
  if (!/^\d{1,78}$/.test(ad.price)) throw new InvalidAdError('price is not a non-negative integer')
  if (ad.stake !== '' && !/^\d{1,78}$/.test(ad.stake)) throw new InvalidAdError('stake is not a non-negative integer')
  if (ad.owner !== '' && !/^0x[0-9a-fA-F]{40}$/.test(ad.owner)) throw new InvalidAdError('owner is not a 20-byte hex address')
  if (ad.operator !== '' && !/^0x[0-9a-fA-F]{40}$/.test(ad.operator)) throw new InvalidAdError('operator is not a 20-byte hex address')
  if (ad.binding.length !== 0 && ad.binding.length !== 65) throw new InvalidAdError(`binding is ${ad.binding.length} bytes, not a 65-byte signature`)
  const ts = Number(ad.timestampMs)
  if (ts > nowMs + AD_MAX_FUTURE_MS) throw new InvalidAdError('timestamp is in the future')
  if (ts < nowMs - AD_TTL_MS) throw new InvalidAdError('ad expired')
  return ad
}
