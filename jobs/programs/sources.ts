// Upstream source code of the real programs (jobs/programs/programs.ts), fetched unmodified from the npm
// registry — the one package source every machine that runs `npm ci` can reach — and pinned by the
// registry's sha512 integrity, so a changed tarball fails the build instead of building something else.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** An upstream source tree inside an npm tarball. */
export interface ProgramSource {
  /** Directory name under the cache. */
  name: string
  /** npm package and exact version whose tarball carries the source. */
  spec: string
  /** The tarball's sha512 integrity as the registry publishes it (`npm view <spec> dist.integrity`). */
  integrity: string
  /** A tarball inside the package to unpack as well (path inside the package), e.g. SQLite's own release tarball. */
  innerTarball?: string
}

export const SOURCES = {
  /** SQLite 3.52.0's own "autoconf" release (sqlite3.c amalgamation + shell.c), as node-sqlite3 6.0.1 vendors it. */
  sqlite: {
    name: 'sqlite-3520000',
    spec: 'sqlite3@6.0.1',
    integrity: 'sha512-X0czUUMG2tmSqJpEQa3tCuZSHKIx8PwM53vLZzKp/o6Rpy25fiVfjdbnZ988M8+O3ZWR1ih0K255VumCb3MAnQ==',
    innerTarball: 'deps/sqlite-autoconf-3520000.tar.gz'
  },
  /** Google's Zopfli compressor (gzip/zlib/deflate output), as node-zopfli 2.1.4 vendors it (a git submodule of google/zopfli). */
  zopfli: {
    name: 'zopfli-node-2.1.4',
    spec: 'node-zopfli@2.1.4',
    integrity: 'sha512-5kxbPxNQHbORFBNNf083V7h0dTFy6+C1W4ZA4qTXjpCQqEMzxAQFAOfi6BlCmXAkC/+Vr8d6h0XOmdjvp+9FNw=='
  }
} as const satisfies Record<string, ProgramSource>

/**
 * Unpacks `source` under `cacheDir/<name>/` (the package as `package/`, an inner tarball beside it) and
 * returns that directory. Fetches with `npm pack` (npm's cache, no install scripts run) only when the
 * directory is missing; throws when the tarball's sha512 is not the pinned one or `npm`/`tar` fail.
 */
export function fetchSource (source: ProgramSource, cacheDir: string): string {
  const dir = join(cacheDir, source.name)
  if (existsSync(join(dir, '.complete'))) return dir
  rmSync(dir, { recursive: true, force: true })
  const staging = `${dir}.partial`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  const packed = spawnSync('npm', ['pack', source.spec, '--silent', '--pack-destination', staging], { encoding: 'utf8' })
  if (packed.status !== 0) throw new Error(`npm pack ${source.spec} failed: ${packed.stderr}`)
  const tarball = join(staging, packed.stdout.trim().split('\n').at(-1)!)
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
  if (integrity !== source.integrity) throw new Error(`${source.spec}: tarball integrity ${integrity} is not the pinned ${source.integrity}`)
  untar(tarball, staging)
  if (source.innerTarball !== undefined) untar(join(staging, 'package', source.innerTarball), staging)
  rmSync(tarball)
  spawnSync('touch', [join(staging, '.complete')])
  renameSync(staging, dir)
  return dir
}

function untar (file: string, into: string): void {
  const r = spawnSync('tar', ['-xzf', file, '-C', into], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tar -xzf ${file} failed: ${r.stderr}`)
}
