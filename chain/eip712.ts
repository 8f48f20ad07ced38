import type { Address, Hex } from 'viem'

/**
 * EIP-712 (https://eips.ethereum.org/EIPS/eip-712) types shared by every signer and verifier in
 * Tabmesh. Each must match its contract's TYPEHASH (contracts/src): Cheque — PaymentLanes,
 * Receipt — Arbitration, OperatorConsent — Staking. PeerBinding is off chain only, in Staking's domain.
 */
export const tabmeshTypes = {
  /** A requester's promise: its lane to `owner` owes `cumulativeAmount` (payment-token base units) in total, across all jobs. */
  Cheque: [
    { name: 'requester', type: 'address' },
    { name: 'owner', type: 'address' },
    { name: 'cumulativeAmount', type: 'uint256' }
  ],
  /** An operator's statement: the task with hash `taskHash` (chain/task-hash.ts) gave the output whose sha2-256 digest is `outputHash`. */
  Receipt: [
    { name: 'taskHash', type: 'bytes32' },
    { name: 'outputHash', type: 'bytes32' },
    { name: 'operator', type: 'address' }
  ],
  /** An operator key agrees to act for `owner` (Staking.addOperator). */
  OperatorConsent: [
    { name: 'owner', type: 'address' },
    { name: 'operator', type: 'address' }
  ],
  /** The signer (an operator, or a requester for its lanes) speaks for libp2p peer `peerId` on behalf of `owner`. */
  PeerBinding: [
    { name: 'peerId', type: 'string' },
    { name: 'owner', type: 'address' }
  ]
} as const

export type TabmeshTypedData = keyof typeof tabmeshTypes

/** A Tabmesh contract's EIP-712 domain: name "Tabmesh", version "2", on `chainId` at `contract`. */
export function tabmeshDomain (chainId: number, contract: Address): { name: 'Tabmesh', version: '2', chainId: number, verifyingContract: Address } {
  return { name: 'Tabmesh', version: '2', chainId, verifyingContract: contract }
}

export interface Cheque {
  requester: Address
  owner: Address
  /** Payment-token base units, cumulative over the lane's life. */
  cumulativeAmount: bigint
}

export interface Receipt {
  taskHash: Hex
  outputHash: Hex
  operator: Address
}

export interface PeerBinding {
  peerId: string
  owner: Address
}
