import type { Address, Hex } from 'viem'

/** A provider's newest cheque on one payment lane (requester → owner), and what it has claimed of it. */
export interface ChequeRecord {
  /** `${requester}/${owner}`, lower-case: the store key. */
  lane: string
  requester: Address
  owner: Address
  /** Cumulative amount of the newest cheque, payment-token base units, decimal string. */
  cumulativeAmount: string
  signature: Hex
  /** Cumulative amount the lane has paid out on chain (as last seen), decimal string. */
  claimed: string
  updatedAt: number
}

/** The store key of the lane `requester` → `owner`. */
export function laneKey (requester: string, owner: string): string {
  return `${requester.toLowerCase()}/${owner.toLowerCase()}`
}

/** Where a provider keeps its cheques until it claims them: a file in Node, IndexedDB in a tab. */
export interface ChequeStore {
  all: () => Promise<ChequeRecord[]>
  put: (record: ChequeRecord) => Promise<void>
}

/** True for a record of the lane format (older, per-job records from before lanes are ignored). */
export function isLaneRecord (r: Partial<ChequeRecord>): r is ChequeRecord {
  return typeof r.lane === 'string' && typeof r.owner === 'string' && typeof r.requester === 'string'
}

export class MemoryChequeStore implements ChequeStore {
  private readonly records = new Map<string, ChequeRecord>()
  async all (): Promise<ChequeRecord[]> { return [...this.records.values()] }
  async put (record: ChequeRecord): Promise<void> { this.records.set(record.lane, record) }
}
