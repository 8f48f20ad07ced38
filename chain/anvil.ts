import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TabmeshError } from '../errors/base.ts'

/** anvil from the npm package @foundry-rs/anvil-linux-amd64 (nothing is downloaded at install or run time). */
export const ANVIL_BIN = fileURLToPath(new URL('../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil', import.meta.url))
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
 * @throws TabmeshError ANVIL_FAILED when it does not come up within 15 s
 */
export async function startAnvil (params: { port: number, stateFile?: string, blockTime?: number }): Promise<AnvilHandle> {
  const args = ['--host', '127.0.0.1', '--port', String(params.port), '--chain-id', String(ANVIL_CHAIN_ID), '--silent']
  if (params.stateFile !== undefined) args.push('--state', params.stateFile)
  if (params.blockTime !== undefined) args.push('--block-time', String(params.blockTime))
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
