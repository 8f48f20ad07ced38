// Piscina task: runs one jobs/primes-style WASI task with Tabmesh's runtime (same code as a provider's
// worker, minus comlink), so the pool baseline computes exactly what the mesh computes.
import { prepareModule } from '../../worker-runtime/prepare.ts'
import { runTask } from '../../worker-runtime/run-task.ts'
import { resolveLimits } from '../../worker-runtime/limits.ts'

const modules = new Map<string, WebAssembly.Module>()
const limits = resolveLimits({ timeoutMs: 120_000 })

export default async function run ({ key, bytes, input }: { key: string, bytes: Uint8Array, input: string }): Promise<string> {
  let module = modules.get(key)
  if (module === undefined) {
    module = await WebAssembly.compile(await prepareModule({ bytes, memoryPages: limits.memoryPages, metered: false }) as Uint8Array<ArrayBuffer>)
    modules.set(key, module)
  }
  const r = runTask({ module, input: new TextEncoder().encode(input), args: ['task'], env: [], limits, seed: new Uint8Array(16) })
  if (!r.ok) throw new Error(r.error.message)
  return new TextDecoder().decode(r.output)
}
