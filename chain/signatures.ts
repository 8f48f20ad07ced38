import { bytesToHex, hexToBytes, recoverTypedDataAddress, sha256, stringToBytes } from 'viem'
import type { Address, Hex, LocalAccount } from 'viem'
import type { CID } from 'multiformats/cid'
import { tabmeshDomain, tabmeshTypes } from './eip712.ts'
import type { Cheque, PeerBinding, Receipt } from './eip712.ts'
import type { ChainConfig } from './config.ts'
import type { TabmeshWalletClient } from './clients.ts'

/** Which contract's EIP-712 domain each message is signed in. */
type Contracts = Pick<ChainConfig, 'chainId' | 'lanes' | 'staking' | 'arbitration'>

/** The messages Tabmesh signs, with their shapes (chain/eip712.ts). */
interface Messages {
  Cheque: Cheque
  Receipt: Receipt
  PeerBinding: PeerBinding
  OperatorConsent: { owner: Address, operator: Address }
}

function domainOf (chain: Contracts, type: keyof Messages): ReturnType<typeof tabmeshDomain> {
  const contract = type === 'Cheque' ? chain.lanes : type === 'Receipt' ? chain.arbitration : chain.staking
  return tabmeshDomain(chain.chainId, contract)
}

/** The sha2-256 digest inside a CIDv1 raw/sha2-256 CID, as bytes32 (what receipts commit to). */
export function outputHashOf (cid: CID): Hex {
  return bytesToHex(cid.multihash.digest)
}

/**
 * What a receipt commits to when the task's outcome is a failure every honest provider agrees on (a
 * trap, a timeout, an exit code…): sha2-256 of the UTF-8 string `tabmesh:error:<CODE>`, bytes32.
 */
export function failureHashOf (code: string): Hex {
  return sha256(stringToBytes(`tabmesh:error:${code}`))
}

/**
 * Signs a Tabmesh EIP-712 message: with a local key in process, or through a wallet client (an injected
 * EIP-1193 wallet is asked with eth_signTypedData_v4).
 * @returns the 65-byte signature, 0x-hex
 */
export async function signTyped<T extends keyof Messages> (signer: LocalAccount | TabmeshWalletClient, chain: Contracts, type: T, message: Messages[T]): Promise<Hex> {
  const request = { domain: domainOf(chain, type), types: tabmeshTypes, primaryType: type, message } as const
  if ('signTypedData' in signer && 'account' in signer && signer.account !== undefined && 'transport' in signer) {
    return await signer.signTypedData({ ...request, account: signer.account } as Parameters<TabmeshWalletClient['signTypedData']>[0])
  }
  return await (signer as LocalAccount).signTypedData(request as Parameters<LocalAccount['signTypedData']>[0])
}

/** @returns the signer of a Tabmesh EIP-712 message, or undefined for a malformed signature */
export async function typedSigner<T extends keyof Messages> (chain: Contracts, type: T, message: Messages[T], signature: Hex): Promise<Address | undefined> {
  try {
    return await recoverTypedDataAddress({ domain: domainOf(chain, type), types: tabmeshTypes, primaryType: type, message, signature } as Parameters<typeof recoverTypedDataAddress>[0])
  } catch {
    return undefined
  }
}

/** True when `signature` is `expected`'s signature of `message` (addresses compared case-insensitively). */
export async function signedBy<T extends keyof Messages> (chain: Contracts, type: T, message: Messages[T], signature: Hex, expected: Address): Promise<boolean> {
  const signer = await typedSigner(chain, type, message, signature)
  return signer !== undefined && signer.toLowerCase() === expected.toLowerCase()
}

/** Wire bytes ↔ 0x-hex, via viem. */
export const toHex = (bytes: Uint8Array): Hex => bytesToHex(bytes)
export const fromHex = (hex: string): Uint8Array => hexToBytes(hex as Hex)
