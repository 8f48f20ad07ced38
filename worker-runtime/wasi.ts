import { ConsoleStdout, File, OpenDirectory, OpenFile, WASI, wasi as defs } from '@bjorn3/browser_wasi_shim'
import { filesystemImports, preopensFor, resetInodeNumbers, treeOfDirectory } from './wasi-fs.ts'
import type { TaskMount, TaskTreeEntry } from './wasi-fs.ts'

/**
 * Deterministic WASI preview1 (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md)
 * over @bjorn3/browser_wasi_shim, the same implementation in Chromium and Node so outputs are identical.
 *
 * - stdin is the task input; stdout and stderr are captured; the task's mounts are preopened (fds 3, …),
 *   each a fresh copy, deterministic (worker-runtime/wasi-fs.ts).
 * - Clocks are virtual: they start at VIRTUAL_EPOCH_NS and advance CLOCK_STEP_NS per read, so a
 *   program that polls the clock still terminates and always sees the same times.
 * - `random_get` is a xorshift128 stream seeded from the task (`seed`), the same on every provider.
 * - `poll_oneoff` on clocks advances the virtual clock instead of busy-waiting; stdin is always readable
 *   (the whole input is there) and stdout/stderr writable; there are no sockets.
 */

/** 2024-01-01T00:00:00Z in nanoseconds: the fixed wall-clock time every task sees. */
export const VIRTUAL_EPOCH_NS = 1_704_067_200_000_000_000n
/** 1 µs per clock read: time moves forward, deterministically. */
export const CLOCK_STEP_NS = 1_000n

/**
 * stdout and stderr as a pipe, not a terminal: the shim's `ConsoleStdout` says CHARACTER_DEVICE, so
 * wasi-libc's `isatty` was true and programs switched to interactive behaviour (the SQLite shell drew
 * boxes instead of `a|b` rows). FILETYPE_UNKNOWN with write rights only is what wasmtime reports for
 * redirected stdio; a native program whose output goes to a pipe behaves the same.
 */
class CapturedOutput extends ConsoleStdout {
  override fd_fdstat_get (): { ret: number, fdstat: defs.Fdstat } {
    const fdstat = new defs.Fdstat(defs.FILETYPE_UNKNOWN, 0)
    fdstat.fs_rights_base = BigInt(defs.RIGHTS_FD_WRITE)
    return { ret: defs.ERRNO_SUCCESS, fdstat }
  }

  override fd_filestat_get (): { ret: number, filestat: defs.Filestat } {
    const { ret, filestat } = super.fd_filestat_get()
    filestat.filetype = defs.FILETYPE_UNKNOWN
    return { ret, filestat }
  }
}

/** Thrown inside a WASI call to stop the module when stdout exceeds its cap. */
export class OutputLimitSignal extends Error {}

export interface DeterministicWasiOptions {
  args: string[]
  env: string[]
  stdin: Uint8Array
  /** At least 16 bytes; the first 16 seed `random_get`. */
  seed: Uint8Array
  maxOutputBytes: number
  stderrTailBytes: number
  /** Directory trees preopened as fds 3, 4, … in this order. */
  mounts?: TaskMount[]
  /** A guest directory whose contents the task leaves behind are collected (`collect`); preopened empty unless mounted. */
  outDir?: string
  /** Sees every stderr write (live logs); the tail is kept either way. */
  onStderr?: (data: Uint8Array) => void
}

export interface DeterministicWasi {
  wasi: WASI
  imports: WebAssembly.Imports
  stdout: () => Uint8Array
  stderrTail: () => string
  /** The out directory's contents now (undefined without `outDir`). */
  collect: () => Record<string, TaskTreeEntry> | undefined
}

export function createDeterministicWasi (options: DeterministicWasiOptions): DeterministicWasi {
  // Before any inode is made (stdio included): a task sees the same numbers on every run.
  resetInodeNumbers()
  const stdoutChunks: Uint8Array[] = []
  let stdoutBytes = 0
  let stderr = new Uint8Array(0)

  const stdout = new CapturedOutput((data: Uint8Array) => {
    stdoutBytes += data.byteLength
    if (stdoutBytes > options.maxOutputBytes) throw new OutputLimitSignal(`stdout passed ${options.maxOutputBytes} bytes`)
    stdoutChunks.push(data.slice())
  })
  const stderrFd = new CapturedOutput((data: Uint8Array) => {
    options.onStderr?.(data)
    const joined = new Uint8Array(stderr.length + data.length)
    joined.set(stderr); joined.set(data, stderr.length)
    stderr = joined.slice(Math.max(0, joined.length - options.stderrTailBytes))
  })
  const stdin = new OpenFile(new File(options.stdin, { readonly: true }))
  // debug: false — the shim turns its logging on when the option is left out.
  const mounts = options.mounts ?? []
  const withOut = options.outDir !== undefined && !mounts.some(m => m.guestPath === options.outDir) ? [...mounts, { guestPath: options.outDir, tree: {} }] : mounts
  const preopens = preopensFor(withOut)
  const outFd = options.outDir !== undefined ? preopens[withOut.findIndex(m => m.guestPath === options.outDir)] : undefined
  const wasi = new WASI(options.args, options.env, [stdin, stdout, stderrFd, ...preopens], { debug: false })

  let clock = VIRTUAL_EPOCH_NS
  const random = xorshift128(options.seed)
  const memory = (): DataView => new DataView(wasi.inst.exports.memory.buffer)
  const fs = filesystemImports(wasi, () => (clock += CLOCK_STEP_NS), VIRTUAL_EPOCH_NS)

  const overrides: Record<string, (...args: never[]) => number> = {
    clock_res_get: (_id: number, resPtr: number) => {
      memory().setBigUint64(resPtr, CLOCK_STEP_NS, true)
      return defs.ERRNO_SUCCESS
    },
    clock_time_get: (_id: number, _precision: bigint, timePtr: number) => {
      clock += CLOCK_STEP_NS
      memory().setBigUint64(timePtr, clock, true)
      return defs.ERRNO_SUCCESS
    },
    random_get: (buf: number, len: number) => {
      const bytes = new Uint8Array(wasi.inst.exports.memory.buffer, buf, len)
      for (let i = 0; i < len; i++) bytes[i] = random()
      return defs.ERRNO_SUCCESS
    },
    poll_oneoff: (inPtr: number, outPtr: number, count: number, neventsPtr: number) => {
      if (count === 0) return defs.ERRNO_INVAL
      const view = memory()
      // fd events are ready at once (stdin holds the whole input; stdout and stderr take any write):
      // report them and leave the clock alone; with clocks only, sleep on the virtual clock.
      let events = 0
      for (let i = 0; i < count; i++) {
        const sub = defs.Subscription.read_bytes(view, inPtr + i * 48)
        if (sub.eventtype === defs.EVENTTYPE_CLOCK) continue
        if (sub.eventtype !== defs.EVENTTYPE_FD_READ && sub.eventtype !== defs.EVENTTYPE_FD_WRITE) return defs.ERRNO_INVAL
        const fd = view.getUint32(inPtr + i * 48 + 16, true)
        const at = outPtr + events++ * 32
        const known = wasi.fds[fd] !== undefined
        view.setBigUint64(at, sub.userdata, true)
        view.setUint16(at + 8, known ? defs.ERRNO_SUCCESS : defs.ERRNO_BADF, true)
        view.setUint8(at + 10, sub.eventtype)
        view.setBigUint64(at + 16, fd === 0 && sub.eventtype === defs.EVENTTYPE_FD_READ ? BigInt(options.stdin.length) : 0n, true)
        view.setUint16(at + 24, 0, true)
      }
      if (events > 0) { view.setUint32(neventsPtr, events, true); return defs.ERRNO_SUCCESS }
      let longest = 0n
      for (let i = 0; i < count; i++) {
        const sub = defs.Subscription.read_bytes(view, inPtr + i * 48)
        const absolute = (sub.flags & defs.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) !== 0
        const wait = absolute ? (sub.timeout > clock ? sub.timeout - clock : 0n) : sub.timeout
        if (wait > longest) longest = wait
        new defs.Event(sub.userdata, defs.ERRNO_SUCCESS, defs.EVENTTYPE_CLOCK).write_bytes(view, outPtr + i * 32)
      }
      clock += longest
      view.setUint32(neventsPtr, count, true)
      return defs.ERRNO_SUCCESS
    },
    // At most IOV_MAX buffers per call: the shim builds one JS object per iovec, so a module passing
    // 100 M of them would take the worker's JS heap (an iovec bomb), not its own capped memory.
    fd_write: iovecBound(fs, 'fd_write'),
    fd_read: iovecBound(fs, 'fd_read'),
    fd_pwrite: iovecBound(fs, 'fd_pwrite'),
    fd_pread: iovecBound(fs, 'fd_pread'),
    sched_yield: () => defs.ERRNO_SUCCESS
  }
  const wasiImport = { ...wasi.wasiImport, ...fs, ...overrides }

  return {
    wasi,
    imports: { wasi_snapshot_preview1: wasiImport as unknown as WebAssembly.ModuleImports },
    stdout: () => concat(stdoutChunks, stdoutBytes),
    stderrTail: () => new TextDecoder('utf-8', { fatal: false }).decode(stderr),
    collect: () => outFd instanceof OpenDirectory ? treeOfDirectory(outFd.dir) : undefined
  }
}

/** Names of every import `createDeterministicWasi` provides, by module. */
export function providedImports (): Map<string, Set<string>> {
  const { imports } = createDeterministicWasi({ args: [], env: [], stdin: new Uint8Array(0), seed: new Uint8Array(16), maxOutputBytes: 0, stderrTailBytes: 0 })
  return new Map(Object.entries(imports).map(([name, funcs]) => [name, new Set(Object.keys(funcs))]))
}

/** POSIX IOV_MAX as wasi-libc defines it: the most buffers one fd_read/fd_write call may name. */
export const IOV_MAX = 1024

/** Wraps an fd_read/fd_write-style import (fd, iovs, iovs_len, …): more than IOV_MAX buffers is EINVAL, as POSIX `writev` says. */
function iovecBound (imports: Record<string, ((...args: never[]) => unknown) | undefined>, name: string): (fd: number, iovs: number, iovsLen: number, ...rest: never[]) => number {
  const call = imports[name]!
  return (fd, iovs, iovsLen, ...rest) => iovsLen > IOV_MAX ? defs.ERRNO_INVAL : call(...[fd, iovs, iovsLen, ...rest] as never[]) as number
}

function concat (chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) { out.set(chunk, offset); offset += chunk.length }
  return out
}

/** Marsaglia's xorshift128 over 32-bit words; yields bytes. Deterministic, not cryptographic. */
function xorshift128 (seed: Uint8Array): () => number {
  const words = new Uint32Array(4)
  for (let i = 0; i < 16; i++) words[i >> 2] = ((words[i >> 2] as number) | ((seed[i] ?? 0) << ((i & 3) * 8))) >>> 0
  if (words.every(w => w === 0)) words[0] = 0x9e3779b9
  let [x, y, z, w] = words as unknown as [number, number, number, number]
  let buffered = 0
  let left = 0
  return () => {
    if (left === 0) {
      const t = (x ^ (x << 11)) >>> 0
      x = y; y = z; z = w
      w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0
      buffered = w
      left = 4
    }
    const byte = buffered & 0xff
    buffered >>>= 8
    left--
    return byte
  }
}
