import type { JobProgress } from '../mesh/requester/types.ts'

/**
 * One formatter for every count shown: `Number.prototype.toLocaleString` builds a new one per call
 * (~25 µs in Chromium, and a tab's pages show dozens of counts on every refresh while it computes).
 */
const COUNT_FORMAT = new Intl.NumberFormat('en-US')

/**
 * A count with thousands separators, as people read it.
 * @example formatCount(1234567) // '1,234,567'
 */
export function formatCount (n: number | bigint): string {
  return COUNT_FORMAT.format(n)
}

/**
 * "1 provider", "2 providers": a count with its noun, for messages people read.
 * @example plural(1, 'task') // '1 task'
 */
export function plural (n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${COUNT_FORMAT.format(n)} ${n === 1 ? noun : pluralNoun}`
}

/**
 * Why a job is not moving, in words, or undefined while it can run: unfinished tasks wait while fewer
 * live providers are usable than each task needs (its redundancy). The requester's own peer never
 * counts — a tab does not run its own jobs.
 *
 * @example
 * waitingForProviders({ ...progress, available: 1, needed: 2 })
 * // 'waiting for providers: each task needs 2 different providers, 1 is available'
 */
export function waitingForProviders (p: JobProgress): string | undefined {
  if (p.accepted + p.failed >= p.total || p.needed === 0 || p.available >= p.needed) return undefined
  return `waiting for providers: each task needs ${plural(p.needed, 'different provider')}, ${p.available === 1 ? '1 is' : `${p.available} are`} available`
}

/**
 * The bytes as UTF-8 text, or undefined when they are not valid UTF-8 (show them as bytes instead).
 * @example utf8OrUndefined(new TextEncoder().encode('664579\n')) // '664579\n'
 */
export function utf8OrUndefined (bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}
