import type { Address, Hex } from 'viem'
import type { CID } from 'multiformats/cid'
import type { ProviderEntry } from '../ads/directory.ts'
import type { ReputationBook } from './reputation.ts'
import type { Receipt } from '../../chain/eip712.ts'
import type { ChainConfig } from '../../chain/config.ts'
import type { TaskErrorData } from '../../worker-runtime/errors.ts'
import type { TaskLimits } from '../../worker-runtime/limits.ts'
import type { TaskSpec } from '../../chain/task-hash.ts'
import type { TaskResponse } from '../protocol/messages.js'

/** A job as the scheduler runs it: one module, one task per input. */
export interface JobSpec {
  /** 0x-prefixed 32-byte hex id (the on-chain job id when paid). */
  jobId: string
  module: Uint8Array
  moduleCid: CID
  /** One task per input: its stdin, and its own argv and environment where it has them (else the job's). */
  /** Per task: stdin and its CID, its own argv/env when it has them, and the trees only it mounts (its own files). */
  inputs: Array<{ bytes: Uint8Array, cid: CID, args?: string[], env?: string[], mounts?: Array<{ guestPath: string, treeCid: Uint8Array }> }>
  /** Distinct providers whose outputs must agree (by CID) before a task is accepted. */
  redundancy: number
  limits: TaskLimits
  /** argv of every task without its own, the program name first. */
  args: string[]
  /** `NAME=value` environment of every task without its own. */
  env: string[]
  /** Trees every task mounts: guest path and CIDv1 bytes of the encoded tree (served by this requester). */
  mounts?: Array<{ guestPath: string, treeCid: Uint8Array }>
  /** Collect the files each task leaves in this guest directory: outputs are then output trees (worker-runtime/output-tree.ts). */
  outDir?: string
  /** Ask providers to stream each run's stderr and progress (the scheduler's `log` event). */
  logs?: boolean
  /** Most distinct providers one task may be sent to (first round + escalations) before it fails with NO_QUORUM. */
  maxProvidersPerTask: number
  /** Set for paid jobs (payment lanes): providers must sign receipts; only eligible providers are used. */
  paid?: PaidJobPolicy
  /**
   * Adaptive replication: trusted providers' tasks are replicated only as a spot-check sample
   * (see ReputationBook). Without it every task is replicated `redundancy` times.
   */
  verification?: { book: ReputationBook }
  /**
   * Providers that ran this module lately (they hold it compiled): weighed WARM_PROVIDER_WEIGHT times
   * higher, so a function call goes where it starts at once.
   */
  warm?: ReadonlySet<string>
}

export interface PaidJobPolicy {
  /** The contracts whose EIP-712 domains receipts and bindings are signed in. */
  chain: Pick<ChainConfig, 'chainId' | 'lanes' | 'staking' | 'arbitration'>
  /** The requester's address (its lanes pay) and its PeerBinding over this node's peer id, sent with every task. */
  requester: Address
  binding: Hex
  /** Payment-token base units per task run. */
  price: bigint
  /**
   * Whether a provider may take this job: its ad's operator binding is valid, the operator acts for the
   * ad's owner on chain and the owner's stake meets the job's minimum (cached; false until known).
   */
  eligible: (entry: ProviderEntry) => boolean
  /** A provider answered UNPAID (its lane needs funds): the payer tops it up. */
  unpaid?: (entry: ProviderEntry) => void
  /**
   * The receipt a paid run's answer carries when it is a valid EIP-712 Receipt (chain/eip712.ts)
   * signed by the operator the provider's (eligible, hence verified) ad binds to its owner, over
   * `taskSpec` and what the run produced; undefined when missing or invalid. Lives with the paid-job
   * code (mesh/payment/paid-job.ts), which a free job never loads.
   */
  verifyReceipt: (params: { taskSpec: Hex, entry: ProviderEntry, response: TaskResponse, result: { outputCid: CID } | { failureCode: string } }) => Promise<SignedReceipt | undefined>
  /** A task spec ABI-encoded as receipts commit to it (chain/task-hash.ts). */
  encodeTaskSpec: (spec: TaskSpec) => Hex
  /** `binding` as bytes, as tasks carry it. */
  bindingBytes: Uint8Array
}

/** A provider's signed EIP-712 receipt for one output, and the owner its ad named. */
export interface SignedReceipt {
  peer: string
  owner: Address
  receipt: Receipt
  signature: Hex
}

/**
 * Where one task stands, for progress displays. `trusted`: accepted on a trusted provider's word
 * alone (adaptive replication); it becomes `verified` at the end of the job, or is re-checked.
 */
export type TaskState = 'pending' | 'running' | 'verified' | 'trusted' | 'escalated' | 'failed'

/**
 * A piece of one run's live log: what the task wrote to stderr on `provider` since the last piece, and
 * its progress (worker-runtime/task-log.ts: `#progress` lines). With redundancy, each provider's run
 * has its own log. Logs are not verified: they are what the provider says the task printed.
 */
export interface TaskLogEvent {
  index: number
  /** Peer id of the provider running it. */
  provider: string
  /** stderr text (UTF-8, progress lines taken out); may be empty when only the progress changed. */
  stderr: string
  /** Fraction done in [0, 1], when the task reported progress since the last piece. */
  progress?: number
}

export interface TaskStatus {
  index: number
  state: TaskState
  /** Providers the task is running on now. */
  running: string[]
  /** Providers that returned a result (agreeing or not). */
  reported: string[]
}

/** Why a task failed without any output: a task error every provider agreed on, or no quorum. */
export interface TaskFailureData extends Omit<TaskErrorData, 'code'> {
  code: TaskErrorData['code'] | 'NO_QUORUM'
}

/** An accepted or failed task. */
export type TaskOutcome =
  | {
    index: number
    ok: true
    /** stdout. */
    output: Uint8Array
    /** CID of stdout — or, when the job collects files (`outDir`), of the output tree holding stdout and them. */
    outputCid: string
    /** When the job collects files: what the task left in its out directory, by path (`a/b.txt`). */
    files?: Record<string, Uint8Array>
    providers: string[]
    receipts?: SignedReceipt[]
    /** `quorum`: `redundancy` providers agreed; `trusted`: one trusted provider, never contradicted while the job ran. */
    verification: 'quorum' | 'trusted'
  }
  | { index: number, ok: false, error: TaskFailureData, providers: string[] }

/** A provider whose output lost the vote: the evidence issue #3 turns into a fault proof. */
export interface FaultEvidence {
  index: number
  provider: string
  /** What the faulty provider returned (a CID string, or `error:CODE`). */
  reported: string
  /** What the quorum agreed on. */
  quorum: string
  quorumProviders: string[]
  /** Paid jobs: the outvoted provider's signed receipt and the quorum's — what a dispute is opened with. */
  faultyReceipt?: SignedReceipt
  quorumReceipts?: SignedReceipt[]
  /** Paid jobs: the task's description (chain/task-hash.ts encodeTaskSpec), whose keccak256 the receipts sign. */
  taskSpec?: Hex
}

export interface JobProgress {
  total: number
  accepted: number
  failed: number
  running: number
  escalated: number
  /** Of `accepted`, tasks accepted on a trusted provider's word alone (adaptive replication). */
  trusted: number
  /** Distinct providers that returned at least one result. */
  providers: number
  /**
   * Live providers this job may use now (ads younger than their TTL, eligible for a paid job, not
   * outvoted twice in it). The requester's own peer never counts: a tab does not run its own jobs.
   */
  available: number
  /** Distinct providers each task needs (the job's redundancy). While `available < needed`, unfinished tasks wait. */
  needed: number
}

export interface JobSummary {
  jobId: string
  accepted: number
  failed: number
  durationMs: number
  faults: FaultEvidence[]
  /** Tasks accepted on trust alone (a subset of `accepted`). */
  trusted: number
  /** Tasks accepted on trust that were re-checked because their provider was caught disagreeing. */
  rechecked: number
  /** Task runs asked of providers that returned a result (agreeing or not). */
  runs: number
}

/** Receipts newly owed payment for an accepted task (each provider's receipt of a task appears once). */
export interface AcceptedReceipts {
  index: number
  receipts: SignedReceipt[]
}
