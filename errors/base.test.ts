import assert from 'node:assert/strict'
import { it } from 'node:test'
import { AbortedError, TabmeshError } from './base.ts'

it('instanceof TabmeshError holds across two copies of the module (the tabmesh package and @tabmesh/sdk each bundle one)', async () => {
  const other = await import(`./base.ts?copy=${Date.now()}`) as typeof import('./base.ts')
  assert.notEqual(other.TabmeshError, TabmeshError, 'a second module instance')
  const foreign = new other.TabmeshError('X', 'from the other copy')
  assert.ok(foreign instanceof TabmeshError)
  assert.ok(new TabmeshError('X', 'x') instanceof other.TabmeshError)
  assert.ok(new other.AbortedError() instanceof TabmeshError)
  assert.ok(!(new Error('plain') instanceof TabmeshError))
  for (const value of [null, 'x', { code: 'X' }] as unknown[]) assert.ok(!(value instanceof TabmeshError))
  // Subclasses keep the prototype check.
  assert.ok(new AbortedError() instanceof AbortedError)
  assert.ok(!(new TabmeshError('X', 'x') instanceof AbortedError))
})
