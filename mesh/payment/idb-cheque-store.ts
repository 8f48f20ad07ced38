import { openDB } from 'idb'
import type { ChequeRecord, ChequeStore } from './cheque-store.ts'

/** Version 2: one record per payment lane (the per-job records of version 1 live in 'tabmesh-cheques'). */
const DB = 'tabmesh-lane-cheques'
const STORE = 'cheques'

/** A tab provider's cheques in IndexedDB, by lane, until claimed. */
export function idbChequeStore (): ChequeStore {
  const db = openDB(DB, 1, { upgrade (d) { d.createObjectStore(STORE) } })
  return {
    all: async () => await (await db).getAll(STORE) as ChequeRecord[],
    put: async (record) => { await (await db).put(STORE, record, record.lane) }
  }
}
