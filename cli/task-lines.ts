// `tabmesh submit --tasks FILE` and `--env NAME=value`: per-task stdin, args and env from a JSON-lines
// file, checked before anything touches the network.
import type { TaskInput, TaskMount } from '../sdk/index.ts'
import { treeFromDirectory } from '../worker-runtime/node-tree.ts'
import { checkMountPaths } from '../worker-runtime/mount-paths.ts'
import { statSync } from 'node:fs'
import { CliError } from './cli-error.ts'

/** The fields a line of a `--tasks` file may have. */
const TASK_LINE_FIELDS = new Set(['stdin', 'args', 'env'])

/**
 * Parses a JSON-lines file of tasks, one JSON object a line: `{"stdin"?: string, "args"?: string[],
 * "env"?: {NAME: string}}` (blank lines skipped). `stdin` is UTF-8 text.
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
      if (key === 'files') throw new CliError('USAGE', `${where}: "files" is not supported yet: a task's data goes on stdin, in args or in env`)
      if (!TASK_LINE_FIELDS.has(key)) throw new CliError('USAGE', `${where}: unknown field "${key}" (a line has stdin, args and env)`)
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
    tasks.push(task)
  }
  if (tasks.length === 0) throw new CliError('USAGE', `${name} holds no tasks (one JSON object a line)`)
  return tasks
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
