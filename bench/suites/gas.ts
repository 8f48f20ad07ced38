// Settlement gas per task for jobs of 10, 100 and 1,000 tasks (redundancy 2, 4 providers): one openJob
// and one claim of a cumulative cheque per provider, from forge's gas snapshot of SettlementGasTest.
// Baseline: paying every task run with its own claim transaction (measured for a 10-task job).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchRow, BenchSuite } from '../lib/results.ts'

export const gasSuite: BenchSuite = {
  name: 'gas',
  async run () {
    const snap = join(tmpdir(), `tabmesh-gas-${process.pid}.snapshot`)
    execFileSync('bash', ['scripts/forge.sh', 'snapshot', '--match-contract', 'SettlementGasTest', '--snap', snap], { cwd: new URL('../../', import.meta.url).pathname, stdio: 'ignore' })
    const gas = new Map<string, number>()
    for (const line of readFileSync(snap, 'utf8').split('\n')) {
      const m = /:(\w+)\(\) \(gas: (\d+)\)/.exec(line)
      if (m !== null) gas.set(m[1]!, Number(m[2]))
    }
    const perRun = gas.get('test_settle10TaskJob_claimPerRun')! / 10
    const rows: BenchRow[] = []
    for (const tasks of [10, 100, 1000]) {
      rows.push({
        benchmark: 'Settlement gas',
        case: `${tasks}-task job, redundancy 2, 4 providers (openJob + 4 claims)`,
        tabmesh: { value: gas.get(`test_settle${tasks}TaskJob_fourClaims`)! / tasks, unit: 'gas/task' },
        baseline: { name: 'a claim per task run (10-task job)', value: perRun, unit: 'gas/task' },
        note: 'forge test gas, incl. the test\'s own signing'
      })
    }
    return rows
  }
}
