/**
 * Live logs: what a running task writes to stderr, streamed to the requester while it runs (a job
 * submitted with `logs: true`), and its progress.
 *
 * **Progress convention** (Tabmesh's own, at the WASI level — any language can follow it): a line on
 * stderr of the form `#progress F` with F a fraction in [0, 1] (`#progress 0.25`), a percentage
 * (`#progress 25%`) or a count (`#progress 3/12`). Such lines are taken out of the log and sent as the
 * task's progress; every other byte is passed on as written. C: `fprintf(stderr, "#progress %d/%d\n", i, n)`.
 * (DCP's `progress(n)` and BOINC's `boinc_fraction_done(x)` are the same idea as a library call.)
 *
 * Bounds, per task: at most LOG_STREAM_MAX_BYTES of stderr are streamed (then one notice, and the
 * rest only reaches the stderr tail of a failure); the worker posts a chunk at most every
 * LOG_POST_INTERVAL_MS while the task writes, so a task printing a line per microsecond costs one
 * message per interval, not one per line. The Wasm runs synchronously in its worker, so a chunk
 * written within the interval of the last post waits for the task's next write or its end.
 */

/** 256 KiB: stderr streamed per task; past it, one notice and nothing more (the tail is still kept for errors). */
export const LOG_STREAM_MAX_BYTES = 256 * 1024
/** 50 ms: at most one log message per task per this interval while it writes. */
export const LOG_POST_INTERVAL_MS = 50
/** 4 KiB: a line longer than this is passed on in pieces and never read as a progress line. */
const MAX_LINE_BYTES = 4 * 1024
/** The start of a progress line. */
export const PROGRESS_PREFIX = '#progress '

/** One message of a task's live log. */
export interface TaskLogChunk {
  /** stderr bytes since the last chunk, progress lines taken out (may be empty). */
  stderr: Uint8Array
  /** The task's latest progress, a fraction in [0, 1], when it reported one since the last chunk. */
  progress?: number
}

/**
 * The fraction a progress line reports (`0.25`, `25%`, `3/12`, clamped to [0, 1]), or undefined when
 * the line is not a progress line.
 * @example parseProgressLine('#progress 3/12') // 0.25
 */
export function parseProgressLine (line: string): number | undefined {
  if (!line.startsWith(PROGRESS_PREFIX)) return undefined
  const value = line.slice(PROGRESS_PREFIX.length).trim()
  let m: RegExpExecArray | null
  let fraction: number
  if ((m = /^(\d+(?:\.\d+)?)%$/.exec(value)) !== null) fraction = Number(m[1]) / 100
  else if ((m = /^(\d+)\/(\d+)$/.exec(value)) !== null) fraction = Number(m[2]) === 0 ? 0 : Number(m[1]) / Number(m[2])
  else if (/^\d+(?:\.\d+)?$/.test(value)) fraction = Number(value)
  else return undefined
  return Math.min(1, Math.max(0, fraction))
}

const NEWLINE = 0x0a
const decoder = new TextDecoder()
const encoder = new TextEncoder()

/**
 * Cuts a task's stderr into TaskLogChunks for `post`, within the bounds above. `write` each stderr
 * write as it happens; `end` once the task is over (posts what is left).
 */
export class TaskLogStream {
  private readonly post: (chunk: TaskLogChunk) => void
  private readonly now: () => number
  private partial = new Uint8Array(0)
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private progress: number | undefined
  private streamed = 0
  private capped = false
  private lastPost = -Infinity

  constructor (post: (chunk: TaskLogChunk) => void, now: () => number = () => performance.now()) {
    this.post = post
    this.now = now
  }

  write (data: Uint8Array): void {
    let rest = this.partial.length > 0 ? concat([this.partial, data]) : data
    this.partial = new Uint8Array(0)
    for (;;) {
      const nl = rest.indexOf(NEWLINE)
      if (nl < 0) break
      this.line(rest.subarray(0, nl + 1))
      rest = rest.subarray(nl + 1)
    }
    if (rest.length > MAX_LINE_BYTES) this.text(rest)
    else this.partial = rest.slice()
    if (this.now() - this.lastPost >= LOG_POST_INTERVAL_MS) this.flush()
  }

  /** Posts what is left, an unfinished last line included. */
  end (): void {
    if (this.partial.length > 0) { this.line(this.partial); this.partial = new Uint8Array(0) }
    this.flush()
  }

  private line (bytes: Uint8Array): void {
    if (bytes.length <= MAX_LINE_BYTES && bytes[0] === PROGRESS_PREFIX.charCodeAt(0)) {
      const progress = parseProgressLine(decoder.decode(bytes).replace(/\r?\n$/, ''))
      if (progress !== undefined) { this.progress = progress; return }
    }
    this.text(bytes)
  }

  private text (bytes: Uint8Array): void {
    if (this.capped) return
    const room = LOG_STREAM_MAX_BYTES - this.streamed
    if (bytes.length > room) {
      this.capped = true
      if (room > 0) this.push(bytes.slice(0, room))
      this.push(encoder.encode(`\n[tabmesh: stderr past ${LOG_STREAM_MAX_BYTES} bytes is not streamed]\n`))
      return
    }
    this.streamed += bytes.length
    this.push(bytes.slice())
  }

  private push (bytes: Uint8Array): void {
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
  }

  private flush (): void {
    if (this.pendingBytes === 0 && this.progress === undefined) return
    const chunk: TaskLogChunk = { stderr: concat(this.pending) }
    if (this.progress !== undefined) chunk.progress = this.progress
    this.pending = []
    this.pendingBytes = 0
    this.progress = undefined
    this.lastPost = this.now()
    this.post(chunk)
  }
}

function concat (parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}
