import { InvalidModuleError } from './errors.ts'
import { admitModule } from './admission.ts'

export interface PrepareModuleParameters {
  bytes: Uint8Array
  /** Memory cap in 64 KiB pages. */
  memoryPages: number
  /** Inject fuel metering (binaryen) when true. */
  metered: boolean
  /**
   * Make every NaN canonical (default true). False only to measure what canonicalisation costs
   * (bench/suites/nan.ts): outputs may then differ between CPUs.
   */
  canonicalNaNs?: boolean
}

/**
 * Turns untrusted module bytes into bytes safe to compile: validates them, admits them (one capped
 * linear memory, bounded tables, no GC, atomics or relaxed SIMD — see admission.ts), makes every NaN
 * canonical (canonical-nan.ts: output identical on every CPU) and, when asked,
 * injects fuel metering (binaryen, loaded only then: it is ~13 MB). Run it in a worker, then compile
 * the result once and share the compiled `WebAssembly.Module` with every worker.
 *
 * @throws InvalidModuleError for bytes that are not a valid module, or use a feature not admitted (named)
 * @throws MemoryLimitError when the module's initial memory exceeds the cap
 */
export async function prepareModule ({ bytes, memoryPages, metered, canonicalNaNs = true }: PrepareModuleParameters): Promise<Uint8Array> {
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) {
    throw new InvalidModuleError({ code: 'INVALID_MODULE', message: `invalid module: ${bytes.length} bytes that are not valid WebAssembly` })
  }
  const capped = admitModule(bytes, memoryPages, { canonicalNaNs })
  if (!metered) return capped
  const { injectFuelMetering } = await import('./fuel.ts')
  return injectFuelMetering(capped)
}
