import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

/** Loads an Ed25519 libp2p key (protobuf bytes) from `file`, creating it (mode 0600) on first use. */
export async function loadOrCreateKey (file: string): Promise<PrivateKey> {
  try {
    return privateKeyFromProtobuf(new Uint8Array(await readFile(file)))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, privateKeyToProtobuf(key), { mode: 0o600 })
  return key
}

/** Loads (or creates, mode 0600) the EVM payout key kept in `file` as 0x-hex: a provider's burner until a wallet is connected. */
export async function loadOrCreateEvmAccount (file: string): Promise<import('viem').PrivateKeyAccount> {
  const { generatePrivateKey, privateKeyToAccount } = await import('viem/accounts')
  try {
    return privateKeyToAccount((await readFile(file, 'utf8')).trim() as `0x${string}`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const key = generatePrivateKey()
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, key + '\n', { mode: 0o600 })
  return privateKeyToAccount(key)
}
