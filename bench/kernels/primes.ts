// bench/kernels/primes.ts — the same segmented odd-only sieve as primes.c and jobs/primes, in plain
// JavaScript (numbers are exact integers below 2^53), for the Wasm-vs-JS baseline.

const SEGMENT_ODDS = 1 << 18

/** Count of primes p with lo <= p < hi. */
export function countPrimes (lo: number, hi: number): number {
  let count = 0
  if (lo <= 2 && hi > 2) count++
  let start = lo < 3 ? 3 : lo
  if (start % 2 === 0) start++
  if (start >= hi) return count
  let limit = Math.floor(Math.sqrt(hi - 1))
  while (limit * limit > hi - 1) limit--
  while ((limit + 1) * (limit + 1) <= hi - 1) limit++
  const base: number[] = []
  if (limit >= 3) {
    const size = Math.floor((limit - 1) / 2)
    const composite = new Uint8Array(size + 1)
    for (let i = 1; i <= size; i++) {
      if (composite[i] !== 0) continue
      const p = 2 * i + 1
      base.push(p)
      for (let m = (p * p - 1) / 2; m <= size; m += p) composite[m] = 1
    }
  }
  const segment = new Uint8Array(SEGMENT_ODDS)
  for (let s = start; s < hi; s += 2 * SEGMENT_ODDS) {
    const e = Math.min(s + 2 * SEGMENT_ODDS, hi)
    const n = Math.floor((e - s + 1) / 2)
    segment.fill(0, 0, n)
    for (const p of base) {
      if (p * p >= e) break
      let m = p * p
      if (m < s) {
        m = Math.ceil(s / p) * p
        if (m % 2 === 0) m += p
      }
      for (let j = (m - s) / 2; j < n; j += p) segment[j] = 1
    }
    for (let j = 0; j < n; j++) if (segment[j] === 0) count++
  }
  return count
}
