/**
 * The one base class of every error Tabmesh throws. `code` is stable and machine-readable (it crosses
 * worker and wire boundaries); `message` is for people.
 */
export class TabmeshError extends Error {
  readonly code: string
  readonly details: string | undefined

  constructor (code: string, message: string, options: { cause?: unknown, details?: string } = {}) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options.details
  }
}

/** Thrown when an operation is given an AbortSignal that fires. */
export class AbortedError extends TabmeshError {
  constructor (message = 'The operation was aborted') {
    super('ABORTED', message)
  }
}

/** Throws AbortedError if the signal has fired. */
export function throwIfAborted (signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new AbortedError()
}
