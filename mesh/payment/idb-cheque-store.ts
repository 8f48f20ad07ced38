import { openDB } from 'idb'
import type { ChequeRecord, ChequeStore } from './cheque-store.ts'

const DB = 'tabmesh-cheques'
const STORE = 'cheques'

/** A tab provider's cheques in IndexedDB, by job id, until claimed. */
export function idbChequeStore (): ChequeStore {
  const db = openDB(DB, 1, { upgrade (d) { d.createObjectStore(STORE) } })
  return {
    all: async () => await (await db).getAll(STORE) as ChequeRecord[],
    put: async (record) => { await (await db).put(STORE, record, record.jobId) }
  }
}
