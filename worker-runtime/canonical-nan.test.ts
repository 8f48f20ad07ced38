import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import binaryen from 'binaryen'
import { canonicalizeNaNs } from './canonical-nan.ts'
import { InvalidModuleError } from './errors.ts'

function wat (text: string): Uint8Array {
  const module = binaryen.parseText(text)
  module.setFeatures(binaryen.Features.All)
  try { return module.emitBinary() } finally { module.dispose() }
}

async function exportsOf (bytes: Uint8Array): Promise<Record<string, (...args: number[]) => number | bigint>> {
  const { exports } = await WebAssembly.instantiate(await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>))
  return exports as Record<string, (...args: number[]) => number | bigint>
}

const hex = (v: number | bigint, bits: number): string => BigInt.asUintN(bits, BigInt(v)).toString(16)

describe('NaN canonicalisation', () => {
  it('makes every observable NaN canonical, and leaves other values bit for bit', async () => {
    const module = wat(`(module (memory 1)
      (func (export "div32") (param f32 f32) (result i32) (i32.reinterpret_f32 (f32.div (local.get 0) (local.get 1))))
      (func (export "div64") (param f64 f64) (result i64) (i64.reinterpret_f64 (f64.div (local.get 0) (local.get 1))))
      (func (export "neg") (param f32) (result i32) (i32.reinterpret_f32 (f32.neg (f32.div (local.get 0) (local.get 0)))))
      (func (export "sign") (param f64) (result f64) (f64.copysign (f64.const 2) (f64.div (local.get 0) (local.get 0))))
      (func (export "store") (param f64) (result i64) (f64.store (i32.const 8) (f64.sub (local.get 0) (local.get 0))) (i64.load (i32.const 8)))
      (func (export "lanes") (param f32) (result i32) (i32x4.extract_lane 3 (f32x4.sqrt (f32x4.splat (local.get 0)))))
      (func (export "lanes64") (param f64) (result i64) (i64x2.extract_lane 1 (f64x2.mul (f64x2.splat (local.get 0)) (f64x2.splat (f64.const 0)))))
      (func (export "copy") (param i32) (result i32) (i32.store (i32.const 0) (local.get 0)) (f32.store (i32.const 4) (f32.load (i32.const 0))) (i32.load (i32.const 4))))`)
    const raw = await exportsOf(module)
    const e = await exportsOf(canonicalizeNaNs(module))
    assert.equal(hex(e.div32!(0, 0), 32), '7fc00000')
    assert.equal(hex(e.div64!(0, 0), 64), '7ff8000000000000')
    assert.equal(hex(e.neg!(0), 32), '7fc00000', 'neg flips the sign; the reinterpretation sees the canonical NaN')
    assert.equal(e.sign!(0), 2, 'copysign takes the canonical, positive sign')
    assert.equal(hex(e.store!(Infinity), 64), '7ff8000000000000')
    assert.equal(hex(e.lanes!(-1), 32), '7fc00000')
    assert.equal(hex(e.lanes64!(Infinity), 64), '7ff8000000000000')
    assert.equal(hex(e.copy!(0x7f800001), 32), '7f800001', 'a NaN copied by a load and a store keeps its payload')
    // Non-NaN values are untouched, negative zero included.
    assert.equal(hex(e.div32!(-0, 1), 32), hex(raw.div32!(-0, 1), 32))
    assert.equal(hex(e.div64!(1, 3), 64), hex(raw.div64!(1, 3), 64))
    assert.equal(e.sign!(-1), raw.sign!(-1))
    assert.equal(hex(e.store!(-0.5), 64), hex(raw.store!(-0.5), 64))
    assert.equal(hex(e.lanes!(2), 32), hex(raw.lanes!(2), 32))
    // On x86 the uncanonicalised module shows the CPU's negative NaN: what an ARM provider would outvote.
    if (process.arch === 'x64') assert.equal(hex(raw.div32!(0, 0), 32), 'ffc00000')
  })

  it('leaves a module without float observations byte for byte', () => {
    const module = wat('(module (memory 1) (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))')
    assert.deepEqual(canonicalizeNaNs(module), module)
  })

  it('refuses atomics, GC instructions and relaxed SIMD by name', () => {
    const cases: Array<[string, RegExp]> = [
      ['(module (memory 1 1) (func (drop (i32.atomic.load (i32.const 0)))))', /atomic instruction/],
      ['(module (memory 1) (func (drop (i32x4.relaxed_trunc_f32x4_s (v128.const i32x4 0 0 0 0)))))', /relaxed SIMD/],
      ['(module (memory 1) (func (drop (ref.i31 (i32.const 1)))))', /GC instruction/]
    ]
    for (const [text, reason] of cases) {
      assert.throws(() => canonicalizeNaNs(wat(text)), (err: unknown) => err instanceof InvalidModuleError && reason.test(err.message), String(reason))
    }
  })

  it('reads every instruction of real programs (the jobs, and exceptions, tail calls, bulk memory, SIMD lanes)', async () => {
    const module = wat(`(module (memory 1) (table 2 funcref) (tag $e (param i32)) (data $d "abc")
      (func $g (param i32) (result i32) (local.get 0))
      (func (export "f") (param f64) (result i32) (local v128)
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $d)
        (memory.copy (i32.const 8) (i32.const 0) (i32.const 3)) (memory.fill (i32.const 16) (i32.const 0) (i32.const 4))
        (local.set 1 (v128.load32_lane 1 (i32.const 0) (v128.const i64x2 0 0)))
        (v128.store64_lane 0 (i32.const 24) (local.get 1))
        (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get 1) (local.get 1)))
        (drop (table.size 0))
        (block $out (result i32)
          (try_table (catch $e $out) (throw $e (i32.const 7)))
          (i32.const 0))
        (drop)
        (f64.store (i32.const 32) (f64.nearest (local.get 0)))
        (return_call $g (i32.trunc_sat_f64_s (local.get 0)))))`)
    const e = await exportsOf(canonicalizeNaNs(module))
    assert.equal(e.f!(3.7), 3)
  })
})
