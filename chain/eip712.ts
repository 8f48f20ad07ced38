import type { Address, Hex } from 'viem'

/**
 * EIP-712 (https://eips.ethereum.org/EIPS/eip-712) types shared by every signer and verifier in
 * Tabmesh. They must match JobEscrow's CHEQUE_TYPEHASH and RECEIPT_TYPEHASH.
 */
export const tabmeshTypes = {
  /** A requester's promise: `provider` is owed `cumulativeAmount` (payment-token base units) for `jobId` in total. */
  Cheque: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'provider', type: 'address' },
    { name: 'cumulativeAmount', type: 'uint256' }
  ],
  /** A provider's statement: task `taskIndex` of `jobId` gave the output whose sha2-256 digest is `outputHash`. */
  Receipt: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'taskIndex', type: 'uint32' },
    { name: 'outputHash', type: 'bytes32' },
    { name: 'provider', type: 'address' }
  ]
} as const

/** JobEscrow's EIP-712 domain: name "Tabmesh", version "1", on `chainId` at `escrow`. */
export function tabmeshDomain (chainId: number, escrow: Address): { name: 'Tabmesh', version: '1', chainId: number, verifyingContract: Address } {
  return { name: 'Tabmesh', version: '1', chainId, verifyingContract: escrow }
}

export interface Cheque {
  jobId: Hex
  provider: Address
  cumulativeAmount: bigint
}

export interface Receipt {
  jobId: Hex
  taskIndex: number
  outputHash: Hex
  provider: Address
}
