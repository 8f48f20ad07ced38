import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { CID } from 'multiformats/cid'
import { TabmeshError } from '../../errors/base.ts'
import { cidFromBytes, verifyCid } from '../cid.ts'
import {
  BLOB_BUSY_RETRY_MS, BLOB_FETCH_ASKS, BLOB_HOLDER_BLOBS, BLOB_HOLDERS_KEPT, BLOB_HOLDERS_SENT,
  BLOB_PROTOCOL, BLOB_REQUESTS_PER_PEER_PER_SECOND, BLOB_SPREAD_MIN_BYTES, BLOB_UPLOADS_PER_BLOB, MAX_BLOB_BYTES
} from '../constants.ts'
import { connectDirect, toMultiaddrs } from '../node/connections.ts'
import { messageStream } from '../node/message-stream.ts'
import { peerRateLimit } from '../node/peer-rate-limit.ts'
import { BlobRequest, BlobResponse } from './messages.js'
import type { BlobHolder } from './messages.js'
import type { MeshNode } from '../node/create-node.ts'

/**
 * `/tabmesh/blob/1.0.0`: modules, inputs and trees by CID, from any peer that holds them.
 *
 * One BlobRequest (a CID) in, one BlobResponse out, on a stream of its own over a direct connection
 * (never through a relay). Every node answers from what it holds: the requester its job's data, a
 * provider its blob cache. A blob of BLOB_SPREAD_MIN_BYTES or more spreads like a swarm: a node
 * uploads it to at most BLOB_UPLOADS_PER_BLOB peers at a time, remembers whom it uploaded it to (the
 * holders), and answers further askers "busy" with a sample of those holders; the fetcher then asks
 * them to send it themselves, and asks the first node again after BLOB_BUSY_RETRY_MS when it was
 * busy and named no one new. A fetcher whose holders all lacked the blob or could
 * not be reached says so (`holdersFailed`) and is served directly, however busy the node is. Whoever sends the bytes, the
 * fetcher verifies them against the CID, so a holder cannot lie; it can only waste one ask.
 *
 * Our own protocol rather than Helia's bitswap: a blob here is one block verified whole (the task
 * path already has its CID and a connection to the requester), and what had to be added is the
 * "ask the holders" redirect; bitswap would add a blockstore, UnixFS chunking of 30 MB modules and
 * a want-list exchange with every connected peer.
 */

/** 1 KiB: a BlobRequest is one CID and a flag. */
const MAX_BLOB_REQUEST_BYTES = 1024

/** The peer does not have the blob, or sent bytes that do not match the CID. */
export class BlobUnavailableError extends TabmeshError {
  constructor (cid: CID, reason: string) {
    super('BLOB_UNAVAILABLE', `blob ${cid.toString()} unavailable: ${reason}`)
  }
}

export type BlobLookup = (cid: CID, remotePeer: string) => Promise<Uint8Array | undefined>

/** What one node's blob service did: for the data-distribution bench and displays. */
export interface BlobServiceStats {
  /** Blob bytes this node sent. */
  uploadedBytes: number
  /** Blobs sent. */
  uploads: number
  /** Askers sent to holders instead ("busy" answers). */
  redirected: number
}

interface BlobService {
  lookups: Set<BlobLookup>
  /** Uploads under way, by CID. */
  active: Map<string, number>
  /** Peers each blob was uploaded to, by CID (insertion order = least recent first). */
  holders: Map<string, Set<string>>
  stats: BlobServiceStats
}

/** Every node's blob service: one protocol handler per node, its lookups asked in turn. */
const services = new WeakMap<MeshNode, BlobService>()

/** What `node`'s blob service has done so far (zeros before it serves). */
export function blobServiceStats (node: MeshNode): BlobServiceStats {
  return { ...(services.get(node)?.stats ?? { uploadedBytes: 0, uploads: 0, redirected: 0 }) }
}

/**
 * Serves `/tabmesh/blob/1.0.0` from `lookup`. Several lookups on one node (the web app recreates
 * its SDK client when the wallet changes; a tab both requests and provides) are asked in turn; the
 * first that has the blob answers.
 * @returns a function that removes this lookup
 */
export async function serveBlobs (node: MeshNode, lookup: BlobLookup): Promise<() => void> {
  let service = services.get(node)
  if (service === undefined) {
    const s: BlobService = { lookups: new Set(), active: new Map(), holders: new Map(), stats: { uploadedBytes: 0, uploads: 0, redirected: 0 } }
    service = s
    services.set(node, s)
    const limit = peerRateLimit(BLOB_PROTOCOL, BLOB_REQUESTS_PER_PEER_PER_SECOND)
    await node.handle(BLOB_PROTOCOL, async (stream: Stream, connection: Connection) => {
      await answer(node, s, limit, stream, connection)
    }, { maxInboundStreams: 64 })
  }
  const { lookups } = service
  lookups.add(lookup)
  return () => { lookups.delete(lookup) }
}

async function answer (node: MeshNode, s: BlobService, limit: ReturnType<typeof peerRateLimit>, stream: Stream, connection: Connection): Promise<void> {
  const pb = messageStream(stream, MAX_BLOB_REQUEST_BYTES).pb(BlobRequest)
  const asker = connection.remotePeer.toString()
  let uploading: string | undefined
  try {
    limit.take(asker)
    const req = await pb.read({ signal: AbortSignal.timeout(10_000) })
    const cid = cidFromBytes(req.cid)
    const key = cid.toString()
    let data: Uint8Array | undefined
    for (const l of s.lookups) {
      data = await l(cid, asker)
      if (data !== undefined) break
    }
    const out = pb.unwrap().pb(BlobResponse)
    // A blob over the cap is never sent: the fetcher would refuse it after reading 64 MiB.
    if (data === undefined || data.length > MAX_BLOB_BYTES) {
      await out.write({ found: false, data: new Uint8Array(0), busy: false, holders: [] })
    } else if (data.length >= BLOB_SPREAD_MIN_BYTES && shouldRedirect(s, key, asker, req.holdersFailed)) {
      s.stats.redirected++
      await out.write({ found: false, data: new Uint8Array(0), busy: true, holders: await holdersFor(node, s, key, asker) })
    } else {
      uploading = key
      s.active.set(key, (s.active.get(key) ?? 0) + 1)
      await out.write({ found: true, data, busy: false, holders: [] })
      await stream.close()
      s.stats.uploads++
      s.stats.uploadedBytes += data.length
      if (data.length >= BLOB_SPREAD_MIN_BYTES) remember(s, key, asker)
      return
    }
    await stream.close()
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  } finally {
    if (uploading !== undefined) {
      const n = (s.active.get(uploading) ?? 1) - 1
      if (n > 0) s.active.set(uploading, n)
      else s.active.delete(uploading)
    }
  }
}

/**
 * Busy when BLOB_UPLOADS_PER_BLOB uploads run, or when others hold it — unless the asker found every
 * holder it was sent to failing (it lacked the blob: not stored yet, evicted; or could not be
 * reached): then it is served at once, so a fetcher is never left waiting on a busy origin with
 * nowhere else to go. A peer that lies about that gets what it got before holders existed: one upload.
 */
function shouldRedirect (s: BlobService, key: string, asker: string, holdersFailed: boolean): boolean {
  if (holdersFailed) return false
  if ((s.active.get(key) ?? 0) >= BLOB_UPLOADS_PER_BLOB) return true
  const holders = s.holders.get(key)
  return holders !== undefined && [...holders].some(h => h !== asker)
}

function remember (s: BlobService, key: string, peer: string): void {
  const holders = s.holders.get(key) ?? new Set<string>()
  s.holders.delete(key) // re-insert: most recent last
  holders.delete(peer)
  holders.add(peer)
  if (holders.size > BLOB_HOLDERS_KEPT) holders.delete(holders.values().next().value!)
  s.holders.set(key, holders)
  if (s.holders.size > BLOB_HOLDER_BLOBS) s.holders.delete(s.holders.keys().next().value!)
}

/** Up to BLOB_HOLDERS_SENT holders (not the asker), a random sample, with the addresses this node knows for them. */
async function holdersFor (node: MeshNode, s: BlobService, key: string, asker: string): Promise<BlobHolder[]> {
  const known = [...(s.holders.get(key) ?? [])].filter(h => h !== asker)
  for (let i = known.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [known[i], known[j]] = [known[j]!, known[i]!]
  }
  return await Promise.all(known.slice(0, BLOB_HOLDERS_SENT).map(async peerId => ({ peerId, multiaddrs: await addressesOf(node, peerId) })))
}

/** Up to 16 addresses a peer can be dialled at: what it told us it listens on (identify), else none. */
async function addressesOf (node: MeshNode, peer: string): Promise<Uint8Array[]> {
  try {
    const known = await node.peerStore.get(peerIdFromString(peer))
    return known.addresses.slice(0, 16).map(a => a.multiaddr.bytes)
  } catch {
    return []
  }
}

/**
 * Asks one peer for a blob over an existing connection.
 * @returns the verified bytes, or a busy answer's holders
 * @throws BlobUnavailableError when the peer lacks it or the bytes do not hash to `cid`
 */
async function ask (connection: Connection, cid: CID, holdersFailed: boolean, signal?: AbortSignal): Promise<{ data: Uint8Array } | { busy: BlobHolder[] }> {
  const stream = await connection.newStream(BLOB_PROTOCOL, { signal })
  try {
    const pb = messageStream(stream, MAX_BLOB_BYTES + 1024)
    await pb.write({ cid: cid.bytes, holdersFailed }, BlobRequest, { signal })
    const res = await pb.read(BlobResponse, { signal, limits: { holders: BLOB_HOLDERS_SENT, holders$: { multiaddrs: 16 } } })
    await stream.close().catch(() => {})
    if (res.busy) return { busy: res.holders }
    if (!res.found) throw new BlobUnavailableError(cid, `${connection.remotePeer.toString()} does not have it`)
    if (res.data.length > MAX_BLOB_BYTES) throw new BlobUnavailableError(cid, `the peer sent ${res.data.length} bytes, more than the ${MAX_BLOB_BYTES}-byte blob cap`)
    try {
      await verifyCid(cid, res.data)
    } catch (err) {
      throw new BlobUnavailableError(cid, (err as Error).message)
    }
    return { data: res.data }
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/**
 * Fetches a blob by CID over an existing connection, from that peer only, and verifies its hash;
 * a busy answer counts as not having it.
 * @throws BlobUnavailableError when the peer lacks it or the bytes do not hash to `cid`
 */
export async function fetchBlob (connection: Connection, cid: CID, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const r = await ask(connection, cid, true, options.signal)
  if ('data' in r) return r.data
  throw new BlobUnavailableError(cid, 'the peer is busy')
}

export interface FetchBlobFromMeshParameters {
  node: MeshNode
  /** A direct connection to a peer that has the blob (the requester). */
  origin: Connection
  cid: CID
  signal?: AbortSignal
}

/**
 * Fetches a blob from `origin` or from any holder it (or the holders) name, following busy answers
 * (see above), and verifies it.
 * @throws BlobUnavailableError when no one asked had it within BLOB_FETCH_ASKS asks; the signal's reason when it fires
 */
export async function fetchBlobFromMesh ({ node, origin, cid, signal }: FetchBlobFromMeshParameters): Promise<Uint8Array> {
  const self = node.peerId.toString()
  /** Holders heard of and not asked yet, most recently named last. */
  const candidates = new Map<string, BlobHolder>()
  const asked = new Set<string>([origin.remotePeer.toString()])
  let holdersFailed = false
  let lastError: unknown = new BlobUnavailableError(cid, 'nobody had it')
  for (let asks = 0; asks < BLOB_FETCH_ASKS; asks++) {
    signal?.throwIfAborted()
    // The origin first, and again whenever no named holder is left to try.
    const r = await ask(origin, cid, holdersFailed, signal)
    if ('data' in r) return r.data
    for (const h of r.busy) if (h.peerId !== self && !asked.has(h.peerId)) candidates.set(h.peerId, h)
    let tried = 0
    while (candidates.size > 0 && asks < BLOB_FETCH_ASKS) {
      const [peer, holder] = candidates.entries().next().value!
      candidates.delete(peer)
      asked.add(peer)
      asks++
      tried++
      try {
        const connection = await connectDirect(node, peerIdFromString(peer) as PeerId, toMultiaddrs(holder.multiaddrs), { signal: signal !== undefined ? AbortSignal.any([signal, AbortSignal.timeout(BLOB_HOLDER_DIAL_MS)]) : AbortSignal.timeout(BLOB_HOLDER_DIAL_MS) })
        // A holder is asked to serve it itself (holdersFailed), so it never sends the fetcher on:
        // sent on to its holders' holders, a fetcher could be bounced between a busy holder and one
        // that lost the blob for ever. It answers with the bytes or fails.
        const h = await ask(connection, cid, true, signal)
        if ('data' in h) return h.data
        lastError = new BlobUnavailableError(cid, `${peer} answered busy`)
      } catch (err) {
        signal?.throwIfAborted()
        lastError = err
      }
    }
    // Every holder named failed: the origin serves it now. None named: the origin was busy; ask again shortly.
    holdersFailed = tried > 0
    if (!holdersFailed) await sleep(BLOB_BUSY_RETRY_MS, signal)
  }
  throw new BlobUnavailableError(cid, `no peer had it after ${BLOB_FETCH_ASKS} asks (last: ${lastError instanceof Error ? lastError.message : String(lastError)})`)
}

/** 5 s: a holder that cannot be dialled this fast is skipped (the origin is still there). */
const BLOB_HOLDER_DIAL_MS = 5_000

async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    const onAbort = (): void => { clearTimeout(t); reject(signal!.reason) }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
