import { decodeTree, encodeTree, InvalidTreeError } from './tree-codec.ts'
import type { TaskTreeEntry } from './wasi-fs.ts'

/**
 * A task's output when its job collects files: one tree (worker-runtime/tree-codec.ts) holding the
 * file `stdout` and the directory `out` (what the task left in its out directory). Its CID is the
 * task's output CID, so redundant providers must agree on stdout and every file alike, and receipts
 * sign it as they sign stdout.
 */

/** Encodes stdout and the out directory's tree. @throws InvalidTreeError past the tree bounds */
export function encodeOutputTree (stdout: Uint8Array, out: Record<string, TaskTreeEntry>): Uint8Array {
  return encodeTree({ stdout: { type: 'file', data: stdout }, out: { type: 'dir', entries: out } })
}

/**
 * Reads an output tree back: stdout, and every file under `out` by its path (`a/b.txt`).
 * @throws InvalidTreeError when the bytes are not an output tree
 */
export function decodeOutputTree (bytes: Uint8Array): { stdout: Uint8Array, files: Record<string, Uint8Array> } {
  const tree = decodeTree(bytes)
  const stdout = tree.stdout
  const out = tree.out
  if (stdout?.type !== 'file' || out?.type !== 'dir' || Object.keys(tree).length !== 2) throw new InvalidTreeError('not an output tree (a file "stdout" and a directory "out")')
  const files: Record<string, Uint8Array> = {}
  const walk = (entries: Record<string, TaskTreeEntry>, prefix: string): void => {
    for (const [name, entry] of Object.entries(entries)) {
      if (entry.type === 'file') files[`${prefix}${name}`] = entry.data
      else walk(entry.entries, `${prefix}${name}/`)
    }
  }
  walk(out.entries, '')
  return { stdout: stdout.data, files }
}
