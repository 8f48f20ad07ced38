import type { Connection, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { TabmeshError } from '../../errors/base.ts'
import { cidFromBytes, verifyCid } from '../cid.ts'
import { BLOB_PROTOCOL, BLOB_REQUESTS_PER_PEER_PER_SECOND, MAX_BLOB_BYTES } from '../constants.ts'
import { messageStream } from '../node/message-stream.ts'
import { peerRateLimit } from '../node/peer-rate-limit.ts'
import { BlobRequest, BlobResponse } from '../protocol/messages.js'
import type { MeshNode } from '../node/create-node.ts'

/** 1 KiB: a BlobRequest is one CID. */
const MAX_BLOB_REQUEST_BYTES = 1024

/** The peer does not have the blob, or sent bytes that do not match the CID. */
export class BlobUnavailableError extends TabmeshError {
  constructor (cid: CID, reason: string) {
    super('BLOB_UNAVAILABLE', `blob ${cid.toString()} unavailable: ${reason}`)
  }
}

export type BlobLookup = (cid: CID, remotePeer: string) => Promise<Uint8Array | undefined>

/** Every node's registered lookups: one protocol handler per node, asked in turn. */
const lookups = new WeakMap<MeshNode, Set<BlobLookup>>()

/**
 * Serves `/tabmesh/blob/1.0.0` from `lookup`: one BlobRequest in, one BlobResponse out. Several
 * clients on one node (the web app recreates its SDK client when the wallet changes) each add a
 * lookup; the first that has the blob answers. Not on limited (relayed) connections: job data never
 * flows through a relay.
 * @returns a function that removes this lookup
 */
export async function serveBlobs (node: MeshNode, lookup: BlobLookup): Promise<() => void> {
  let set = lookups.get(node)
  if (set === undefined) {
    const registered = new Set<BlobLookup>()
    set = registered
    lookups.set(node, registered)
    const limit = peerRateLimit(BLOB_PROTOCOL, BLOB_REQUESTS_PER_PEER_PER_SECOND)
    await node.handle(BLOB_PROTOCOL, async (stream: Stream, connection: Connection) => {
      const pb = messageStream(stream, MAX_BLOB_REQUEST_BYTES).pb(BlobRequest)
      try {
        limit.take(connection.remotePeer.toString())
        const req = await pb.read({ signal: AbortSignal.timeout(10_000) })
        const cid = cidFromBytes(req.cid)
        let data: Uint8Array | undefined
        for (const l of registered) {
          data = await l(cid, connection.remotePeer.toString())
          if (data !== undefined) break
        }
        const out = pb.unwrap().pb(BlobResponse)
        // A blob over the cap is never sent: the fetcher would refuse it after reading 64 MiB.
        const servable = data !== undefined && data.length <= MAX_BLOB_BYTES ? data : undefined
        await out.write(servable === undefined ? { found: false, data: new Uint8Array(0) } : { found: true, data: servable })
        await stream.close()
      } catch (err) {
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, { maxInboundStreams: 64 })
  }
  set.add(lookup)
  return () => { set.delete(lookup) }
}

/**
 * Fetches a blob by CID over an existing connection and verifies its hash.
 * @throws BlobUnavailableError when the peer lacks it or the bytes do not hash to `cid`
 */
export async function fetchBlob (connection: Connection, cid: CID, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const stream = await connection.newStream(BLOB_PROTOCOL, options)
  try {
    const pb = messageStream(stream, MAX_BLOB_BYTES + 1024)
    await pb.write({ cid: cid.bytes }, BlobRequest, options)
    const res = await pb.read(BlobResponse, options)
    await stream.close().catch(() => {})
    if (!res.found) throw new BlobUnavailableError(cid, 'the peer does not have it')
    if (res.data.length > MAX_BLOB_BYTES) throw new BlobUnavailableError(cid, `the peer sent ${res.data.length} bytes, more than the ${MAX_BLOB_BYTES}-byte blob cap`)
    try {
      await verifyCid(cid, res.data)
    } catch (err) {
      throw new BlobUnavailableError(cid, (err as Error).message)
    }
    return res.data
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}
