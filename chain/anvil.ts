import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { TabmeshError } from '../errors/base.ts'

/**
 * anvil from the npm package @foundry-rs/anvil-linux-amd64 (nothing is downloaded at install or run
 * time), wherever npm put it: under this repository, or beside an installed `tabmesh` in the user's
 * node_modules. An optional dependency: undefined where the platform has no build of it.
 */
export const ANVIL_BIN: string | undefined = anvilBinary()

function anvilBinary (): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin/anvil')
  } catch {
    return undefined
  }
}

/** anvil's default chain id. */
export const ANVIL_CHAIN_ID = 31337
/** The standard Foundry/Hardhat test mnemonic: anvil funds its first 10 accounts with 10,000 ETH each. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'

export interface AnvilHandle {
  rpcUrl: string
  stop: () => Promise<void>
}

/**
 * Starts anvil on 127.0.0.1 and resolves once it answers JSON-RPC.
 * @param params.port TCP port (0 is not supported by anvil: pick a free one)
 * @param params.stateFile keeps the chain across restarts (`--state`)
 * @throws TabmeshError ANVIL_MISSING when this platform has no anvil package (only linux x64 is published)
 * @throws TabmeshError ANVIL_FAILED when it does not come up within 15 s
 */
export async function startAnvil (params: { port: number, stateFile?: string, blockTime?: number, chainId?: number }): Promise<AnvilHandle> {
  const args = ['--host', '127.0.0.1', '--port', String(params.port), '--chain-id', String(params.chainId ?? ANVIL_CHAIN_ID), '--silent']
  if (params.stateFile !== undefined) args.push('--state', params.stateFile)
  if (params.blockTime !== undefined) args.push('--block-time', String(params.blockTime))
  if (ANVIL_BIN === undefined) throw new TabmeshError('ANVIL_MISSING', 'the local chain needs anvil from the npm package @foundry-rs/anvil-linux-amd64, which is not installed here (it is published for linux x64 only): run the local chain on a linux x64 machine, or give providers and requesters a ChainConfig of a chain that runs elsewhere')
  const child: ChildProcess = spawn(ANVIL_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  const rpcUrl = `http://127.0.0.1:${params.port}`
  const deadline = Date.now() + 15_000
  while (true) {
    if (child.exitCode !== null) throw new TabmeshError('ANVIL_FAILED', `anvil exited with ${child.exitCode}: ${stderr.trim()}`)
    try {
      const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) })
      if (res.ok) break
    } catch {}
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new TabmeshError('ANVIL_FAILED', `anvil did not answer on ${rpcUrl}: ${stderr.trim()}`) }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    rpcUrl,
    stop: async () => {
      if (child.exitCode !== null) return
      // SIGTERM lets anvil write --state before it exits.
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
