// `tabmesh submit --tasks FILE` and `--env NAME=value`: per-task stdin, args and env from a JSON-lines
// file, checked before anything touches the network.
import type { TaskInput, TaskMount } from '../sdk/index.ts'
import { treeFromDirectory } from '../worker-runtime/node-tree.ts'
import { checkMountPaths } from '../worker-runtime/mount-paths.ts'
import { readFileSync, statSync } from 'node:fs'
import { taskFileMounts } from '../worker-runtime/task-files.ts'
import type { TaskTreeEntry } from '../worker-runtime/wasi-fs.ts'
import { CliError } from './cli-error.ts'

/** The fields a line of a `--tasks` file may have. */
const TASK_LINE_FIELDS = new Set(['stdin', 'args', 'env', 'files'])

/**
 * Parses a JSON-lines file of tasks, one JSON object a line: `{"stdin"?: string, "args"?: string[],
 * "env"?: {NAME: string}, "files"?: {"/guest/path": "host path"}}` (blank lines skipped). `stdin` is
 * UTF-8 text; each `files` entry is a host file (read now; relative to the working directory) given
 * to this task alone at that guest path, or a host directory whose files go under it.
 * @param text the file's contents
 * @param name the file's name, for messages
 * @throws CliError USAGE naming the line and what is wrong with it
 * @example
 * parseTaskLines('{"args":["--n","3"],"env":{"MODE":"fast"}}\n{"stdin":"0 100"}\n', 'tasks.jsonl')
 * // [{ args: ['--n', '3'], env: { MODE: 'fast' } }, { stdin: '0 100' }]
 */
export function parseTaskLines (text: string, name: string): TaskInput[] {
  const tasks: TaskInput[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '') continue
    const where = `${name}:${i + 1}`
    let value: unknown
    try { value = JSON.parse(line) } catch (err) { throw new CliError('USAGE', `${where}: not JSON (${err instanceof Error ? err.message : String(err)})`) }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('USAGE', `${where}: each line is a JSON object such as {"stdin":"…","args":["…"],"env":{"NAME":"value"}}`)
    const fields = value as Record<string, unknown>
    for (const key of Object.keys(fields)) {
      if (!TASK_LINE_FIELDS.has(key)) throw new CliError('USAGE', `${where}: unknown field "${key}" (a line has stdin, args, env and files)`)
    }
    const task: TaskInput = {}
    if (fields.stdin !== undefined) {
      if (typeof fields.stdin !== 'string') throw new CliError('USAGE', `${where}: "stdin" must be a string`)
      task.stdin = fields.stdin
    }
    if (fields.args !== undefined) {
      if (!Array.isArray(fields.args) || !fields.args.every(a => typeof a === 'string')) throw new CliError('USAGE', `${where}: "args" must be an array of strings`)
      task.args = fields.args
    }
    if (fields.env !== undefined) {
      if (typeof fields.env !== 'object' || fields.env === null || Array.isArray(fields.env)) throw new CliError('USAGE', `${where}: "env" must be an object of NAME: "value"`)
      const env: Record<string, string> = {}
      for (const [k, v] of Object.entries(fields.env)) {
        if (typeof v !== 'string') throw new CliError('USAGE', `${where}: env ${k} must be a string`)
        checkEnvName(k, where)
        env[k] = v
      }
      task.env = env
    }
    if (fields.files !== undefined) {
      if (typeof fields.files !== 'object' || fields.files === null || Array.isArray(fields.files)) throw new CliError('USAGE', `${where}: "files" must be an object of "/guest/path": "host path"`)
      const files: Record<string, Uint8Array> = {}
      for (const [guest, host] of Object.entries(fields.files)) {
        if (typeof host !== 'string') throw new CliError('USAGE', `${where}: files ${guest} must name a host file or directory`)
        readHostFiles(host, guest.replace(/\/+$/, ''), files, where)
      }
      try { taskFileMounts(files, []) } catch (err) { throw new CliError('USAGE', `${where}: ${err instanceof Error ? err.message : String(err)}`) }
      task.files = files
    }
    tasks.push(task)
  }
  if (tasks.length === 0) throw new CliError('USAGE', `${name} holds no tasks (one JSON object a line)`)
  return tasks
}

/** A host file as `guest`, or a host directory's files under `guest`; relative host paths from the working directory. */
function readHostFiles (host: string, guest: string, into: Record<string, Uint8Array>, where: string): void {
  const stat = statSync(host, { throwIfNoEntry: false })
  if (stat?.isFile() === true) { into[guest] = new Uint8Array(readFileSync(host)); return }
  if (stat?.isDirectory() !== true) throw new CliError('USAGE', `${where}: files ${guest}: ${host} is not a file or directory`)
  let tree
  try { tree = treeFromDirectory(host) } catch (err) { throw new CliError('USAGE', `${where}: files ${guest}: ${err instanceof Error ? err.message : String(err)}`) }
  const walk = (entries: Record<string, TaskTreeEntry>, at: string): void => {
    for (const [name, e] of Object.entries(entries)) {
      if (e.type === 'file') into[`${at}/${name}`] = e.data
      else walk(e.entries, `${at}/${name}`)
    }
  }
  walk(tree, guest)
}

/**
 * Parses repeated `--env NAME=value` options (the value may hold `=`; a later NAME wins).
 * @throws CliError USAGE for an option without `=` or with an empty name
 */
export function parseEnvOptions (raw: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  for (const option of raw ?? []) {
    const eq = option.indexOf('=')
    if (eq < 0) throw new CliError('USAGE', `--env ${option}: expected NAME=value`)
    const name = option.slice(0, eq)
    checkEnvName(name, `--env ${option}`)
    env[name] = option.slice(eq + 1)
  }
  return env
}

function checkEnvName (name: string, where: string): void {
  if (name === '' || name.includes('=') || name.includes('\0')) throw new CliError('USAGE', `${where}: an environment variable needs a name without "=" or NUL`)
}

/**
 * Reads repeated `--dir HOST_DIR:GUEST_PATH` options into mounts (the host directory read whole).
 * @throws CliError USAGE for a missing `:`, a host path that is not a directory, or a bad guest path
 */
export function parseDirOptions (raw: string[] | undefined): TaskMount[] {
  const mounts = (raw ?? []).map(option => {
    const colon = option.lastIndexOf(':')
    if (colon <= 0) throw new CliError('USAGE', `--dir ${option}: expected HOST_DIR:GUEST_PATH, e.g. --dir ./data:/data`)
    const host = option.slice(0, colon)
    if (statSync(host, { throwIfNoEntry: false })?.isDirectory() !== true) throw new CliError('USAGE', `--dir ${option}: ${host} is not a directory`)
    return { guestPath: option.slice(colon + 1), host }
  })
  try { checkMountPaths(mounts.map(m => m.guestPath)) } catch (err) { throw new CliError('USAGE', `--dir: ${err instanceof Error ? err.message : String(err)}`) }
  return mounts.map(m => {
    try { return { guestPath: m.guestPath, tree: treeFromDirectory(m.host) } } catch (err) { throw new CliError('USAGE', `--dir ${m.host}: ${err instanceof Error ? err.message : String(err)}`) }
  })
}
