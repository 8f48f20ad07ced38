import { recoverTypedDataAddress } from 'viem'
import type { Address, Hex, LocalAccount } from 'viem'
import type { CID } from 'multiformats/cid'
import { tabmeshDomain, tabmeshTypes } from '../../chain/eip712.ts'
import type { Cheque, Receipt } from '../../chain/eip712.ts'
import type { ChainConfig } from '../../chain/config.ts'

/** The sha2-256 digest inside a CIDv1 raw/sha2-256 CID, as bytes32 (what receipts commit to). */
export function outputHashOf (cid: CID): Hex {
  return `0x${Array.from(cid.multihash.digest, b => b.toString(16).padStart(2, '0')).join('')}`
}

export async function signReceipt (account: LocalAccount, chain: Pick<ChainConfig, 'chainId' | 'escrow'>, receipt: Receipt): Promise<Hex> {
  return await account.signTypedData({ domain: tabmeshDomain(chain.chainId, chain.escrow), types: tabmeshTypes, primaryType: 'Receipt', message: receipt })
}

export async function signCheque (account: LocalAccount, chain: Pick<ChainConfig, 'chainId' | 'escrow'>, cheque: Cheque): Promise<Hex> {
  return await account.signTypedData({ domain: tabmeshDomain(chain.chainId, chain.escrow), types: tabmeshTypes, primaryType: 'Cheque', message: cheque })
}

/** @returns the signer of a receipt, or undefined for a malformed signature */
export async function receiptSigner (chain: Pick<ChainConfig, 'chainId' | 'escrow'>, receipt: Receipt, signature: Hex): Promise<Address | undefined> {
  try {
    return await recoverTypedDataAddress({ domain: tabmeshDomain(chain.chainId, chain.escrow), types: tabmeshTypes, primaryType: 'Receipt', message: receipt, signature })
  } catch {
    return undefined
  }
}

/** @returns the signer of a cheque, or undefined for a malformed signature */
export async function chequeSigner (chain: Pick<ChainConfig, 'chainId' | 'escrow'>, cheque: Cheque, signature: Hex): Promise<Address | undefined> {
  try {
    return await recoverTypedDataAddress({ domain: tabmeshDomain(chain.chainId, chain.escrow), types: tabmeshTypes, primaryType: 'Cheque', message: cheque, signature })
  } catch {
    return undefined
  }
}

export function toHex (bytes: Uint8Array): Hex {
  return `0x${Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')}`
}

export function fromHex (hex: string): Uint8Array {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error(`not hex: ${hex.slice(0, 20)}`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}
