import { TabmeshError } from '../errors/base.ts'
import { parseTokenAmount } from '../chain/tokens.ts'
import type { TokenInfo } from '../chain/tokens.ts'

/**
 * Exit codes of `tabmesh` (README "Command line"):
 * 0 done; 1 the job ran and some tasks failed; 2 a usage mistake (unknown command or option, a bad
 * value, a file that cannot be read or is not WebAssembly) found before touching the network;
 * 3 the mesh or the chain cannot be reached; 130 interrupted (Ctrl-C: the job is cancelled first).
 */
export const EXIT = { ok: 0, tasksFailed: 1, usage: 2, unreachable: 3, interrupted: 130 } as const

/** A mistake the person at the terminal can fix: printed as one line, no stack. */
export class CliError extends TabmeshError {
  readonly exitCode: number
  constructor (code: string, message: string, exitCode: number = EXIT.usage) {
    super(code, message)
    this.exitCode = exitCode
  }
}

/** A whole number in [min, max], or a CliError naming the option. */
export function intOption (name: string, raw: string | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError('INVALID_OPTION', `--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got "${raw}"`)
  }
  return n
}

/** A decimal amount of `token` (e.g. --price 0.001) in base units, or a CliError naming the option. */
export function amountOption (name: string, raw: string | undefined, token: TokenInfo): bigint | undefined {
  if (raw === undefined) return undefined
  try {
    return parseTokenAmount(raw, token)
  } catch (err) {
    throw new CliError('INVALID_OPTION', `--${name}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** A fraction in [0, 1], or a CliError. */
export function rateOption (name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new CliError('INVALID_OPTION', `--${name} must be a number from 0 to 1, got "${raw}"`)
  return n
}

/** One line for any error, for people: the message of a Tabmesh or Node error, never a stack. */
export function oneLine (err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      const path = (err as NodeJS.ErrnoException).path ?? ''
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'it is a directory'
      return `cannot read ${path}: ${why}`
    }
    // node:util parseArgs: "Unknown option '--x'. To specify a positional argument starting with…"
    const unknown = /^Unknown option '([^']+)'/.exec(err.message)
    if (unknown !== null) return `unknown option ${unknown[1]!}`
    return err.message.split('\n')[0]!
  }
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message).split('\n')[0]!
  return String(err)
}
