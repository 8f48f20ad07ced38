import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { TabmeshError } from '../errors/base.ts'

/**
 * 1 KiB: content up to this size is hashed on the calling thread in a browser (@noble/hashes, about
 * 10 µs) instead of by WebCrypto, whose `digest` is a round trip to another thread and resolves a
 * task later (most of a no-op task's input and output hashing on a tab, bench/suites/dispatch.ts).
 * Under Node multiformats hashes with node:crypto, synchronously, at any size (3 µs a KiB).
 */
export const SYNC_HASH_MAX_BYTES = 1024
/** Whether this runs in a browser (or a worker), where multiformats' sha2-256 is WebCrypto's. */
const IN_BROWSER = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === undefined

/** The content does not hash to the CID it was asked for or sent as. */
export class CidMismatchError extends TabmeshError {
  constructor (expected: CID, actual: CID) {
    super('CID_MISMATCH', `content hashes to ${actual.toString()}, expected ${expected.toString()}`)
  }
}

/** CIDv1, raw codec (0x55), sha2-256: how Tabmesh names every module, input and output. */
export async function cidOf (bytes: Uint8Array): Promise<CID> {
  const digest = IN_BROWSER && bytes.length <= SYNC_HASH_MAX_BYTES ? Digest.create(sha256.code, nobleSha256(bytes)) : await sha256.digest(bytes)
  return CID.createV1(raw.code, digest)
}

/** Decodes CID bytes from the wire. @throws TabmeshError BAD_CID on malformed bytes. */
export function cidFromBytes (bytes: Uint8Array): CID {
  try {
    return CID.decode(bytes)
  } catch (err) {
    throw new TabmeshError('BAD_CID', `malformed CID: ${String(err)}`)
  }
}

/** @throws CidMismatchError when `bytes` does not hash to `cid`. */
export async function verifyCid (cid: CID, bytes: Uint8Array): Promise<void> {
  const actual = await cidOf(bytes)
  if (!actual.equals(cid)) throw new CidMismatchError(cid, actual)
}

export { CID }
