import { openDB } from 'idb'

/** Volunteer preferences, in the spirit of BOINC's computing preferences. Kept in IndexedDB. */
export interface VolunteerSettings {
  /** Web Workers computing tasks, 1…navigator.hardwareConcurrency. */
  workers: number
  /** Stop taking tasks while the tab is hidden. */
  pauseWhenHidden: boolean
  /** Stop taking tasks while the device runs on battery (where the Battery API exists). */
  pauseOnBattery: boolean
  /** Percent of wall time each worker computes, 10…100. */
  dutyCyclePercent: number
  /** Claim a job's cheque as soon as the job ends (one transaction per job), or wait for "Claim all". */
  autoClaim: boolean
  /** MiB of IndexedDB the module and input cache may use (CACHE_CHOICES_MIB; least recently used blobs go first). */
  cacheMiB: number
}

/** The cache sizes the Contribute page offers, MiB (256 is the default: DEFAULT_IDB_BLOB_QUOTA_BYTES). */
export const CACHE_CHOICES_MIB = [64, 256, 1024, 4096] as const

const DB = 'tabmesh-settings'
const STORE = 'settings'
const KEY = 'volunteer'

export function defaultSettings (): VolunteerSettings {
  return { workers: Math.max(1, (navigator.hardwareConcurrency ?? 2) - 1), pauseWhenHidden: false, pauseOnBattery: true, dutyCyclePercent: 100, autoClaim: true, cacheMiB: 256 }
}

const db = (): ReturnType<typeof openDB> => openDB(DB, 1, { upgrade (d) { d.createObjectStore(STORE) } })

export async function loadSettings (): Promise<VolunteerSettings> {
  const saved = await (await db()).get(STORE, KEY) as Partial<VolunteerSettings> | undefined
  return { ...defaultSettings(), ...saved }
}

export async function saveSettings (settings: VolunteerSettings): Promise<void> {
  await (await db()).put(STORE, settings, KEY)
}

/** One point of the earnings chart. */
export interface EarningsPoint { t: number, received: string, claimed: string }

const HISTORY_KEY = 'earnings-history'
/** Points kept for the chart. */
const HISTORY_POINTS = 500

export async function loadEarningsHistory (): Promise<EarningsPoint[]> {
  return (await (await db()).get(STORE, HISTORY_KEY) as EarningsPoint[] | undefined) ?? []
}

export async function appendEarnings (point: EarningsPoint): Promise<EarningsPoint[]> {
  const history = [...await loadEarningsHistory(), point].slice(-HISTORY_POINTS)
  await (await db()).put(STORE, history, HISTORY_KEY)
  return history
}
