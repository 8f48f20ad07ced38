// What the package tests share: running npm and node as a user would (without what `npm test` sets
// for its scripts), packing a package, and measuring an install on disk.
import { execFile, execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const bin = (name: string): string => join(root, 'node_modules/.bin', name)

/**
 * The environment without what `npm test` sets for its scripts (npm_config_*, the workspace's
 * paths), with this Node (22, from the repository's node_modules) first on PATH, as a user's own
 * Node 22 would be.
 */
export function cleanEnv (): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')))
  return { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ''}` }
}

export function run (cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
}

/** Runs without blocking this process (the relay and provider a consumer talks to may live here). */
export async function runAsync (cmd: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await promisify(execFile)(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 })
  return stdout
}

/** `npm pack` of the package in `dir` into `destination`, without its prepack (the caller built it); returns the tarball's path. */
export function pack (dir: string, destination: string): string {
  return join(destination, run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', destination, dir], root).trim().split('\n').pop()!)
}

export function bytesUnder (dir: string): number {
  let total = 0
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const s = statSync(path, { throwIfNoEntry: false })
    if (s === undefined) continue
    total += s.isDirectory() ? bytesUnder(path) : s.size
  }
  return total
}
