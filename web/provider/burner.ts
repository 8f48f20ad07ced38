import { openDB } from 'idb'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { PrivateKeyAccount, Hex } from 'viem'
import { rememberBurnerKey } from '../wallet/controller.ts'

const DB = 'tabmesh-wallet'
const STORE = 'keys'
const KEY = 'burner'

/**
 * This tab's burner key: generated on first visit, kept in IndexedDB, used as the provider's payout
 * address until a wallet is connected. For the local mesh and small amounts only: anything in this
 * browser's storage can read it.
 */
export async function loadBurnerAccount (): Promise<PrivateKeyAccount> {
  const db = await openDB(DB, 1, { upgrade (d) { d.createObjectStore(STORE) } })
  let key = await db.get(STORE, KEY) as Hex | undefined
  if (key === undefined) {
    key = generatePrivateKey()
    await db.put(STORE, key, KEY)
  }
  const account = privateKeyToAccount(key)
  rememberBurnerKey(account, key)
  return account
}
