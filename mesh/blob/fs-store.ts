import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import type { BlobStore } from './store.ts'

/** Node providers' blob cache on disk: one file per CID under `dir`. */
export function fsBlobStore (dir: string): BlobStore {
  let ready: Promise<unknown> | undefined
  return {
    async get (cid: CID) {
      try {
        return new Uint8Array(await readFile(join(dir, cid.toString())))
      } catch {
        return undefined
      }
    },
    async put (cid: CID, bytes: Uint8Array) {
      ready ??= mkdir(dir, { recursive: true })
      await ready
      const path = join(dir, cid.toString())
      const tmp = `${path}.${Math.random().toString(36).slice(2)}.tmp`
      await writeFile(tmp, bytes)
      await rename(tmp, path)
    }
  }
}
