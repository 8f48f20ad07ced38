// No two top-level folders import each other (docs/architecture.md): the layers stay readable and
// packages can be cut along them. Reads every non-test source file's relative imports.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import { it } from 'node:test'

const root = join(import.meta.dirname, '..')
const FOLDERS = ['errors', 'worker-runtime', 'mesh', 'sim', 'testing', 'sdk', 'relay', 'cli', 'web', 'chain', 'bench', 'e2e', 'jobs']

function * sources (dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'build' || name === 'generated') continue
    if (statSync(path).isDirectory()) yield * sources(path)
    else if (/\.tsx?$/.test(name) && !/\.test(-util)?\.tsx?$/.test(name)) yield path
  }
}

it('no two top-level folders import each other', () => {
  const edges = new Map<string, Set<string>>()
  for (const folder of FOLDERS) {
    for (const file of sources(join(root, folder))) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(root, normalize(join(dirname(file), spec!))).split(sep)[0]!
        if (target !== folder && FOLDERS.includes(target)) edges.set(folder, (edges.get(folder) ?? new Set()).add(target))
      }
    }
  }
  const cycles = [...edges].flatMap(([a, targets]) => [...targets].filter(b => a < b && edges.get(b)?.has(a) === true).map(b => `${a} ↔ ${b}`))
  assert.deepEqual(cycles, [])
})
