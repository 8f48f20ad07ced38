import { MemoryLimitError } from './errors.ts'
import { canonicalizeNaNs } from './canonical-nan.ts'
import { concat, encodeLeb, invalid, Reader, readImports, section, sections, valueType } from './wasm-binary.ts'

/**
 * Most entries one table may hold: 65,536 (a funcref entry costs the host 8–16 bytes, so at most
 * ~1 MiB per table). Table limits are rewritten to it, so `table.grow` past it returns -1 inside the
 * module, as the spec requires, instead of taking host memory (three tables × 9 M entries took ~1 GB).
 */
export const MAX_TABLE_ENTRIES = 65_536
/** Most tables one module may define or import (C, Rust and AssemblyScript use one). */
export const MAX_TABLES = 4

/**
 * Module admission (WebAssembly binary format, §5.5): rewrites the limits in the memory and table
 * sections so that the module cannot take host memory beyond the job's cap, and refuses what would
 * let it escape the cap or make its output depend on the engine:
 * - exactly one linear memory, defined by the module (not imported), not memory64, not shared
 *   (threads) — `max = min(declared max, capPages)`, so `memory.grow` past the cap returns -1;
 * - at most MAX_TABLES tables, each clamped to MAX_TABLE_ENTRIES entries;
 * - no GC types (struct, array, recursive groups, GC references): they live outside linear memory;
 * - no relaxed SIMD, atomics or GC instructions (named by canonical-nan.ts, which reads every
 *   instruction), and every NaN a float instruction makes is canonical (canonical-nan.ts).
 * Plain SIMD, bulk memory, multi-value, reference types, tail calls and exceptions stay allowed.
 *
 * @param bytes the module binary
 * @param capPages the memory cap in 64 KiB pages
 * @param options.canonicalNaNs false skips NaN canonicalisation, and with it the refusal of relaxed
 *   SIMD, atomics and GC instructions (only to measure its cost)
 * @returns a new binary; the input is not modified
 * @throws InvalidModuleError naming the refused feature, or on a malformed binary
 * @throws MemoryLimitError when the module's initial memory already exceeds the cap
 */
export function admitModule (bytes: Uint8Array, capPages: number, options: { canonicalNaNs?: boolean } = {}): Uint8Array {
  const limited = rewriteLimits(bytes, capPages)
  return options.canonicalNaNs === false ? limited : canonicalizeNaNs(limited)
}

function rewriteLimits (bytes: Uint8Array, capPages: number): Uint8Array {
  const out: Uint8Array[] = [bytes.subarray(0, 8)]
  let memories = 0
  let tables = 0
  for (const { id, start, end, body } of sections(bytes)) {
    const r = new Reader(body)
    if (id === 1) checkTypes(r)
    if (id === 2) tables += checkImports(r)
    if (id === 4) {
      const rewritten = rewriteTableSection(r)
      tables += rewritten.count
      out.push(rewritten.bytes)
    } else if (id === 5) {
      const rewritten = rewriteMemorySection(r, capPages)
      memories += rewritten.count
      out.push(rewritten.bytes)
    } else {
      out.push(bytes.subarray(start, end))
    }
  }
  if (memories === 0) throw invalid('it defines no linear memory; a WASI command needs exactly one')
  if (memories > 1) throw invalid(`it defines ${memories} linear memories (multi-memory is not admitted: one memory, one cap)`)
  if (tables > MAX_TABLES) throw invalid(`it has ${tables} tables; at most ${MAX_TABLES} are admitted`)
  return concat(out)
}

/** Type section: function types only; GC composite types and GC reference types are refused. */
function checkTypes (r: Reader): void {
  const count = r.leb()
  for (let i = 0; i < count; i++) {
    const form = r.byte()
    if (form === 0x4e || form === 0x50 || form === 0x4f) throw invalid('it declares recursive or subtyped types (GC types are not admitted: they live outside linear memory)')
    if (form === 0x5e || form === 0x5f) throw invalid(`it declares ${form === 0x5e ? 'an array' : 'a struct'} type (GC types are not admitted: they live outside linear memory)`)
    if (form !== 0x60) throw invalid(`unknown type form 0x${form.toString(16)}`)
    for (let side = 0; side < 2; side++) {
      const n = r.leb()
      for (let j = 0; j < n; j++) valueType(r)
    }
  }
}

/** Import section: imported memories are refused, imported tables must respect the bound. @returns the number of imported tables */
function checkImports (r: Reader): number {
  let tables = 0
  for (const entry of readImports(r)) {
    if (entry.kind === 2) throw invalid('the module imports its linear memory; a WASI command must define its own')
    if (entry.kind !== 1) continue
    tables++
    const { min, max } = entry.limits
    if (min > MAX_TABLE_ENTRIES || max === undefined || max > MAX_TABLE_ENTRIES) throw invalid(`it imports a table that may hold more than ${MAX_TABLE_ENTRIES} entries`)
  }
  return tables
}

/** Table section: each table's limits clamped to MAX_TABLE_ENTRIES. */
function rewriteTableSection (r: Reader): { count: number, bytes: Uint8Array } {
  const count = r.leb()
  const body: number[] = [...encodeLeb(count)]
  for (let i = 0; i < count; i++) {
    const reftype = r.byte()
    if (reftype === 0x40) throw invalid('it declares a table with an initializer expression (function references are not admitted)')
    if (reftype === 0x63 || reftype === 0x64) throw invalid('it uses GC reference types (not admitted)')
    const { flags, min, max } = r.limits()
    if ((flags & 0x04) !== 0) throw invalid('table64 is not admitted')
    if (min > MAX_TABLE_ENTRIES) throw invalid(`it declares a table of ${min} entries; at most ${MAX_TABLE_ENTRIES} are admitted`)
    body.push(reftype, 0x01, ...encodeLeb(min), ...encodeLeb(Math.min(max ?? MAX_TABLE_ENTRIES, MAX_TABLE_ENTRIES)))
  }
  return { count, bytes: section(4, body) }
}

function rewriteMemorySection (r: Reader, capPages: number): { count: number, bytes: Uint8Array } {
  const count = r.leb()
  const body: number[] = [...encodeLeb(count)]
  for (let i = 0; i < count; i++) {
    const { flags, min, max } = r.limits()
    if ((flags & 0x04) !== 0) throw invalid('memory64 is not admitted')
    if ((flags & 0x02) !== 0) throw invalid('shared memory (threads) is not admitted')
    if (min > capPages) {
      throw new MemoryLimitError({ code: 'MEMORY_LIMIT', message: `the module asks for ${min} pages of memory at start; the job allows ${capPages}` })
    }
    const newMax = Math.min(max ?? capPages, capPages)
    body.push(0x01, ...encodeLeb(min), ...encodeLeb(newMax))
  }
  return { count, bytes: section(5, body) }
}

