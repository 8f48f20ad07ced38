// Runs `tabmesh` as its own process, as a person does, and reads what it prints.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../cli/tabmesh.ts', import.meta.url))

export interface Proc { child: ChildProcess, output: () => string }

/** `tabmesh ARGS…` from this repository's sources. */
export function run (args: string[], cwd: string): Proc {
  return spawnProc(process.execPath, [CLI, ...args], cwd)
}

/** Any command (an installed `npx tabmesh …`, say), its output read as it comes. */
export function spawnProc (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Proc {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { out += d.toString() })
  return { child, output: () => out }
}

export async function waitFor (proc: Proc, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const m = proc.output().match(pattern)
    if (m !== null) return m
    if (proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}) before ${String(pattern)}:\n${proc.output()}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${String(pattern)}:\n${proc.output()}`)
}

/** The process's exit code once it has ended (null when a signal ended it). */
export async function exit (proc: Proc): Promise<number | null> {
  if (proc.child.exitCode !== null) return proc.child.exitCode
  if (proc.child.signalCode !== null) return null
  return await new Promise(resolve => proc.child.once('exit', code => { resolve(code) }))
}

