// jobs/mandelbrot — renders one tile of the Mandelbrot set per task.
// stdin:  "WIDTH HEIGHT TX TY TW TH MAXITER" in decimal: the whole image is WIDTH x HEIGHT pixels over
//         the complex rectangle [-2.5, 1.0] x [-1.25, 1.25]; the tile is TW x TH pixels whose top-left
//         pixel is (TX, TY).
// stdout: TW * TH * 4 bytes of raw RGBA, row-major from the tile's top-left pixel.
import { readStdinText, parseUnsignedFields, fail } from "../lib/io";

const RE_MIN = -2.5;
const RE_MAX = 1.0;
const IM_MIN = -1.25;
const IM_MAX = 1.25;
const MAX_PIXELS: u64 = 1 << 22;

function palette(iter: u32, maxIter: u32, out: Uint8Array, o: i32): void {
  if (iter >= maxIter) {
    out[o] = 8; out[o + 1] = 8; out[o + 2] = 24; out[o + 3] = 255;
    return;
  }
  const t = <f64>iter / <f64>maxIter;
  // Bernstein-polynomial palette: dark blue -> orange -> white.
  out[o] = <u8>(9 * (1 - t) * t * t * t * 255);
  out[o + 1] = <u8>(15 * (1 - t) * (1 - t) * t * t * 255);
  out[o + 2] = <u8>(8.5 * (1 - t) * (1 - t) * (1 - t) * t * 255);
  out[o + 3] = 255;
}

const parsed = parseUnsignedFields(readStdinText());
if (parsed === null || parsed!.length != 7) {
  fail("mandelbrot: expected 'WIDTH HEIGHT TX TY TW TH MAXITER' on stdin", 2);
} else {
  const f = parsed!;
  const width = f[0], height = f[1], tx = f[2], ty = f[3], tw = f[4], th = f[5];
  const maxIter = <u32>f[6];
  if (width == 0 || height == 0 || tw == 0 || th == 0 || tx + tw > width || ty + th > height ||
      tw * th > MAX_PIXELS || maxIter == 0 || f[6] > 1000000) {
    fail("mandelbrot: tile outside the image, empty, larger than 2^22 pixels or MAXITER not in 1..10^6", 2);
  } else {
    const out = new Uint8Array(<i32>(tw * th * 4));
    const dx = (RE_MAX - RE_MIN) / <f64>width;
    const dy = (IM_MAX - IM_MIN) / <f64>height;
    for (let y: u64 = 0; y < th; y++) {
      const ci = IM_MIN + (<f64>(ty + y) + 0.5) * dy;
      for (let x: u64 = 0; x < tw; x++) {
        const cr = RE_MIN + (<f64>(tx + x) + 0.5) * dx;
        let zr = 0.0, zi = 0.0;
        let i: u32 = 0;
        while (i < maxIter) {
          const zr2 = zr * zr, zi2 = zi * zi;
          if (zr2 + zi2 > 4.0) break;
          zi = 2 * zr * zi + ci;
          zr = zr2 - zi2 + cr;
          i++;
        }
        palette(i, maxIter, out, <i32>((y * tw + x) * 4));
      }
    }
    process.stdout.write(out.buffer);
  }
}
