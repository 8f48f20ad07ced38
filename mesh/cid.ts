import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { TabmeshError } from '../errors/base.ts'

/** The content does not hash to the CID it was asked for or sent as. */
export class CidMismatchError extends TabmeshError {
  constructor (expected: CID, actual: CID) {
    super('CID_MISMATCH', `content hashes to ${actual.toString()}, expected ${expected.toString()}`)
  }
}

/** CIDv1, raw codec (0x55), sha2-256: how Tabmesh names every module, input and output. */
export async function cidOf (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
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
