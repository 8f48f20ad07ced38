import { AbortedError, TabmeshError } from '../errors/base.ts'
import { ProviderDirectory } from '../mesh/ads/directory.ts'
import type { ProviderEntry } from '../mesh/ads/directory.ts'
import { serveBlobs } from '../mesh/blob/protocol.ts'
import { MemoryBlobStore } from '../mesh/blob/store.ts'
import { cidOf } from '../mesh/cid.ts'
import { MAX_BLOB_BYTES } from '../mesh/constants.ts'
import { createMeshNode } from '../mesh/node/create-node.ts'
import type { MeshNode, MeshProfile } from '../mesh/node/create-node.ts'
import { keepBootstrap } from '../mesh/node/keep-bootstrap.ts'
import { JobScheduler } from '../mesh/requester/scheduler.ts'
import type { TaskLimits } from '../worker-runtime/limits.ts'
import { resolveLimits } from '../worker-runtime/limits.ts'
import { Job } from './job.ts'
import type { Address, Hex, LocalAccount } from 'viem'
import type { ChainConfig } from '../chain/config.ts'
import type { TabmeshWalletClient } from '../chain/clients.ts'
import { RequesterPayments } from '../mesh/payment/requester-payments.ts'
import { preparePaidJob } from '../mesh/payment/paid-job.ts'
import type { Settlement } from '../mesh/payment/paid-job.ts'
import { ReputationBook } from '../mesh/requester/reputation.ts'
import { ProviderLoad } from '../mesh/requester/provider-load.ts'
import type { ReputationPolicy } from '../mesh/requester/reputation.ts'

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

export interface SubmitParameters {
  /** The WASI preview1 command module, as bytes. */
  module: Uint8Array
  /** One task per input; strings are UTF-8 encoded. Fed on stdin. */
  inputs: Array<Uint8Array | string>
  /** Distinct providers whose outputs must agree. Default 2. */
  redundancy?: number
  /** Per-task limits; defaults from worker-runtime/limits.ts. */
  limits?: Partial<TaskLimits>
  /** argv after the program name. */
  args?: string[]
  env?: Record<string, string>
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

/**
 * Creates a requester client: a libp2p peer that learns providers from capacity ads, serves its jobs'
 * modules and inputs by CID, and schedules jobs (DESIGN.md "The flow of one job", steps 1–7).
 *
 * @example
 * import { createClient } from 'tabmesh/sdk'
 * const client = await createClient({ bootstrap: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3Koo…'] })
 * const job = client.submit({ module: primesWasm, inputs: ['0 1000000', '1000000 2000000'], redundancy: 2 })
 * for await (const r of job.results()) if (r.ok) console.log(r.index, new TextDecoder().decode(r.output))
 * await client.stop()
 */
export async function createClient (params: CreateClientParameters = {}): Promise<TabmeshClient> {
  const ownsNode = params.node === undefined
  const node = params.node ?? await createMeshNode({
    profile: params.profile ?? (typeof window !== 'undefined' ? 'browser' : 'node'),
    bootstrap: params.bootstrap ?? [],
    ...(params.iceServers !== undefined ? { iceServers: params.iceServers } : {}),
    ...(params.allowLocalDials !== undefined ? { allowLocalDials: params.allowLocalDials } : {})
  })
  const stopKeeping = ownsNode ? keepBootstrap(node, params.bootstrap ?? []) : () => {}
  const directory = new ProviderDirectory(node)
  const blobs = new MemoryBlobStore()
  /** Which peers may fetch which blobs: only CIDs of this client's open jobs are served. */
  const served = new Set<string>()
  const stopServing = await serveBlobs(node, async (cid) => served.has(cid.toString()) ? await blobs.get(cid) : undefined)

  const findProvider = (owner: Address): ProviderEntry | undefined => directory.live().find(e => e.ad.owner.toLowerCase() === owner.toLowerCase())
  const payments = params.chain === undefined
    ? undefined
    : params.walletClient !== undefined
      ? new RequesterPayments({ node, chain: params.chain, walletClient: params.walletClient, findProvider })
      : params.account !== undefined ? new RequesterPayments({ node, chain: params.chain, account: params.account, findProvider }) : undefined
  const paidJobs = new Map<string, PaidJob>()
  const reputation = params.reputation instanceof ReputationBook ? params.reputation : new ReputationBook(params.reputation)
  const load = new ProviderLoad()

  const client: TabmeshClient = {
    node,
    paidJobs,
    reputation,
    payments,
    submit (p) {
      const redundancy = p.redundancy ?? 2
      const jobId = p.jobId ?? randomJobId()
      const paid = p.pricePerTask !== undefined
      let resolveSettled!: (s: Promise<Settlement>) => void
      const settled = new Promise<Promise<Settlement>>(resolve => { resolveSettled = resolve })
      const transactions: Hex[] = []
      if (paid) {
        const settlement = settled.then(async s => await s)
        settlement.catch(() => {}) // consumers see the rejection when they await it
        paidJobs.set(jobId, { jobId: jobId as Hex, transactions, settlement })
      }
      const inputs = p.inputs.map(i => typeof i === 'string' ? new TextEncoder().encode(i) : i)
      const scheduler = (async () => {
        if (inputs.length === 0) throw new TabmeshError('INVALID_ARGUMENT', 'a job needs at least one input')
        for (const [what, bytes] of [['the module', p.module], ...inputs.map((b, i) => [`input ${i}`, b] as const)] as const) {
          if (bytes.length > MAX_BLOB_BYTES) throw new TabmeshError('BLOB_TOO_LARGE', `${what} is ${bytes.length} bytes; the mesh carries modules and inputs of up to ${MAX_BLOB_BYTES} bytes (64 MiB): split the work into more tasks`)
        }
        if (!WebAssembly.validate(p.module as Uint8Array<ArrayBuffer>)) throw new TabmeshError('INVALID_MODULE', 'the module is not valid WebAssembly')
        const moduleCid = await cidOf(p.module)
        const withCids = await Promise.all(inputs.map(async bytes => ({ bytes, cid: await cidOf(bytes) })))
        for (const { cid, bytes } of [{ cid: moduleCid, bytes: p.module }, ...withCids]) {
          await blobs.put(cid, bytes)
          served.add(cid.toString())
        }
        let paidJob
        if (paid) {
          if (payments === undefined) throw new TabmeshError('NO_CHAIN', 'a paid job (pricePerTask) needs a client created with chain and account (or walletClient)')
          if (p.pricePerTask! <= 0n) throw new TabmeshError('INVALID_ARGUMENT', 'pricePerTask must be positive (leave it out for a free job)')
          paidJob = await preparePaidJob({
            payments,
            node,
            jobId,
            price: p.pricePerTask!,
            minStake: p.minStake ?? 0n,
            taskCount: inputs.length,
            redundancy,
            ...(p.signal !== undefined ? { signal: p.signal } : {})
          })
        }
        const s = new JobScheduler(node, directory, {
          jobId,
          module: p.module,
          moduleCid,
          inputs: withCids,
          redundancy,
          limits: resolveLimits(p.limits),
          args: ['task', ...(p.args ?? [])],
          env: Object.entries(p.env ?? {}).map(([k, v]) => `${k}=${v}`),
          maxProvidersPerTask: p.maxProvidersPerTask ?? redundancy * 2 + 1,
          ...(p.verification !== 'replicate' && redundancy > 1 ? { verification: { book: reputation } } : {}),
          ...(paidJob !== undefined ? { paid: paidJob.policy } : {})
        }, { load, ...(p.signal !== undefined ? { signal: p.signal } : {}) })
        const settlement = paidJob?.attach(s).then(r => { transactions.push(...r.transactions.filter(h => !transactions.includes(h))); return r })
        if (settlement !== undefined) resolveSettled(settlement)
        // A paid job's data stays served until its disputes end: arbiters fetch it from this peer.
        const over: Promise<unknown> = settlement ?? s.done
        over.finally(() => {
          for (const { cid } of withCids) { served.delete(cid.toString()); blobs.delete(cid) }
        }).catch(() => {})
        return s
      })()
      if (paid) scheduler.catch((err: unknown) => { resolveSettled(Promise.reject(err)) })
      return new Job(jobId, inputs.length, scheduler)
    },
    providers: () => directory.live(),
    async waitForProviders (count, options = {}) {
      while (true) {
        const live = directory.live()
        if (live.length >= count) return live
        if (options.signal?.aborted === true) throw new AbortedError(`only ${live.length} of ${count} providers appeared`)
        await new Promise(resolve => setTimeout(resolve, 200))
      }
    },
    async stop () {
      stopServing()
      stopKeeping()
      directory.stop()
      if (ownsNode) await node.stop()
    }
  }
  return client
}

function randomJobId (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return '0x' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}
