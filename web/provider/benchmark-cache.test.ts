import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BENCHMARK_SCORE_MAX_AGE_MS, loadBenchmarkScore, saveBenchmarkScore } from './benchmark-cache.ts'

function memoryStorage (): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>()
  return { getItem: k => items.get(k) ?? null, setItem: (k, v) => { items.set(k, v) } }
}
const KEY = { workers: 3, cores: 4, agent: 'Chromium/156' }
const NOW = 1_800_000_000_000

describe('benchmark score kept across page loads', () => {
  it('gives back the score saved on this device, within its age', () => {
    const storage = memoryStorage()
    assert.equal(loadBenchmarkScore(KEY, NOW, storage), undefined, 'a first visit has none')
    saveBenchmarkScore(KEY, 41_500, NOW, storage)
    assert.equal(loadBenchmarkScore(KEY, NOW + 1000, storage), 41_500)
    assert.equal(loadBenchmarkScore(KEY, NOW + BENCHMARK_SCORE_MAX_AGE_MS + 1, storage), undefined, 'too old: measured again')
    assert.equal(loadBenchmarkScore(KEY, NOW - 1, storage), undefined, 'saved in the future (clock moved back): measured again')
  })

  it('ignores a score measured with another pool size, core count or browser', () => {
    const storage = memoryStorage()
    saveBenchmarkScore(KEY, 41_500, NOW, storage)
    assert.equal(loadBenchmarkScore({ ...KEY, workers: 1 }, NOW, storage), undefined)
    assert.equal(loadBenchmarkScore({ ...KEY, cores: 8 }, NOW, storage), undefined)
    assert.equal(loadBenchmarkScore({ ...KEY, agent: 'Firefox/140' }, NOW, storage), undefined)
  })

  it('yields nothing, and throws nothing, for garbage or out-of-range scores in storage', () => {
    for (const text of ['{', '42', 'null', '[]', JSON.stringify({ ...KEY, at: NOW, scoreMilli: -5 }), JSON.stringify({ ...KEY, at: NOW, scoreMilli: 1e12 }), JSON.stringify({ ...KEY, at: NOW, scoreMilli: 1.5 }), JSON.stringify({ ...KEY, at: 'now', scoreMilli: 100 })]) {
      const storage = { getItem: () => text }
      assert.equal(loadBenchmarkScore(KEY, NOW, storage), undefined, text)
    }
    assert.doesNotThrow(() => { saveBenchmarkScore(KEY, 1, NOW, { setItem: () => { throw new Error('quota') } }) })
  })
})
