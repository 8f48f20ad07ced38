import type { ReadContractErrorType, SendTransactionErrorType, WaitForTransactionReceiptErrorType } from 'viem'
import type { AbortedError, TabmeshError } from '../../errors/base.ts'
import type { TabmeshPublicClient, TabmeshWalletClient } from '../clients.ts'
import type { ChainConfig } from '../config.ts'

/** A public client on the deployment's chain. */
export interface ReadClients {
  publicClient: TabmeshPublicClient
}

/** What every contract read takes: the deployment's addresses it needs, and a public client. */
export interface ReadParameters<contracts extends keyof ChainConfig = keyof ChainConfig> extends ReadClients {
  chain: Pick<ChainConfig, contracts>
}

/** A wallet client whose account sends the transaction, and the public client that waits for its receipt. */
export interface WriteClients extends ReadClients {
  walletClient: TabmeshWalletClient
  /** Stops waiting: before sending nothing is sent; after, the transaction may still land. */
  signal?: AbortSignal
  /** The TabmeshError code thrown when the transaction reverts (each action has its own default). */
  errorCode?: string
}

/** A write's own arguments: its parameters without the clients (what its `…Request` builder takes). */
export type RequestParameters<parameters extends WriteClients> = Omit<parameters, keyof WriteClients>

/** What every contract write takes besides its own arguments. */
export interface WriteParameters<contracts extends keyof ChainConfig = keyof ChainConfig> extends WriteClients {
  chain: Pick<ChainConfig, contracts>
}

/** What a read may throw: viem's readContract errors (RPC down, call reverted). */
export type ReadErrorType = ReadContractErrorType

/**
 * What a write may throw: TabmeshError with the action's code when the transaction is mined but
 * reverted; the signal's reason (AbortedError by default) when aborted; viem's errors when sending
 * or waiting fails.
 */
export type WriteErrorType = TabmeshError | AbortedError | SendTransactionErrorType | WaitForTransactionReceiptErrorType

