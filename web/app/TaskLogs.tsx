import { plural } from '../../sdk/index.ts'

/** One task's live log as the Jobs page keeps it. */
export interface TaskLogView {
  /** The provider whose run is shown (with redundancy each run has its own log). */
  provider: string
  /** The tail of its stderr. */
  text: string
  /** Its latest `#progress`, a fraction in [0, 1]. */
  progress?: number
}

/** Lines of a log shown per task (its tail). */
const LINES_SHOWN = 12

/**
 * Live logs of a job's tasks: each task's stderr tail and progress as providers stream them
 * (worker-runtime/task-log.ts), running tasks first.
 */
export function TaskLogs ({ logs, inputs, done }: { logs: Map<number, TaskLogView>, inputs: string[], done: number[] }): React.JSX.Element {
  const finished = new Set(done)
  const order = [...logs.keys()].sort((a, b) => Number(finished.has(a)) - Number(finished.has(b)) || a - b)
  return (
    <details className="logs" open>
      <summary>Live logs of {plural(logs.size, 'task')}</summary>
      <ul className="task-logs" data-testid="task-logs">
        {order.map(i => {
          const log = logs.get(i)!
          const lines = log.text.trimEnd().split('\n').slice(-LINES_SHOWN).join('\n')
          return (
            <li key={i} data-testid={`task-log-${i}`}>
              <div className="row small">
                <strong>Task {i}</strong>
                <code className="muted">{inputs[i]?.slice(0, 40)}</code>
                <span className="muted">on {log.provider.slice(-6)}</span>
                {log.progress !== undefined && <><progress max={1} value={log.progress} aria-label={`Task ${i} progress`} /> <span>{Math.round(log.progress * 100)}%</span></>}
                {finished.has(i) && <span className="muted">done</span>}
              </div>
              {lines !== '' && <pre className="log">{lines}</pre>}
            </li>
          )
        })}
      </ul>
    </details>
  )
}
