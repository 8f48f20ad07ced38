import { InvalidModuleError, MemoryLimitError } from './errors.ts'

/**
 * Caps a module's linear memory by rewriting the limits in its memory section (section id 5 of the
 * WebAssembly binary format, §5.5.8): `max = min(declared max, capPages)`. `memory.grow` past the cap
 * then returns -1 inside the module, as the spec requires, instead of taking the host's memory.
 * Modules that import their memory are rejected (a WASI command defines its own).
 *
 * @param bytes the module binary
 * @param capPages the cap in 64 KiB pages
 * @returns a new binary; the input is not modified
 * @throws InvalidModuleError on a malformed binary, a memory64 or imported memory
 * @throws MemoryLimitError when the module's initial memory already exceeds the cap
 */
export function capModuleMemory (bytes: Uint8Array, capPages: number): Uint8Array {
  const reader = new Reader(bytes)
  if (bytes.length < 8 || reader.u32le() !== 0x6d736100) throw invalid('missing the \\0asm magic number')
  if (reader.u32le() !== 1) throw invalid('unsupported binary version')
  const out: Uint8Array[] = [bytes.subarray(0, 8)]
  while (reader.pos < bytes.length) {
    const start = reader.pos
    const id = reader.byte()
    const size = reader.leb()
    const end = reader.pos + size
    if (end > bytes.length) throw invalid('section runs past the end of the module')
    if (id === 2) checkImports(new Reader(bytes.subarray(reader.pos, end)))
    if (id === 5) {
      out.push(rewriteMemorySection(new Reader(bytes.subarray(reader.pos, end)), capPages))
    } else {
      out.push(bytes.subarray(start, end))
    }
    reader.pos = end
  }
  const total = out.reduce((n, part) => n + part.length, 0)
  const result = new Uint8Array(total)
  let offset = 0
  for (const part of out) { result.set(part, offset); offset += part.length }
  return result
}

function checkImports (r: Reader): void {
  const count = r.leb()
  for (let i = 0; i < count; i++) {
    r.skipName(); r.skipName()
    const kind = r.byte()
    if (kind === 0) r.leb() // function: type index
    else if (kind === 1) { r.byte(); r.limits() } // table: reftype + limits
    else if (kind === 2) throw invalid('the module imports its linear memory; a WASI command must define its own')
    else if (kind === 3) { r.byte(); r.byte() } // global: valtype + mutability
    else if (kind === 4) { r.byte(); r.leb() } // tag
    else throw invalid(`unknown import kind ${kind}`)
  }
}

function rewriteMemorySection (r: Reader, capPages: number): Uint8Array {
  const count = r.leb()
  const body: number[] = [...encodeLeb(count)]
  for (let i = 0; i < count; i++) {
    const { flags, min, max } = r.limits()
    if ((flags & 0x04) !== 0) throw invalid('memory64 is not supported')
    if (min > capPages) {
      throw new MemoryLimitError({ code: 'MEMORY_LIMIT', message: `the module asks for ${min} pages of memory at start; the job allows ${capPages}` })
    }
    const newMax = Math.min(max ?? capPages, capPages)
    body.push((flags & 0x02) | 0x01, ...encodeLeb(min), ...encodeLeb(newMax))
  }
  return new Uint8Array([5, ...encodeLeb(body.length), ...body])
}

function invalid (message: string): InvalidModuleError {
  return new InvalidModuleError({ code: 'INVALID_MODULE', message: `invalid module: ${message}` })
}

function encodeLeb (value: number): number[] {
  const out: number[] = []
  do {
    let byte = value & 0x7f
    value = Math.floor(value / 128)
    if (value !== 0) byte |= 0x80
    out.push(byte)
  } while (value !== 0)
  return out
}

class Reader {
  pos = 0
  private readonly bytes: Uint8Array
  constructor (bytes: Uint8Array) { this.bytes = bytes }

  byte (): number {
    if (this.pos >= this.bytes.length) throw invalid('unexpected end of section')
    return this.bytes[this.pos++] as number
  }

  u32le (): number {
    const v = (this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24)) >>> 0
    return v
  }

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

  skipName (): void {
    const n = this.leb()
    this.pos += n
  }

  limits (): { flags: number, min: number, max: number | undefined } {
    const flags = this.byte()
    const min = this.leb()
    const max = (flags & 0x01) !== 0 ? this.leb() : undefined
    return { flags, min, max }
  }
}
