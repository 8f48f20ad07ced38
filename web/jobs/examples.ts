import primesUrl from '../../jobs/primes/build/primes.wasm?url'
import mandelbrotUrl from '../../jobs/mandelbrot/build/mandelbrot.wasm?url'

/** A bundled example job: its module and how its inputs are made. */
export interface Example {
  id: 'primes' | 'mandelbrot'
  title: string
  description: string
  url: string
}

export const EXAMPLES: Example[] = [
  { id: 'primes', title: 'Count primes', description: 'Counts the primes below N, split into ranges (the reference CPU job).', url: primesUrl },
  { id: 'mandelbrot', title: 'Mandelbrot image', description: 'Renders a Mandelbrot image, one tile per task; tiles appear as they are verified.', url: mandelbrotUrl }
]

/** Ranges [i·N/k, (i+1)·N/k) as "LO HI" inputs for jobs/primes. */
export function primesInputs (upTo: number, tasks: number): string[] {
  const step = Math.ceil(upTo / tasks)
  return Array.from({ length: tasks }, (_, i) => `${i * step} ${Math.min(upTo, (i + 1) * step)}`).filter(s => { const [a, b] = s.split(' ').map(Number); return a! < b! })
}

export interface MandelbrotLayout { width: number, height: number, tile: number, maxIter: number }

/** One input per tile, row-major: "WIDTH HEIGHT TX TY TW TH MAXITER" for jobs/mandelbrot. */
export function mandelbrotInputs (l: MandelbrotLayout): string[] {
  const inputs: string[] = []
  for (let ty = 0; ty < l.height; ty += l.tile) {
    for (let tx = 0; tx < l.width; tx += l.tile) {
      inputs.push(`${l.width} ${l.height} ${tx} ${ty} ${Math.min(l.tile, l.width - tx)} ${Math.min(l.tile, l.height - ty)} ${l.maxIter}`)
    }
  }
  return inputs
}

export async function fetchModule (url: string): Promise<Uint8Array> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`could not load ${url}: ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}
