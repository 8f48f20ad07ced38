// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Errors} from "./Errors.sol";

/// @title Staking — providers' stake in the staking token, with unbonding and slashing.
/// @notice A provider stakes to become eligible for jobs whose `minStake` it meets. Unstaking starts an
///         unbonding delay (stake stays slashable meanwhile); `withdraw` pays out after it. The JobEscrow
///         slashes a provider against a valid fault proof; the slashed amount is split between the
///         wronged requester (SLASH_REQUESTER_BPS) and the treasury, both as pull payments.
contract Staking is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Share of a slash credited to the requester, in basis points (50%); the rest to the treasury.
    uint256 public constant SLASH_REQUESTER_BPS = 5_000;
    uint256 private constant BPS = 10_000;

    /// @notice The staking token (18 decimals on the local chain).
    IERC20 public immutable stakingToken;
    /// @notice Seconds between `requestUnstake` and `withdraw`.
    uint64 public immutable unbondingDelay;
    /// @notice The only account allowed to slash: the JobEscrow that verifies fault proofs. Set once.
    address public slasher;
    /// @notice Receives the treasury share of slashes.
    address public treasury;

    /// @notice Active stake per provider, in staking-token base units.
    mapping(address provider => uint256) public stakeOf;
    /// @notice Unbonding stake per provider and when it can be withdrawn.
    mapping(address provider => Unbonding) public unbonding;
    /// @notice Slash proceeds waiting to be pulled with `claimRewards`.
    mapping(address account => uint256) public rewards;

    struct Unbonding {
        uint256 amount;
        uint64 releaseAt;
    }

    /// @notice The slasher was already set.
    error SlasherAlreadySet(address slasher);
    /// @notice The provider asked to unstake more than its active stake.
    error InsufficientStake(address provider, uint256 requested, uint256 available);
    /// @notice Nothing is unbonding, or the unbonding delay has not passed.
    error NotWithdrawable(address provider, uint256 amount, uint64 releaseAt);
    /// @notice No rewards to claim.
    error NoRewards(address account);

    /// @notice `provider` staked `amount`; its active stake is now `total`.
    event Staked(address indexed provider, uint256 amount, uint256 total);
    /// @notice `provider` moved `amount` to unbonding, withdrawable at `releaseAt`.
    event UnstakeRequested(address indexed provider, uint256 amount, uint64 releaseAt);
    /// @notice `provider` withdrew `amount` of unbonded stake.
    event Withdrawn(address indexed provider, uint256 amount);
    /// @notice `provider` lost `amount`: `toRequester` credited to `requester`, the rest to the treasury.
    event Slashed(address indexed provider, address indexed requester, uint256 amount, uint256 toRequester);
    /// @notice `account` pulled `amount` of slash rewards.
    event RewardsClaimed(address indexed account, uint256 amount);
    /// @notice The slasher was set to `slasher`.
    event SlasherSet(address indexed slasher);

    /// @param token the staking token
    /// @param delay unbonding delay in seconds
    /// @param treasury_ receives the treasury share of slashes
    constructor(IERC20 token, uint64 delay, address treasury_) Ownable(msg.sender) {
        if (address(token) == address(0) || treasury_ == address(0)) revert Errors.ZeroAddress();
        stakingToken = token;
        unbondingDelay = delay;
        treasury = treasury_;
    }

    /// @notice Sets the JobEscrow allowed to slash. Once only.
    function setSlasher(address slasher_) external onlyOwner {
        if (slasher != address(0)) revert SlasherAlreadySet(slasher);
        if (slasher_ == address(0)) revert Errors.ZeroAddress();
        slasher = slasher_;
        emit SlasherSet(slasher_);
    }

    /// @notice Stakes `amount` base units of the staking token (pulled with transferFrom).
    function stake(uint256 amount) external nonReentrant {
        if (amount == 0) revert Errors.ZeroAmount();
        uint256 total = stakeOf[msg.sender] + amount;
        stakeOf[msg.sender] = total;
        emit Staked(msg.sender, amount, total);
        stakingToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Moves `amount` of active stake to unbonding; restarts the delay for everything unbonding.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert Errors.ZeroAmount();
        uint256 available = stakeOf[msg.sender];
        if (amount > available) revert InsufficientStake(msg.sender, amount, available);
        stakeOf[msg.sender] = available - amount;
        Unbonding storage u = unbonding[msg.sender];
        u.amount += amount;
        u.releaseAt = uint64(block.timestamp) + unbondingDelay;
        emit UnstakeRequested(msg.sender, amount, u.releaseAt);
    }

    /// @notice Withdraws all unbonded stake once the delay has passed.
    function withdraw() external nonReentrant {
        Unbonding memory u = unbonding[msg.sender];
        // The unbonding delay is days: timestamp leeway of seconds is irrelevant.
        // forge-lint: disable-next-line(block-timestamp)
        if (u.amount == 0 || block.timestamp < u.releaseAt) revert NotWithdrawable(msg.sender, u.amount, u.releaseAt);
        delete unbonding[msg.sender];
        emit Withdrawn(msg.sender, u.amount);
        stakingToken.safeTransfer(msg.sender, u.amount);
    }

    /// @notice Slashes up to `amount` from `provider` (active stake first, then unbonding).
    /// @dev Only the slasher (JobEscrow), after it verified a fault proof. Credits, never transfers.
    /// @return slashed what was actually taken (less than `amount` if the provider had less)
    function slash(address provider, uint256 amount, address requester) external returns (uint256 slashed) {
        if (msg.sender != slasher) revert Errors.Unauthorized(msg.sender);
        uint256 active = stakeOf[provider];
        uint256 fromActive = amount < active ? amount : active;
        stakeOf[provider] = active - fromActive;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding;
        if (rest > 0) {
            Unbonding storage u = unbonding[provider];
            fromUnbonding = rest < u.amount ? rest : u.amount;
            u.amount -= fromUnbonding;
        }
        slashed = fromActive + fromUnbonding;
        uint256 toRequester = (slashed * SLASH_REQUESTER_BPS) / BPS;
        rewards[requester] += toRequester;
        rewards[treasury] += slashed - toRequester;
        emit Slashed(provider, requester, slashed, toRequester);
    }

    /// @notice Pulls the caller's slash rewards.
    function claimRewards() external nonReentrant {
        uint256 amount = rewards[msg.sender];
        if (amount == 0) revert NoRewards(msg.sender);
        rewards[msg.sender] = 0;
        emit RewardsClaimed(msg.sender, amount);
        stakingToken.safeTransfer(msg.sender, amount);
    }
}
