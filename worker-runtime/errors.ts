import { TabmeshError } from '../errors/base.ts'

/** Why a task did not produce an output. Stable codes: they travel over comlink and the wire. */
export type TaskErrorCode =
  | 'INVALID_MODULE'
  | 'TIMEOUT'
  | 'OUT_OF_FUEL'
  | 'MEMORY_LIMIT'
  | 'TRAP'
  | 'EXIT_NONZERO'
  | 'OUTPUT_TOO_LARGE'

/** A task error as plain data (what a worker returns and the task protocol carries). */
export interface TaskErrorData {
  code: TaskErrorCode
  message: string
  /** The WASI exit code, for EXIT_NONZERO. */
  exitCode?: number
  /** The last bytes of the module's stderr, decoded as UTF-8 (at most STDERR_TAIL_BYTES). */
  stderrTail?: string
}

/** Base class of the errors a task can end with; `code` tells which. */
export class TaskError extends TabmeshError {
  declare readonly code: TaskErrorCode
  readonly exitCode: number | undefined
  readonly stderrTail: string | undefined

  constructor (data: TaskErrorData) {
    super(data.code, data.message)
    this.exitCode = data.exitCode
    this.stderrTail = data.stderrTail
  }

  toData (): TaskErrorData {
    const data: TaskErrorData = { code: this.code, message: this.message }
    if (this.exitCode !== undefined) data.exitCode = this.exitCode
    if (this.stderrTail !== undefined) data.stderrTail = this.stderrTail
    return data
  }
}

/** The bytes are not a valid WebAssembly module, or not a WASI preview1 command we can link. */
export class InvalidModuleError extends TaskError {}
/** The task ran past its wall-clock timeout; its worker was terminated and replaced. */
export class TaskTimeoutError extends TaskError {}
/** The task used up its deterministic fuel budget. */
export class OutOfFuelError extends TaskError {}
/** The module needed more linear memory than the job's cap. */
export class MemoryLimitError extends TaskError {}
/** The module trapped (unreachable, out-of-bounds access, stack overflow, …). */
export class TrapError extends TaskError {}
/** The module exited with a non-zero WASI exit code (see `exitCode` and `stderrTail`). */
export class ExitNonZeroError extends TaskError {}
/** The module wrote more to stdout than the job's `maxOutputBytes`. */
export class OutputTooLargeError extends TaskError {}

const classes: Record<TaskErrorCode, new (data: TaskErrorData) => TaskError> = {
  INVALID_MODULE: InvalidModuleError,
  TIMEOUT: TaskTimeoutError,
  OUT_OF_FUEL: OutOfFuelError,
  MEMORY_LIMIT: MemoryLimitError,
  TRAP: TrapError,
  EXIT_NONZERO: ExitNonZeroError,
  OUTPUT_TOO_LARGE: OutputTooLargeError
}

/** Every task error code, for validation of data that crossed a boundary. */
export const TASK_ERROR_CODES = Object.keys(classes) as TaskErrorCode[]

/** Rebuilds the typed error class from plain data (e.g. after it crossed a worker or the wire). */
export function taskErrorFromData (data: TaskErrorData): TaskError {
  const Class = classes[data.code] ?? TaskError
  return new Class(data)
}
