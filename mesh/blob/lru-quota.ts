/**
 * Which cached blobs to evict to stay under a byte quota, least recently used first. The store keeps
 * the bytes (disk, IndexedDB); this keeps their sizes in use order. A blob a task is about to run is
 * already in the task's memory, so evicting its cached copy never harms it; the blob just stored is
 * never its own victim.
 */
export class LruQuota {
  /** Key → size, in use order (oldest first). */
  private readonly sizes = new Map<string, number>()
  private total = 0
  private quota: number

  /** @param quotaBytes the most bytes kept; must be positive */
  constructor (quotaBytes: number) {
    if (!(quotaBytes > 0)) throw new RangeError(`quota must be positive, got ${quotaBytes}`)
    this.quota = quotaBytes
  }

  /** The most bytes kept. */
  get quotaBytes (): number { return this.quota }

  /**
   * Changes the quota (a volunteer's preference) and returns the keys to evict, oldest first, to fit.
   * @throws RangeError unless `quotaBytes` is positive
   */
  resize (quotaBytes: number): string[] {
    if (!(quotaBytes > 0)) throw new RangeError(`quota must be positive, got ${quotaBytes}`)
    this.quota = quotaBytes
    const victims: string[] = []
    for (const [k, s] of this.sizes) {
      if (this.total <= this.quota) break
      victims.push(k)
      this.sizes.delete(k)
      this.total -= s
    }
    return victims
  }

  /** Bytes currently accounted. */
  get bytes (): number { return this.total }

  /** Records a use of `key` (a hit): it becomes the most recently used. */
  touch (key: string): void {
    const size = this.sizes.get(key)
    if (size === undefined) return
    this.sizes.delete(key)
    this.sizes.set(key, size)
  }

  /** True when a blob of `size` bytes may be kept at all (not bigger than the whole quota). */
  fits (size: number): boolean {
    return size <= this.quotaBytes
  }

  /**
   * Records `key` (most recently used) and returns the keys to evict, oldest first, so that the total
   * is back under the quota. `key` itself is never returned.
   */
  add (key: string, size: number): string[] {
    const previous = this.sizes.get(key)
    if (previous !== undefined) { this.total -= previous; this.sizes.delete(key) }
    this.sizes.set(key, size)
    this.total += size
    const victims: string[] = []
    for (const [k, s] of this.sizes) {
      if (this.total <= this.quota) break
      if (k === key) continue
      this.sizes.delete(k)
      this.total -= s
      victims.push(k)
    }
    return victims
  }

  /** Forgets `key` (it was deleted). */
  remove (key: string): void {
    const size = this.sizes.get(key)
    if (size === undefined) return
    this.sizes.delete(key)
    this.total -= size
  }
}
