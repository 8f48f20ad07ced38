import { bytesToHex, hexToBytes, recoverTypedDataAddress } from 'viem'
import type { Address, Hex, LocalAccount } from 'viem'
import type { CID } from 'multiformats/cid'
import { tabmeshDomain, tabmeshTypes } from '../../chain/eip712.ts'
import type { Cheque, Receipt } from '../../chain/eip712.ts'
import type { ChainConfig } from '../../chain/config.ts'
import type { TabmeshWalletClient } from '../../chain/clients.ts'

/** The sha2-256 digest inside a CIDv1 raw/sha2-256 CID, as bytes32 (what receipts commit to). */
export function outputHashOf (cid: CID): Hex {
  return bytesToHex(cid.multihash.digest)
}

export async function signReceipt (account: LocalAccount, chain: Pick<ChainConfig, 'chainId' | 'escrow'>, receipt: Receipt): Promise<Hex> {
  return await account.signTypedData({ domain: tabmeshDomain(chain.chainId, chain.escrow), types: tabmeshTypes, primaryType: 'Receipt', message: receipt })
}

/**
 * Signs a cheque through a wallet client: a local key signs in process, an injected (EIP-1193) wallet
 * is asked with eth_signTypedData_v4.
 */
export async function signCheque (wallet: TabmeshWalletClient, chain: Pick<ChainConfig, 'chainId' | 'escrow'>, cheque: Cheque): Promise<Hex> {
  return await wallet.signTypedData({ account: wallet.account, domain: tabmeshDomain(chain.chainId, chain.escrow), types: tabmeshTypes, primaryType: 'Cheque', message: cheque })
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

/** Wire bytes ↔ 0x-hex, via viem. */
export const toHex = (bytes: Uint8Array): Hex => bytesToHex(bytes)
export const fromHex = (hex: string): Uint8Array => hexToBytes(hex as Hex)
