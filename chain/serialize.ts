/**
 * Runs `task` once every task queued earlier under `key` has settled: one at a time per key (one
 * account's transactions, one lane's cheques). The queue entry is dropped when the last task ends.
 * @returns what `task` returns; its rejection reaches the caller only, never the next task
 */
export async function serialized<T> (queues: Map<string, Promise<unknown>>, key: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(task)
  const settled = run.catch(() => {})
  queues.set(key, settled)
  settled.finally(() => { if (queues.get(key) === settled) queues.delete(key) }).catch(() => {})
  return await run
}
