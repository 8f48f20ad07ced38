import binaryen from 'binaryen'
import { InvalidModuleError } from './errors.ts'

/**
 * Refuses relaxed SIMD: its instructions' results are implementation-defined (WebAssembly 3.0,
 * "Relaxed SIMD"; they differ between x86 and ARM), so two honest providers could disagree. binaryen
 * reads the module with every feature and validates it again without relaxed SIMD.
 * @throws InvalidModuleError when the module uses relaxed SIMD, or binaryen cannot read it
 */
export function refuseRelaxedSimd (bytes: Uint8Array): void {
  let module: binaryen.Module
  try {
    binaryen.setDebugInfo(false)
    module = binaryen.readBinary(bytes)
  } catch (err) {
    throw new InvalidModuleError({ code: 'INVALID_MODULE', message: `invalid module: binaryen cannot read it (${String(err)})` })
  }
  try {
    module.setFeatures(binaryen.Features.All & ~binaryen.Features.RelaxedSIMD)
    if (!quietly(() => module.validate())) {
      throw new InvalidModuleError({ code: 'INVALID_MODULE', message: 'invalid module: it uses relaxed SIMD, whose results differ between CPUs (not admitted; plain SIMD is)' })
    }
  } finally {
    module.dispose()
  }
}

/** binaryen prints validation errors (to process.stderr in Node): keep them out of the provider's log. */
function quietly<T> (f: () => T): T {
  const stderr = typeof process !== 'undefined' ? process.stderr : undefined
  const write = stderr?.write
  if (stderr !== undefined) stderr.write = () => true
  try { return f() } finally { if (stderr !== undefined && write !== undefined) stderr.write = write }
}
