// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Errors} from "./Errors.sol";

/// @title Staking — owners' stake, their operator keys, unbonding, dispute locks and slashing.
/// @notice An *owner* (a wallet) stakes the staking token and registers *operators*: the keys of its
///         provider processes (a tab's burner key, a Node provider's key), each with the operator's
///         EIP-712 consent, so nobody can claim someone else's key. Operators sign receipts; the owner is
///         paid and slashed. Unstaking starts an unbonding delay during which stake stays slashable;
///         an owner that is a party to (or arbiter of) an open dispute cannot withdraw. Only the
///         arbitration contract (the slasher) slashes; slashed tokens go to it for distribution.
/// @dev EIP-712 domain: name "Tabmesh", version "2", this contract. The list of owners with at least one
///      operator (`owners`) is the pool arbiters are drawn from (Arbitration.draw scans it).
contract Staking is Ownable, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice Most operators one owner may register (bounds `removeOperator`'s scan and the arbiter pool's size per owner).
    uint256 public constant MAX_OPERATORS_PER_OWNER = 64;
    /// @notice keccak256 of the OperatorConsent EIP-712 type: the operator agrees to act for `owner`.
    bytes32 public constant OPERATOR_CONSENT_TYPEHASH = keccak256("OperatorConsent(address owner,address operator)");

    /// @notice The staking token (18 decimals on the local chain).
    IERC20 public immutable stakingToken;
    /// @notice Seconds between `requestUnstake` and `withdraw`.
    uint64 public immutable unbondingDelay;
    /// @notice The only account allowed to slash and lock: the Arbitration contract. Set once.
    address public slasher;

    struct Unbonding {
        uint256 amount;
        uint64 releaseAt;
    }

    /// @notice Active stake per owner, staking-token base units.
    mapping(address owner => uint256) public stakeOf;
    /// @notice Unbonding stake per owner and when it can be withdrawn.
    mapping(address owner => Unbonding) public unbonding;
    /// @notice The owner an operator key acts for (zero: not registered).
    mapping(address operator => address) public ownerOf;
    /// @notice Open disputes an owner is a party to or an arbiter of; `withdraw` waits for zero.
    mapping(address owner => uint256) public locks;
    mapping(address owner => address[]) private _operators;
    /// @notice Owners with at least one operator: the arbiter pool.
    address[] private _owners;
    mapping(address owner => uint256) private _ownerSlot; // index + 1 in _owners; 0 = absent

    /// @notice The slasher was already set.
    error SlasherAlreadySet(address slasher);
    /// @notice The owner asked to unstake more than its active stake.
    error InsufficientStake(address owner, uint256 requested, uint256 available);
    /// @notice Nothing is unbonding, or the unbonding delay has not passed.
    error NotWithdrawable(address owner, uint256 amount, uint64 releaseAt);
    /// @notice The owner is a party to or an arbiter of `locks` open disputes.
    error StakeLocked(address owner, uint256 locks);
    /// @notice `operator` already acts for `owner`.
    error OperatorTaken(address operator, address owner);
    /// @notice `operator` does not act for `owner`.
    error NotOperatorOf(address operator, address owner);
    /// @notice The consent signature was not made by `operator` (recovered `signer`).
    error BadConsent(address operator, address signer);
    /// @notice The owner already has MAX_OPERATORS_PER_OWNER operators.
    error TooManyOperators(address owner);

    /// @notice `owner` staked `amount`; its active stake is now `total`.
    event Staked(address indexed owner, uint256 amount, uint256 total);
    /// @notice `owner` moved `amount` to unbonding, withdrawable at `releaseAt`.
    event UnstakeRequested(address indexed owner, uint256 amount, uint64 releaseAt);
    /// @notice `owner` withdrew `amount` of unbonded stake.
    event Withdrawn(address indexed owner, uint256 amount);
    /// @notice `owner` lost `amount` (sent to the slasher for distribution).
    event Slashed(address indexed owner, uint256 amount);
    /// @notice `operator` now acts for `owner`.
    event OperatorAdded(address indexed owner, address indexed operator);
    /// @notice `operator` no longer acts for `owner`.
    event OperatorRemoved(address indexed owner, address indexed operator);
    /// @notice The slasher was set to `slasher`.
    event SlasherSet(address indexed slasher);

    /// @param token the staking token
    /// @param delay unbonding delay in seconds
    constructor(IERC20 token, uint64 delay) Ownable(msg.sender) EIP712("Tabmesh", "2") {
        if (address(token) == address(0)) revert Errors.ZeroAddress();
        stakingToken = token;
        unbondingDelay = delay;
    }

    /// @notice Sets the Arbitration contract allowed to slash and lock. Once only.
    function setSlasher(address slasher_) external onlyOwner {
        if (slasher != address(0)) revert SlasherAlreadySet(slasher);
        if (slasher_ == address(0)) revert Errors.ZeroAddress();
        slasher = slasher_;
        emit SlasherSet(slasher_);
    }

    // ---------------------------------------------------------------- operators

    /// @notice Registers `operator` as a key acting for the caller (the owner).
    /// @param operator the operator's address (a provider process's key; may be the caller itself)
    /// @param consent the operator's 65-byte EIP-712 signature over `OperatorConsent(owner, operator)`
    /// @dev Reverts OperatorTaken when the key already acts for anyone, BadConsent on a wrong signature.
    function addOperator(address operator, bytes calldata consent) external {
        if (operator == address(0)) revert Errors.ZeroAddress();
        address current = ownerOf[operator];
        if (current != address(0)) revert OperatorTaken(operator, current);
        address signer = ECDSA.recover(consentDigest(msg.sender, operator), consent);
        if (signer != operator) revert BadConsent(operator, signer);
        address[] storage ops = _operators[msg.sender];
        if (ops.length >= MAX_OPERATORS_PER_OWNER) revert TooManyOperators(msg.sender);
        ownerOf[operator] = msg.sender;
        ops.push(operator);
        if (_ownerSlot[msg.sender] == 0) {
            _owners.push(msg.sender);
            _ownerSlot[msg.sender] = _owners.length;
        }
        emit OperatorAdded(msg.sender, operator);
    }

    /// @notice Removes `operator` from the caller's operators (its old receipts stay attributable:
    ///         disputes name the owner at the time they open).
    function removeOperator(address operator) external {
        if (ownerOf[operator] != msg.sender) revert NotOperatorOf(operator, msg.sender);
        delete ownerOf[operator];
        address[] storage ops = _operators[msg.sender];
        for (uint256 i; i < ops.length; ++i) {
            if (ops[i] == operator) {
                ops[i] = ops[ops.length - 1];
                ops.pop();
                break;
            }
        }
        if (ops.length == 0) {
            uint256 slot = _ownerSlot[msg.sender];
            address last = _owners[_owners.length - 1];
            _owners[slot - 1] = last;
            _ownerSlot[last] = slot;
            _owners.pop();
            delete _ownerSlot[msg.sender];
        }
        emit OperatorRemoved(msg.sender, operator);
    }

    /// @notice The operators of `owner`.
    function operatorsOf(address owner) external view returns (address[] memory) {
        return _operators[owner];
    }

    /// @notice Number of owners with at least one operator (the arbiter pool).
    function ownerCount() external view returns (uint256) {
        return _owners.length;
    }

    /// @notice The `index`-th owner of the arbiter pool (order changes when owners leave).
    function ownerAt(uint256 index) external view returns (address) {
        return _owners[index];
    }

    /// @notice EIP-712 digest an operator signs to consent to act for `owner`.
    function consentDigest(address owner, address operator) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(OPERATOR_CONSENT_TYPEHASH, owner, operator)));
    }

    // ---------------------------------------------------------------- stake

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

    /// @notice Withdraws all unbonded stake once the delay has passed and no dispute holds it.
    function withdraw() external nonReentrant {
        Unbonding memory u = unbonding[msg.sender];
        // The unbonding delay is days: timestamp leeway of seconds is irrelevant.
        // forge-lint: disable-next-line(block-timestamp)
        if (u.amount == 0 || block.timestamp < u.releaseAt) revert NotWithdrawable(msg.sender, u.amount, u.releaseAt);
        uint256 held = locks[msg.sender];
        if (held > 0) revert StakeLocked(msg.sender, held);
        delete unbonding[msg.sender];
        emit Withdrawn(msg.sender, u.amount);
        stakingToken.safeTransfer(msg.sender, u.amount);
    }

    // ---------------------------------------------------------------- slasher

    /// @notice Holds `owner`'s stake while a dispute about it (or arbitrated by it) is open.
    function lock(address owner) external {
        if (msg.sender != slasher) revert Errors.Unauthorized(msg.sender);
        ++locks[owner];
    }

    /// @notice Releases one `lock`.
    function unlock(address owner) external {
        if (msg.sender != slasher) revert Errors.Unauthorized(msg.sender);
        --locks[owner];
    }

    /// @notice Takes up to `amount` from `owner` (active stake first, then unbonding) and sends it to the slasher.
    /// @return slashed what was taken (less than `amount` if the owner had less)
    function slash(address owner, uint256 amount) external nonReentrant returns (uint256 slashed) {
        if (msg.sender != slasher) revert Errors.Unauthorized(msg.sender);
        uint256 active = stakeOf[owner];
        uint256 fromActive = amount < active ? amount : active;
        stakeOf[owner] = active - fromActive;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding;
        if (rest > 0) {
            Unbonding storage u = unbonding[owner];
            fromUnbonding = rest < u.amount ? rest : u.amount;
            u.amount -= fromUnbonding;
        }
        slashed = fromActive + fromUnbonding;
        emit Slashed(owner, slashed);
        if (slashed > 0) stakingToken.safeTransfer(msg.sender, slashed);
    }
}
