// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Errors} from "./Errors.sol";

/// @title PaymentLanes — one unidirectional payment channel per (requester, provider owner).
/// @notice A requester deposits the payment token and moves it into *lanes*, one per provider owner
///         (`fundLanes`, many in one transaction). It pays by signing EIP-712 *cheques* for the
///         cumulative amount a lane owes its owner — across all jobs, not per job; which tasks a cheque
///         pays for is agreed off chain. Anyone may submit a cheque (`claim`); the owner is always the
///         one paid, less `feeBps` for the treasury. A requester gets a lane's unspent funds back only
///         with `startClose` and, after `challengeWindow` seconds in which the owner's newest cheque
///         still wins, `finishClose`. One lane's money can never pay another lane.
/// @dev After the uni-directional payment channel (Filecoin's payment-channel actor): cheques are
///      cumulative, so only the newest matters and replay pays nothing. EIP-712 domain: name "Tabmesh",
///      version "2", this contract. A lane is one storage slot (funded, claimed: uint96; closesAt: uint64).
contract PaymentLanes is Ownable, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice Largest protocol fee, in basis points (10%).
    uint16 public constant MAX_FEE_BPS = 1_000;
    uint256 private constant BPS = 10_000;
    /// @notice keccak256 of the Cheque EIP-712 type: `requester` owes `owner` `cumulativeAmount` in total on their lane.
    bytes32 public constant CHEQUE_TYPEHASH = keccak256("Cheque(address requester,address owner,uint256 cumulativeAmount)");

    struct Lane {
        /// Everything the requester ever moved into the lane, payment-token base units.
        uint96 funded;
        /// Everything claimed from it (gross, fee included).
        uint96 claimed;
        /// Unix seconds when a started close may finish; 0 = open.
        uint64 closesAt;
    }

    struct Cheque {
        address requester;
        address owner;
        uint256 cumulativeAmount;
    }

    /// @notice The payment token (6 decimals on the local chain).
    IERC20 public immutable paymentToken;
    /// @notice Seconds between `startClose` and `finishClose` (default 24 h): the owner's time to claim.
    uint64 public immutable challengeWindow;
    // treasury, feeBps and feesAccrued share one storage slot: a claim reads the fee and adds to the
    // accrued fees with one cold SLOAD and one SSTORE (2.1k gas less per claim than two slots).
    /// @notice Receives protocol fees (`collectFees`).
    address public treasury;
    /// @notice Protocol fee in basis points of every claim (default 100 = 1%).
    uint16 public feeBps;
    /// @notice Fees claimed but not yet collected by the treasury, payment-token base units.
    uint80 public feesAccrued;
    /// @notice Unassigned funds per requester (deposited, not in a lane).
    mapping(address requester => uint256) public deposits;
    /// @notice Lanes by requester and owner.
    mapping(address requester => mapping(address owner => Lane)) public lanes;

    error FeeTooHigh(uint16 feeBps);
    error LengthMismatch(uint256 a, uint256 b);
    error InsufficientDeposit(address requester, uint256 needed, uint256 available);
    error AmountTooLarge(uint256 amount);
    error BadChequeSigner(address requester, address signer);
    error NothingToClaim(address requester, address owner, uint256 cumulativeAmount, uint256 claimable);
    error LaneNotClosing(address requester, address owner);
    error CloseNotDue(address requester, address owner, uint64 closesAt);

    /// @notice `requester` deposited `amount`.
    event Deposited(address indexed requester, uint256 amount);
    /// @notice `requester` withdrew `amount` of its deposit.
    event DepositWithdrawn(address indexed requester, uint256 amount);
    /// @notice `requester` moved `amount` into its lane to `owner`; the lane has now received `funded` in total.
    event LaneFunded(address indexed requester, address indexed owner, uint256 amount, uint256 funded);
    /// @notice `owner` was paid `amount - fee` from its lane with `requester` (cumulative claimed: `claimed`).
    event LaneClaimed(address indexed requester, address indexed owner, uint256 amount, uint256 fee, uint256 claimed);
    /// @notice `requester` started closing its lane to `owner`; it can finish at `closesAt`.
    event LaneCloseStarted(address indexed requester, address indexed owner, uint64 closesAt);
    /// @notice The lane's unspent `refunded` went back to `requester`'s deposit.
    event LaneClosed(address indexed requester, address indexed owner, uint256 refunded);
    /// @notice The treasury collected `amount` of fees.
    event FeesCollected(address indexed treasury, uint256 amount);
    event FeeSet(uint16 feeBps);
    event TreasurySet(address treasury);

    /// @param token the payment token
    /// @param treasury_ receives protocol fees
    /// @param challengeWindow_ seconds a started close waits (24 h on a real network)
    constructor(IERC20 token, address treasury_, uint64 challengeWindow_) Ownable(msg.sender) EIP712("Tabmesh", "2") {
        if (address(token) == address(0) || treasury_ == address(0)) revert Errors.ZeroAddress();
        paymentToken = token;
        treasury = treasury_;
        challengeWindow = challengeWindow_;
        feeBps = 100;
    }

    /// @notice Sets the protocol fee, at most MAX_FEE_BPS. Applies to later claims.
    function setFee(uint16 feeBps_) external onlyOwner {
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_);
        feeBps = feeBps_;
        emit FeeSet(feeBps_);
    }

    /// @notice Sets the treasury.
    function setTreasury(address treasury_) external onlyOwner {
        if (treasury_ == address(0)) revert Errors.ZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @notice Pulls `amount` base units into the caller's deposit.
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert Errors.ZeroAmount();
        deposits[msg.sender] += amount;
        emit Deposited(msg.sender, amount);
        paymentToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Returns `amount` of the caller's unassigned deposit.
    function withdraw(uint256 amount) external nonReentrant {
        uint256 available = deposits[msg.sender];
        if (amount == 0) revert Errors.ZeroAmount();
        if (amount > available) revert InsufficientDeposit(msg.sender, amount, available);
        deposits[msg.sender] = available - amount;
        emit DepositWithdrawn(msg.sender, amount);
        paymentToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Moves `amounts[i]` of the caller's deposit into its lane to `owners[i]`. Funding a closing
    ///         lane cancels the close.
    /// @dev One SSTORE per lane (≈ 25k gas for a new lane, ≈ 8k for a top-up, snapshot in .gas-snapshot).
    function fundLanes(address[] calldata owners, uint256[] calldata amounts) external {
        if (owners.length != amounts.length) revert LengthMismatch(owners.length, amounts.length);
        uint256 total;
        for (uint256 i; i < owners.length; ++i) {
            address owner = owners[i];
            uint256 amount = amounts[i];
            if (owner == address(0)) revert Errors.ZeroAddress();
            Lane storage lane = lanes[msg.sender][owner];
            uint256 funded = lane.funded + amount;
            if (funded > type(uint96).max) revert AmountTooLarge(funded);
            // forge-lint: disable-next-line(unsafe-typecast)
            lane.funded = uint96(funded); // safe: checked above
            if (lane.closesAt != 0) lane.closesAt = 0;
            total += amount;
            emit LaneFunded(msg.sender, owner, amount, funded);
        }
        uint256 available = deposits[msg.sender];
        if (total > available) revert InsufficientDeposit(msg.sender, total, available);
        deposits[msg.sender] = available - total;
    }

    /// @notice Pays `cheque.owner` what the cheque adds to what its lane already paid, up to what the
    ///         lane holds; the fee stays for the treasury. Anyone may submit it.
    /// @param cheque `{requester, owner, cumulativeAmount}` signed by `requester`
    /// @param signature the requester's 65-byte ECDSA signature (EIP-712)
    /// @dev Reverts NothingToClaim when the lane owes nothing more against this cheque.
    function claim(Cheque calldata cheque, bytes calldata signature) external nonReentrant {
        (uint256 net, uint256 fee) = _settle(cheque, signature);
        if (net + fee == 0) {
            Lane storage lane = lanes[cheque.requester][cheque.owner];
            revert NothingToClaim(cheque.requester, cheque.owner, cheque.cumulativeAmount, uint256(lane.funded) - lane.claimed);
        }
        _accrue(fee);
        paymentToken.safeTransfer(cheque.owner, net);
    }

    /// @notice `claim` for several lanes in one transaction. Cheques that pay nothing (already claimed —
    ///         perhaps by someone front-running one of them) are skipped, so one cannot revert the rest.
    /// @return paid total paid to owners (fees excluded)
    function claimMany(Cheque[] calldata cheques, bytes[] calldata signatures) external nonReentrant returns (uint256 paid) {
        if (cheques.length != signatures.length) revert LengthMismatch(cheques.length, signatures.length);
        uint256 fees;
        for (uint256 i; i < cheques.length; ++i) {
            (uint256 net, uint256 fee) = _settle(cheques[i], signatures[i]);
            fees += fee;
            paid += net;
            if (net > 0) paymentToken.safeTransfer(cheques[i].owner, net);
        }
        _accrue(fees);
    }

    /// @notice Starts closing the caller's lane to `owner`: after `challengeWindow` it may `finishClose`.
    function startClose(address owner) external {
        Lane storage lane = lanes[msg.sender][owner];
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 closesAt = uint64(block.timestamp) + challengeWindow;
        lane.closesAt = closesAt;
        emit LaneCloseStarted(msg.sender, owner, closesAt);
    }

    /// @notice Returns the lane's unspent funds to the caller's deposit once its close is due. The lane
    ///         stays usable (funding it again reopens it; cumulative cheques continue from `claimed`).
    function finishClose(address owner) external {
        Lane storage lane = lanes[msg.sender][owner];
        uint64 closesAt = lane.closesAt;
        if (closesAt == 0) revert LaneNotClosing(msg.sender, owner);
        // The window is hours: validators' seconds of timestamp leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < closesAt) revert CloseNotDue(msg.sender, owner, closesAt);
        uint256 refunded = uint256(lane.funded) - lane.claimed;
        lane.funded = lane.claimed;
        lane.closesAt = 0;
        deposits[msg.sender] += refunded;
        emit LaneClosed(msg.sender, owner, refunded);
    }

    /// @notice Sends the accrued fees to the treasury. Anyone may call it.
    function collectFees() external nonReentrant {
        uint256 amount = feesAccrued;
        if (amount == 0) revert Errors.ZeroAmount();
        feesAccrued = 0;
        emit FeesCollected(treasury, amount);
        paymentToken.safeTransfer(treasury, amount);
    }

    /// @notice What the lane can still pay: funded − claimed, base units.
    function unspent(address requester, address owner) external view returns (uint256) {
        Lane memory lane = lanes[requester][owner];
        return uint256(lane.funded) - lane.claimed;
    }

    /// @notice EIP-712 digest of a cheque (what the requester signs).
    function chequeDigest(Cheque calldata cheque) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CHEQUE_TYPEHASH, cheque.requester, cheque.owner, cheque.cumulativeAmount)));
    }

    /// @notice The EIP-712 domain separator.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _accrue(uint256 fee) private {
        uint256 total = feesAccrued + fee;
        if (total > type(uint80).max) revert AmountTooLarge(total);
        // forge-lint: disable-next-line(unsafe-typecast)
        feesAccrued = uint80(total); // safe: checked above
    }

    /// @dev Effects only (no transfer): moves the cheque's new amount, capped at the lane's funds, to claimed.
    function _settle(Cheque calldata cheque, bytes calldata signature) private returns (uint256 net, uint256 fee) {
        address signer = ECDSA.recover(chequeDigest(cheque), signature);
        if (signer != cheque.requester) revert BadChequeSigner(cheque.requester, signer);
        Lane storage lane = lanes[cheque.requester][cheque.owner];
        uint256 funded = lane.funded;
        uint256 claimed = lane.claimed;
        uint256 target = cheque.cumulativeAmount < funded ? cheque.cumulativeAmount : funded;
        if (target <= claimed) return (0, 0);
        uint256 amount = target - claimed;
        // forge-lint: disable-next-line(unsafe-typecast)
        lane.claimed = uint96(target); // safe: target <= funded <= uint96 max
        fee = (amount * feeBps) / BPS;
        net = amount - fee;
        emit LaneClaimed(cheque.requester, cheque.owner, net, fee, target);
    }
}
