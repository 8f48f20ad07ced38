import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { isLaneRecord } from './cheque-store.ts'
import type { ChequeRecord, ChequeStore } from './cheque-store.ts'

/** Cheques in one JSON file (`.tabmesh/cheques.json`), one per lane, written atomically. */
export function fsChequeStore (file: string): ChequeStore {
  let queue: Promise<unknown> = Promise.resolve()
  const load = async (): Promise<Record<string, ChequeRecord>> => {
    try { return JSON.parse(await readFile(file, 'utf8')) as Record<string, ChequeRecord> } catch { return {} }
  }
  return {
    all: async () => Object.values(await load()).filter(isLaneRecord),
    put: async (record) => {
      const next = queue.then(async () => {
        const all = await load()
        all[record.lane] = record
        await mkdir(dirname(file), { recursive: true })
        const tmp = `${file}.tmp`
        await writeFile(tmp, JSON.stringify(all, null, 2))
        await rename(tmp, file)
      })
      queue = next.catch(() => {})
      await next
    }
  }
}
