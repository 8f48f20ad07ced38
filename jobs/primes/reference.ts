// A plain JavaScript reference for jobs/primes, independent of its segmented sieve: tests check the
// mesh's outputs against it.

/**
 * Prime counts over consecutive ranges [t·range, (t+1)·range) for t < tasks, by one whole sieve of
 * Eratosthenes up to tasks × range (one byte per number: keep it to tens of millions).
 */
export function primeCountsPerRange (tasks: number, range: number): number[] {
  const composite = new Uint8Array(tasks * range)
  composite[0] = 1; composite[1] = 1
  for (let i = 2; i * i < composite.length; i++) if (composite[i] === 0) for (let j = i * i; j < composite.length; j += i) composite[j] = 1
  return Array.from({ length: tasks }, (_, t) => composite.subarray(t * range, (t + 1) * range).reduce((n, c) => n + (c === 0 ? 1 : 0), 0))
}
