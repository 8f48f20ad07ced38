import { WASIProcExit } from '@bjorn3/browser_wasi_shim'
import type { TaskErrorCode, TaskErrorData } from './errors.ts'
import type { TaskLimits } from './limits.ts'
import { FUEL_GLOBAL, STDERR_TAIL_BYTES } from './limits.ts'
import { createDeterministicWasi, OutputLimitSignal, providedImports } from './wasi.ts'
import type { TaskMount } from './wasi-fs.ts'
import { encodeOutputTree } from './output-tree.ts'

export interface RunTaskParameters {
  /** A module prepared by `prepareModule` (memory capped, fuel-metered when `limits.fuel` is set). */
  module: WebAssembly.Module
  /** Bytes fed on stdin. */
  input: Uint8Array
  /** argv, the program name first. */
  args: string[]
  /** Environment as `NAME=value` strings. */
  env: string[]
  limits: TaskLimits
  /** 16+ bytes seeding `random_get`; derive it from the task so every provider uses the same. */
  seed: Uint8Array
  /** Directory trees preopened for this run (fds 3, …), each a fresh writable copy (worker-runtime/wasi-fs.ts). */
  mounts?: TaskMount[]
  /**
   * Collect the files the task leaves in this guest directory (e.g. `/out`): the output is then the
   * task's output tree (worker-runtime/output-tree.ts) — stdout and those files in one encoded tree.
   */
  outDir?: string
  /**
   * Called with each stderr write as it happens (live logs: worker-runtime/task-log.ts); synchronous,
   * inside the task's run. Does not change what the task sees or returns.
   */
  onStderr?: (data: Uint8Array) => void
}

export type RunTaskReturnType =
  | { ok: true, output: Uint8Array, durationMs: number, fuelUsed?: bigint | undefined }
  | { ok: false, error: TaskErrorData, durationMs: number }

/**
 * Runs one task: instantiates the module afresh, runs `_start` with the input on stdin and returns
 * stdout. Synchronous work inside a worker; the wall-clock timeout is the pool's job (it terminates
 * the worker). Never throws for anything the module does: every failure is a typed TaskErrorData.
 *
 * @example
 * const r = await runTask({ module, input: new TextEncoder().encode('0 100'), args: ['primes'], env: [], limits, seed })
 * if (r.ok) console.log(new TextDecoder().decode(r.output)) // "25\n"
 */
export function runTask (params: RunTaskParameters): RunTaskReturnType {
  const started = performance.now()
  const elapsed = (): number => performance.now() - started
  const fail = (code: TaskErrorCode, message: string, extra: Partial<TaskErrorData> = {}): RunTaskReturnType =>
    ({ ok: false, error: { code, message, ...extra }, durationMs: elapsed() })

  const unfit = whyUnfit(params.module)
  if (unfit !== undefined) return fail('INVALID_MODULE', unfit)

  const io = createDeterministicWasi({
    args: params.args,
    env: params.env,
    stdin: params.input,
    seed: params.seed,
    mounts: params.mounts ?? [],
    ...(params.outDir !== undefined ? { outDir: params.outDir } : {}),
    maxOutputBytes: params.limits.maxOutputBytes,
    stderrTailBytes: STDERR_TAIL_BYTES,
    ...(params.onStderr !== undefined ? { onStderr: params.onStderr } : {})
  })
  let instance: WebAssembly.Instance
  try {
    instance = new WebAssembly.Instance(params.module, io.imports)
  } catch (err) {
    if (err instanceof RangeError || /memory/i.test(String(err))) {
      return fail('MEMORY_LIMIT', `could not allocate the module's memory: ${String(err)}`)
    }
    return fail('INVALID_MODULE', `instantiation failed: ${String(err)}`)
  }
  const exports = instance.exports as { memory?: WebAssembly.Memory, _start: () => unknown, [FUEL_GLOBAL]?: WebAssembly.Global }
  if (!(exports.memory instanceof WebAssembly.Memory)) return fail('INVALID_MODULE', 'the module exports no memory')
  const fuelGlobal = exports[FUEL_GLOBAL]
  if (params.limits.fuel !== undefined && fuelGlobal !== undefined) fuelGlobal.value = params.limits.fuel
  const fuelUsed = (): bigint | undefined =>
    params.limits.fuel !== undefined && fuelGlobal !== undefined ? params.limits.fuel - (fuelGlobal.value as bigint) : undefined
  const nearMemoryCap = (): boolean => exports.memory!.buffer.byteLength / 65536 > params.limits.memoryPages / 2

  let exitCode: number
  try {
    exitCode = io.wasi.start(instance as unknown as { exports: { memory: WebAssembly.Memory, _start: () => unknown } })
  } catch (err) {
    const tail = io.stderrTail()
    if (err instanceof OutputLimitSignal) {
      return fail('OUTPUT_TOO_LARGE', `the task wrote more than ${params.limits.maxOutputBytes} bytes to stdout`)
    }
    if (err instanceof WASIProcExit) exitCode = err.code
    else if (fuelGlobal !== undefined && params.limits.fuel !== undefined && (fuelGlobal.value as bigint) < 0n) {
      return fail('OUT_OF_FUEL', `the task used up its fuel (${params.limits.fuel})`)
    } else if (nearMemoryCap()) {
      return fail('MEMORY_LIMIT', `the task failed near its memory cap of ${params.limits.memoryPages} pages: ${String(err)}`, { stderrTail: tail })
    } else {
      return fail('TRAP', `the module trapped: ${err instanceof Error ? err.message : String(err)}`, { stderrTail: tail })
    }
  }
  if (exitCode !== 0) {
    const tail = io.stderrTail()
    if (nearMemoryCap()) {
      return fail('MEMORY_LIMIT', `the task exited with code ${exitCode} near its memory cap of ${params.limits.memoryPages} pages`, { exitCode, stderrTail: tail })
    }
    return fail('EXIT_NONZERO', `the task exited with code ${exitCode}`, { exitCode, stderrTail: tail })
  }
  if (params.outDir === undefined) return { ok: true, output: io.stdout(), durationMs: elapsed(), fuelUsed: fuelUsed() }
  let output: Uint8Array
  try {
    output = encodeOutputTree(io.stdout(), io.collect() ?? {})
  } catch (err) {
    return fail('OUTPUT_TOO_LARGE', `the files left in ${params.outDir} do not fit an output tree: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (output.length > params.limits.maxOutputBytes) return fail('OUTPUT_TOO_LARGE', `stdout and the files left in ${params.outDir} are ${output.length} bytes encoded, more than ${params.limits.maxOutputBytes}`)
  return { ok: true, output, durationMs: elapsed(), fuelUsed: fuelUsed() }
}

let provided: Map<string, Set<string>> | undefined
/** Modules checked already (a module is checked once, not once per task): why each cannot run, or null. */
const checked = new WeakMap<WebAssembly.Module, string | null>()

/** Why `module` cannot run as a task (a disallowed import, no `_start`), or undefined when it can. */
function whyUnfit (module: WebAssembly.Module): string | undefined {
  let why = checked.get(module)
  if (why === undefined) {
    const missing = missingImports(module)
    why = missing.length > 0
      ? `the module imports what a Tabmesh task may not use: ${missing.slice(0, 8).join(', ')}`
      : !WebAssembly.Module.exports(module).some(e => e.name === '_start' && e.kind === 'function')
          ? 'the module exports no _start function: it is not a WASI command'
          : null
    checked.set(module, why)
  }
  return why ?? undefined
}

function missingImports (module: WebAssembly.Module): string[] {
  provided ??= providedImports()
  return WebAssembly.Module.imports(module)
    .filter(i => i.kind !== 'function' || provided?.get(i.module)?.has(i.name) !== true)
    .map(i => `${i.module}.${i.name} (${i.kind})`)
}
