// Real programs from unmodified upstream source (jobs/programs): the SQLite shell on a database in a
// folder mounted with --dir, and the Zopfli compressor, run as jobs through `tabmesh submit` on two
// providers (redundancy 2) — each task's stdout and /out files compared byte for byte with the same
// program built natively (jobs/programs/build/native) run on the same inputs on this machine.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import { tempDir } from '../testing/browser.ts'
import { exit, run, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'
import { PROGRAMS_BUILD_DIR, programModulePath, programNativePath } from '../jobs/programs/programs.ts'
import type { ProgramName } from '../jobs/programs/programs.ts'

interface TaskLine { stdin?: string, args?: string[] }
interface ResultLine { index: number, output?: string, encoding?: string, files?: Record<string, string>, providers?: string[], error?: unknown }

/** The native build, in a fresh copy of `folders` (name → host dir) as its working directory, with `out/` empty. */
function runNative (name: ProgramName, folders: Record<string, string>, task: TaskLine, jobArgs: string[]): { status: number | null, stdout: Buffer, stderr: string, out: Record<string, Buffer> } {
  const cwd = tempDir(`tabmesh-native-${name}-`)
  for (const [guest, host] of Object.entries(folders)) cpSync(host, join(cwd, guest), { recursive: true })
  mkdirSync(join(cwd, 'out'), { recursive: true })
  const r = spawnSync(programNativePath(name), [...jobArgs, ...(task.args ?? [])], { cwd, input: task.stdin ?? '', maxBuffer: 64 * 1024 * 1024 })
  return { status: r.status, stdout: r.stdout, stderr: String(r.stderr), out: filesUnder(join(cwd, 'out')) }
}

function filesUnder (dir: string, prefix = ''): Record<string, Buffer> {
  const files: Record<string, Buffer> = {}
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = prefix === '' ? e.name : `${prefix}/${e.name}`
    if (e.isDirectory()) Object.assign(files, filesUnder(join(dir, e.name), path))
    else files[path] = readFileSync(join(dir, e.name))
  }
  return files
}

function resultLines (proc: Proc): ResultLine[] {
  return proc.output().trim().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as ResultLine & { summary?: boolean }).filter(l => l.summary !== true).sort((a, b) => a.index - b.index)
}

function stdoutOf (line: ResultLine): Buffer {
  return line.encoding === 'base64' ? Buffer.from(line.output!, 'base64') : Buffer.from(line.output!, 'utf8')
}

describe('real programs (jobs/programs) as jobs, compared with native builds', () => {
  const cwd = tempDir('tabmesh-programs-')
  const procs: Proc[] = []
  let bootstrap = ''

  before(async () => {
    const relay = run(['relay', '--port', '0'], cwd)
    procs.push(relay)
    bootstrap = (await waitFor(relay, /^\s+(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\S+)$/m, 30_000))[1]!
    for (let i = 0; i < 2; i++) {
      const provider = run(['provide', '--bootstrap', bootstrap, '--workers', '1'], cwd)
      procs.push(provider)
      await waitFor(provider, /^providing as \S+ with 1 worker/m, 60_000)
    }
  })

  after(async () => {
    for (const p of procs) p.child.kill('SIGINT')
    await Promise.all(procs.map(exit))
  })

  it('the SQLite shell queries, exports and changes a database in a mounted folder; the host copy is untouched', async () => {
    const data = join(cwd, 'data')
    mkdirSync(data)
    const seed = spawnSync(programNativePath('sqlite3'), [join(data, 'shop.db')], {
      input: `create table orders(id integer primary key, customer text, day int, amount int);
with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
insert into orders(customer, day, amount) select 'customer-' || (i * 7 % 37), i % 30, (i * 7919) % 1000 from n;
create index orders_by_day on orders(day);\n`
    })
    assert.equal(seed.status, 0, String(seed.stderr))
    const before = readFileSync(join(data, 'shop.db'))

    const tasks: TaskLine[] = [
      { stdin: 'select count(*), sum(amount) from orders;\nselect customer, sum(amount) as s from orders group by customer order by s desc, customer limit 3;\n' },
      { stdin: '.mode csv\n.headers on\n.once out/by_day.csv\nselect day, count(*) as n, sum(amount) as total from orders group by day order by day;\nselect \'exported\';\n' },
      { stdin: "insert into orders(customer, day, amount) values ('task', 99, 1000);\nupdate orders set amount = amount + 1 where day = 3;\nselect count(*), sum(amount) from orders;\n.backup out/after.db\n" },
      { stdin: 'select * from no_such_table;\nselect 1;\n' }
    ]
    const tasksFile = join(cwd, 'sqlite.jsonl')
    writeFileSync(tasksFile, tasks.map(t => JSON.stringify(t)).join('\n') + '\n')
    const outDir = join(cwd, 'sqlite-out')
    const submit = run(['submit', programModulePath('sqlite3'), '--tasks', tasksFile, '--dir', `${data}:/data`, '--arg=data/shop.db', '--out', outDir, '--redundancy', '2', '--replicate-all', '--bootstrap', bootstrap, '--json'], cwd)
    assert.equal(await exit(submit), 1, 'exit 1: one task failed (the last, as it should)')
    const lines = resultLines(submit)
    assert.equal(lines.length, tasks.length, submit.output())
    for (const [i, line] of lines.entries()) {
      assert.equal(line.providers?.length, 2, `task ${i}: both providers gave the same output`)
      const native = runNative('sqlite3', { data }, tasks[i]!, ['data/shop.db'])
      if (native.status !== 0) {
        // The shell exits 1 after an SQL error: the task fails the same way, with the shell's message.
        const error = line.error as { code: string, exitCode: number, stderrTail: string }
        assert.deepEqual([error.code, error.exitCode], ['EXIT_NONZERO', native.status], `task ${i}`)
        assert.match(error.stderrTail, /no such table: no_such_table/)
        assert.match(native.stderr, /no such table: no_such_table/)
        continue
      }
      assert.equal(native.status, 0, native.stderr)
      assert.equal(stdoutOf(line).toString(), native.stdout.toString(), `task ${i}: stdout as the native shell prints it`)
      const got = filesUnder(join(outDir, String(i)))
      assert.deepEqual(Object.keys(got).sort(), Object.keys(native.out).sort(), `task ${i}: the same files in out/`)
      for (const [path, bytes] of Object.entries(native.out)) assert.ok(got[path]!.equals(bytes), `task ${i}: out/${path} byte for byte`)
    }
    assert.match(stdoutOf(lines[0]!).toString(), /^2000\|\d+\ncustomer-\d+\|\d+\n/)
    assert.match(readFileSync(join(outDir, '1', 'by_day.csv'), 'utf8'), /^day,n,total\r?\n0,66,/)
    assert.match(stdoutOf(lines[2]!).toString(), /^2001\|/)
    assert.ok(readFileSync(join(outDir, '2', 'after.db')).subarray(0, 16).toString() === 'SQLite format 3\0', 'a database file came back')
    assert.ok(readFileSync(join(data, 'shop.db')).equals(before), 'the host database is untouched: tasks write their own copy')
  })

  it('Zopfli compresses mounted files to exactly the bytes the native build writes', async () => {
    const input = join(cwd, 'in')
    mkdirSync(input)
    // Real text of some size: SQLite's shell.c (the first 256 KiB) and Zopfli's own deflate.c.
    const sources = join(PROGRAMS_BUILD_DIR, 'sources')
    writeFileSync(join(input, 'shell.c'), readFileSync(join(sources, 'sqlite-3520000', 'sqlite-autoconf-3520000', 'shell.c')).subarray(0, 256 * 1024))
    cpSync(join(sources, 'zopfli-node-2.1.4', 'package', 'zopfli', 'src', 'zopfli', 'deflate.c'), join(input, 'deflate.c'))
    // The first two read the folder every task mounts (--dir); the third gets a file of its own ("files").
    const own = join(cwd, 'own.txt')
    writeFileSync(own, 'a file only the third task sees\n'.repeat(500))
    const tasks: TaskLine[] = [{ args: ['in/shell.c'] }, { args: ['--i5', 'in/deflate.c'] }, { args: ['mine/own.txt'] }]
    const tasksFile = join(cwd, 'zopfli.jsonl')
    writeFileSync(tasksFile, tasks.map((t, i) => JSON.stringify(i === 2 ? { ...t, files: { '/mine/own.txt': own } } : t)).join('\n') + '\n')
    const submit = run(['submit', programModulePath('zopfli'), '--tasks', tasksFile, '--dir', `${input}:/in`, '--arg=-c', '--redundancy', '2', '--replicate-all', '--bootstrap', bootstrap, '--json', '--timeout', '120000'], cwd)
    assert.equal(await exit(submit), 0, submit.output())
    const lines = resultLines(submit)
    assert.equal(lines.length, 3, submit.output())
    const mine = tempDir('tabmesh-mine-')
    cpSync(own, join(mine, 'own.txt'))
    for (const [i, line] of lines.entries()) {
      assert.equal(line.providers?.length, 2)
      const gz = stdoutOf(line)
      const native = runNative('zopfli', { in: input, mine }, tasks[i]!, ['-c'])
      assert.ok(gz.equals(native.stdout), `task ${i}: ${gz.length} bytes, native ${native.stdout.length}`)
      const original = readFileSync(i === 2 ? own : join(input, tasks[i]!.args!.at(-1)!.slice('in/'.length)))
      assert.ok(gunzipSync(gz).equals(original), 'gunzip gives the file back')
      assert.ok(gz.length < original.length / 3, `compressed ${original.length} → ${gz.length} bytes`)
    }
  })

  it('--logs shows each run\'s stderr and progress live, per task and provider, while the job runs', async () => {
    const steps = join(import.meta.dirname, '..', 'jobs', 'wasi-c', 'build', 'steps.wasm')
    const tasksFile = join(cwd, 'steps.jsonl')
    writeFileSync(tasksFile, '{"args":["4","40"]}\n{"args":["3","40"]}\n')
    const submit = run(['submit', steps, '--tasks', tasksFile, '--logs', '--redundancy', '2', '--replicate-all', '--bootstrap', bootstrap], cwd)
    // The first log line is printed before the job is over (the task takes a while after it).
    await waitFor(submit, /^\[0 \S{6}\] step 1 of 4$/m, 60_000)
    const early = submit.output()
    assert.doesNotMatch(early, /\d+ accepted/, 'a log line came while the job ran')
    assert.equal(await exit(submit), 0, submit.output())
    const out = submit.output()
    for (const [index, n] of [[0, 4], [1, 3]] as const) {
      const providers = new Set([...out.matchAll(new RegExp(`^\\[${index} (\\S{6})\\] step ${n} of ${n}$`, 'gm'))].map(m => m[1]))
      assert.equal(providers.size, 2, `task ${index}: both providers' runs streamed their last step`)
      assert.match(out, new RegExp(`^\\[${index} \\S{6}\\] 100%$`, 'm'))
    }
    assert.doesNotMatch(out, /#progress/, 'progress lines are shown as percentages, not passed through')
  })
})
