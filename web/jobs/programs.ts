// Real programs on the Jobs page (jobs/programs: built from unmodified upstream source): the SQLite
// shell and the Zopfli compressor, and how the page turns a form into their tasks.
import sqliteUrl from '../../jobs/programs/build/sqlite3.wasm?url'
import zopfliUrl from '../../jobs/programs/build/zopfli.wasm?url'
import type { TaskInput } from '../../sdk/index.ts'

export interface ProgramExample {
  id: 'sqlite' | 'zopfli'
  title: string
  description: string
  url: string
}

export const PROGRAM_EXAMPLES: ProgramExample[] = [
  { id: 'sqlite', title: 'SQLite queries', description: 'The SQLite 3.52 shell: one task per block of SQL, optionally on a database in a folder you choose.', url: sqliteUrl },
  { id: 'zopfli', title: 'Compress files (Zopfli)', description: 'Google\'s Zopfli gzip compressor: one task per file you choose, each task given only its own file.', url: zopfliUrl }
]

/** What the SQL box holds at first: three blocks, three tasks, no database needed. */
export const DEFAULT_SQL = `select sqlite_version();

with recursive n(i) as (select 1 union all select i + 1 from n where i < 200000)
select count(*), sum(i) from n;

create table t(x);
insert into t values (3), (1), (2);
select group_concat(x, ',') from (select x from t order by x);`

/** The guest path a chosen folder is mounted at. */
export const DATA_DIR = '/data'

/**
 * One task per block of `sql` (blocks split at blank lines), each fed to the shell on stdin. With
 * `database` (a file name inside the mounted folder) the shell opens it at data/<name>; otherwise an
 * in-memory database.
 * @throws Error when there is no SQL, or the database name leaves the folder
 */
export function sqliteTasks (sql: string, database: string): { inputs: TaskInput[], args: string[], labels: string[] } {
  const blocks = sql.split(/\n\s*\n/).map(b => b.trim()).filter(b => b !== '')
  if (blocks.length === 0) throw new Error('Write some SQL: each block (separated by a blank line) is one task.')
  const name = database.trim()
  if (name.split('/').some(c => c === '..' || c === '.') || name.startsWith('/')) throw new Error('The database is a file name inside the chosen folder, such as shop.db.')
  return {
    inputs: blocks.map(b => ({ stdin: `${b}\n` })),
    args: name === '' ? [] : [`${DATA_DIR.slice(1)}/${name}`],
    labels: blocks.map(b => b.replace(/\s+/g, ' '))
  }
}

/** One task per file: the file alone at /in/<name>, compressed to gzip on stdout (`zopfli -c`). */
export function zopfliTasks (files: Array<{ name: string, data: Uint8Array }>): { inputs: TaskInput[], labels: string[] } {
  if (files.length === 0) throw new Error('Choose at least one file to compress.')
  return {
    inputs: files.map(f => ({ args: ['-c', `in/${f.name}`], files: { [`/in/${f.name}`]: f.data } })),
    labels: files.map(f => f.name)
  }
}
