// A folder chosen in the page (an <input type="file" webkitdirectory>) as a tree to mount, and task
// outputs as one zip to download (fflate).
import { zipSync } from 'fflate'
import type { TaskMount, TaskOutcome } from '../../sdk/index.ts'

type Tree = TaskMount['tree']

/**
 * The chosen folder's files as a tree: paths are the files' `webkitRelativePath` without the folder's
 * own name ("photos/2024/a.jpg" → 2024/a.jpg).
 */
export async function treeOfFolder (files: File[]): Promise<Tree> {
  const root: Tree = {}
  for (const file of files) {
    const parts = (file.webkitRelativePath !== '' ? file.webkitRelativePath : file.name).split('/')
    const names = parts.length > 1 ? parts.slice(1) : parts
    let dir = root
    for (const name of names.slice(0, -1)) {
      const entry = dir[name] ?? { type: 'dir' as const, entries: {} }
      dir[name] = entry
      if (entry.type !== 'dir') throw new Error(`${file.webkitRelativePath}: a file and a folder share a name`)
      dir = entry.entries
    }
    dir[names.at(-1)!] = { type: 'file', data: new Uint8Array(await file.arrayBuffer()) }
  }
  return root
}

/**
 * Every accepted task's output in one zip: `<index>/stdout` and the files it left in /out under
 * `<index>/out/`, or — with `names` — stdout alone as `names(index)` (a compressor's output file).
 */
export function zipOutputs (outcomes: TaskOutcome[], names?: (index: number) => string): Uint8Array {
  const entries: Record<string, Uint8Array> = {}
  for (const r of outcomes) {
    if (!r.ok) continue
    if (names !== undefined) { entries[names(r.index)] = r.output; continue }
    entries[`${r.index}/stdout`] = r.output
    for (const [path, data] of Object.entries(r.files ?? {})) entries[`${r.index}/out/${path}`] = data
  }
  // Stored, not deflated: outputs are often compressed already, and a zip of them is for carrying.
  return zipSync(entries, { level: 0 })
}
