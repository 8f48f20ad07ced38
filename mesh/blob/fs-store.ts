import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import { LruQuota } from './lru-quota.ts'
import type { BlobStore } from './store.ts'

/** 1 GiB: a Node provider's default disk cache of modules and inputs. */
export const DEFAULT_FS_BLOB_QUOTA_BYTES = 1024 * 1024 * 1024

/**
 * Node providers' blob cache on disk: one file per CID under `dir`, at most `quotaBytes` in total —
 * least recently used files are deleted past it (use order starts from the files' modification times,
 * then follows this process's gets and puts). A blob larger than the whole quota is not cached.
 */
export function fsBlobStore (dir: string, quotaBytes = DEFAULT_FS_BLOB_QUOTA_BYTES): BlobStore {
  const quota = new LruQuota(quotaBytes)
  const ready = (async () => {
    await mkdir(dir, { recursive: true })
    const files = await Promise.all((await readdir(dir)).filter(f => !f.endsWith('.tmp')).map(async f => ({ f, s: await stat(join(dir, f)) })))
    files.sort((a, b) => a.s.mtimeMs - b.s.mtimeMs)
    for (const { f, s } of files) for (const victim of quota.add(f, s.size)) await unlink(join(dir, victim)).catch(() => {})
  })()
  ready.catch(() => {})
  return {
    async get (cid: CID) {
      await ready.catch(() => {})
      const key = cid.toString()
      try {
        const bytes = new Uint8Array(await readFile(join(dir, key)))
        quota.touch(key)
        return bytes
      } catch {
        return undefined
      }
    },
    async put (cid: CID, bytes: Uint8Array) {
      await ready
      if (!quota.fits(bytes.length)) return
      const key = cid.toString()
      const path = join(dir, key)
      const tmp = `${path}.${Math.random().toString(36).slice(2)}.tmp`
      await writeFile(tmp, bytes)
      await rename(tmp, path)
      for (const victim of quota.add(key, bytes.length)) await unlink(join(dir, victim)).catch(() => {})
    }
  }
}
