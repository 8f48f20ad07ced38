import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError, InsufficientFundsError, ChainMismatchError } from 'viem'

/** Contract errors (custom errors of Staking / JobEscrow / TestToken) in plain words. */
const CONTRACT_ERRORS: Record<string, string> = {
  InsufficientStake: 'You cannot unstake more than you have staked.',
  NotWithdrawable: 'Nothing can be withdrawn yet: the unbonding period has not ended.',
  NoRewards: 'There are no slash rewards to claim.',
  ZeroAmount: 'Enter an amount greater than zero.',
  NothingToClaim: 'That cheque was already claimed.',
  ExceedsDeposit: 'The cheque is larger than what is left in the job\'s escrow.',
  AlreadyRefunded: 'The job was already refunded.',
  DeadlineNotReached: 'The job\'s deadline has not passed yet.',
  FaucetCapExceeded: 'The faucet gives at most 1,000,000 tokens at a time.',
  ERC20InsufficientBalance: 'Insufficient token balance.',
  ERC20InsufficientAllowance: 'The token allowance is too low.'
}

/** Turns a viem / wallet error into one sentence a person understands. */
export function plainError (err: unknown): string {
  if (err instanceof BaseError) {
    const rejected = err.walk(e => e instanceof UserRejectedRequestError)
    if (rejected !== null) return 'You rejected the request in your wallet.'
    if (err.walk(e => e instanceof InsufficientFundsError) !== null) return 'Insufficient balance to pay for gas.'
    if (err.walk(e => e instanceof ChainMismatchError) !== null) return 'Your wallet is on the wrong network: switch it to the Tabmesh chain.'
    const reverted = err.walk(e => e instanceof ContractFunctionRevertedError)
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName
      if (name !== undefined) return CONTRACT_ERRORS[name] ?? `The contract refused: ${name}.`
    }
    return err.shortMessage
  }
  return err instanceof Error ? err.message : String(err)
}
