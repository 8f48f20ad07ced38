import { openDB } from 'idb'
import type { CID } from 'multiformats/cid'
import { LruQuota } from './lru-quota.ts'
import type { BlobStore } from './store.ts'

const DB_NAME = 'tabmesh-blobs'
const STORE = 'blobs'
/** Version 2 adds `used`: key → { size, at } (ms since the epoch), for LRU eviction across reloads. */
const USED = 'used'

/** 256 MiB: a tab's default IndexedDB cache of modules and inputs. */
export const DEFAULT_IDB_BLOB_QUOTA_BYTES = 256 * 1024 * 1024

/**
 * Browser providers' blob cache in IndexedDB (bytes by CID; compiled modules are not storable), at most
 * `quotaBytes` in total — least recently used blobs are deleted past it. A blob larger than the whole
 * quota is not cached.
 */
export interface QuotaBlobStore extends BlobStore {
  /** Changes the quota (the Contribute page's cache preference), evicting least recently used blobs to fit. */
  setQuota: (quotaBytes: number) => Promise<void>
}

export function idbBlobStore (quotaBytes = DEFAULT_IDB_BLOB_QUOTA_BYTES): QuotaBlobStore {
  const quota = new LruQuota(quotaBytes)
  const db = openDB(DB_NAME, 2, {
    upgrade (database, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) database.createObjectStore(STORE)
      if (oldVersion < 2) {
        database.createObjectStore(USED)
        // Blobs cached before quotas have no size record: start the cache afresh.
        if (oldVersion >= 1) void transaction.objectStore(STORE).clear()
      }
    }
  })
  const ready = db.then(async d => {
    const keys = await d.getAllKeys(USED)
    const used = await d.getAll(USED) as Array<{ size: number, at: number }>
    const entries = keys.map((k, i) => ({ key: String(k), ...used[i]! })).sort((a, b) => a.at - b.at)
    for (const e of entries) for (const victim of quota.add(e.key, e.size)) await evict(victim)
  })
  ready.catch(() => {})
  const evict = async (key: string): Promise<void> => {
    const d = await db
    await d.delete(STORE, key)
    await d.delete(USED, key)
  }
  return {
    async get (cid: CID) {
      await ready.catch(() => {})
      const key = cid.toString()
      const value: unknown = await (await db).get(STORE, key)
      if (!(value instanceof Uint8Array)) return undefined
      quota.touch(key)
      void (await db).put(USED, { size: value.length, at: Date.now() }, key).catch(() => {})
      return value
    },
    async put (cid: CID, bytes: Uint8Array) {
      await ready
      if (!quota.fits(bytes.length)) return
      const key = cid.toString()
      const d = await db
      await d.put(STORE, bytes, key)
      await d.put(USED, { size: bytes.length, at: Date.now() }, key)
      for (const victim of quota.add(key, bytes.length)) await evict(victim)
    },
    async setQuota (bytes: number) {
      await ready
      for (const victim of quota.resize(bytes)) await evict(victim)
    }
  }
}
