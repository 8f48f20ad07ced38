import { openDB } from 'idb'
import type { CID } from 'multiformats/cid'
import type { BlobStore } from './store.ts'

const DB_NAME = 'tabmesh-blobs'
const STORE = 'blobs'

/** Browser providers' blob cache in IndexedDB (bytes by CID; compiled modules are not storable). */
export function idbBlobStore (): BlobStore {
  const db = openDB(DB_NAME, 1, {
    upgrade (database) { database.createObjectStore(STORE) }
  })
  return {
    async get (cid: CID) {
      const value: unknown = await (await db).get(STORE, cid.toString())
      return value instanceof Uint8Array ? value : undefined
    },
    async put (cid: CID, bytes: Uint8Array) {
      await (await db).put(STORE, bytes, cid.toString())
    }
  }
}
