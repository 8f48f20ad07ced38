import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A `tabmesh provide` process's own payout key and cheque file, kept across runs. */
export interface ProviderSlot {
  /** `.tabmesh/providers/N.key`: the EVM payout key (0x-hex, mode 0600). */
  keyFile: string
  /** `.tabmesh/providers/N-cheques.json`: its cheques until claimed. */
  chequeFile: string
  /** Frees the slot for the next run (removes the lock). */
  release: () => Promise<void>
}

/** Slots tried before giving up: more providers than this on one machine are a mistake. */
const MAX_SLOTS = 64

/**
 * Takes the first provider slot under `stateDir/providers/` that no running process holds (a lock
 * file with the holder's pid). A restarted provider gets its old slot, so it keeps its payout key,
 * its stake and its unclaimed cheques; two providers running at once get different keys.
 */
export async function claimProviderSlot (stateDir: string): Promise<ProviderSlot> {
  const dir = join(stateDir, 'providers')
  await mkdir(dir, { recursive: true })
  for (let n = 1; n <= MAX_SLOTS; n++) {
    const lock = join(dir, `${n}.lock`)
    const holder = Number(await readFile(lock, 'utf8').catch(() => ''))
    if (holder > 0 && holder !== process.pid && alive(holder)) continue
    await rm(lock, { force: true })
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' })
    } catch {
      continue // another process took it between our read and write
    }
    return { keyFile: join(dir, `${n}.key`), chequeFile: join(dir, `${n}-cheques.json`), release: async () => { await rm(lock, { force: true }) } }
  }
  throw new Error(`more than ${MAX_SLOTS} providers are running from ${stateDir}`)
}

/** Every payout key this machine's providers have used: `tabmesh dev`'s and each `tabmesh provide` slot's. */
export async function providerKeys (stateDir: string): Promise<Array<{ keyFile: string, chequeFile: string }>> {
  const out: Array<{ keyFile: string, chequeFile: string }> = []
  // `tabmesh dev`'s providers: provider.key + cheques.json, provider-N.key + cheques-N.json.
  if (await exists(join(stateDir, 'provider.key'))) out.push({ keyFile: join(stateDir, 'provider.key'), chequeFile: join(stateDir, 'cheques.json') })
  for (const name of (await readdir(stateDir).catch(() => [] as string[])).filter(n => /^provider-\d+\.key$/.test(n)).sort()) {
    out.push({ keyFile: join(stateDir, name), chequeFile: join(stateDir, name.replace(/^provider-(\d+)\.key$/, 'cheques-$1.json')) })
  }
  const dir = join(stateDir, 'providers')
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names.filter(n => /^\d+\.key$/.test(n)).sort((a, b) => parseInt(a) - parseInt(b))) {
    out.push({ keyFile: join(dir, name), chequeFile: join(dir, name.replace('.key', '-cheques.json')) })
  }
  return out
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' }
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}
