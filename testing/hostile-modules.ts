import binaryen from 'binaryen'

/**
 * Hostile WASI modules for tests and benchmarks, assembled from WebAssembly text by binaryen:
 * each must end with its typed error (in brackets) and leave the worker serving.
 */
export interface HostileModules {
  /** `loop br` forever [TIMEOUT]. */
  runaway: Uint8Array
  /** memory.grow until it fails, then aborts like a program whose malloc returned NULL [MEMORY_LIMIT]. */
  memoryBomb: Uint8Array
  /** `unreachable` [TRAP]. */
  trap: Uint8Array
  /** Initial memory above a 1-page cap [MEMORY_LIMIT at prepare]. */
  bigStart: Uint8Array
  /** Unbounded recursion until the engine's stack overflows [TRAP]. */
  deepRecursion: Uint8Array
  /** fd_write of 63 KiB to stdout forever [OUTPUT_TOO_LARGE]. */
  hugeOutput: Uint8Array
  /** Imports `env.spawn` [INVALID_MODULE]. */
  unknownImport: Uint8Array
  /** Exports no `_start` [INVALID_MODULE]. */
  noStart: Uint8Array
  /** Not hostile: a `_start` that does nothing, for measuring dispatch overhead. */
  noop: Uint8Array
  /** Two linear memories: N × the memory cap [INVALID_MODULE at prepare]. */
  twoMemories: Uint8Array
  /** A shared memory (threads) [INVALID_MODULE at prepare]. */
  sharedMemory: Uint8Array
  /** WasmGC arrays, outside linear memory [INVALID_MODULE at prepare]. */
  gcArrays: Uint8Array
  /** A relaxed-SIMD instruction, CPU-dependent [INVALID_MODULE at prepare]. */
  relaxedSimd: Uint8Array
  /** Grows a funcref table by 9 M entries and traps only if that fails [TRAP: clamped tables refuse to grow]. */
  tableBomb: Uint8Array
  /**
   * Not hostile but CPU-dependent without canonicalisation: writes the bits of NaNs it makes (f32
   * 0/0 stored, sqrt(-1) reinterpreted, f64 0/0, copysign(1, 0/0), an f32x4 0/0) and of a signalling
   * NaN copied by a load and a store, 48 bytes [NAN_BITS_OUTPUT on every CPU].
   */
  nanBits: Uint8Array
  /**
   * An iovec bomb: fd_write naming 2,048 buffers (the WASI shim makes a JS object per buffer, so
   * 100 M of them would fill the worker's JS heap); prints `EINVAL` when refused past IOV_MAX.
   */
  iovecBomb: Uint8Array
}

/** What `nanBits` prints once every NaN is canonical (little-endian words; a copied NaN keeps its bits). */
export const NAN_BITS_OUTPUT = new Uint8Array([
  0x00, 0x00, 0xc0, 0x7f, 0x00, 0x00, 0xc0, 0x7f, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, // f32 0/0, sqrt(-1), f64 0/0
  0x00, 0x00, 0x80, 0x3f, 0x01, 0x00, 0x80, 0x7f, 0x01, 0x00, 0x80, 0x7f, 0, 0, 0, 0, // copysign(1, NaN) = +1, sNaN, its copy
  ...[0, 1, 2, 3].flatMap(() => [0x00, 0x00, 0xc0, 0x7f]) // f32x4 0/0
])

export function hostileModules (): HostileModules {
  return {
    runaway: wat('(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))'),
    memoryBomb: wat('(module (memory (export "memory") 1) (func (export "_start") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 256)) (i32.const -1)))) unreachable))'),
    trap: wat('(module (memory (export "memory") 1) (func (export "_start") unreachable))'),
    bigStart: wat('(module (memory (export "memory") 2) (func (export "_start")))'),
    deepRecursion: wat('(module (memory (export "memory") 1) (func $f (export "_start") (call $f)))'),
    hugeOutput: wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (i32.const 64512))
        (loop $l (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l))))`),
    unknownImport: wat('(module (import "env" "spawn" (func)) (memory (export "memory") 1) (func (export "_start")))'),
    noStart: wat('(module (memory (export "memory") 1) (func (export "main")))'),
    noop: wat('(module (memory (export "memory") 1) (func (export "_start")))'),
    twoMemories: wat('(module (memory $a (export "memory") 1) (memory $b 1) (func (export "_start") (i32.store $b (i32.const 0) (i32.const 1))))'),
    sharedMemory: wat('(module (memory (export "memory") 1 1 shared) (func (export "_start")))'),
    gcArrays: wat('(module (type $a (array (mut i8))) (memory (export "memory") 1) (func (export "_start") (drop (array.new_default $a (i32.const 134217728)))))'),
    relaxedSimd: wat('(module (memory (export "memory") 1) (func (export "_start") (drop (i32x4.relaxed_trunc_f32x4_s (v128.const i32x4 0 0 0 0)))))'),
    tableBomb: wat('(module (table $t 1 funcref) (memory (export "memory") 1) (func (export "_start") (if (i32.eq (table.grow $t (ref.null func) (i32.const 9000000)) (i32.const -1)) (then unreachable))))'),
    iovecBomb: wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 60000) "EINVAL\\0aunbounded\\0a")
      (func (export "_start") (local $errno i32)
        (local.set $errno (call $write (i32.const 1) (i32.const 0) (i32.const 2048) (i32.const 59996)))
        (i32.store (i32.const 59980) (select (i32.const 60000) (i32.const 60007) (i32.eq (local.get $errno) (i32.const 28))))
        (i32.store (i32.const 59984) (select (i32.const 7) (i32.const 10) (i32.eq (local.get $errno) (i32.const 28))))
        (drop (call $write (i32.const 1) (i32.const 59980) (i32.const 1) (i32.const 59996)))))`),
    // Operands are loaded from zeroed memory at 256 so no engine folds the NaNs at compile time.
    nanBits: wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (f32.store (i32.const 0) (f32.div (f32.load (i32.const 256)) (f32.load (i32.const 256))))
        (i32.store (i32.const 4) (i32.reinterpret_f32 (f32.sqrt (f32.sub (f32.load (i32.const 256)) (f32.const 1)))))
        (f64.store (i32.const 8) (f64.div (f64.load (i32.const 256)) (f64.load (i32.const 256))))
        (f32.store (i32.const 16) (f32.copysign (f32.const 1) (f32.div (f32.load (i32.const 256)) (f32.load (i32.const 256)))))
        (i32.store (i32.const 20) (i32.const 0x7f800001))
        (f32.store (i32.const 24) (f32.load (i32.const 20)))
        (v128.store (i32.const 32) (f32x4.div (v128.load (i32.const 256)) (v128.load (i32.const 256))))
        (i32.store (i32.const 64) (i32.const 0))
        (i32.store (i32.const 68) (i32.const 48))
        (drop (call $write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 80)))))`)
  }
}

function wat (text: string): Uint8Array {
  const module = binaryen.parseText(text)
  module.setFeatures(binaryen.Features.All)
  try { return module.emitBinary() } finally { module.dispose() }
}
