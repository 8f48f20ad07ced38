import { useEffect, useRef, useState } from 'react'
import { parseUnits } from 'viem'
import { publicClientFor } from '../../chain/clients.ts'
import { jobEscrowAbi } from '../../chain/generated/contracts.ts'
import { LOCAL_STAKE } from '../../chain/local-funding.ts'
import type { Job } from '../../sdk/job.ts'
import type { JobProgress, TaskOutcome, TaskState, TaskStatus } from '../../mesh/requester/types.ts'
import { EXAMPLES, fetchModule, mandelbrotInputs, primesInputs } from '../jobs/examples.ts'
import type { MandelbrotLayout } from '../jobs/examples.ts'
import { listJobs, saveJob } from '../jobs/history.ts'
import type { JobRecord } from '../jobs/history.ts'
import { plainError } from '../wallet/errors.ts'
import { formatTokens } from '../wallet/controller.ts'
import type { MeshApp } from './App.tsx'

type Kind = 'primes' | 'mandelbrot' | 'upload'

interface RunView {
  job: Job
  name: string
  kind: Kind
  inputs: string[]
  layout?: MandelbrotLayout
  states: TaskState[]
  where: string[][]
  progress: JobProgress
  outcomes: TaskOutcome[]
  done: boolean
  /** Tasks accepted on a trusted provider's word alone (known when the job is done). */
  onTrust?: number
  error?: string
  sum: number
}

const STATE_TEXT: Record<TaskState, string> = { pending: 'pending', running: 'running', verified: 'verified', unverified: 'trusted, unreplicated', escalated: 'escalated', failed: 'failed' }
const MANDELBROT: MandelbrotLayout = { width: 512, height: 384, tile: 64, maxIter: 400 }

export function Jobs ({ app }: { app: MeshApp }): React.JSX.Element {
  const [kind, setKind] = useState<Kind>('mandelbrot')
  const [primesUpTo, setPrimesUpTo] = useState(100_000_000)
  const [primesTasks, setPrimesTasks] = useState(20)
  const [wasmFile, setWasmFile] = useState<File>()
  const [inputFiles, setInputFiles] = useState<File[]>([])
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

  async function submit (e: React.FormEvent): Promise<void> {
    e.preventDefault()
    setFormError(undefined)
    setSubmitting(true)
    try {
      let module: Uint8Array
      let inputs: Array<string | Uint8Array>
      let labels: string[]
      let name: string
      let layout: MandelbrotLayout | undefined
      if (kind === 'upload') {
        if (wasmFile === undefined || inputFiles.length === 0) throw new Error('Choose a .wasm module and at least one input file.')
        module = new Uint8Array(await wasmFile.arrayBuffer())
        inputs = await Promise.all(inputFiles.map(async f => new Uint8Array(await f.arrayBuffer())))
        labels = inputFiles.map(f => f.name)
        name = wasmFile.name
      } else {
        const example = EXAMPLES.find(x => x.id === kind)!
        module = await fetchModule(example.url)
        if (kind === 'primes') {
          inputs = primesInputs(primesUpTo, primesTasks)
          name = `primes below ${primesUpTo.toLocaleString()}`
        } else {
          layout = MANDELBROT
          inputs = mandelbrotInputs(layout)
          name = `mandelbrot ${layout.width}×${layout.height}`
        }
        labels = inputs as string[]
      }
      const paid = app.wallet !== undefined && Number(price) > 0
      const client = await app.client()
      const job = client.submit({
        module,
        inputs,
        redundancy,
        limits: { timeoutMs: timeoutS * 1000 },
        ...(paid ? { pricePerTask: parseUnits(price, 6), minStake: LOCAL_STAKE, deadlineSeconds: 3600 } : {})
      })
      const view: RunView = {
        job, name, kind, inputs: labels, ...(layout !== undefined ? { layout } : {}),
        states: labels.map(() => 'pending'), where: labels.map(() => []),
        progress: job.progress, outcomes: [], done: false, sum: 0
      }
      setRun(view)
      watch(view, paid)
    } catch (err) {
      setFormError(plainError(err))
    } finally {
      setSubmitting(false)
    }
  }

  /** Updates the view from job events, repainting at most once per animation frame (no jank). */
  function watch (view: RunView, paid: boolean): void {
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
    view.job.addEventListener('result', e => {
      const r = (e as CustomEvent<TaskOutcome>).detail
      view.outcomes.push(r)
      view.states[r.index] = r.ok ? 'verified' : 'failed'
      if (r.ok && view.kind === 'primes') view.sum += Number(new TextDecoder().decode(r.output))
      if (r.ok && view.layout !== undefined) paintTile(view.inputs[r.index]!, r.output)
      repaint()
    })
    // A trusted provider's tile shows at once; its final result (the same, unless re-checked) repaints it.
    view.job.addEventListener('provisional', e => {
      const r = (e as CustomEvent<TaskOutcome>).detail
      if (r.ok && view.layout !== undefined) paintTile(view.inputs[r.index]!, r.output)
    })
    view.job.done.then(summary => {
      view.done = true
      view.onTrust = summary.unverified
      void saveJob({
        jobId: view.job.id, name: view.name, createdAt: Date.now(), tasks: view.inputs.length, redundancy,
        accepted: summary.accepted, failed: summary.failed, pricePerTask: paid ? parseUnits(price, 6).toString() : '0', durationMs: Math.round(summary.durationMs)
      }).then(async () => { setPast(await listJobs()) })
      repaint()
    }, (err: unknown) => { view.done = true; view.error = plainError(err); repaint() })
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
    if (run.layout !== undefined) {
      canvas.current?.toBlob(blob => { if (blob !== null) save(blob, `${run.job.id.slice(0, 10)}-mandelbrot.png`) }, 'image/png')
      return
    }
    const lines = [...run.outcomes].sort((a, b) => a.index - b.index).map(r => JSON.stringify(r.ok
      ? { index: r.index, input: run.inputs[r.index], outputCid: r.outputCid, output: utf8(r.output) ?? btoa(String.fromCharCode(...r.output)), providers: r.providers }
      : { index: r.index, input: run.inputs[r.index], error: r.error }))
    save(new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' }), `${run.job.id.slice(0, 10)}-results.jsonl`)
  }

  const p = run?.progress
  const finished = p !== undefined ? p.accepted + p.failed : 0
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      <p className="muted">Run WebAssembly on the mesh: each task goes to {redundancy} provider{redundancy > 1 ? 's' : ''} and is accepted when their outputs agree{redundancy > 1 ? ' — except that a provider with a run of agreeing results is trusted and only one in ten of its tasks is replicated as a spot-check' : ''}. {providers} other provider{providers === 1 ? '' : 's'} online.</p>
      <form className="job-form" onSubmit={e => { void submit(e) }}>
        <fieldset>
          <legend>What to run</legend>
          {EXAMPLES.map(x => (
            <label key={x.id} className="check"><input type="radio" name="kind" value={x.id} checked={kind === x.id} onChange={() => { setKind(x.id) }} /> {x.title} <span className="muted">— {x.description}</span></label>
          ))}
          <label className="check"><input type="radio" name="kind" value="upload" checked={kind === 'upload'} onChange={() => { setKind('upload') }} /> Your own WASI module <span className="muted">— one task per input file, fed on stdin</span></label>
        </fieldset>
        {kind === 'primes' && (
          <div className="row">
            <label>Count primes below <input type="number" min={1000} value={primesUpTo} onChange={e => { setPrimesUpTo(Number(e.target.value)) }} /></label>
            <label>Tasks <input type="number" min={1} max={1000} value={primesTasks} onChange={e => { setPrimesTasks(Number(e.target.value)) }} /></label>
          </div>
        )}
        {kind === 'upload' && (
          <div className="row">
            <label>Module (.wasm) <input type="file" accept=".wasm,application/wasm" onChange={e => { setWasmFile(e.target.files?.[0]) }} /></label>
            <label>Input files <input type="file" multiple onChange={e => { setInputFiles([...(e.target.files ?? [])]) }} /></label>
          </div>
        )}
        <div className="row">
          <label>Redundancy <input type="number" min={1} max={8} value={redundancy} onChange={e => { setRedundancy(Number(e.target.value)) }} /></label>
          <label>Timeout per task (s) <input type="number" min={1} max={120} value={timeoutS} onChange={e => { setTimeoutS(Number(e.target.value)) }} /></label>
          {app.wallet !== undefined && <label>Price per task run (tUSD) <input inputMode="decimal" value={price} onChange={e => { setPrice(e.target.value) }} /></label>}
        </div>
        {app.wallet !== undefined && Number(price) > 0 && <p className="muted small">Paid with {app.wallet.kind === 'injected' ? 'your connected wallet' : 'this tab\'s burner key'} ({app.wallet.address.slice(0, 10)}…): the job is opened on chain first; providers must have staked 100 tSTK.</p>}
        {formError !== undefined && <p role="alert" className="error">{formError}</p>}
        <button type="submit" className="primary" disabled={submitting || (run !== undefined && !run.done)}>{submitting ? 'Submitting…' : 'Run job'}</button>
      </form>

      {run !== undefined && p !== undefined && (
        <div className="run" aria-live="polite">
          <h3>{run.name} <code className="muted small">{run.job.id.slice(0, 18)}…</code></h3>
          <progress max={p.total} value={finished} aria-label="Job progress" />
          <p data-testid="job-progress">{finished} of {p.total} tasks done · {p.accepted - p.unverified} verified · {p.unverified > 0 ? `${p.unverified} on trust · ` : ''}{p.failed} failed · {p.running} running · {p.escalated} escalated · {p.providers} providers
            {run.done && (run.onTrust ?? 0) > 0 && <> · <span title="Adaptive replication: tasks of providers with a run of agreeing results are spot-checked instead of replicated">{run.onTrust} of them on a trusted provider's word</span></>}
            {run.kind === 'primes' && run.done && <> · <strong>{run.sum.toLocaleString()} primes</strong></>}
            {run.done && run.error === undefined && <> · <strong data-testid="job-done">done</strong></>}
          </p>
          {run.error !== undefined && <p role="alert" className="error">{run.error}</p>}
          <ol className="grid" aria-label="Tasks">
            {run.states.map((s, i) => (
              <li key={i} className={`cell ${s}`} title={`Task ${i}: ${STATE_TEXT[s]}${run.where[i]!.length > 0 ? ` on ${run.where[i]!.map(w => w.slice(-6)).join(', ')}` : ''}`}><span className="sr-only">Task {i}: {STATE_TEXT[s]}</span></li>
            ))}
          </ol>
          <p className="legend small">{(['pending', 'running', 'verified', 'unverified', 'escalated', 'failed'] as TaskState[]).map(s => <span key={s}><i className={`cell ${s}`} />{STATE_TEXT[s]}</span>)}</p>
          {run.layout !== undefined && <canvas ref={canvas} width={run.layout.width} height={run.layout.height} className="mandelbrot" role="img" aria-label="Mandelbrot image, drawn tile by tile as tasks are verified" data-testid="mandelbrot" />}
          <button type="button" onClick={download} disabled={run.outcomes.length === 0}>{run.layout !== undefined ? 'Download PNG' : 'Download results (JSON lines)'}</button>
        </div>
      )}

      <h3>Past jobs</h3>
      {past.length === 0 ? <p className="muted">None yet.</p> : <PastJobs app={app} jobs={past} />}
    </section>
  )
}

function PastJobs ({ app, jobs }: { app: MeshApp, jobs: JobRecord[] }): React.JSX.Element {
  const [chainState, setChainState] = useState<Record<string, string>>({})
  useEffect(() => {
    const chain = app.provider.chain
    if (chain === undefined) return
    const pub = publicClientFor(chain)
    void Promise.all(jobs.filter(j => j.pricePerTask !== '0').map(async j => {
      try {
        const [, deadline, , , refunded, , , remaining] = await pub.readContract({ address: chain.escrow, abi: jobEscrowAbi, functionName: 'jobs', args: [j.jobId as `0x${string}`] })
        const state = refunded ? 'refunded' : remaining === 0n ? 'fully paid' : `${formatTokens(remaining, 6)} tUSD in escrow until ${new Date(Number(deadline) * 1000).toLocaleTimeString()}`
        return [j.jobId, state] as const
      } catch { return [j.jobId, 'unknown'] as const }
    })).then(entries => { setChainState(Object.fromEntries(entries)) })
  }, [jobs])
  return (
    <table>
      <thead><tr><th scope="col">Job</th><th scope="col">Tasks</th><th scope="col">Price</th><th scope="col">On chain</th><th scope="col">When</th></tr></thead>
      <tbody>{jobs.map(j => (
        <tr key={j.jobId}>
          <td>{j.name} <code className="muted">{j.jobId.slice(0, 10)}…</code></td>
          <td>{j.accepted}/{j.tasks}{j.failed > 0 ? ` (${j.failed} failed)` : ''}</td>
          <td>{j.pricePerTask === '0' ? 'free' : `${formatTokens(BigInt(j.pricePerTask), 6)} tUSD`}</td>
          <td>{j.pricePerTask === '0' ? '—' : chainState[j.jobId] ?? '…'}</td>
          <td>{new Date(j.createdAt).toLocaleString()}</td>
        </tr>
      ))}</tbody>
    </table>
  )
}

function utf8 (bytes: Uint8Array): string | undefined {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(bytes) } catch { return undefined }
}

function save (blob: Blob, name: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  a.click()
  setTimeout(() => { URL.revokeObjectURL(a.href) }, 10_000)
}
