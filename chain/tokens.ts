import { formatUnits, parseUnits } from 'viem'
import { TabmeshError } from '../errors/base.ts'

/** The two tokens people see amounts of: decimals and the symbol shown next to an amount. */
export const PAYMENT_TOKEN = { symbol: 'tUSD', decimals: 6 } as const
export const STAKING_TOKEN = { symbol: 'tSTK', decimals: 18 } as const
export type TokenInfo = { symbol: string, decimals: number }

/**
 * Parses an amount a person typed ("10", "0.001") into base units.
 * @throws TabmeshError INVALID_AMOUNT for anything but a plain non-negative decimal with at most
 *   `token.decimals` places (no signs, exponents, commas or words)
 * @example parseTokenAmount('0.001', PAYMENT_TOKEN) // 1000n
 */
export function parseTokenAmount (text: string, token: TokenInfo): bigint {
  const t = text.trim()
  if (!new RegExp(`^\\d+(\\.\\d{1,${token.decimals}})?$`).test(t) && !new RegExp(`^\\.\\d{1,${token.decimals}}$`).test(t)) {
    throw new TabmeshError('INVALID_AMOUNT', `"${text}" is not an amount of ${token.symbol}: enter a number like 10 or 0.5 (at most ${token.decimals} decimals)`)
  }
  return parseUnits(t.startsWith('.') ? `0${t}` : t, token.decimals)
}

/**
 * Base units → a short decimal: at most `digits` decimals (cut, not rounded), trailing zeros dropped.
 * @example formatTokens(96960n, 6) // '0.0969'
 */
export function formatTokens (value: bigint, decimals: number, digits = 4): string {
  const [whole, frac = ''] = formatUnits(value, decimals).split('.')
  const trimmed = frac.slice(0, digits).replace(/0+$/, '')
  return trimmed === '' ? whole! : `${whole}.${trimmed}`
}

/**
 * Base units → "1.2345 tUSD": formatTokens with the token's symbol.
 * @example formatTokenAmount(96960n, PAYMENT_TOKEN) // '0.0969 tUSD'
 */
export function formatTokenAmount (value: bigint, token: TokenInfo, digits = 4): string {
  return `${formatTokens(value, token.decimals, digits)} ${token.symbol}`
}
