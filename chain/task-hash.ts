import { bytesToHex, decodeAbiParameters, encodeAbiParameters, hexToBytes, keccak256 } from 'viem'
import type { Hex } from 'viem'
import { TabmeshError } from '../errors/base.ts'

/** What a receipt's task hash commits to: everything that decides a task's output. */
export interface TaskSpec {
  /** CIDv1 bytes of the Wasm module. */
  moduleCid: Uint8Array
  /** CIDv1 bytes of the input (stdin). */
  inputCid: Uint8Array
  /** argv, program name first. */
  args: string[]
  /** `KEY=value` strings. */
  env: string[]
  /** Directory trees mounted for the task: guest path and CIDv1 bytes of the encoded tree (worker-runtime/tree-codec.ts). */
  mounts: Array<{ guestPath: string, treeCid: Uint8Array }>
  /** The guest directory whose files join stdout in the output tree; '' for stdout alone. */
  outDir: string
  timeoutMs: number
  memoryPages: number
  /** 0 = unmetered. */
  fuel: bigint
  maxOutputBytes: number
}

const TASK_SPEC_ABI = [
  { type: 'bytes', name: 'moduleCid' },
  { type: 'bytes', name: 'inputCid' },
  { type: 'string[]', name: 'args' },
  { type: 'string[]', name: 'env' },
  { type: 'uint32', name: 'timeoutMs' },
  { type: 'uint32', name: 'memoryPages' },
  { type: 'uint64', name: 'fuel' },
  { type: 'uint32', name: 'maxOutputBytes' },
  { type: 'string[]', name: 'mountPaths' },
  { type: 'bytes[]', name: 'mountCids' },
  { type: 'string', name: 'outDir' }
] as const

/**
 * The task description a dispute carries: ABI-encoded (moduleCid, inputCid, args, env, timeoutMs,
 * memoryPages, fuel, maxOutputBytes, mountPaths, mountCids, outDir). Its keccak256 is the task hash receipts sign
 * (Arbitration.openDispute checks it).
 */
export function encodeTaskSpec (spec: TaskSpec): Hex {
  return encodeAbiParameters(TASK_SPEC_ABI, [
    bytesToHex(spec.moduleCid), bytesToHex(spec.inputCid), spec.args, spec.env, spec.timeoutMs, spec.memoryPages, spec.fuel, spec.maxOutputBytes,
    spec.mounts.map(m => m.guestPath), spec.mounts.map(m => bytesToHex(m.treeCid)), spec.outDir
  ])
}

/** Reads a task description back. @throws viem's AbiDecodingError on malformed bytes */
export function decodeTaskSpec (encoded: Hex): TaskSpec {
  const [moduleCid, inputCid, args, env, timeoutMs, memoryPages, fuel, maxOutputBytes, mountPaths, mountCids, outDir] = decodeAbiParameters(TASK_SPEC_ABI, encoded)
  if (mountPaths.length !== mountCids.length) throw new TabmeshError('INVALID_ARGUMENT', `a task spec names ${mountPaths.length} mount paths and ${mountCids.length} trees`)
  return { moduleCid: hexToBytes(moduleCid), inputCid: hexToBytes(inputCid), args: [...args], env: [...env], mounts: mountPaths.map((guestPath, i) => ({ guestPath, treeCid: hexToBytes(mountCids[i]!) })), outDir, timeoutMs, memoryPages, fuel, maxOutputBytes }
}

/** keccak256 of the encoded task description, bytes32 hex. */
export function taskHashOf (spec: TaskSpec): Hex {
  return keccak256(encodeTaskSpec(spec))
}
