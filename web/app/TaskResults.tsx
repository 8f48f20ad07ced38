import type { TaskOutcome } from '../../mesh/requester/types.ts'
import { formatCount, plural, utf8OrUndefined } from '../../sdk/index.ts'

/** Text outputs longer than this are cut in the list (the download has them whole), characters. */
const TEXT_PREVIEW = 200

/**
 * Every finished task of a job: its input, and its output as text, or its size, CID and a download
 * for binary output (saved as `fileName(index)`, default task-N.bin); failed tasks with their error code and message.
 */
export function TaskResults ({ outcomes, inputs, fileName }: { outcomes: TaskOutcome[], inputs: string[], fileName?: (index: number) => string }): React.JSX.Element {
  const sorted = [...outcomes].sort((a, b) => a.index - b.index)
  return (
    <details className="results" open={outcomes.length <= 64}>
      <summary>Results of {plural(outcomes.length, 'task')}</summary>
      <div className="results-scroll">
        <table data-testid="task-results">
          <thead><tr><th scope="col">#</th><th scope="col">Input</th><th scope="col">Output</th><th scope="col">Checked</th></tr></thead>
          <tbody>{sorted.map(r => (
            <tr key={r.index} data-testid={`task-result-${r.index}`}>
              <td>{r.index}</td>
              <td><code className="muted">{short(inputs[r.index] ?? '', 40)}</code></td>
              <td className={r.ok ? '' : 'bad'}>{r.ok ? <Output r={r} name={fileName?.(r.index) ?? `task-${r.index}.bin`} /> : <>{r.error.code}: {r.error.message}</>}</td>
              <td className="muted">{r.ok ? (r.verification === 'trusted' ? 'trusted provider' : `${r.providers.length} agreed`) : plural(r.providers.length, 'provider')}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
    </details>
  )
}

function Output ({ r, name }: { r: Extract<TaskOutcome, { ok: true }>, name: string }): React.JSX.Element {
  const text = utf8OrUndefined(r.output)
  if (text !== undefined && printable(text)) return <code className="output">{short(text.trimEnd(), TEXT_PREVIEW)}</code>
  return (
    <>{formatCount(r.output.length)} bytes · <code className="muted" title={r.outputCid}>{r.outputCid.slice(0, 14)}…</code>{' '}
      <a href="#" onClick={e => { e.preventDefault(); save(new Blob([new Uint8Array(r.output)]), name) }}>download</a></>
  )
}

function short (s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s
}

/** Text a person can read: no control characters other than tab and newlines. */
function printable (s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f]/.test(s)
}

export function save (blob: Blob, name: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  a.click()
  setTimeout(() => { URL.revokeObjectURL(a.href) }, 10_000)
}
