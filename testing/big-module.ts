// A valid WASI command module of about `bytes` bytes: an active data segment of seeded pseudo-random
// (incompressible) bytes and an empty `_start`, for tests and benches of moving big modules around.
// Encoded by hand (WebAssembly Core Spec §5: binary format) — nothing to compile.

/** @returns a module `bytes` + ~60 bytes long whose data differ for every `seed` */
export function bigModule (bytes: number, seed = 1): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(bytes)
  let x = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0
    data[i] = x & 0xff
  }
  const pages = Math.max(1, Math.ceil(bytes / 65_536))
  const section = (id: number, body: number[] | Uint8Array): Uint8Array => new Uint8Array([id, ...leb(body.length), ...body])
  const name = (s: string): number[] => [...leb(s.length), ...new TextEncoder().encode(s)]
  const parts = [
    new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    section(1, [1, 0x60, 0, 0]), // one type: [] -> []
    section(3, [1, 0]), // one function of type 0
    section(5, [1, 0x00, ...leb(pages)]), // one memory, min `pages`, no max
    section(7, [2, ...name('memory'), 0x02, 0, ...name('_start'), 0x00, 0]),
    section(10, [1, 2, 0, 0x0b]) // the body: no locals, end
  ]
  const segmentHead = [1, 0x00, 0x41, 0x00, 0x0b, ...leb(bytes)] // one active segment at i32.const 0
  const dataSection = new Uint8Array([11, ...leb(segmentHead.length + bytes), ...segmentHead])
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + dataSection.length + bytes)
  let at = 0
  for (const p of [...parts, dataSection]) { out.set(p, at); at += p.length }
  out.set(data, at)
  return out
}

function leb (n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return out
}
