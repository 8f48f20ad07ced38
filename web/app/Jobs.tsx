import { useEffect, useRef, useState } from 'react'
import { LOCAL_STAKE } from '../../chain/local-funding.ts'
import { PAYMENT_TOKEN, formatTokenAmount, parseTokenAmount } from '../../chain/tokens.ts'
import type { Job } from '../../sdk/index.ts'
import { formatCount, plural, utf8OrUndefined, waitingForProviders } from '../../sdk/index.ts'
import type { JobProgress, TaskLogEvent, TaskOutcome, TaskState, TaskStatus } from '../../mesh/requester/types.ts'
import type { SubmitParameters, TaskInput } from '../../sdk/index.ts'
import { DATA_DIR, DEFAULT_SQL, PROGRAM_EXAMPLES, sqliteTasks, zopfliTasks } from '../jobs/programs.ts'
import { treeOfFolder, zipOutputs } from '../jobs/folder.ts'
import { TaskLogs } from './TaskLogs.tsx'
import type { TaskLogView } from './TaskLogs.tsx'
import { EXAMPLES, fetchModule, mandelbrotInputs, primesInputs } from '../jobs/examples.ts'
import type { MandelbrotLayout } from '../jobs/examples.ts'
import { listJobs, saveJob } from '../jobs/history.ts'
import type { JobRecord } from '../jobs/history.ts'
import { plainError } from '../wallet/errors.ts'
import type { MeshApp } from './mesh-app.ts'
import { PastJobs } from './PastJobs.tsx'
import { Lanes } from './Lanes.tsx'
import { feeOf, paidRuns } from '../jobs/cost.ts'
import { TaskResults, save } from './TaskResults.tsx'

type Kind = 'primes' | 'mandelbrot' | 'sqlite' | 'zopfli' | 'upload'

/** Per task, the live log shown: this much of its stderr is kept (the tail), characters. */
const LOG_KEPT_CHARS = 4_000

interface RunView {
  job: Job
  name: string
  kind: Kind
  inputs: string[]
  redundancy: number
  /** Payment-token base units per task run; 0n for a free job. */
  price: bigint
  layout?: MandelbrotLayout
  states: TaskState[]
  where: string[][]
  progress: JobProgress
  outcomes: TaskOutcome[]
  done: boolean
  cancelled: boolean
  /** Providers already trusted from this tab's earlier jobs when this one started. */
  trustedBefore: number
  error?: string
  sum: number
  /** Live logs by task index: the first provider heard from for each task. */
  logs: Map<number, TaskLogView>
  /** Outputs go in a zip: the files each task left in /out (`outDir`), or one compressed file per task. */
  zip?: 'out' | 'gzip'
}

/** What each cell colour means; `trusted` is a task accepted on a trusted provider's word. */
const STATE_TEXT: Record<TaskState, string> = { pending: 'waiting', running: 'running', verified: 'verified by a quorum', trusted: 'accepted on trust', escalated: 'escalated (outputs disagreed)', failed: 'failed' }
const MANDELBROT: MandelbrotLayout = { width: 512, height: 384, tile: 64, maxIter: 400 }
/** How often the "N other providers online" line is refreshed, ms (ads expire without an event). */
const PROVIDER_COUNT_REFRESH_MS = 2_000

export function Jobs ({ app }: { app: MeshApp }): React.JSX.Element {
  const [kind, setKind] = useState<Kind>('mandelbrot')
  const [primesUpTo, setPrimesUpTo] = useState(100_000_000)
  const [primesTasks, setPrimesTasks] = useState(20)
  const [wasmFile, setWasmFile] = useState<File>()
  const [inputFiles, setInputFiles] = useState<File[]>([])
  const [folder, setFolder] = useState<File[]>([])
  const [jobArgs, setJobArgs] = useState('')
  const [taskArgs, setTaskArgs] = useState('')
  const [collectOut, setCollectOut] = useState(false)
  const [sql, setSql] = useState(DEFAULT_SQL)
  const [database, setDatabase] = useState('')
  const [compressFiles, setCompressFiles] = useState<File[]>([])
  const [redundancy, setRedundancy] = useState(2)
  const [price, setPrice] = useState(app.wallet !== undefined ? '0.001' : '0')
  const [timeoutS, setTimeoutS] = useState(30)
  const [submitting, setSubmitting] = useState(false)
  const [formError, setFormError] = useState<string>()
  const [run, setRun] = useState<RunView>()
  const [, redraw] = useState(0)
  const [past, setPast] = useState<JobRecord[]>([])
  const canvas = useRef<HTMLCanvasElement>(null)
  const providers = app.provider.directory.live().length

  useEffect(() => { listJobs().then(setPast, () => {}) }, [run?.done])
  useEffect(() => {
    const t = setInterval(() => { redraw(n => n + 1) }, PROVIDER_COUNT_REFRESH_MS)
    return () => { clearInterval(t) }
  }, [])

  async function submit (e: React.FormEvent): Promise<void> {
    e.preventDefault()
    setFormError(undefined)
    setSubmitting(true)
    try {
      const pricePerTask = app.wallet !== undefined ? parseTokenAmount(price, PAYMENT_TOKEN) : 0n
      if (!Number.isInteger(redundancy) || redundancy < 1 || redundancy > 8) throw new Error('Redundancy must be a whole number from 1 to 8.')
      if (!(timeoutS >= 1 && timeoutS <= 600)) throw new Error('The timeout per task must be from 1 to 600 seconds.')
      let module: Uint8Array
      let inputs: Array<string | Uint8Array | TaskInput>
      let labels: string[]
      let name: string
      let layout: MandelbrotLayout | undefined
      let zip: RunView['zip']
      const extra: Pick<SubmitParameters, 'args' | 'env' | 'mounts' | 'outDir'> = {}
      const mountFolder = async (): Promise<void> => { if (folder.length > 0) extra.mounts = [{ guestPath: DATA_DIR, tree: await treeOfFolder(folder) }] }
      if (kind === 'upload') {
        const perTask = taskArgs.split('\n').map(l => l.trim()).filter(l => l !== '')
        if (wasmFile === undefined) throw new Error('Choose a .wasm module.')
        if (inputFiles.length === 0 && perTask.length === 0) throw new Error('Give the job its tasks: choose input files (one task each, fed on stdin) or write one line of arguments per task.')
        if (inputFiles.length > 0 && perTask.length > 0) throw new Error('Use input files or per-task argument lines, not both: each makes the tasks.')
        module = new Uint8Array(await wasmFile.arrayBuffer())
        if (inputFiles.length > 0) {
          inputs = await Promise.all(inputFiles.map(async f => new Uint8Array(await f.arrayBuffer())))
          labels = inputFiles.map(f => f.name)
        } else {
          inputs = perTask.map(line => ({ args: splitArgs(line) }))
          labels = perTask
        }
        if (jobArgs.trim() !== '') extra.args = splitArgs(jobArgs)
        await mountFolder()
        if (collectOut) { extra.outDir = '/out'; zip = 'out' }
        name = wasmFile.name
      } else if (kind === 'sqlite' || kind === 'zopfli') {
        const program = PROGRAM_EXAMPLES.find(x => x.id === kind)!
        module = await fetchModule(program.url)
        if (kind === 'sqlite') {
          if (database.trim() !== '' && folder.length === 0) throw new Error('Choose the folder that holds the database, or leave the database empty for an in-memory one.')
          const t = sqliteTasks(sql, database)
          inputs = t.inputs
          labels = t.labels
          extra.args = t.args
          // The shell looks for ~/.sqliterc and warns on stderr without a home: / has none to find.
          extra.env = { HOME: '/' }
          await mountFolder()
          name = `SQLite: ${plural(inputs.length, 'query block')}${database.trim() !== '' ? ` on ${database.trim()}` : ''}`
        } else {
          const t = zopfliTasks(await Promise.all(compressFiles.map(async f => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) }))))
          inputs = t.inputs
          labels = t.labels
          zip = 'gzip'
          name = `Zopfli: ${plural(inputs.length, 'file')}`
        }
      } else {
        const example = EXAMPLES.find(x => x.id === kind)!
        module = await fetchModule(example.url)
        if (kind === 'primes') {
          inputs = primesInputs(primesUpTo, primesTasks)
          name = `primes below ${formatCount(primesUpTo)}`
        } else {
          layout = MANDELBROT
          inputs = mandelbrotInputs(layout)
          name = `mandelbrot ${layout.width}×${layout.height}`
        }
        labels = inputs as string[]
      }
      const paid = pricePerTask > 0n
      const client = await app.client()
      const trustedBefore = client.reputation.list().filter(r => r.key.startsWith('peer:') && client.reputation.isTrusted(r.key.slice(5))).length
      const job = client.submit({
        module,
        inputs,
        redundancy,
        ...extra,
        // Live logs: every task's stderr and progress show below the tasks while they run.
        logs: true,
        limits: { timeoutMs: timeoutS * 1000 },
        ...(paid ? { pricePerTask, minStake: LOCAL_STAKE } : {})
      })
      const view: RunView = {
        job, name, kind, inputs: labels, redundancy, price: pricePerTask, trustedBefore, ...(layout !== undefined ? { layout } : {}),
        states: labels.map(() => 'pending'), where: labels.map(() => []),
        progress: job.progress, outcomes: [], done: false, cancelled: false, sum: 0, logs: new Map(), ...(zip !== undefined ? { zip } : {})
      }
      setRun(view)
      watch(view)
    } catch (err) {
      setFormError(plainError(err))
    } finally {
      setSubmitting(false)
    }
  }

  /** Updates the view from job events, repainting at most once per animation frame (no jank). */
  function watch (view: RunView): void {
    let scheduled = false
    const repaint = (): void => {
      if (scheduled) return
      scheduled = true
      requestAnimationFrame(() => { scheduled = false; redraw(n => n + 1) })
    }
    view.job.addEventListener('task', e => {
      const s = (e as CustomEvent<TaskStatus>).detail
      view.states[s.index] = s.state
      view.where[s.index] = s.running
      repaint()
    })
    view.job.addEventListener('progress', e => { view.progress = (e as CustomEvent<JobProgress>).detail; repaint() })
    view.job.addEventListener('log', e => {
      const { index, provider, stderr, progress } = (e as CustomEvent<TaskLogEvent>).detail
      const log = view.logs.get(index) ?? { provider, text: '' }
      if (log.provider !== provider) return // with redundancy, one provider's run is shown per task
      log.text = (log.text + stderr).slice(-LOG_KEPT_CHARS)
      if (progress !== undefined) log.progress = progress
      view.logs.set(index, log)
      repaint()
    })
    view.job.addEventListener('result', e => {
      const r = (e as CustomEvent<TaskOutcome>).detail
      view.outcomes.push(r)
      view.states[r.index] = !r.ok ? 'failed' : r.verification === 'trusted' ? 'trusted' : 'verified'
      if (r.ok && view.kind === 'primes') view.sum += Number(new TextDecoder().decode(r.output))
      if (r.ok && view.layout !== undefined) paintTile(view.inputs[r.index]!, r.output)
      repaint()
    })
    // A trusted provider's tile shows at once; its final result (the same, unless re-checked) repaints it.
    view.job.addEventListener('trusted', e => {
      const r = (e as CustomEvent<TaskOutcome>).detail
      if (r.ok && view.layout !== undefined) paintTile(view.inputs[r.index]!, r.output)
    })
    view.job.done.then(summary => {
      view.done = true
      void saveJob({
        jobId: view.job.id, name: view.name, createdAt: Date.now(), tasks: view.inputs.length, redundancy: view.redundancy,
        accepted: summary.accepted, failed: summary.failed, pricePerTask: view.price.toString(), durationMs: Math.round(summary.durationMs),
        ...(view.price > 0n ? { cost: costOf(view).paid.toString() } : {})
      }).then(async () => { setPast(await listJobs()) })
      repaint()
    }, (err: unknown) => {
      view.done = true
      view.error = view.cancelled ? `Cancelled after ${plural(view.outcomes.length, 'task')}: running tasks were stopped.` : plainError(err)
      repaint()
    })
  }

  function cancel (): void {
    if (run === undefined || run.done) return
    run.cancelled = true
    run.job.cancel()
  }

  function paintTile (input: string, rgba: Uint8Array): void {
    const ctx = canvas.current?.getContext('2d')
    if (ctx == null) return
    const [, , tx, ty, tw, th] = input.split(' ').map(Number) as [number, number, number, number, number, number]
    if (rgba.length !== tw * th * 4) return
    ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), tw, th), tx, ty)
  }

  function download (): void {
    if (run === undefined) return
    if (run.zip !== undefined) {
      const names = run.zip === 'gzip' ? (i: number) => `${run.inputs[i]!}.gz` : undefined
      save(new Blob([zipOutputs(run.outcomes, names) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), `${run.job.id.slice(0, 10)}-outputs.zip`)
      return
    }
    if (run.layout !== undefined) {
      canvas.current?.toBlob(blob => { if (blob !== null) save(blob, `${run.job.id.slice(0, 10)}-mandelbrot.png`) }, 'image/png')
      return
    }
    const lines = [...run.outcomes].sort((a, b) => a.index - b.index).map(r => JSON.stringify(r.ok
      ? { index: r.index, input: run.inputs[r.index], outputCid: r.outputCid, output: utf8OrUndefined(r.output) ?? btoa(String.fromCharCode(...r.output)), providers: r.providers }
      : { index: r.index, input: run.inputs[r.index], error: r.error }))
    save(new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' }), `${run.job.id.slice(0, 10)}-results.jsonl`)
  }

  const p = run?.progress
  const finished = p !== undefined ? p.accepted + p.failed : 0
  // Held (not yet released) plus released results a trusted provider vouched for alone.
  const trustedCount = (p?.trusted ?? 0) + (run?.outcomes.filter(r => r.ok && r.verification === 'trusted').length ?? 0)
  const waiting = p !== undefined && run !== undefined && !run.done ? waitingForProviders(p) : undefined
  // The typed price in base units: undefined while it is not an amount (the form says so).
  const priceUnits = app.wallet === undefined ? 0n : priceOrUndefined(price)
  const priceValid = priceUnits !== undefined
  const paidForm = app.wallet !== undefined && priceUnits !== undefined && priceUnits > 0n
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      <p className="muted">Run WebAssembly on the mesh: each task goes to {plural(redundancy, 'provider')} and is accepted when their outputs agree{redundancy > 1 ? '; a provider with a run of agreeing results is trusted, and then only one in ten of its tasks is replicated as a spot-check' : ''}.
        {' '}<span data-testid="providers-online">{plural(providers, 'other provider')} online</span> (this tab does not run its own jobs).</p>
      <form className="job-form" onSubmit={e => { void submit(e) }}>
        <fieldset>
          <legend>What to run</legend>
          {[...EXAMPLES, ...PROGRAM_EXAMPLES].map(x => (
            <label key={x.id} className="check"><input type="radio" name="kind" value={x.id} checked={kind === x.id} onChange={() => { setKind(x.id); setFolder([]) }} /> {x.title} <span className="muted">— {x.description}</span></label>
          ))}
          <label className="check"><input type="radio" name="kind" value="upload" checked={kind === 'upload'} onChange={() => { setKind('upload'); setFolder([]) }} /> Your own WASI module <span className="muted">— one task per input file (on stdin) or per line of arguments; a folder to mount and files to collect, if you like</span></label>
        </fieldset>
        {kind === 'primes' && (
          <div className="row">
            <label>Count primes below <input type="number" min={1000} value={primesUpTo} onChange={e => { setPrimesUpTo(Number(e.target.value)) }} /></label>
            <label>Tasks <input type="number" min={1} max={1000} value={primesTasks} onChange={e => { setPrimesTasks(Number(e.target.value)) }} /></label>
          </div>
        )}
        {kind === 'sqlite' && (
          <>
            <label className="block">SQL — each block, separated by a blank line, is one task <textarea rows={8} value={sql} onChange={e => { setSql(e.target.value) }} spellCheck={false} /></label>
            <div className="row">
              <FolderInput files={folder} onChange={setFolder} label="Folder with the database (optional)" />
              <label>Database file in it <input value={database} placeholder="e.g. shop.db (empty: in memory)" onChange={e => { setDatabase(e.target.value) }} /></label>
            </div>
            <p className="muted small">The folder is mounted at {DATA_DIR} in every task, each on its own copy: a task that changes the database never changes yours or another task's.</p>
          </>
        )}
        {kind === 'zopfli' && (
          <div className="row">
            <label className="file">Files to compress <input type="file" multiple onChange={e => { setCompressFiles([...(e.target.files ?? [])]) }} /></label>
            <span className="muted small">{compressFiles.length > 0 ? plural(compressFiles.length, 'file') + ', ' + formatBytes(compressFiles.reduce((n, f) => n + f.size, 0)) : 'one task per file; download them all as .gz files in one zip'}</span>
          </div>
        )}
        {kind === 'upload' && (
          <>
            <div className="row">
              <label className="file">Module (.wasm) <input type="file" accept=".wasm,application/wasm" onChange={e => { setWasmFile(e.target.files?.[0]) }} /></label>
              <label className="file">Input files (one task each, on stdin) <input type="file" multiple onChange={e => { setInputFiles([...(e.target.files ?? [])]) }} /></label>
            </div>
            <label className="block">…or tasks as lines of arguments (one task per line) <textarea rows={3} value={taskArgs} placeholder={'--size 10\n--size 20'} onChange={e => { setTaskArgs(e.target.value) }} spellCheck={false} /></label>
            <div className="row">
              <label>Arguments for every task <input value={jobArgs} placeholder="e.g. --verbose" onChange={e => { setJobArgs(e.target.value) }} /></label>
              <FolderInput files={folder} onChange={setFolder} label={`Folder mounted at ${DATA_DIR} (optional)`} />
              <label className="check"><input type="checkbox" checked={collectOut} onChange={e => { setCollectOut(e.target.checked) }} /> Collect the files tasks write to /out</label>
            </div>
          </>
        )}
        <div className="row">
          <label>Redundancy <input type="number" min={1} max={8} value={redundancy} onChange={e => { setRedundancy(Number(e.target.value)) }} /></label>
          <label>Timeout per task (s) <input type="number" min={1} max={600} value={timeoutS} onChange={e => { setTimeoutS(Number(e.target.value)) }} /></label>
          {app.wallet !== undefined && <label>Price per task run (tUSD) <input inputMode="decimal" value={price} aria-invalid={!priceValid} onChange={e => { setPrice(e.target.value) }} /></label>}
        </div>
        {!priceValid && <p className="error small" role="alert">"{price}" is not a price: enter an amount of tUSD like 0.001, or 0 for a free job.</p>}
        {paidForm && <p className="muted small">Paid with {app.wallet!.kind === 'injected' ? 'your connected wallet' : 'this tab\'s burner key'} ({app.wallet!.address.slice(0, 10)}…): each provider owner's payment lane is funded as its providers start, with its share of this job's budget of {formatTokenAmount(priceUnits * BigInt(redundancy) * BigInt(taskCount(kind, primesTasks, inputFiles.length)), PAYMENT_TOKEN, 6)} (at least 50 task runs' worth), and every accepted run is paid by cheque. What the lanes still hold stays for your next job, or comes back when you close them. Providers' owners must have staked 100 tSTK.</p>}
        {providers < redundancy && <p className="muted small" data-testid="form-waiting">Only {plural(providers, 'other provider')} online; this job needs {redundancy}. It will wait for more — open the app in another browser tab or run <code>npx tabmesh provide</code>, or lower the redundancy.</p>}
        {formError !== undefined && <p role="alert" className="error">{formError}</p>}
        <div className="buttons">
          <button type="submit" className="primary" disabled={submitting || !priceValid || (run !== undefined && !run.done)}>{submitting ? 'Submitting…' : 'Run job'}</button>
          {run !== undefined && !run.done && <button type="button" onClick={cancel} data-testid="cancel-job">Cancel job</button>}
        </div>
      </form>

      {run !== undefined && p !== undefined && (
        <div className="run" aria-live="polite">
          <h3>{run.name} <code className="muted small">{run.job.id.slice(0, 18)}…</code></h3>
          <progress max={p.total} value={finished} aria-label="Job progress" />
          {waiting !== undefined && <p className="waiting" role="status" data-testid="job-waiting">{capitalize(waiting)} — this tab does not run its own jobs. Open the app in another browser tab or run <code>npx tabmesh provide</code>; the job keeps waiting until you cancel it.</p>}
          <p data-testid="job-progress">{finished} of {plural(p.total, 'task')} done · {p.accepted - trustedCount} verified by {plural(run.redundancy, 'provider')} each
            {trustedCount > 0 && <> · <span title="Adaptive replication: a trusted provider's tasks are spot-checked instead of replicated">{trustedCount} accepted on a trusted provider's word</span></>}
            {' '}· {p.failed} failed · {p.running} running{p.escalated > 0 ? ` · ${p.escalated} escalated` : ''} · results from {plural(p.providers, 'provider')}
            {run.kind === 'primes' && run.done && <> · <strong>{formatCount(run.sum)} primes</strong></>}
            {run.done && run.error === undefined && <> · <strong data-testid="job-done">done</strong></>}
          </p>
          {run.trustedBefore > 0 && <p className="muted small">{plural(run.trustedBefore, 'provider')} {run.trustedBefore === 1 ? 'is' : 'are'} already trusted from this tab's earlier jobs: their tasks here are spot-checked (one in ten) instead of replicated.</p>}
          {run.price > 0n && <Cost view={run} />}
          {run.error !== undefined && <p role="alert" className="error">{run.error}</p>}
          <ol className="grid" aria-label="Tasks">
            {run.states.map((s, i) => (
              <li key={i} className={`cell ${s}`} title={`Task ${i}: ${STATE_TEXT[s]}${run.where[i]!.length > 0 ? ` on ${run.where[i]!.map(w => w.slice(-6)).join(', ')}` : ''}`}><span className="sr-only">Task {i}: {STATE_TEXT[s]}</span></li>
            ))}
          </ol>
          <p className="legend small">{(['pending', 'running', 'verified', 'trusted', 'escalated', 'failed'] as TaskState[]).map(s => <span key={s}><i className={`cell ${s}`} />{STATE_TEXT[s]}</span>)}</p>
          {run.layout !== undefined && <canvas ref={canvas} width={run.layout.width} height={run.layout.height} className="mandelbrot" role="img" aria-label="Mandelbrot image, drawn tile by tile as tasks are verified" data-testid="mandelbrot" />}
          {run.logs.size > 0 && <TaskLogs logs={run.logs} inputs={run.inputs} done={run.outcomes.map(r => r.index)} />}
          {run.outcomes.length > 0 && <TaskResults outcomes={run.outcomes} inputs={run.inputs} {...(run.zip === 'gzip' ? { fileName: (i: number) => `${run.inputs[i]!}.gz` } : {})} />}
          <button type="button" onClick={download} disabled={run.outcomes.length === 0}>{run.layout !== undefined ? 'Download PNG' : run.zip !== undefined ? 'Download outputs (zip)' : 'Download results (JSON lines)'}</button>
        </div>
      )}

      <h3>Past jobs</h3>
      {past.length === 0 ? <p className="muted">None yet.</p> : <PastJobs jobs={past} />}
      <Lanes app={app} />
    </section>
  )
}

/** What a paid job cost so far: one cheque amount per paid run (paidRuns); the fee is part of it. */
function costOf (view: RunView): { runs: number, paid: bigint, fee: bigint } {
  const runs = paidRuns(view.outcomes)
  const paid = BigInt(runs) * view.price
  return { runs, paid, fee: feeOf(paid) }
}

function Cost ({ view }: { view: RunView }): React.JSX.Element {
  const { runs, paid, fee } = costOf(view)
  return (
    <p data-testid="job-cost">{view.done ? 'Cost' : 'Cost so far'}: <strong>{formatTokenAmount(paid, PAYMENT_TOKEN, 6)}</strong> — cheques for {plural(runs, 'accepted task run')} at {formatTokenAmount(view.price, PAYMENT_TOKEN, 6)}; providers' owners receive it less the {formatTokenAmount(fee, PAYMENT_TOKEN, 6)} protocol fee. What your payment lanes still hold stays there for your next job (see Payment lanes).</p>
  )
}

function taskCount (kind: Kind, primesTasks: number, files: number): number {
  return kind === 'primes' ? primesTasks : kind === 'mandelbrot' ? mandelbrotInputs(MANDELBROT).length : Math.max(1, files)
}

/** Arguments typed on one line, split at spaces; "double quotes" keep spaces inside one argument. */
function splitArgs (line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map(m => m[1] ?? m[2]!)
}

function formatBytes (n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`
}

/** A folder picker (the browser's directory upload); says what was chosen. */
function FolderInput ({ files, onChange, label }: { files: File[], onChange: (files: File[]) => void, label: string }): React.JSX.Element {
  const folderName = files[0]?.webkitRelativePath.split('/')[0]
  return (
    <label className="file">{label}
      <input type="file" multiple ref={el => { el?.setAttribute('webkitdirectory', '') }} onChange={e => { onChange([...(e.target.files ?? [])]) }} data-testid="folder-input" />
      {files.length > 0 && <span className="muted small">{folderName}: {plural(files.length, 'file')}, {formatBytes(files.reduce((n, f) => n + f.size, 0))}</span>}
    </label>
  )
}

function priceOrUndefined (text: string): bigint | undefined {
  try { return parseTokenAmount(text, PAYMENT_TOKEN) } catch { return undefined }
}

function capitalize (s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
