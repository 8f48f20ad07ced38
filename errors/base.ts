/** Marks every TabmeshError, across copies of this module (a registered symbol is the same everywhere). */
const TABMESH_ERROR = Symbol.for('tabmesh.error')

/**
 * The one base class of every error Tabmesh throws. `code` is stable and machine-readable (it crosses
 * worker and wire boundaries); `message` is for people.
 */
export class TabmeshError extends Error {
  readonly code: string
  readonly details: string | undefined

  /**
   * `err instanceof TabmeshError` holds for errors from any copy of this class: the `tabmesh` package
   * and `@tabmesh/sdk` each bundle one, and an app may load two SDK versions. Subclasses keep the
   * ordinary prototype check.
   */
  static override [Symbol.hasInstance] (value: unknown): boolean {
    if (this !== TabmeshError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return typeof value === 'object' && value !== null && (value as { [TABMESH_ERROR]?: unknown })[TABMESH_ERROR] === true
  }

  constructor (code: string, message: string, options: { cause?: unknown, details?: string } = {}) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options.details
  }
}
Object.defineProperty(TabmeshError.prototype, TABMESH_ERROR, { value: true })

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
