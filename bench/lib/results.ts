import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'

/** One measured quantity. */
export interface Measure {
  value: number
  /** e.g. 'ms', 'tasks/s', 'gas/task', 'KiB/peer'. */
  unit: string
}

/** One line of the table: Tabmesh's number against a baseline measured in the same run. */
export interface BenchRow {
  /** The suite that produced it (set by bench/run.ts). */
  suite?: string
  benchmark: string
  case: string
  tabmesh: Measure
  baseline?: Measure & { name: string }
  note?: string
}

/** A benchmark suite: runs, and returns its rows. Suites never assert: they measure. */
export interface BenchSuite {
  name: string
  run: () => Promise<BenchRow[]>
}

function fmt (m: Measure): string {
  const v = Math.abs(m.value) >= 100 ? Math.round(m.value).toLocaleString('en-US') : m.value.toPrecision(3)
  return `${v} ${m.unit}`
}

/** Tabmesh ÷ baseline when both have the same unit, e.g. "1.31×". */
export function ratio (row: BenchRow): string {
  if (row.baseline === undefined || row.baseline.unit !== row.tabmesh.unit || row.baseline.value === 0) return ''
  return `${(row.tabmesh.value / row.baseline.value).toFixed(2)}×`
}

export function markdownTable (rows: BenchRow[]): string {
  const lines = [
    '| Benchmark | Case | Tabmesh | Baseline (same run) | Tabmesh ÷ baseline | Notes |',
    '| --- | --- | --- | --- | --- | --- |'
  ]
  for (const r of rows) {
    lines.push(`| ${r.benchmark} | ${r.case} | ${fmt(r.tabmesh)} | ${r.baseline !== undefined ? `${r.baseline.name}: ${fmt(r.baseline)}` : ''} | ${ratio(r)} | ${r.note ?? ''} |`)
  }
  return lines.join('\n')
}

/** The machine the numbers come from, for RESULTS.md. */
export function machine (): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  let chromium = ''
  try { chromium = execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim() } catch {}
  return `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}, Node ${process.versions.node}${chromium !== '' ? `, ${chromium}` : ''}`
}

/** Median of a non-empty list. */
export function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** The p-th percentile (0–100), nearest rank. */
export function percentile (xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))]!
}
