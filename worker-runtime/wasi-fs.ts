import { Directory, File, Inode, OpenDirectory, OpenFile, PreopenDirectory, wasi as defs } from '@bjorn3/browser_wasi_shim'
import type { Fd, WASI } from '@bjorn3/browser_wasi_shim'

/**
 * Directory trees for tasks, over @bjorn3/browser_wasi_shim's in-memory filesystem, made
 * deterministic and closer to WASI preview1
 * (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md), as the WebAssembly
 * wasi-testsuite checks it (worker-runtime/wasi-testsuite.test.ts):
 *
 * - a task gets a fresh copy of every tree it mounts: writes never leak between tasks or back;
 * - inode numbers count from 1 in a fixed order (the tree's, names sorted) for every task — the
 *   shim numbers inodes from one counter for the whole worker, so a provider that had run other
 *   tasks would report other numbers, and redundant providers would disagree;
 * - timestamps are 0 until the task sets them (`*_set_times`; `…_NOW` reads the task's virtual clock);
 * - rights are tracked per descriptor (what path_open asked, within what the directory may pass on)
 *   and enforced for read and write; `fd_fdstat_get` reports them, and the append flag;
 * - filestat is written in the ABI's layout (the shim writes the three timestamps 2, 2 and 4 bytes
 *   early, over the size);
 * - `path_link` onto an existing name is EEXIST; socket calls on a non-socket are ENOTSOCK (EBADF on
 *   a closed fd).
 *
 * - symbolic links (the shim has none): `path_symlink`, `path_readlink`, and every path call resolves
 *   links itself — in every component but the last always, in the last one where the call follows
 *   links — at most MAX_SYMLINK_HOPS of them (ELOOP), never above the directory the call starts from
 *   (an absolute or escaping target is NOTCAPABLE), then hands the shim a path without links.
 *
 * Why our own code over the shim's: these are the shim's gaps the testsuite shows (measured there:
 * 54 of 72 pass with the shim alone); everything else — open files, directories, readdir, the
 * walk of a link-free path — stays the shim's.
 */

/** A file or directory of a task's tree, as plain data (structured-cloneable into a worker). */
export type TaskTreeEntry =
  | { type: 'file', data: Uint8Array }
  | { type: 'dir', entries: Record<string, TaskTreeEntry> }

/** A directory tree mounted at `guestPath` (e.g. `/data`, or `/` for the whole namespace). */
export interface TaskMount {
  guestPath: string
  tree: Record<string, TaskTreeEntry>
}

/** Symbolic links one path may go through before it is ELOOP (Linux's MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40
/** `lookupflags.symlink_follow` (preview1): follow a link in the last component. */
const LOOKUP_SYMLINK_FOLLOW = 1

/** A symbolic link: its target is a path, resolved when a path call goes through it. */
class Symlink extends Inode {
  readonly target: string
  constructor (target: string) { super(); this.target = target }
  path_open (): { ret: number, fd_obj: Fd | null } { return { ret: defs.ERRNO_LOOP, fd_obj: null } }
  stat (): defs.Filestat { return new defs.Filestat(this.ino, defs.FILETYPE_SYMBOLIC_LINK, BigInt(new TextEncoder().encode(this.target).length)) }
}

/** Where `path` leads from `dir`, links resolved: the link-free path the shim is given, or an errno. */
type Resolved = { ret: 0, path: string, last: Inode | undefined } | { ret: number, path: undefined, last: undefined }

function childOf (dir: Directory, parts: string[]): Inode | undefined {
  let entry: Inode = dir
  for (const part of parts) {
    if (!(entry instanceof Directory)) return undefined
    const next = entry.contents.get(part)
    if (next === undefined) return undefined
    entry = next
  }
  return entry
}

/**
 * Resolves the links in `path` relative to `dir` (see the top of this file).
 * @param followLast follow a link in the last component too
 */
function resolvePath (dir: Directory, path: string, followLast: boolean): Resolved {
  if (path.includes('\0')) return { ret: defs.ERRNO_INVAL, path: undefined, last: undefined }
  if (path.startsWith('/')) return { ret: defs.ERRNO_NOTCAPABLE, path: undefined, last: undefined }
  let trailing = path.endsWith('/')
  const queue = path.split('/').filter(c => c !== '' && c !== '.')
  const parts: string[] = []
  let hops = 0
  while (queue.length > 0) {
    const part = queue.shift()!
    if (part === '..') {
      if (parts.length === 0) return { ret: defs.ERRNO_NOTCAPABLE, path: undefined, last: undefined }
      parts.pop()
      continue
    }
    const entry = childOf(dir, [...parts, part])
    if (entry instanceof Symlink && (queue.length > 0 || followLast || trailing)) {
      if (++hops > MAX_SYMLINK_HOPS) return { ret: defs.ERRNO_LOOP, path: undefined, last: undefined }
      if (entry.target.startsWith('/')) return { ret: defs.ERRNO_NOTCAPABLE, path: undefined, last: undefined }
      if (queue.length === 0 && entry.target.endsWith('/')) trailing = true
      queue.unshift(...entry.target.split('/').filter(c => c !== '' && c !== '.'))
      continue
    }
    parts.push(part)
  }
  const joined = parts.length === 0 ? '.' : parts.join('/')
  return { ret: defs.ERRNO_SUCCESS, path: trailing && parts.length > 0 ? `${joined}/` : joined, last: childOf(dir, parts) }
}

/** Every right a file descriptor can hold (WASI preview1 `rights`, bits 0–28). */
const ALL_RIGHTS = (1n << 29n) - 1n
/** Rights that only make sense on a directory. */
const DIR_ONLY_RIGHTS = BigInt(defs.RIGHTS_PATH_CREATE_DIRECTORY | defs.RIGHTS_PATH_CREATE_FILE | defs.RIGHTS_PATH_LINK_SOURCE |
  defs.RIGHTS_PATH_LINK_TARGET | defs.RIGHTS_PATH_OPEN | defs.RIGHTS_FD_READDIR | defs.RIGHTS_PATH_READLINK |
  defs.RIGHTS_PATH_RENAME_SOURCE | defs.RIGHTS_PATH_RENAME_TARGET | defs.RIGHTS_PATH_FILESTAT_GET |
  defs.RIGHTS_PATH_FILESTAT_SET_SIZE | defs.RIGHTS_PATH_FILESTAT_SET_TIMES | defs.RIGHTS_PATH_SYMLINK |
  defs.RIGHTS_PATH_REMOVE_DIRECTORY | defs.RIGHTS_PATH_UNLINK_FILE)
/** Rights that only make sense on a regular file. */
const FILE_ONLY_RIGHTS = BigInt(defs.RIGHTS_FD_READ | defs.RIGHTS_FD_SEEK | defs.RIGHTS_FD_WRITE | defs.RIGHTS_FD_ADVISE |
  defs.RIGHTS_FD_ALLOCATE | defs.RIGHTS_FD_FILESTAT_SET_SIZE | defs.RIGHTS_FD_TELL)
const DIR_RIGHTS = ALL_RIGHTS & ~FILE_ONLY_RIGHTS & ~BigInt(defs.RIGHTS_SOCK_SHUTDOWN)
const FILE_RIGHTS = ALL_RIGHTS & ~DIR_ONLY_RIGHTS & ~BigInt(defs.RIGHTS_SOCK_SHUTDOWN)

interface FdState { base: bigint, inheriting: bigint, fdflags: number }

/**
 * Builds the preopened directories of one task, fds 3, 4, … in `mounts` order. Call
 * `resetInodeNumbers` first, before the task's stdio is made, so every inode it can see is numbered
 * the same on every run.
 */
export function preopensFor (mounts: TaskMount[]): Fd[] {
  return mounts.map(m => new PreopenDirectory(m.guestPath, toInodes(m.tree)))
}

function toInodes (tree: Record<string, TaskTreeEntry>): Map<string, Inode> {
  const map = new Map<string, Inode>()
  for (const name of Object.keys(tree).sort()) {
    const entry = tree[name]!
    map.set(name, entry.type === 'file' ? new File(entry.data.slice()) : new Directory(toInodes(entry.entries)))
  }
  return map
}

/**
 * Restarts the shim's inode counter (a private static, `Inode.next_ino`, worker-wide) for a new task:
 * 1 is the root every `..` of a preopen leads to, numbers count from 2 in creation order.
 */
export function resetInodeNumbers (): void {
  (Inode as unknown as { next_ino: bigint }).next_ino = 2n
}

/**
 * The filesystem calls Tabmesh answers itself (see the top of this file), over `wasi`'s fd table.
 * @param now the task's virtual clock, read for `…_NOW` timestamps
 * @param epoch the time every file has until the task sets it (ns since 1970)
 */
export function filesystemImports (wasi: WASI, now: () => bigint, epoch: bigint): Record<string, (...args: never[]) => number> {
  const imports = wasi.wasiImport as unknown as Record<string, (...args: unknown[]) => number>
  const state = new WeakMap<Fd, FdState>()
  const times = new WeakMap<Inode, { atim: bigint, mtim: bigint }>()
  const memory = (): DataView => new DataView(wasi.inst.exports.memory.buffer)
  const fdOf = (fd: number): Fd | undefined => wasi.fds[fd]
  const stateOf = (fd: Fd): FdState => {
    let s = state.get(fd)
    if (s === undefined) {
      s = fd instanceof OpenDirectory
        ? { base: DIR_RIGHTS, inheriting: DIR_RIGHTS | FILE_RIGHTS, fdflags: 0 }
        : { base: FILE_RIGHTS, inheriting: 0n, fdflags: 0 }
      state.set(fd, s)
    }
    return s
  }
  const inodeOf = (fd: Fd): Inode | undefined => fd instanceof OpenFile ? fd.file : fd instanceof OpenDirectory ? fd.dir : undefined
  const writeFilestat = (ptr: number, stat: defs.Filestat, inode: Inode | undefined): void => {
    const view = memory()
    const t = inode !== undefined ? times.get(inode) : undefined
    view.setBigUint64(ptr, 0n, true) // dev
    view.setBigUint64(ptr + 8, stat.ino, true)
    view.setUint8(ptr + 16, stat.filetype)
    for (let i = 17; i < 24; i++) view.setUint8(ptr + i, 0)
    view.setBigUint64(ptr + 24, 1n, true) // nlink
    view.setBigUint64(ptr + 32, stat.size, true)
    view.setBigUint64(ptr + 40, t?.atim ?? epoch, true)
    view.setBigUint64(ptr + 48, t?.mtim ?? epoch, true)
    view.setBigUint64(ptr + 56, t?.mtim ?? epoch, true) // ctim follows the last change we know of
  }
  const setTimes = (inode: Inode, atim: bigint, mtim: bigint, flags: number): number => {
    const atimBoth = (flags & defs.FSTFLAGS_ATIM) !== 0 && (flags & defs.FSTFLAGS_ATIM_NOW) !== 0
    const mtimBoth = (flags & defs.FSTFLAGS_MTIM) !== 0 && (flags & defs.FSTFLAGS_MTIM_NOW) !== 0
    if (atimBoth || mtimBoth || (flags & ~0xf) !== 0) return defs.ERRNO_INVAL
    const t = times.get(inode) ?? { atim: epoch, mtim: epoch }
    if ((flags & defs.FSTFLAGS_ATIM) !== 0) t.atim = atim
    if ((flags & defs.FSTFLAGS_ATIM_NOW) !== 0) t.atim = now()
    if ((flags & defs.FSTFLAGS_MTIM) !== 0) t.mtim = mtim
    if ((flags & defs.FSTFLAGS_MTIM_NOW) !== 0) t.mtim = now()
    times.set(inode, t)
    return defs.ERRNO_SUCCESS
  }
  const pathString = (ptr: number, len: number): string => new TextDecoder().decode(new Uint8Array(wasi.inst.exports.memory.buffer, ptr, len))

  /** Whether `f` is an open file without `right` (a call needing it is EBADF, as preview1 says). */
  const lacks = (f: Fd | undefined, right: number): boolean => f instanceof OpenFile && (stateOf(f).base & BigInt(right)) === 0n
  const socket = (fd: number): number => fdOf(fd) === undefined ? defs.ERRNO_BADF : defs.ERRNO_NOTSOCK
  /** Runs `call` with `path` resolved to a link-free one (the last component's link kept unless `followLast`). */
  const linkFree = (fd: number, pathPtr: number, pathLen: number, followLast: boolean, call: (dir: OpenDirectory, path: string, last: Inode | undefined) => number): number => {
    const f = fdOf(fd)
    if (f === undefined) return defs.ERRNO_BADF
    if (!(f instanceof OpenDirectory)) return defs.ERRNO_NOTDIR
    const resolved = resolvePath(f.dir, pathString(pathPtr, pathLen), followLast)
    return resolved.path === undefined ? resolved.ret : call(f, resolved.path, resolved.last)
  }

  return {
    path_open: (dirFd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, openedPtr: number) => {
      const dir = fdOf(dirFd)
      if (dir === undefined) return defs.ERRNO_BADF
      const parent = stateOf(dir)
      if ((oflags & defs.OFLAGS_TRUNC) !== 0 && (parent.base & BigInt(defs.RIGHTS_PATH_FILESTAT_SET_SIZE)) === 0n) return defs.ERRNO_NOTCAPABLE
      if ((oflags & defs.OFLAGS_CREAT) !== 0 && (parent.base & BigInt(defs.RIGHTS_PATH_CREATE_FILE)) === 0n) return defs.ERRNO_NOTCAPABLE
      if (!(dir instanceof OpenDirectory)) return defs.ERRNO_NOTDIR
      const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0
      const resolved = resolvePath(dir.dir, pathString(pathPtr, pathLen), follow)
      if (resolved.path === undefined) return resolved.ret
      if (resolved.last instanceof Symlink) {
        // Not followed: O_CREAT|O_EXCL on an existing name is EEXIST, anything else ELOOP (O_NOFOLLOW).
        return (oflags & defs.OFLAGS_CREAT) !== 0 && (oflags & defs.OFLAGS_EXCL) !== 0 ? defs.ERRNO_EXIST : defs.ERRNO_LOOP
      }
      const { ret, fd_obj: opened } = dir.path_open(dirflags, resolved.path, oflags, base, inheriting, fdflags)
      if (ret !== defs.ERRNO_SUCCESS || opened === null) return ret
      // A directory cannot be opened for writing (POSIX open(2): EISDIR).
      if (opened instanceof OpenDirectory && (base & BigInt(defs.RIGHTS_FD_WRITE)) !== 0n) return defs.ERRNO_ISDIR
      wasi.fds.push(opened)
      memory().setUint32(openedPtr, wasi.fds.length - 1, true)
      const kind = opened instanceof OpenDirectory ? DIR_RIGHTS : FILE_RIGHTS
      state.set(opened, { base: base & parent.inheriting & kind, inheriting: inheriting & parent.inheriting, fdflags })
      return ret
    },
    fd_fdstat_get: (fd: number, ptr: number) => {
      const f = fdOf(fd)
      const ret = imports.fd_fdstat_get!(fd, ptr)
      if (ret !== defs.ERRNO_SUCCESS || f === undefined || inodeOf(f) === undefined) return ret
      const s = stateOf(f)
      const view = memory()
      view.setUint16(ptr + 2, s.fdflags, true)
      view.setBigUint64(ptr + 8, s.base, true)
      view.setBigUint64(ptr + 16, s.inheriting, true)
      return ret
    },
    fd_fdstat_set_flags: (fd: number, flags: number) => {
      const f = fdOf(fd)
      if (f === undefined) return defs.ERRNO_BADF
      if (!(f instanceof OpenFile)) return imports.fd_fdstat_set_flags!(fd, flags)
      stateOf(f).fdflags = flags
      return defs.ERRNO_SUCCESS
    },
    fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) => {
      const f = fdOf(fd)
      if (f === undefined) return defs.ERRNO_BADF
      if (inodeOf(f) === undefined) return imports.fd_fdstat_set_rights!(fd, base, inheriting)
      const s = stateOf(f)
      // Rights only shrink (preview1: "can only remove rights").
      if ((base & ~s.base) !== 0n || (inheriting & ~s.inheriting) !== 0n) return defs.ERRNO_NOTCAPABLE
      s.base = base
      s.inheriting = inheriting
      return defs.ERRNO_SUCCESS
    },
    fd_write: (fd: number, ...rest: unknown[]) => {
      const f = fdOf(fd)
      if (lacks(f, defs.RIGHTS_FD_WRITE)) return defs.ERRNO_BADF
      if (f instanceof OpenFile && (stateOf(f).fdflags & defs.FDFLAGS_APPEND) !== 0) f.fd_seek(0n, defs.WHENCE_END)
      return imports.fd_write!(fd, ...rest)
    },
    fd_pwrite: (fd: number, ...rest: unknown[]) => lacks(fdOf(fd), defs.RIGHTS_FD_WRITE) ? defs.ERRNO_BADF : imports.fd_pwrite!(fd, ...rest),
    fd_read: (fd: number, ...rest: unknown[]) => lacks(fdOf(fd), defs.RIGHTS_FD_READ) ? defs.ERRNO_BADF : imports.fd_read!(fd, ...rest),
    fd_pread: (fd: number, ...rest: unknown[]) => lacks(fdOf(fd), defs.RIGHTS_FD_READ) ? defs.ERRNO_BADF : imports.fd_pread!(fd, ...rest),
    fd_filestat_get: (fd: number, ptr: number) => {
      const f = fdOf(fd)
      if (f === undefined) return defs.ERRNO_BADF
      const { ret, filestat } = f.fd_filestat_get()
      if (filestat !== null) writeFilestat(ptr, filestat, inodeOf(f))
      return ret
    },
    path_filestat_get: (fd: number, flags: number, pathPtr: number, pathLen: number, ptr: number) => linkFree(fd, pathPtr, pathLen, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0, (dir, path, last) => {
      const { ret, filestat } = dir.path_filestat_get(flags, path)
      if (filestat !== null) writeFilestat(ptr, filestat, last)
      return ret
    }),
    fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, flags: number) => {
      const f = fdOf(fd)
      if (f === undefined) return defs.ERRNO_BADF
      const inode = inodeOf(f)
      return inode === undefined ? defs.ERRNO_BADF : setTimes(inode, atim, mtim, flags)
    },
    path_filestat_set_times: (fd: number, lookupFlags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, flags: number) => linkFree(fd, pathPtr, pathLen, (lookupFlags & LOOKUP_SYMLINK_FOLLOW) !== 0, (dir, path, last) =>
      last === undefined ? dir.path_filestat_get(0, path).ret || defs.ERRNO_NOENT : setTimes(last, atim, mtim, flags)),
    path_symlink: (oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) => {
      const f = fdOf(fd)
      if (f === undefined) return defs.ERRNO_BADF
      if (!(f instanceof OpenDirectory)) return defs.ERRNO_NOTDIR
      const target = pathString(oldPtr, oldLen)
      // A link may not lead outside the task's tree: absolute targets are refused when it is made.
      if (target.startsWith('/')) return defs.ERRNO_NOTCAPABLE
      const newPath = pathString(newPtr, newLen)
      const resolved = resolvePath(f.dir, newPath.replace(/\/+$/, ''), false)
      if (resolved.path === undefined) return resolved.ret
      if (resolved.last !== undefined) return defs.ERRNO_EXIST
      // A new name with a trailing slash names a directory that does not exist (POSIX symlink(2)).
      if (newPath.endsWith('/')) return defs.ERRNO_NOENT
      const slash = resolved.path.lastIndexOf('/')
      const parent = slash < 0 ? f.dir : childOf(f.dir, resolved.path.slice(0, slash).split('/'))
      if (!(parent instanceof Directory)) return parent === undefined ? defs.ERRNO_NOENT : defs.ERRNO_NOTDIR
      parent.contents.set(resolved.path.slice(slash + 1), new Symlink(target))
      return defs.ERRNO_SUCCESS
    },
    path_readlink: (fd: number, pathPtr: number, pathLen: number, bufPtr: number, bufLen: number, nreadPtr: number) => linkFree(fd, pathPtr, pathLen, false, (_dir, _path, last) => {
      if (last === undefined) return defs.ERRNO_NOENT
      if (!(last instanceof Symlink)) return defs.ERRNO_INVAL
      // Truncated to the buffer, as readlink(2) does.
      const bytes = new TextEncoder().encode(last.target).subarray(0, bufLen)
      new Uint8Array(wasi.inst.exports.memory.buffer, bufPtr, bytes.length).set(bytes)
      memory().setUint32(nreadPtr, bytes.length, true)
      return defs.ERRNO_SUCCESS
    }),
    path_create_directory: (fd: number, pathPtr: number, pathLen: number) => linkFree(fd, pathPtr, pathLen, false, (dir, path) => dir.path_create_directory(path)),
    path_remove_directory: (fd: number, pathPtr: number, pathLen: number) => linkFree(fd, pathPtr, pathLen, false, (dir, path, last) => last instanceof Symlink ? defs.ERRNO_NOTDIR : dir.path_remove_directory(path)),
    path_unlink_file: (fd: number, pathPtr: number, pathLen: number) => linkFree(fd, pathPtr, pathLen, false, (dir, path, last) => last instanceof Symlink && path.endsWith('/') ? defs.ERRNO_NOTDIR : dir.path_unlink_file(last instanceof Symlink ? path.replace(/\/+$/, '') : path)),
    path_link: (oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const from = fdOf(oldFd)
      const to = fdOf(newFd)
      if (from === undefined || to === undefined) return defs.ERRNO_BADF
      if (!(from instanceof OpenDirectory) || !(to instanceof OpenDirectory)) return defs.ERRNO_NOTDIR
      const source = resolvePath(from.dir, pathString(oldPtr, oldLen), (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0)
      if (source.path === undefined) return source.ret
      const newPath = pathString(newPtr, newLen)
      const target = resolvePath(to.dir, newPath.replace(/\/+$/, ''), false)
      if (target.path === undefined) return target.ret
      if (target.last !== undefined) return defs.ERRNO_EXIST
      if (source.last === undefined) return defs.ERRNO_NOENT
      if (source.last instanceof Directory) return defs.ERRNO_PERM
      if (newPath.endsWith('/') || source.path.endsWith('/')) return defs.ERRNO_NOENT
      return to.path_link(target.path, source.last, false)
    },
    path_rename: (oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
      const from = fdOf(oldFd)
      const to = fdOf(newFd)
      if (!(from instanceof OpenDirectory) || !(to instanceof OpenDirectory)) return from === undefined || to === undefined ? defs.ERRNO_BADF : defs.ERRNO_NOTDIR
      const oldResolved = resolvePath(from.dir, pathString(oldPtr, oldLen), false)
      const newResolved = resolvePath(to.dir, pathString(newPtr, newLen), false)
      if (oldResolved.path === undefined) return oldResolved.ret
      if (newResolved.path === undefined) return newResolved.ret
      let oldPath = oldResolved.path
      let newPath = newResolved.path
      // Trailing slashes name a directory (POSIX rename(2)): fine on one, NOTDIR on a file.
      const source = oldResolved.last
      if (source instanceof Directory) {
        oldPath = oldPath.replace(/\/+$/, '')
        newPath = newPath.replace(/\/+$/, '')
      } else if (source !== undefined && (oldPath.endsWith('/') || newPath.endsWith('/'))) {
        return defs.ERRNO_NOTDIR
      }
      const { ret, inode_obj: inode } = from.path_unlink(oldPath)
      if (inode === null) return ret
      const linked = to.path_link(newPath, inode, true)
      if (linked !== defs.ERRNO_SUCCESS) from.path_link(oldPath, inode, true)
      return linked
    },
    sock_accept: (fd: number) => socket(fd),
    sock_recv: (fd: number) => socket(fd),
    sock_send: (fd: number) => socket(fd),
    sock_shutdown: (fd: number) => socket(fd)
  }
}

/**
 * What a task left in a directory, as plain data: files (copied) and sub-directories, names as
 * they are; symbolic links are left out.
 */
export function treeOfDirectory (dir: Directory): Record<string, TaskTreeEntry> {
  const tree: Record<string, TaskTreeEntry> = {}
  for (const [name, inode] of dir.contents) {
    if (inode instanceof File) tree[name] = { type: 'file', data: inode.data.slice() }
    else if (inode instanceof Directory) tree[name] = { type: 'dir', entries: treeOfDirectory(inode) }
  }
  return tree
}
