import { TabmeshError } from '../errors/base.ts'

/** Trees one task may mount: 8. */
export const MAX_MOUNTS_PER_TASK = 8

/**
 * Checks the guest paths a task mounts trees at: at most MAX_MOUNTS_PER_TASK, each `/` or an
 * absolute path of plain names (no `.`, `..`, empty or NUL components, no trailing slash), each once.
 * @throws TabmeshError INVALID_ARGUMENT naming the path and what is wrong with it
 */
export function checkMountPaths (paths: string[]): void {
  if (paths.length > MAX_MOUNTS_PER_TASK) throw new TabmeshError('INVALID_ARGUMENT', `a task mounts at most ${MAX_MOUNTS_PER_TASK} trees, not ${paths.length}`)
  const seen = new Set<string>()
  for (const path of paths) {
    const plain = path === '/' || (path.startsWith('/') && path.slice(1).split('/').every(c => c !== '' && c !== '.' && c !== '..' && !c.includes('\0')))
    if (!plain || path.length > 1024) throw new TabmeshError('INVALID_ARGUMENT', `mount path ${JSON.stringify(path)} must be "/" or an absolute path of plain names, such as "/data"`)
    if (seen.has(path)) throw new TabmeshError('INVALID_ARGUMENT', `two trees are mounted at ${path}`)
    seen.add(path)
  }
}
