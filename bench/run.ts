// Benchmarks, not tests: `npm run bench` (all suites) or `npm run bench -- kernel gas` (some).
// Prints one table and writes bench/RESULTS.md with the machine and the date. Nothing here asserts.
import { writeFileSync } from 'node:fs'
import { machine, markdownTable } from './lib/results.ts'
import type { BenchRow, BenchSuite } from './lib/results.ts'
import { kernelSuite } from './suites/kernel.ts'
import { throughputSuite } from './suites/throughput.ts'
import { dispatchSuite } from './suites/dispatch.ts'
import { firstTaskSuite } from './suites/first-task.ts'
import { gasSuite } from './suites/gas.ts'
import { simulationSuite } from './suites/simulation.ts'
import { hostileSuite } from './suites/hostile.ts'

const suites: BenchSuite[] = [kernelSuite, throughputSuite, dispatchSuite, firstTaskSuite, hostileSuite, gasSuite, simulationSuite]
const wanted = process.argv.slice(2)
const rows: BenchRow[] = []
const started = new Date()
for (const suite of suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue
  const t0 = performance.now()
  console.error(`bench: ${suite.name}…`)
  try {
    rows.push(...await suite.run())
  } catch (err) {
    rows.push({ benchmark: suite.name, case: 'failed to run', tabmesh: { value: 0, unit: '' }, note: String(err).slice(0, 200) })
  }
  console.error(`bench: ${suite.name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}
const table = markdownTable(rows)
console.log(table)
if (wanted.length === 0) {
  writeFileSync(new URL('./RESULTS.md', import.meta.url), `# Benchmark results

Measured by \`npm run bench\` on ${started.toISOString().slice(0, 10)}: ${machine()}.
Every row compares against a baseline measured in the same run, on the same cores. Re-run to refresh.

${table}
`)
  console.error('bench: wrote bench/RESULTS.md')
}
process.exit(0)
