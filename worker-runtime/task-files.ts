import { TabmeshError } from '../errors/base.ts'
import type { TaskMount, TaskTreeEntry } from './wasi-fs.ts'

/**
 * A task's own input files (SDK `TaskInput.files`, `tabmesh submit --tasks` `"files"`) as the trees
 * it alone mounts: files are grouped by their first directory (`/in/a.txt` and `/in/sub/b.txt` → one
 * tree mounted at `/in`; `/notes.txt` → one mounted at `/`). Each task gets a writable copy, as with
 * every mount (worker-runtime/wasi-fs.ts).
 *
 * A group may not be mounted where the job already mounts a tree, nor inside one (other than `/`,
 * which a task's groups shadow where they meet, as nested preopens do in wasi-libc).
 *
 * @param files absolute guest path of a file → its contents (strings UTF-8 encoded)
 * @param jobMountPaths guest paths of the job's mounts
 * @throws TabmeshError INVALID_ARGUMENT naming the path: not absolute, `.`/`..`/empty components, a
 *   file where another file's directory is, or inside a job mount
 * @example
 * taskFileMounts({ '/in/a.txt': 'hello' }, ['/data'])
 * // [{ guestPath: '/in', tree: { 'a.txt': { type: 'file', data: Uint8Array(5) } } }]
 */
export function taskFileMounts (files: Record<string, Uint8Array | string>, jobMountPaths: string[]): TaskMount[] {
  const groups = new Map<string, Record<string, TaskTreeEntry>>()
  const encoder = new TextEncoder()
  for (const [path, contents] of Object.entries(files)) {
    const parts = path.split('/')
    if (parts[0] !== '' || parts.length < 2 || parts.slice(1).some(c => c === '' || c === '.' || c === '..' || c.includes('\0'))) {
      throw new TabmeshError('INVALID_ARGUMENT', `task file ${JSON.stringify(path)} must be an absolute path of plain names, such as "/in/data.csv"`)
    }
    const names = parts.slice(1)
    const mountPath = names.length === 1 ? '/' : `/${names[0]!}`
    const inside = jobMountPaths.find(m => m === mountPath || (m !== '/' && (path.startsWith(`${m}/`))))
    if (inside !== undefined) throw new TabmeshError('INVALID_ARGUMENT', `task file ${path} is inside the job's mount ${inside}: give a task's own files a directory of their own (e.g. /task${path})`)
    const tree = groups.get(mountPath) ?? {}
    groups.set(mountPath, tree)
    let dir = tree
    const within = names.length === 1 ? names : names.slice(1)
    for (const [i, name] of within.entries()) {
      const existing = dir[name]
      if (i === within.length - 1) {
        if (existing !== undefined) throw new TabmeshError('INVALID_ARGUMENT', `task file ${path} is also a directory of another task file`)
        dir[name] = { type: 'file', data: typeof contents === 'string' ? encoder.encode(contents) : contents }
      } else {
        if (existing?.type === 'file') throw new TabmeshError('INVALID_ARGUMENT', `task file ${path} lies under another task file, ${parts.slice(0, i + (names.length === 1 ? 2 : 3)).join('/')}`)
        const sub = existing ?? { type: 'dir' as const, entries: {} }
        dir[name] = sub
        dir = (sub as { entries: Record<string, TaskTreeEntry> }).entries
      }
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([guestPath, tree]) => ({ guestPath, tree }))
}
