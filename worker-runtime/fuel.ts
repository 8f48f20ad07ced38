import binaryen from 'binaryen'
import { InvalidModuleError } from './errors.ts'

import { FUEL_GLOBAL } from './limits.ts'

/**
 * Features assumed for modules without a target_features section (AssemblyScript emits none): what
 * clang, AssemblyScript and Rust emit by default and both Chromium and Node 22 run. Modules that declare
 * their features (clang does) keep them too. `Features.All` would let binaryen emit code Node rejects.
 */
const FEATURES = binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt |
  binaryen.Features.SignExt | binaryen.Features.SIMD128 | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt |
  binaryen.Features.Multivalue | binaryen.Features.ReferenceTypes

/**
 * Injects deterministic fuel metering: binaryen's `log-execution` pass puts a call at every function
 * entry and loop header; that call becomes an internal function that subtracts 1 from the exported
 * mutable i64 global `tabmesh_fuel` and traps (`unreachable`) when it goes below zero. The same module
 * and input use the same fuel on every engine, so fuel is comparable across providers.
 *
 * @param bytes a valid module binary
 * @returns the metered module binary; set `tabmesh_fuel` before `_start`, read it after
 * @throws InvalidModuleError when binaryen cannot read or validate the module
 */
export function injectFuelMetering (bytes: Uint8Array): Uint8Array {
  let module: binaryen.Module
  try {
    module = binaryen.readBinary(bytes)
    module.setFeatures(module.getFeatures() | FEATURES)
  } catch (err) {
    throw new InvalidModuleError({ code: 'INVALID_MODULE', message: `invalid module: binaryen cannot read it (${String(err)})` })
  }
  try {
    module.runPasses(['log-execution'])
    const hook = findLogExecutionImport(module)
    module.removeFunction(hook)
    module.addGlobal(FUEL_GLOBAL, binaryen.i64, true, module.i64.const(0n))
    module.addGlobalExport(FUEL_GLOBAL, FUEL_GLOBAL)
    const left = module.i64.sub(module.global.get(FUEL_GLOBAL, binaryen.i64), module.i64.const(1n))
    module.addFunction(hook, binaryen.i32, binaryen.none, [], module.block(null, [
      module.global.set(FUEL_GLOBAL, left),
      module.if(
        module.i64.lt_s(module.global.get(FUEL_GLOBAL, binaryen.i64), module.i64.const(0n)),
        module.unreachable()
      )
    ]))
    if (module.validate() === 0) throw new Error('metered module does not validate')
    return module.emitBinary()
  } finally {
    module.dispose()
  }
}

function findLogExecutionImport (module: binaryen.Module): string {
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i))
    if (info.module !== '' && info.base === 'log_execution') return info.name
  }
  throw new Error('binaryen log-execution pass added no hook')
}
