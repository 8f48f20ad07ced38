import { openDB } from 'idb'

/** A job this tab submitted, as listed under "Past jobs". */
export interface JobRecord {
  jobId: string
  name: string
  createdAt: number
  tasks: number
  redundancy: number
  accepted: number
  failed: number
  /** Payment-token base units per task run; '0' for free jobs. */
  pricePerTask: string
  durationMs?: number
  /** Payment-token base units paid to providers for accepted runs (before the fee); paid jobs only. */
  cost?: string
}

const DB = 'tabmesh-jobs'
const STORE = 'jobs'
const db = (): ReturnType<typeof openDB> => openDB(DB, 1, { upgrade (d) { d.createObjectStore(STORE, { keyPath: 'jobId' }) } })

export async function saveJob (record: JobRecord): Promise<void> {
  await (await db()).put(STORE, record)
}

export async function listJobs (): Promise<JobRecord[]> {
  const all = await (await db()).getAll(STORE) as JobRecord[]
  return all.sort((a, b) => b.createdAt - a.createdAt)
}
