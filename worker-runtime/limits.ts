/** Limits enforced on every task of a job. */
export interface TaskLimits {
  /** Wall-clock time for one task, in milliseconds; past it the worker is terminated and replaced. */
  timeoutMs: number
  /** Maximum linear memory, in 64 KiB Wasm pages. */
  memoryPages: number
  /** Deterministic fuel (one unit per function entry and loop iteration); undefined = unmetered. */
  fuel?: bigint | undefined
  /** Maximum bytes the task may write to stdout. */
  maxOutputBytes: number
}

/** 30 s: long enough for a 1 s kernel on a slow phone, short enough to notice a runaway loop. */
export const DEFAULT_TIMEOUT_MS = 30_000
/** 4096 pages = 256 MiB: enough for real programs (SQLite, image tiles), safe for a tab with several workers. */
export const DEFAULT_MEMORY_PAGES = 4096
/** Hard ceiling on the memory cap, 16384 pages = 1 GiB, whatever a job asks. */
export const MAX_MEMORY_PAGES = 16384
/** 16 MiB of stdout per task: the task protocol's message cap leaves room for the envelope. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024
/** Hard ceiling on a task's output, whatever a job asks: the default, 16 MiB (the task message cap is 24 MiB). */
export const MAX_OUTPUT_BYTES = DEFAULT_MAX_OUTPUT_BYTES
/** Keep this much of stderr, in bytes, to explain a failure. */
export const STDERR_TAIL_BYTES = 4096

/** Fills in defaults and clamps to the hard ceilings. */
export function resolveLimits (limits: Partial<TaskLimits> = {}): TaskLimits {
  return {
    timeoutMs: limits.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    memoryPages: Math.min(limits.memoryPages ?? DEFAULT_MEMORY_PAGES, MAX_MEMORY_PAGES),
    fuel: limits.fuel,
    maxOutputBytes: Math.min(limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES)
  }
}

/** Name of the exported mutable i64 global that holds the fuel left in a metered module. */
export const FUEL_GLOBAL = 'tabmesh_fuel'
