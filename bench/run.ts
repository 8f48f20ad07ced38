// Benchmarks, not tests: `npm run bench` (all suites) or `npm run bench -- kernel gas` (some).
// Prints one table and writes bench/RESULTS.md with the machine and the date. Nothing here asserts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { machine, markdownTable } from './lib/results.ts'
import type { BenchRow, BenchSuite } from './lib/results.ts'
import { kernelSuite } from './suites/kernel.ts'
import { throughputSuite } from './suites/throughput.ts'
import { dispatchSuite } from './suites/dispatch.ts'
import { firstTaskSuite } from './suites/first-task.ts'
import { gasSuite } from './suites/gas.ts'
import { simulationSuite } from './suites/simulation.ts'
import { hostileSuite } from './suites/hostile.ts'
import { nanSuite } from './suites/nan.ts'
import { blobSpreadSuite } from './suites/blob-spread.ts'
import { labSuite } from './suites/lab.ts'

const suites: BenchSuite[] = [kernelSuite, throughputSuite, dispatchSuite, firstTaskSuite, hostileSuite, nanSuite, blobSpreadSuite, gasSuite, simulationSuite, labSuite]
const wanted = process.argv.slice(2)
const rows: BenchRow[] = []
const started = new Date()
for (const suite of suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue
  const t0 = performance.now()
  console.error(`bench: ${suite.name}…`)
  try {
    rows.push(...(await suite.run()).map(r => ({ ...r, suite: suite.name })))
  } catch (err) {
    rows.push({ suite: suite.name, benchmark: suite.name, case: 'failed to run', tabmesh: { value: 0, unit: '' }, note: String(err).slice(0, 200) })
  }
  console.error(`bench: ${suite.name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}
// RESULTS.md is regenerated from bench/results.json, where a partial run replaces only its suites' rows.
const store = new URL('./results.json', import.meta.url)
const previous: { date: string, machine: string, suites: Record<string, BenchRow[]> } = existsSync(store)
  ? JSON.parse(readFileSync(store, 'utf8'))
  : { date: '', machine: '', suites: {} }
for (const suite of suites) {
  const mine = rows.filter(r => r.suite === suite.name)
  if (mine.length > 0) previous.suites[suite.name] = mine
}
previous.date = started.toISOString().slice(0, 10)
previous.machine = machine()
writeFileSync(store, JSON.stringify(previous, null, 2) + '\n')
const all = suites.flatMap(s => previous.suites[s.name] ?? [])
console.log(markdownTable(rows))
writeFileSync(new URL('./RESULTS.md', import.meta.url), `# Benchmark results

Measured by \`npm run bench\` (last run ${previous.date}): ${previous.machine}.
Every row compares against a baseline measured in the same run, on the same cores. Re-run to refresh
(\`npm run bench -- <suite>…\` refreshes only those suites' rows). This is a shared 2-core VM: timings
move by tens of percent between runs (the native kernel alone took 1.2–2.0 s on different runs).

${markdownTable(all)}
`)
console.error('bench: wrote bench/RESULTS.md')
process.exit(0)
