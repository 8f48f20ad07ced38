import { readFile } from 'node:fs/promises'
import { isAddress } from 'viem'
import type { ChainConfig } from '../chain/config.ts'
import { CliError } from './cli-error.ts'

/**
 * The environment variable naming a ChainConfig file (what `tabmesh deploy` writes): `provide`,
 * `submit`, `claim`, `lanes` and `dispute` then use that chain instead of the local one.
 */
export const CHAIN_FILE_VARIABLE = 'TABMESH_CHAIN'

const ADDRESS_FIELDS = ['lanes', 'staking', 'arbitration', 'paymentToken', 'stakingToken', 'treasury'] as const

/**
 * Reads and checks a ChainConfig file: `rpcUrl` an http(s) URL, `chainId` a positive whole number,
 * every contract and the treasury a 0x address, `local` a boolean.
 * @throws CliError BAD_CHAIN_FILE (exit 2) naming the file and the first field that is wrong
 */
export async function readChainFile (path: string): Promise<ChainConfig> {
  let value: unknown
  try {
    value = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new CliError('BAD_CHAIN_FILE', `${path}: ${err instanceof SyntaxError ? 'not JSON' : 'cannot be read'} (${CHAIN_FILE_VARIABLE} names the file \`tabmesh deploy\` wrote)`)
  }
  const bad = (field: string, want: string): never => { throw new CliError('BAD_CHAIN_FILE', `${path}: "${field}" must be ${want}`) }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('(the file)', 'a JSON object')
  const c = value as Record<string, unknown>
  if (typeof c.rpcUrl !== 'string' || !/^https?:\/\/\S+$/.test(c.rpcUrl)) bad('rpcUrl', 'an http:// or https:// URL')
  if (typeof c.chainId !== 'number' || !Number.isSafeInteger(c.chainId) || c.chainId <= 0) bad('chainId', 'a positive whole number')
  for (const field of ADDRESS_FIELDS) if (typeof c[field] !== 'string' || !isAddress(c[field])) bad(field, 'a 0x address')
  if (typeof c.local !== 'boolean') bad('local', 'true or false')
  return c as unknown as ChainConfig
}

/** The chain named by TABMESH_CHAIN, if it is set. @throws CliError BAD_CHAIN_FILE */
export async function chainFromEnvironment (): Promise<ChainConfig | undefined> {
  const path = process.env[CHAIN_FILE_VARIABLE]
  return path === undefined || path === '' ? undefined : await readChainFile(path)
}
