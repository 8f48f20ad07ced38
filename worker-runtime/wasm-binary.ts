import { InvalidModuleError } from './errors.ts'

/**
 * Reading and writing the WebAssembly binary format (WebAssembly Core Specification, §5 "Binary
 * Format"): just what module admission and NaN canonicalisation need to walk sections, limits and
 * instructions of an untrusted module. Every read is bounds-checked and a malformed binary throws
 * InvalidModuleError.
 */

/** An INVALID_MODULE error with `message` after "invalid module: ". */
export function invalid (message: string): InvalidModuleError {
  return new InvalidModuleError({ code: 'INVALID_MODULE', message: `invalid module: ${message}` })
}

/** Unsigned LEB128 of a non-negative integer below 2^53. */
export function encodeLeb (value: number): number[] {
  const out: number[] = []
  do {
    let byte = value & 0x7f
    value = Math.floor(value / 128)
    if (value !== 0) byte |= 0x80
    out.push(byte)
  } while (value !== 0)
  return out
}

/** A section: its id byte, LEB128 size and body. */
export function section (id: number, body: ArrayLike<number>): Uint8Array {
  const size = encodeLeb(body.length)
  const out = new Uint8Array(1 + size.length + body.length)
  out[0] = id
  out.set(size, 1)
  out.set(body instanceof Uint8Array ? body : Array.from(body), 1 + size.length)
  return out
}

export function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) { out.set(part, offset); offset += part.length }
  return out
}

/** The module's sections in order (`start`..`end` spans the whole section), after checking the magic number and version. */
export function sections (bytes: Uint8Array): Array<{ id: number, start: number, end: number, body: Uint8Array }> {
  const reader = new Reader(bytes)
  if (bytes.length < 8 || reader.u32le() !== 0x6d736100) throw invalid('missing the \\0asm magic number')
  if (reader.u32le() !== 1) throw invalid('unsupported binary version')
  const out: Array<{ id: number, start: number, end: number, body: Uint8Array }> = []
  while (reader.pos < bytes.length) {
    const start = reader.pos
    const id = reader.byte()
    const size = reader.leb()
    const end = reader.pos + size
    if (end > bytes.length) throw invalid('section runs past the end of the module')
    out.push({ id, start, end, body: bytes.subarray(reader.pos, end) })
    reader.pos = end
  }
  return out
}

/** Reads a value type; GC reference types (`ref`, `ref null` with a heap type) are refused. */
export function valueType (r: Reader): void {
  const t = r.byte()
  if (t === 0x63 || t === 0x64) throw invalid('it uses GC reference types (not admitted)')
}

/** One entry of the import section (§5.5.5): its kind (0 function, 1 table, 2 memory, 3 global, 4 tag) and, for tables and memories, its limits. */
export type ImportEntry = { kind: 0 | 3 | 4 } | { kind: 1 | 2, limits: { flags: number, min: number, max: number | undefined } }

/** The import section's entries. @throws InvalidModuleError on an unknown import kind or a GC value type */
export function readImports (r: Reader): ImportEntry[] {
  const entries: ImportEntry[] = []
  const count = r.leb()
  for (let i = 0; i < count; i++) {
    r.skipName(); r.skipName()
    const kind = r.byte()
    if (kind === 0) { r.leb(); entries.push({ kind }) } // function: type index
    else if (kind === 1) { r.byte(); entries.push({ kind, limits: r.limits() }) } // table: reftype + limits
    else if (kind === 2) entries.push({ kind, limits: r.limits() })
    else if (kind === 3) { valueType(r); r.byte(); entries.push({ kind }) } // global: valtype + mutability
    else if (kind === 4) { r.byte(); r.leb(); entries.push({ kind }) } // tag: attribute + type index
    else throw invalid(`unknown import kind ${kind}`)
  }
  return entries
}

export class Reader {
  pos = 0
  readonly bytes: Uint8Array
  constructor (bytes: Uint8Array) { this.bytes = bytes }

  get done (): boolean { return this.pos >= this.bytes.length }

  byte (): number {
    if (this.pos >= this.bytes.length) throw invalid('unexpected end of section')
    return this.bytes[this.pos++] as number
  }

  u32le (): number {
    return (this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24)) >>> 0
  }

  /** An unsigned LEB128 of at most 5 bytes (u32). */
  leb (): number {
    let result = 0
    let scale = 1
    for (let i = 0; i < 5; i++) {
      const b = this.byte()
      result += (b & 0x7f) * scale
      if ((b & 0x80) === 0) return result
      scale *= 128
    }
    throw invalid('LEB128 integer too long')
  }

  /** Skips a LEB128 of either sign of at most `maxBytes` bytes (s33 block types, i64 constants, u64 offsets). */
  skipLeb (maxBytes = 10): void {
    for (let i = 0; i < maxBytes; i++) if ((this.byte() & 0x80) === 0) return
    throw invalid('LEB128 integer too long')
  }

  skip (n: number): void {
    if (this.pos + n > this.bytes.length) throw invalid('unexpected end of section')
    this.pos += n
  }

  skipName (): void { this.skip(this.leb()) }

  limits (): { flags: number, min: number, max: number | undefined } {
    const flags = this.byte()
    const min = this.leb()
    const max = (flags & 0x01) !== 0 ? this.leb() : undefined
    return { flags, min, max }
  }
}
