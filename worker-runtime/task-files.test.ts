import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { taskFileMounts } from './task-files.ts'

const dec = new TextDecoder()

describe('a task\'s own files (worker-runtime/task-files.ts)', () => {
  it('groups files by their first directory into trees mounted there; files at the root go to /', () => {
    const mounts = taskFileMounts({ '/in/a.txt': 'A', '/in/sub/b.bin': new Uint8Array([1, 2]), '/notes.txt': 'n', '/cfg/x': '' }, ['/data'])
    assert.deepEqual(mounts.map(m => m.guestPath), ['/', '/cfg', '/in'])
    const inTree = mounts[2]!.tree
    assert.equal(inTree['a.txt']?.type, 'file')
    assert.equal(dec.decode((inTree['a.txt'] as { data: Uint8Array }).data), 'A')
    assert.deepEqual(Object.keys((inTree.sub as { entries: object }).entries), ['b.bin'])
    assert.deepEqual(Object.keys(mounts[0]!.tree), ['notes.txt'])
  })

  it('refuses relative, dotted and empty paths, a file under a file, and files inside a job mount', () => {
    for (const bad of ['in/a', '/in/../a', '/in/./a', '/in//a', '/', '/in/']) {
      assert.throws(() => taskFileMounts({ [bad]: 'x' }, []), /absolute path of plain names/, bad)
    }
    assert.throws(() => taskFileMounts({ '/in/a': 'x', '/in/a/b': 'y' }, []), /lies under another task file, \/in\/a/)
    assert.throws(() => taskFileMounts({ '/in/a/b': 'y', '/in/a': 'x' }, []), /also a directory/)
    assert.throws(() => taskFileMounts({ '/data/x': 'x' }, ['/data']), /inside the job's mount \/data/)
    assert.throws(() => taskFileMounts({ '/data/deep/x': 'x' }, ['/data/deep']), /inside the job's mount \/data\/deep/)
    assert.throws(() => taskFileMounts({ '/x': 'x' }, ['/']), /inside the job's mount \//)
    assert.deepEqual(taskFileMounts({ '/in/x': 'x' }, ['/']).map(m => m.guestPath), ['/in'], 'a job mounting / is shadowed at /in')
  })
})
