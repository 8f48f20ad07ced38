/**
 * Every public type of `tabmesh/sdk`, in one place: the client's parameters and shape, and the types
 * its jobs, results, payments and errors carry (defined next to the code that makes them, re-exported
 * here). Nothing here runs.
 */
import type { Address, Hex, LocalAccount } from 'viem'
import type { ChainConfig } from '../chain/config.ts'
import type { TabmeshWalletClient } from '../chain/clients.ts'
import type { ProviderEntry } from '../mesh/ads/directory.ts'
import type { MeshNode, MeshProfile } from '../mesh/node/create-node.ts'
import type { Settlement } from '../mesh/payment/paid-job.ts'
import type { RequesterPayments } from '../mesh/payment/requester-payments.ts'
import type { ReputationBook, ReputationPolicy } from '../mesh/requester/reputation.ts'
import type { TaskLimits } from '../worker-runtime/limits.ts'
import type { TaskMount, TaskTreeEntry } from '../worker-runtime/wasi-fs.ts'
export type { TaskMount, TaskTreeEntry }
import type { Job } from './job.ts'
import type { CapacityAd as CapacityAdMessage } from '../mesh/ads/capacity-ad.ts'

/**
 * A provider's capacity ad as the directory holds it (gossipsub topic `tabmesh/capacity/1`, signed by
 * its peer id; fields in mesh/protocol/messages.proto). The data only: the codec stays internal.
 */
export interface CapacityAd extends CapacityAdMessage {}

export type { ChainConfig } from '../chain/config.ts'
export type { ProviderEntry } from '../mesh/ads/directory.ts'
export type { Settlement } from '../mesh/payment/paid-job.ts'
export type { DisputeStatus } from '../chain/actions/read-dispute.ts'
export type { ReputationPolicy, ProviderReputation } from '../mesh/requester/reputation.ts'
export type { JobProgress, JobSummary, TaskOutcome, TaskStatus, TaskState, TaskLogEvent, TaskFailureData, FaultEvidence, SignedReceipt, AcceptedReceipts } from '../mesh/requester/types.ts'
export type { TaskLimits } from '../worker-runtime/limits.ts'
export type { TaskErrorCode, TaskErrorData } from '../worker-runtime/errors.ts'
export type { WireFailureCode, ProviderRefusalCode } from '../mesh/protocol/codes.ts'

export interface CreateClientParameters {
  /** Relay multiaddrs with their /p2p/ ids, e.g. from `.tabmesh/local.json`. Ignored when `node` is given. */
  bootstrap?: string[]
  /** Use this libp2p node instead of creating one (the web app shares its provider's node). */
  node?: MeshNode
  /** Default: 'browser' where `window` exists, else 'node'. */
  profile?: Exclude<MeshProfile, 'relay'>
  /** WebRTC ICE servers; none for the local mesh. */
  iceServers?: RTCIceServer[]
  /** Allow dialing private and loopback addresses named in ads; default: only when every bootstrap address is private or loopback (the local mesh). */
  allowLocalDials?: boolean
  /** The contracts, for paid jobs (`pricePerTask`). */
  chain?: ChainConfig
  /** The requester's key: funds payment lanes, signs cheques, opens disputes. */
  account?: LocalAccount
  /** Instead of `account`: a viem wallet client with an account, e.g. over an injected (EIP-1193) wallet. */
  walletClient?: TabmeshWalletClient
  /**
   * Adaptive replication: the policy — trust threshold (default 10 agreeing results) and spot-check
   * rate (default 0.1) — or a ReputationBook to share with other clients (the web app keeps one across
   * wallet changes).
   */
  reputation?: Partial<ReputationPolicy> | ReputationBook
}

/**
 * One task with its own arguments and environment: `stdin` is fed on standard input (strings UTF-8
 * encoded; none when left out); `args` come after the job's `args`; `env` is laid over the job's
 * `env` (a task's value wins).
 */
export interface TaskInput {
  stdin?: Uint8Array | string
  args?: string[]
  env?: Record<string, string>
  /**
   * This task's own input files: absolute guest path (`/in/data.csv`) → contents (strings UTF-8
   * encoded). Grouped by their first directory into trees only this task mounts (`/in`; files at the
   * root are mounted at `/`), writable copies like every mount; with the job's mounts at most 8 in
   * all. A path inside one of the job's mounts is refused (INVALID_ARGUMENT).
   */
  files?: Record<string, Uint8Array | string>
}

export interface SubmitParameters {
  /** The WASI preview1 command module, as bytes. */
  module: Uint8Array
  /**
   * One task per input: bytes or a string (UTF-8 encoded) fed on stdin, or a TaskInput with the
   * task's own stdin, args and env.
   */
  inputs: Array<Uint8Array | string | TaskInput>
  /** Distinct providers whose outputs must agree. Default 2. */
  redundancy?: number
  /** Per-task limits; defaults from worker-runtime/limits.ts. */
  limits?: Partial<TaskLimits>
  /** argv after the program name, for every task (a TaskInput's `args` follow these). */
  args?: string[]
  /** Environment variables of every task (a TaskInput's `env` is laid over these). */
  env?: Record<string, string>
  /**
   * Directory trees every task sees, preopened at their guest paths (`/` or `/data`; at most 8), each
   * task on a fresh writable copy. A tree travels as one blob of at most 64 MiB (names, files,
   * sub-directories; at most 10,000 entries).
   */
  mounts?: TaskMount[]
  /**
   * Collect the files each task leaves in this guest directory (e.g. `/out`; preopened empty unless
   * mounted): a result's `files` holds them by path, and they are verified by redundancy with stdout
   * (the output CID is then that of the tree of both).
   */
  outDir?: string
  /**
   * Stream each run's stderr and progress while it runs: the job's `log` events (TaskLogEvent). A
   * task reports progress with `#progress` lines on stderr (`#progress 0.4`, `40%` or `4/10`); at most
   * 256 KiB of stderr per run is streamed. Default false.
   */
  logs?: boolean
  /**
   * `adaptive` (default): BOINC-style adaptive replication — tasks of providers with a run of agreeing
   * results are replicated only as a spot-check sample (client's `reputation` policy); `replicate`:
   * every task goes to `redundancy` providers.
   */
  verification?: 'adaptive' | 'replicate'
  /** Cap on distinct providers per task (first round + escalation). Default redundancy × 2 + 1. */
  maxProvidersPerTask?: number
  /** 0x + 64 hex chars; random by default. */
  jobId?: string
  signal?: AbortSignal
  /**
   * Pay for the job over payment lanes: payment-token base units per task run (e.g. 1000n = 0.001 tUSD).
   * Needs `chain` and `account` (or `walletClient`) on the client. No transaction opens the job: each
   * eligible provider owner's lane is funded as needed and every accepted run is paid by cheque.
   */
  pricePerTask?: bigint
  /** Stake (staking-token base units) a provider's owner needs to take a paid job. Default: any stake above zero. */
  minStake?: bigint
}

export interface CallParameters extends Omit<SubmitParameters, 'inputs' | 'redundancy' | 'maxProvidersPerTask'> {
  /** Bytes fed on stdin (strings UTF-8 encoded). Default: none. */
  input?: Uint8Array | string
  /** Distinct providers whose outputs must agree. Default 1: one provider, fastest answer. */
  redundancy?: number
}

/** A paid job's on-chain side. */
export interface PaidJob {
  jobId: Hex
  /** Transaction hashes so far: deposit, fundLanes, disputes. */
  transactions: Hex[]
  /** Resolves after the job is done, its cheques are delivered and its disputes have ended. */
  settlement: Promise<Settlement>
}

export interface TabmeshClient {
  readonly node: MeshNode
  /** Starts a job at once; see Job for results and progress. */
  submit: (params: SubmitParameters) => Job
  /**
   * Runs one task as a function call: sent to a provider that already holds the module compiled when
   * there is one, verified as configured (default redundancy 1).
   * @returns the task's stdout
   * @throws the task's TaskError (TRAP, EXIT_NONZERO…), TabmeshError NO_QUORUM when providers disagree,
   *   AbortedError when `signal` fires (the provider stops the task)
   * @example
   * const out = await client.call({ module: wasm, input: '2 3', args: ['add'] })
   */
  call: (params: CallParameters) => Promise<Uint8Array>
  /** Providers with a live capacity ad. */
  providers: () => ProviderEntry[]
  /** Resolves when at least `count` providers are live. @throws AbortedError when `signal` fires first */
  waitForProviders: (count: number, options?: { signal?: AbortSignal }) => Promise<ProviderEntry[]>
  stop: () => Promise<void>
  /** The on-chain side of paid jobs submitted by this client, by job id. */
  paidJobs: Map<string, PaidJob>
  /** What this client has learnt of providers (adaptive replication), shared by all its jobs. */
  reputation: ReputationBook
  /** The money side of paid jobs (lanes, cheques, closes), when the client has a chain and an account. */
  payments: RequesterPayments | undefined
}

