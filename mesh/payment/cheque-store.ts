import type { Hex } from 'viem'

/** A provider's latest cheque for one job, and what it has claimed of it. */
export interface ChequeRecord {
  jobId: Hex
  requester: Hex
  /** Cumulative amount of the latest cheque, base units, decimal string. */
  cumulativeAmount: string
  signature: Hex
  /** Cumulative amount already claimed on chain, decimal string. */
  claimed: string
  final: boolean
  updatedAt: number
}

/** Where a provider keeps its cheques until it claims them: a file in Node, IndexedDB in a tab. */
export interface ChequeStore {
  all: () => Promise<ChequeRecord[]>
  put: (record: ChequeRecord) => Promise<void>
}

export class MemoryChequeStore implements ChequeStore {
  private readonly records = new Map<string, ChequeRecord>()
  async all (): Promise<ChequeRecord[]> { return [...this.records.values()] }
  async put (record: ChequeRecord): Promise<void> { this.records.set(record.jobId, record) }
}
