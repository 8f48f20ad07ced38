// A Node provider in a process of its own, as operators run it (`tabmesh provide`), for benches that
// must not share the requester's main thread. Prints `ready <peer id>` once it is up; stops on SIGTERM.
//   node bench/lib/provider-process.ts '<json StartNodeProviderParameters without keys>'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startNodeProvider } from '../../mesh/provider/node-provider.ts'
import type { StartNodeProviderParameters } from '../../mesh/provider/node-provider.ts'

/** What the parent may pass: plain JSON (no keys, no chain). */
export type ProviderProcessParameters = Pick<StartNodeProviderParameters, 'bootstrap' | 'listen' | 'workers'> & {
  /**
   * A baseline, not a provider: every run is answered at once on the main thread, with an empty
   * output, no worker and no Wasm — what the task path costs without the run (bench/suites/dispatch.ts).
   */
  instantRuns?: boolean
}

/** A provider process started by `startProviderProcess`. */
export interface ProviderProcess { peerId: string, stop: () => Promise<void> }

/** Starts a provider process and resolves once it has started. */
export async function startProviderProcess (params: ProviderProcessParameters): Promise<ProviderProcess> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const peerId = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = out.match(/ready (\S+)/); if (m !== null) resolve(m[1]!) })
    child.once('exit', code => { reject(new Error(`the provider process exited (${code}) before it started`)) })
  })
  return {
    peerId,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { instantRuns, ...params } = JSON.parse(process.argv[2]!) as ProviderProcessParameters
  const provider = await startNodeProvider({ ...params, cacheDir: mkdtempSync(join(tmpdir(), 'tabmesh-bench-')) })
  if (instantRuns === true) provider.pool.run = async () => ({ ok: true, output: new Uint8Array(0), durationMs: 0 })
  process.once('SIGTERM', () => { void provider.stop().finally(() => process.exit(0)) })
  console.log(`ready ${provider.node.peerId.toString()}`)
}
