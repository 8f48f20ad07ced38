import type { CID } from 'multiformats/cid'

/** Content-addressed bytes: modules, inputs, outputs, by CID. Callers verify hashes before `put`. */
export interface BlobStore {
  get: (cid: CID) => Promise<Uint8Array | undefined>
  put: (cid: CID, bytes: Uint8Array) => Promise<void>
}

/** 256 MiB: the in-memory store evicts least recently used blobs past this. */
export const DEFAULT_MEMORY_STORE_BYTES = 256 * 1024 * 1024

/** A bounded in-memory LRU store: the requester's own job blobs, and a first-level cache for providers. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>()
  private bytes = 0
  private readonly maxBytes: number

  constructor (maxBytes = DEFAULT_MEMORY_STORE_BYTES) {
    this.maxBytes = maxBytes
  }

  async get (cid: CID): Promise<Uint8Array | undefined> {
    const key = cid.toString()
    const value = this.blobs.get(key)
    if (value !== undefined) { this.blobs.delete(key); this.blobs.set(key, value) }
    return value
  }

  async put (cid: CID, bytes: Uint8Array): Promise<void> {
    const key = cid.toString()
    if (this.blobs.has(key)) return
    this.blobs.set(key, bytes)
    this.bytes += bytes.length
    for (const [k, v] of this.blobs) {
      if (this.bytes <= this.maxBytes) break
      this.blobs.delete(k)
      this.bytes -= v.length
    }
  }

  delete (cid: CID): void {
    const key = cid.toString()
    const value = this.blobs.get(key)
    if (value !== undefined) { this.blobs.delete(key); this.bytes -= value.length }
  }
}

/** Reads through `first` then `second`, writing to both: a memory cache over a persistent store. */
export function tieredStore (first: BlobStore, second: BlobStore): BlobStore {
  return {
    async get (cid) {
      const hit = await first.get(cid)
      if (hit !== undefined) return hit
      const value = await second.get(cid)
      if (value !== undefined) await first.put(cid, value)
      return value
    },
    async put (cid, bytes) {
      await first.put(cid, bytes)
      await second.put(cid, bytes)
    }
  }
}
