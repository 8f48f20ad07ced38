// Reads a host directory into a TaskMount tree (Node only): files as bytes, sub-directories as
// entries, names sorted; symbolic links and special files are refused by name.
import { readdirSync, readFileSync, lstatSync } from 'node:fs'
import { join } from 'node:path'
import { TabmeshError } from '../errors/base.ts'
import type { TaskTreeEntry } from './wasi-fs.ts'

/**
 * @param dir a host directory
 * @returns its contents as a tree for `RunTaskParameters.mounts`
 * @throws TabmeshError INVALID_ARGUMENT naming an entry that is neither a file nor a directory
 */
export function treeFromDirectory (dir: string): Record<string, TaskTreeEntry> {
  const tree: Record<string, TaskTreeEntry> = {}
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    const stat = lstatSync(path)
    if (stat.isDirectory()) tree[name] = { type: 'dir', entries: treeFromDirectory(path) }
    else if (stat.isFile()) tree[name] = { type: 'file', data: new Uint8Array(readFileSync(path)) }
    else throw new TabmeshError('INVALID_ARGUMENT', `${path} is neither a file nor a directory (links and devices cannot be mounted)`)
  }
  return tree
}
