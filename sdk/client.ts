import { AbortedError, TabmeshError } from '../errors/base.ts'
import { ProviderDirectory } from '../mesh/ads/directory.ts'
import type { ProviderEntry } from '../mesh/ads/directory.ts'
import { serveBlobs } from '../mesh/protocol/blob.ts'
import { MemoryBlobStore } from '../mesh/blob/store.ts'
import { cidOf } from '../mesh/cid.ts'
import type { CID } from 'multiformats/cid'
import type { TaskOutcome } from '../mesh/requester/types.ts'
import { taskErrorFromData } from '../worker-runtime/errors.ts'
import { MAX_BLOB_BYTES } from '../mesh/constants.ts'
import { createMeshNode } from '../mesh/node/create-node.ts'
import type { MeshNode, MeshProfile } from '../mesh/node/create-node.ts'
import { keepBootstrap } from '../mesh/node/keep-bootstrap.ts'
import { JobScheduler } from '../mesh/requester/scheduler.ts'
import type { TaskLimits } from '../worker-runtime/limits.ts'
import { resolveLimits } from '../worker-runtime/limits.ts'
import { Job } from './job.ts'
import { encodeTree } from '../worker-runtime/tree-codec.ts'
import { checkMountPaths } from '../worker-runtime/mount-paths.ts'
import { taskFileMounts } from '../worker-runtime/task-files.ts'
import type { TaskMount } from '../worker-runtime/wasi-fs.ts'
import type { CreateClientParameters, PaidJob, TabmeshClient, TaskInput } from './types.ts'
import type { Address, Hex, LocalAccount } from 'viem'
import type { ChainConfig } from '../chain/config.ts'
import type { TabmeshWalletClient } from '../chain/clients.ts'
import type { RequesterPayments } from '../mesh/payment/requester-payments.ts'
import type { Settlement } from '../mesh/payment/paid-job.ts'
import { ReputationBook } from '../mesh/requester/reputation.ts'
import { ProviderLoad } from '../mesh/requester/provider-load.ts'
import { TaskSessions } from '../mesh/protocol/task.ts'
import type { ReputationPolicy } from '../mesh/requester/reputation.ts'

/**
 * Creates a requester client: a libp2p peer that learns providers from capacity ads, serves its jobs'
 * modules and inputs by CID, and schedules jobs (docs/architecture.md, "The path of one job").
 *
 * @example
 * import { createClient } from '@tabmesh/sdk'
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
  const served = new Map<string, number>()
  const stopServing = await serveBlobs(node, async (cid) => served.has(cid.toString()) ? await blobs.get(cid) : undefined)
  /** Serves `cid` while at least one job needs it (jobs may share a module or an input). */
  const serve = async (cid: CID, bytes: Uint8Array): Promise<void> => {
    const key = cid.toString()
    if (!served.has(key)) await blobs.put(cid, bytes)
    served.set(key, (served.get(key) ?? 0) + 1)
  }
  const unserve = (cid: CID): void => {
    const key = cid.toString()
    const left = (served.get(key) ?? 1) - 1
    if (left > 0) { served.set(key, left); return }
    served.delete(key)
    blobs.delete(cid)
  }
  /** A module's CID, validated once per Uint8Array: a caller that calls the same module again pays neither hash nor validation. */
  const modules = new WeakMap<Uint8Array, Promise<CID>>()
  const moduleCidOf = async (module: Uint8Array): Promise<CID> => {
    let cid = modules.get(module)
    if (cid === undefined) {
      cid = WebAssembly.validate(module as Uint8Array<ArrayBuffer>)
        ? cidOf(module)
        : Promise.reject(new TabmeshError('INVALID_MODULE', 'the module is not valid WebAssembly'))
      cid.catch(() => {})
      modules.set(module, cid)
    }
    return await cid
  }
  /** Providers that ran each module lately, newest last (JobSpec.warm). */
  const warm = new Map<string, Set<string>>()
  const ranModule = (cid: string, providers: string[]): void => {
    const set = warm.get(cid) ?? new Set<string>()
    for (const p of providers) { set.delete(p); set.add(p) }
    while (set.size > WARM_PROVIDERS_PER_MODULE) set.delete(set.values().next().value!)
    warm.delete(cid)
    warm.set(cid, set)
    while (warm.size > WARM_MODULES) warm.delete(warm.keys().next().value!)
  }

  const findProvider = (owner: Address): ProviderEntry | undefined => directory.live().find(e => e.ad.owner.toLowerCase() === owner.toLowerCase())
  // The money side is loaded only by clients that can pay (a free job's page never downloads it).
  const payer = params.walletClient !== undefined ? { walletClient: params.walletClient } : params.account !== undefined ? { account: params.account } : undefined
  const payments = params.chain === undefined || payer === undefined
    ? undefined
    : new (await import('../mesh/payment/requester-payments.ts')).RequesterPayments({ node, chain: params.chain, ...payer, findProvider })
  const paidJobs = new Map<string, PaidJob>()
  const reputation = params.reputation instanceof ReputationBook ? params.reputation : new ReputationBook(params.reputation)
  const load = new ProviderLoad()
  /** Jobs not done yet: stopping the client cancels them. */
  const open = new Set<AbortController>()
  const sessions = new TaskSessions(node)

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
      const mounts = p.mounts ?? []
      const tasks = p.inputs.map(i => taskOf(i, p.args, p.env, mounts))
      const inputs = tasks.map(t => t.stdin)
      // Cancels the job whether it is still being prepared or already scheduling (Job.cancel, p.signal).
      const controller = new AbortController()
      open.add(controller)
      const signal = p.signal !== undefined ? AbortSignal.any([p.signal, controller.signal]) : controller.signal
      const scheduler = (async () => {
        if (inputs.length === 0) throw new TabmeshError('INVALID_ARGUMENT', 'a job needs at least one input')
        checkMountPaths(mounts.map(m => m.guestPath))
        for (const t of tasks) if (t.mounts !== undefined) checkMountPaths([...mounts, ...t.mounts].map(m => m.guestPath))
        if (p.outDir !== undefined) checkMountPaths([p.outDir])
        for (const [what, bytes] of [['the module', p.module], ...inputs.map((b, i) => [`input ${i}`, b] as const)] as const) {
          if (bytes.length > MAX_BLOB_BYTES) throw new TabmeshError('BLOB_TOO_LARGE', `${what} is ${bytes.length} bytes; the mesh carries modules and inputs of up to ${MAX_BLOB_BYTES} bytes (64 MiB): split the work into more tasks`)
        }
        const moduleCid = await moduleCidOf(p.module)
        const encodeMounts = async (list: TaskMount[]): Promise<Array<{ guestPath: string, bytes: Uint8Array, cid: CID }>> => await Promise.all(list.map(async ({ guestPath, tree }) => { const bytes = encodeTree(tree); return { guestPath, bytes, cid: await cidOf(bytes) } }))
        const trees = await encodeMounts(mounts)
        const taskTrees = await Promise.all(tasks.map(async t => await encodeMounts(t.mounts ?? [])))
        const withCids = await Promise.all(tasks.map(async ({ stdin, args, env }, i) => ({
          bytes: stdin,
          cid: await cidOf(stdin),
          ...(args !== undefined ? { args, env: env! } : {}),
          ...(taskTrees[i]!.length > 0 ? { mounts: taskTrees[i]!.map(t => ({ guestPath: t.guestPath, treeCid: t.cid.bytes })) } : {})
        })))
        const data = [{ cid: moduleCid, bytes: p.module }, ...withCids, ...trees, ...taskTrees.flat()]
        for (const { cid, bytes } of data) await serve(cid, bytes)
        const release = (): void => { for (const { cid } of data) unserve(cid) }
        if (signal.aborted) { release(); throw new AbortedError('the job was cancelled') }
        let paidJob
        if (paid) {
          if (payments === undefined) throw new TabmeshError('NO_CHAIN', 'a paid job (pricePerTask) needs a client created with chain and account (or walletClient)')
          if (p.pricePerTask! <= 0n) throw new TabmeshError('INVALID_ARGUMENT', 'pricePerTask must be positive (leave it out for a free job)')
          const { preparePaidJob } = await import('../mesh/payment/paid-job.ts')
          paidJob = await preparePaidJob({
            payments,
            node,
            jobId,
            price: p.pricePerTask!,
            minStake: p.minStake ?? 0n,
            taskCount: inputs.length,
            redundancy,
            signal
          })
        }
        const s = new JobScheduler(node, directory, {
          jobId,
          module: p.module,
          moduleCid,
          inputs: withCids,
          redundancy,
          limits: resolveLimits(p.limits),
          args: programArgs(p.args),
          env: envStrings(p.env),
          mounts: trees.map(t => ({ guestPath: t.guestPath, treeCid: t.cid.bytes })),
          ...(p.outDir !== undefined ? { outDir: p.outDir } : {}),
          ...(p.logs === true ? { logs: true } : {}),
          maxProvidersPerTask: p.maxProvidersPerTask ?? redundancy * 2 + 1,
          ...(p.verification !== 'replicate' && redundancy > 1 ? { verification: { book: reputation } } : {}),
          ...(paidJob !== undefined ? { paid: paidJob.policy } : {}),
          warm: warm.get(moduleCid.toString()) ?? new Set()
        }, { load, sessions, signal })
        s.addEventListener('result', (e) => { ranModule(moduleCid.toString(), (e as CustomEvent<TaskOutcome>).detail.providers) })
        const settlement = paidJob?.attach(s).then(r => { transactions.push(...r.transactions.filter(h => !transactions.includes(h))); return r })
        if (settlement !== undefined) resolveSettled(settlement)
        // A paid job's data stays served until its disputes end: arbiters fetch it from this peer.
        const over: Promise<unknown> = settlement ?? s.done
        over.finally(release).catch(() => {})
        return s
      })()
      if (paid) scheduler.catch((err: unknown) => { resolveSettled(Promise.reject(err)) })
      const job = new Job(jobId, inputs.length, scheduler, controller)
      job.done.finally(() => { open.delete(controller) }).catch(() => {})
      return job
    },
    async call (p) {
      const { input, ...rest } = p
      const job = client.submit({ ...rest, inputs: [input ?? new Uint8Array(0)], redundancy: p.redundancy ?? 1, verification: p.verification ?? 'replicate' })
      for await (const r of job.results()) {
        if (r.ok) return r.output
        const { code, ...data } = r.error
        throw code === 'NO_QUORUM' ? new TabmeshError('NO_QUORUM', data.message) : taskErrorFromData({ ...data, code })
      }
      await job.done
      throw new TabmeshError('INTERNAL', 'the call ended without a result')
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
      for (const controller of open) controller.abort(new AbortedError('the client stopped'))
      stopServing()
      stopKeeping()
      sessions.stop()
      directory.stop()
      if (ownsNode) await node.stop()
    }
  }
  return client
}

/** Modules whose warm providers a client remembers (JobSpec.warm): 64, least recently run forgotten first. */
const WARM_MODULES = 64
/** Providers remembered per module: 32, enough to cover a call's redundancy and escalations many times. */
const WARM_PROVIDERS_PER_MODULE = 32

/** Job ids drawn per crypto.getRandomValues call: 64 (one call costs ~9 µs in Node, a tenth of a warm function call's CPU). */
const JOB_IDS_PER_DRAW = 64
let randomPool = new Uint8Array(0)
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))
let randomOffset = 0

/** A fresh random 32-byte job id, 0x-hex. */
function randomJobId (): Hex {
  if (randomOffset + 32 > randomPool.length) { randomPool = crypto.getRandomValues(new Uint8Array(32 * JOB_IDS_PER_DRAW)); randomOffset = 0 }
  let id: Hex = '0x'
  for (let i = randomOffset; i < randomOffset + 32; i++) id += HEX_BYTES[randomPool[i]!]!
  randomOffset += 32
  return id
}

/** argv of a task: the program name Tabmesh gives every task, then the job's and the task's arguments. */
function programArgs (jobArgs: string[] | undefined, taskArgs: string[] = []): string[] {
  return ['task', ...(jobArgs ?? []), ...taskArgs]
}

/** `NAME=value` strings, in the order the names first appear. */
function envStrings (env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`)
}

/**
 * One input as the scheduler takes it: stdin bytes and, for a TaskInput with its own args or env, the
 * task's whole argv and environment (the job's with the task's added); the job's are used otherwise.
 * @throws TabmeshError INVALID_ARGUMENT for an env name that is empty or holds `=`
 */
function taskOf (input: Uint8Array | string | TaskInput, jobArgs: string[] | undefined, jobEnv: Record<string, string> | undefined, jobMounts: TaskMount[]): { stdin: Uint8Array, args?: string[], env?: string[], mounts?: TaskMount[] } {
  if (typeof input === 'string') return { stdin: new TextEncoder().encode(input) }
  if (input instanceof Uint8Array) return { stdin: input }
  const stdin = typeof input.stdin === 'string' ? new TextEncoder().encode(input.stdin) : input.stdin ?? new Uint8Array(0)
  const own = input.files !== undefined && Object.keys(input.files).length > 0 ? { mounts: taskFileMounts(input.files, jobMounts.map(m => m.guestPath)) } : {}
  if (input.args === undefined && input.env === undefined) return { stdin, ...own }
  for (const name of Object.keys({ ...jobEnv, ...input.env })) {
    if (name === '' || name.includes('=')) throw new TabmeshError('INVALID_ARGUMENT', `environment variable name ${JSON.stringify(name)} is empty or holds "="`)
  }
  return { stdin, args: programArgs(jobArgs, input.args), env: envStrings({ ...jobEnv, ...input.env }), ...own }
}
