import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TabmeshError } from '../errors/base.ts'
import type { ChainConfig } from '../chain/config.ts'

/** What `tabmesh dev` writes so that `provide` and `submit` find the local mesh without flags. */
export interface LocalConfig {
  /** Relay multiaddrs with /p2p/ ids. */
  bootstrap: string[]
  /** The web app's URL. */
  web?: string
  /** The local chain and contract addresses. */
  chain?: ChainConfig
  startedAt: string
}

/** `.tabmesh/` in the working directory: the local mesh's state (keys, blob cache, local.json). */
export function stateDir (cwd = process.cwd()): string {
  return join(cwd, '.tabmesh')
}

export async function writeLocalConfig (config: LocalConfig, cwd = process.cwd()): Promise<string> {
  const dir = stateDir(cwd)
  await mkdir(dir, { recursive: true })
  const file = join(dir, 'local.json')
  await writeFile(file, JSON.stringify(config, null, 2) + '\n')
  return file
}

/** @throws TabmeshError NO_LOCAL_MESH when `tabmesh dev` has not written .tabmesh/local.json */
export async function readLocalConfig (cwd = process.cwd()): Promise<LocalConfig> {
  const file = join(stateDir(cwd), 'local.json')
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalConfig
  } catch {
    throw new TabmeshError('NO_LOCAL_MESH', `no local mesh: ${file} is missing. Run \`npm start\` (tabmesh dev) first, or pass --bootstrap MULTIADDR.`)
  }
}
