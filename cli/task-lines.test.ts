import assert from 'node:assert/strict'
import { it } from 'node:test'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDirOptions, parseEnvOptions, parseTaskLines } from './task-lines.ts'

it('parses a --tasks file: stdin, args and env per line, blank lines skipped', () => {
  assert.deepEqual(parseTaskLines('{"args":["--n","3"],"env":{"MODE":"fast"}}\n\n{"stdin":"0 100"}\n{}\n', 't.jsonl'), [
    { args: ['--n', '3'], env: { MODE: 'fast' } },
    { stdin: '0 100' },
    {}
  ])
})

it('names the line and the mistake in a --tasks file', () => {
  const mistakes: Array<[string, RegExp]> = [
    ['{"stdin":1}', /t\.jsonl:1: "stdin" must be a string/],
    ['{}\n{"args":"x"}', /t\.jsonl:2: "args" must be an array of strings/],
    ['{"args":[1]}', /"args" must be an array of strings/],
    ['{"env":["A=1"]}', /"env" must be an object/],
    ['{"env":{"A":1}}', /env A must be a string/],
    ['{"env":{"A=B":"1"}}', /without "="/],
    ['{"env":{"":"1"}}', /without "="/],
    ['{"argv":[]}', /unknown field "argv"/],
    ['{"files":[]}', /"files" must be an object/],
    ['{"files":{"/in/a":1}}', /files \/in\/a must name a host file/],
    ['{"files":{"/in/a":"/no/such/file"}}', /t\.jsonl:1: files \/in\/a: \/no\/such\/file is not a file or directory/],
    ['[1,2]', /each line is a JSON object/],
    ['not json', /t\.jsonl:1: not JSON/],
    ['\n\n', /holds no tasks/]
  ]
  for (const [text, message] of mistakes) assert.throws(() => parseTaskLines(text, 't.jsonl'), (err: Error & { code?: string }) => err.code === 'USAGE' && message.test(err.message), text)
})

it('reads a line\'s "files": a host file at a guest path, a host directory\'s files under one; bad guest paths named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tabmesh-files-'))
  mkdirSync(join(dir, 'set', 'deep'), { recursive: true })
  writeFileSync(join(dir, 'a.csv'), 'a,b\n')
  writeFileSync(join(dir, 'set', 'one.txt'), '1')
  writeFileSync(join(dir, 'set', 'deep', 'two.txt'), '2')
  const [task] = parseTaskLines(JSON.stringify({ files: { '/in/a.csv': join(dir, 'a.csv'), '/in/set/': join(dir, 'set') } }), 't.jsonl')
  assert.deepEqual(Object.keys(task!.files!).sort(), ['/in/a.csv', '/in/set/deep/two.txt', '/in/set/one.txt'])
  assert.equal(new TextDecoder().decode(task!.files!['/in/set/deep/two.txt'] as Uint8Array), '2')
  assert.throws(() => parseTaskLines(JSON.stringify({ files: { 'in/a.csv': join(dir, 'a.csv') } }), 't.jsonl'), /t\.jsonl:1: task file "in\/a\.csv" must be an absolute path/)
})

it('parses --env NAME=value (the value may hold "="; a later name wins) and refuses a missing "=" or name', () => {
  assert.deepEqual(parseEnvOptions(['A=1', 'B=x=y', 'A=2', 'EMPTY=']), { A: '2', B: 'x=y', EMPTY: '' })
  assert.deepEqual(parseEnvOptions(undefined), {})
  assert.throws(() => parseEnvOptions(['A']), /--env A: expected NAME=value/)
  assert.throws(() => parseEnvOptions(['=1']), /needs a name/)
})

it('reads --dir HOST_DIR:GUEST_PATH into mounts and names each mistake', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tabmesh-dir-'))
  mkdirSync(join(dir, 'sub'))
  writeFileSync(join(dir, 'sub', 'f.txt'), 'x')
  assert.deepEqual(parseDirOptions([`${dir}:/data`]), [{ guestPath: '/data', tree: { sub: { type: 'dir', entries: { 'f.txt': { type: 'file', data: new TextEncoder().encode('x') } } } } }])
  assert.deepEqual(parseDirOptions(undefined), [])
  assert.throws(() => parseDirOptions([dir]), /expected HOST_DIR:GUEST_PATH/)
  assert.throws(() => parseDirOptions([`${join(dir, 'nope')}:/data`]), /is not a directory/)
  assert.throws(() => parseDirOptions([`${dir}:data`]), /must be "\/" or an absolute path/)
  assert.throws(() => parseDirOptions([`${dir}:/d`, `${dir}:/d`]), /two trees are mounted at \/d/)
})
