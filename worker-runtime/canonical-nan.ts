import { concat, encodeLeb, invalid, Reader, readImports, section, sections, valueType } from './wasm-binary.ts'

/** The canonical f32 NaN (WebAssembly Core Specification §4.3.3 "NaN Propagation"): positive, quiet, payload 0. */
export const CANONICAL_NAN_F32_BITS = 0x7fc00000
/** The canonical f64 NaN: positive, quiet, payload 0. */
export const CANONICAL_NAN_F64_BITS = 0x7ff8000000000000n

/** Value kinds whose NaNs are canonicalised (each function gets one local per kind it uses). */
const Kind = { None: 0, F32: 1, F64: 2, F32x4: 3, F64x2: 4 } as const
type Kind = typeof Kind[keyof typeof Kind]

/**
 * Scalar instructions through which a NaN's bits become visible (§4.3.3: arithmetic leaves a NaN
 * result's sign and payload to the engine; everything else about a NaN — comparisons, min/max,
 * truncation to integers — is the same on every CPU): a store writes the bits to memory, a
 * reinterpretation turns them into an integer, and copysign copies the sign of its second operand.
 * Their top operand is canonicalised first.
 */
const OBSERVES = new Map<number, typeof Kind.F32 | typeof Kind.F64>([
  [0x38, Kind.F32], [0xbc, Kind.F32], [0x98, Kind.F32], // f32.store, i32.reinterpret_f32, f32.copysign
  [0x39, Kind.F64], [0xbd, Kind.F64], [0xa6, Kind.F64] // f64.store, i64.reinterpret_f64, f64.copysign
])
/**
 * Scalar instructions whose result already has deterministic bits, so the instruction right after
 * needs no canonicalisation: loads (the bits in memory — a float copied through a load and a store
 * keeps its payload, as the specification requires), constants and conversions from integers.
 */
const EXACT: Record<typeof Kind.F32 | typeof Kind.F64, Set<number>> = {
  [Kind.F32]: new Set([0x2a, 0x43, 0xb2, 0xb3, 0xb4, 0xb5, 0xbe]), // f32.load, f32.const, f32.convert_i32/i64_s/u, f32.reinterpret_i32
  [Kind.F64]: new Set([0x2b, 0x44, 0xb7, 0xb8, 0xb9, 0xba, 0xbf]) // f64.load, f64.const, f64.convert_*, f64.reinterpret_i64
}
/**
 * SIMD float arithmetic (0xFD prefix), canonicalised where it produces a vector: a v128 carries no
 * lane types, so every integer or bitwise instruction could reveal its bits. pmin/pmax pick an
 * operand's bits and are exact.
 */
const SIMD = new Map<number, typeof Kind.F32x4 | typeof Kind.F64x2>([
  ...[0x67, 0x68, 0x69, 0x6a, 0x5e, ...range(0xe3, 0xe9)].map(op => [op, Kind.F32x4] as const), // f32x4 ceil, floor, trunc, nearest, demote_f64x2_zero, sqrt…max
  ...[0x74, 0x75, 0x7a, 0x94, 0x5f, ...range(0xef, 0xf5)].map(op => [op, Kind.F64x2] as const) // f64x2 ceil, floor, trunc, nearest, promote_low_f32x4, sqrt…max
])

/**
 * NaN canonicalisation: makes every NaN a module can observe the canonical one, so the same module
 * and input give byte-identical output on every engine and CPU (x86 makes `0/0` the negative NaN
 * `ffc00000`, ARM64 the positive `7fc00000`). wasmtime's `cranelift_nan_canonicalization` rewrites the
 * result of every float instruction; that cost 36–53% here (bench/suites/nan.ts), so scalars are
 * canonicalised where their bits become visible instead — before `f32/f64.store`, `reinterpret` and
 * `copysign` (OBSERVES) — unless the value comes straight from a load, constant or integer
 * conversion (canonicalBits); SIMD float arithmetic is canonicalised where it produces a vector
 * (canonicalVector). Every instruction is decoded on the way, so the
 * instructions not admitted are refused by name: relaxed SIMD (implementation-defined results),
 * atomics (threads) and GC instructions.
 *
 * Source: WebAssembly Core Specification 2.0 §4.3.3 (NaN propagation) and the design repository's
 * "Nondeterminism" notes, which list NaN bits as the only non-determinism of single-threaded,
 * non-relaxed Wasm. binaryen has no such pass (its `denan` turns NaNs into 0, which changes results).
 *
 * @param bytes a module binary that WebAssembly.validate accepts
 * @returns a new binary, each function with up to three extra locals
 * @throws InvalidModuleError naming a refused instruction, or on a malformed code section
 */
export function canonicalizeNaNs (bytes: Uint8Array): Uint8Array {
  const all = sections(bytes)
  const params: number[] = []
  let importedFunctions = 0
  let functionTypes: number[] = []
  const out: Uint8Array[] = [bytes.subarray(0, 8)]
  for (const { id, start, end, body } of all) {
    const r = new Reader(body)
    if (id === 1) params.push(...paramCounts(r))
    if (id === 2) importedFunctions = readImports(r).filter(i => i.kind === 0).length
    if (id === 3) functionTypes = Array.from({ length: r.leb() }, () => r.leb())
    if (id === 10) {
      const count = r.leb()
      if (count !== functionTypes.length) throw invalid('the code and function sections disagree')
      const parts: Uint8Array[] = [new Uint8Array(encodeLeb(count))]
      for (let i = 0; i < count; i++) {
        const size = r.leb()
        const fn = body.subarray(r.pos, r.pos + size)
        r.skip(size)
        const rewritten = rewriteFunction(fn, params[functionTypes[i]!] ?? 0, importedFunctions + i)
        parts.push(new Uint8Array(encodeLeb(rewritten.length)), rewritten)
      }
      out.push(section(10, concat(parts)))
    } else {
      out.push(bytes.subarray(start, end))
    }
  }
  const result = concat(out)
  if (!WebAssembly.validate(result as Uint8Array<ArrayBuffer>)) throw new Error('NaN canonicalisation produced an invalid module (a Tabmesh bug: please report the module)')
  return result
}

function rewriteFunction (fn: Uint8Array, paramCount: number, index: number): Uint8Array {
  const r = new Reader(fn)
  const groups = r.leb()
  let locals = 0
  for (let g = 0; g < groups; g++) { locals += r.leb(); valueType(r) }
  const groupsEnd = r.pos
  const base = paramCount + locals
  const used = new Set<Kind>()
  const pieces: Uint8Array[] = []
  let copied = r.pos
  let previous = -1
  while (!r.done) {
    const start = r.pos
    const op = r.byte()
    const observed = OBSERVES.get(op)
    if (observed !== undefined && !EXACT[observed].has(previous)) {
      // The instruction that would reveal the top operand's bits becomes: its bits as an integer,
      // canonical if a NaN, then the integer store, nothing (reinterpret) or back to a float (copysign).
      pieces.push(fn.subarray(copied, start), canonicalBits(observed, base))
      used.add(observed)
      const integerStore = op === 0x38 ? 0x36 : op === 0x39 ? 0x37 : undefined
      if (integerStore !== undefined) pieces.push(new Uint8Array([integerStore]))
      else if (op === 0x98 || op === 0xa6) pieces.push(new Uint8Array([op === 0x98 ? 0xbe : 0xbf, op]))
      copied = start + 1
    }
    const made = instruction(r, op, index)
    if (made !== Kind.None) { // after the SIMD instruction that made the vector
      pieces.push(fn.subarray(copied, r.pos), canonicalVector(made, base))
      used.add(made)
      copied = r.pos
    }
    previous = op
  }
  if (used.size === 0) return fn
  pieces.push(fn.subarray(copied))
  // Locals base (i32), base+1 (i64) and, when used, base+2 (v128).
  const vectors = used.has(Kind.F32x4) || used.has(Kind.F64x2)
  const extra = vectors ? [1, 0x7f, 1, 0x7e, 1, 0x7b] : [1, 0x7f, 1, 0x7e]
  const header = concat([new Uint8Array(encodeLeb(groups + extra.length / 2)), fn.subarray(leb(fn), groupsEnd), new Uint8Array(extra)])
  return concat([header, ...pieces])
}

/** The byte length of the LEB128 at the start of `bytes`. */
function leb (bytes: Uint8Array): number {
  let n = 0
  while ((bytes[n++]! & 0x80) !== 0);
  return n
}

/**
 * A float on the stack becomes its bits as an integer, the canonical NaN's if it is a NaN (a NaN's
 * bits without the sign are above +inf's): `reinterpret; local.tee t; const 0x7f…f; and; const +inf;
 * gt_u; if (result) const canonical else local.get t end`. Measured on n-body (bench/suites/nan.ts):
 * this predicted branch costs ~1.1×; a float `eq` + `select` 1.4×, an integer `select` (cmov) 1.24×.
 */
function canonicalBits (kind: typeof Kind.F32 | typeof Kind.F64, base: number): Uint8Array {
  if (kind === Kind.F32) {
    const t = encodeLeb(base)
    return new Uint8Array([0xbc, 0x22, ...t, 0x41, ...sleb(0x7fffffffn), 0x71, 0x41, ...sleb(0x7f800000n), 0x4b, 0x04, 0x7f, 0x41, ...sleb(BigInt(CANONICAL_NAN_F32_BITS)), 0x05, 0x20, ...t, 0x0b])
  }
  const t = encodeLeb(base + 1)
  return new Uint8Array([0xbd, 0x22, ...t, 0x42, ...sleb(0x7fffffffffffffffn), 0x83, 0x42, ...sleb(0x7ff0000000000000n), 0x56, 0x04, 0x7e, 0x42, ...sleb(CANONICAL_NAN_F64_BITS), 0x05, 0x20, ...t, 0x0b])
}

/** A float vector on the stack with every NaN lane made canonical: `local.tee t; v128.const NaNs; local.get t; local.get t; eq; v128.bitselect`. */
function canonicalVector (kind: typeof Kind.F32x4 | typeof Kind.F64x2, base: number): Uint8Array {
  const t = encodeLeb(base + 2)
  const lanes = kind === Kind.F32x4 ? [0x00, 0x00, 0xc0, 0x7f, 0x00, 0x00, 0xc0, 0x7f, 0x00, 0x00, 0xc0, 0x7f, 0x00, 0x00, 0xc0, 0x7f] : [0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]
  return new Uint8Array([0x22, ...t, 0xfd, 0x0c, ...lanes, 0x20, ...t, 0x20, ...t, 0xfd, kind === Kind.F32x4 ? 0x41 : 0x47, 0xfd, 0x52])
}

/** Signed LEB128 of a non-negative value (i32.const and i64.const immediates). */
function sleb (value: bigint): number[] {
  const out: number[] = []
  for (;;) {
    const byte = Number(value & 0x7fn)
    value >>= 7n
    if (value === 0n && (byte & 0x40) === 0) { out.push(byte); return out }
    out.push(byte | 0x80)
  }
}

/**
 * Reads the immediates of the instruction `op` (its first byte already read).
 * @returns the kind of vector it makes whose NaNs must be canonicalised, Kind.None for most instructions
 */
function instruction (r: Reader, op: number, fn: number): typeof Kind.None | typeof Kind.F32x4 | typeof Kind.F64x2 {
  if (op >= 0x45 && op <= 0xc4) return Kind.None // numeric: no immediates
  switch (op) {
    case 0x00: case 0x01: case 0x05: case 0x0a: case 0x0b: case 0x0f: case 0x19: case 0x1a: case 0x1b:
    case 0xd1: case 0xd3: case 0xd4:
      return Kind.None
    case 0x02: case 0x03: case 0x04: case 0x06: // block, loop, if, try
      blockType(r); return Kind.None
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: case 0x10: case 0x12: case 0x14: case 0x15: case 0x18:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0x3f: case 0x40:
    case 0xd2: case 0xd5: case 0xd6:
      r.leb(); return Kind.None
    case 0x0e: { // br_table
      const n = r.leb()
      for (let i = 0; i <= n; i++) r.leb()
      return Kind.None
    }
    case 0x11: case 0x13: // call_indirect, return_call_indirect
      r.leb(); r.leb(); return Kind.None
    case 0x1c: { // select with types
      const n = r.leb()
      for (let i = 0; i < n; i++) valueType(r)
      return Kind.None
    }
    case 0x1f: { // try_table
      blockType(r)
      const n = r.leb()
      for (let i = 0; i < n; i++) {
        const clause = r.byte()
        if (clause < 2) r.leb()
        r.leb()
      }
      return Kind.None
    }
    case 0x41: r.skipLeb(5); return Kind.None
    case 0x42: r.skipLeb(10); return Kind.None
    case 0x43: r.skip(4); return Kind.None
    case 0x44: r.skip(8); return Kind.None
    case 0xd0: heapType(r); return Kind.None
    case 0xfc: return misc(r)
    case 0xfd: return simd(r)
    case 0xfb: throw invalid(`function ${fn} uses a GC instruction (not admitted)`)
    case 0xfe: throw invalid(`function ${fn} uses an atomic instruction (threads are not admitted)`)
    default:
      if (op >= 0x28 && op <= 0x3e) { memarg(r); return Kind.None }
      throw invalid(`function ${fn} uses the unknown opcode 0x${op.toString(16)}`)
  }
}

function misc (r: Reader): typeof Kind.None {
  const sub = r.leb()
  if (sub <= 7) return Kind.None // saturating truncations
  if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { r.leb(); r.leb(); return Kind.None } // memory.init, memory.copy, table.init, table.copy
  if (sub <= 17) { r.leb(); return Kind.None } // data.drop, memory.fill, elem.drop, table.grow/size/fill
  throw invalid(`the instruction 0xfc ${sub} is not admitted`)
}

function simd (r: Reader): typeof Kind.None | typeof Kind.F32x4 | typeof Kind.F64x2 {
  const sub = r.leb()
  if (sub <= 11 || sub === 92 || sub === 93) { memarg(r); return Kind.None } // loads, store, load_zero
  if (sub === 12 || sub === 13) { r.skip(16); return Kind.None } // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) { r.skip(1); return Kind.None } // extract/replace lane
  if (sub >= 84 && sub <= 91) { memarg(r); r.skip(1); return Kind.None } // load/store lane
  if (sub >= 0x100) throw invalid('it uses relaxed SIMD, whose results differ between CPUs (not admitted; plain SIMD is)')
  return SIMD.get(sub) ?? Kind.None
}

function memarg (r: Reader): void {
  const align = r.leb()
  if ((align & 0x40) !== 0) r.leb() // memory index (multi-memory encoding)
  r.skipLeb(10)
}

function blockType (r: Reader): void {
  const b = r.bytes[r.pos]
  if (b === 0x63 || b === 0x64) throw invalid('it uses GC reference types (not admitted)')
  r.skipLeb(5) // 0x40, a value type (one byte) or a type index (s33)
}

function heapType (r: Reader): void { r.skipLeb(5) }

/** Each function type's parameter count (the type section; admission has refused non-function types). */
function paramCounts (r: Reader): number[] {
  const counts: number[] = []
  const n = r.leb()
  for (let i = 0; i < n; i++) {
    if (r.byte() !== 0x60) throw invalid('a type that is not a function type')
    const p = r.leb()
    for (let j = 0; j < p; j++) valueType(r)
    const q = r.leb()
    for (let j = 0; j < q; j++) valueType(r)
    counts.push(p)
  }
  return counts
}

function range (from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
