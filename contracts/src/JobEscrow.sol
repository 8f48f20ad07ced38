// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Errors} from "./Errors.sol";
import {Staking} from "./Staking.sol";

/// @title JobEscrow — escrowed payment for Tabmesh jobs, settled by cumulative cheques.
/// @notice A requester opens a job and deposits `taskCount × redundancy × pricePerTask` plus the
///         maximum protocol fee. For each accepted task it signs a new EIP-712 *cheque* for the
///         cumulative amount owed to a provider; the provider cashes its latest cheque once (`claim`),
///         so settlement is one transaction per provider per job. The fee (`feeBps` of each payment)
///         goes to the treasury as payments are made; after the deadline `refund` returns what is
///         unspent. A provider's EIP-712 *receipt* that conflicts with `redundancy` agreeing receipts
///         of other staked providers is a fault proof: `slash` takes the job's `minStake` from it.
/// @dev EIP-712 domain: name "Tabmesh", version "1". Checks-effects-interactions and a reentrancy
///      guard on every transfer; loops are bounded by MAX_REDUNDANCY or by caller-supplied arrays.
contract JobEscrow is Ownable, ReentrancyGuard, EIP712 {
    using SafeERC20 for IERC20;

    /// @notice Largest allowed redundancy (bounds the fault-proof loop).
    uint16 public constant MAX_REDUNDANCY = 16;
    /// @notice Largest protocol fee, in basis points (10%).
    uint16 public constant MAX_FEE_BPS = 1_000;
    uint256 private constant BPS = 10_000;

    /// @notice keccak256 of the Cheque EIP-712 type.
    bytes32 public constant CHEQUE_TYPEHASH = keccak256("Cheque(bytes32 jobId,address provider,uint256 cumulativeAmount)");
    /// @notice keccak256 of the Receipt EIP-712 type. `outputHash` is the sha2-256 digest of the output
    ///         (the digest inside its CIDv1 raw/sha2-256 CID).
    bytes32 public constant RECEIPT_TYPEHASH = keccak256("Receipt(bytes32 jobId,uint32 taskIndex,bytes32 outputHash,address provider)");

    /// @notice The payment token (6 decimals on the local chain).
    IERC20 public immutable paymentToken;
    /// @notice Where provider stake lives; this contract is its slasher.
    Staking public immutable staking;
    /// @notice Receives protocol fees.
    address public treasury;
    /// @notice Protocol fee in basis points of every payment (default 100 = 1%).
    uint16 public feeBps;

    struct Job {
        address requester;
        uint64 deadline;
        uint32 taskCount;
        uint16 redundancy;
        bool refunded;
        uint128 pricePerTask;
        uint128 minStake;
        /// Unpaid deposit, payment-token base units.
        uint128 remaining;
        /// Unspent fee reserve.
        uint128 feeRemaining;
        bytes32 moduleCid;
        bytes32 inputsRoot;
        bytes32 resultsRoot;
    }

    struct Cheque {
        bytes32 jobId;
        address provider;
        uint256 cumulativeAmount;
    }

    struct Receipt {
        bytes32 jobId;
        uint32 taskIndex;
        bytes32 outputHash;
        address provider;
    }

    /// @notice Jobs by id.
    mapping(bytes32 jobId => Job) public jobs;
    /// @notice Cumulative amount already paid per job and provider.
    mapping(bytes32 jobId => mapping(address provider => uint256)) public claimed;
    /// @notice Whether a provider was already slashed for a task.
    mapping(bytes32 jobId => mapping(uint32 taskIndex => mapping(address provider => bool))) public slashedFor;

    error JobExists(bytes32 jobId);
    error UnknownJob(bytes32 jobId);
    error InvalidTaskCount(uint32 taskCount);
    error InvalidRedundancy(uint16 redundancy);
    error DeadlinePassed(uint64 deadline, uint256 nowTimestamp);
    error DeadlineNotReached(uint64 deadline, uint256 nowTimestamp);
    error DepositTooLarge(uint256 deposit);
    error FeeTooHigh(uint16 feeBps);
    error BadChequeSigner(bytes32 jobId, address signer, address requester);
    error NothingToClaim(bytes32 jobId, address provider, uint256 cumulativeAmount, uint256 alreadyClaimed);
    error ExceedsDeposit(bytes32 jobId, uint256 amount, uint256 remaining);
    error AlreadyRefunded(bytes32 jobId);
    error LengthMismatch(uint256 a, uint256 b);
    error TaskOutOfRange(bytes32 jobId, uint32 taskIndex, uint32 taskCount);
    error ReceiptMismatch(uint256 index);
    error BadReceiptSigner(uint256 index, address signer, address provider);
    error DuplicateProvider(address provider);
    error ReceiptsAgree(bytes32 outputHash);
    error QuorumSplit(uint256 index);
    error NotEnoughQuorum(uint256 given, uint16 redundancy);
    error InsufficientQuorumStake(address provider, uint256 stake, uint256 minStake);
    error AlreadySlashed(bytes32 jobId, uint32 taskIndex, address provider);
    error NothingToSlash(bytes32 jobId);

    /// @notice `requester` opened `jobId` and deposited `deposit` plus a fee reserve of `feeReserve`.
    event JobOpened(
        bytes32 indexed jobId, address indexed requester, bytes32 moduleCid, bytes32 inputsRoot, uint32 taskCount,
        uint16 redundancy, uint128 pricePerTask, uint64 deadline, uint128 minStake, uint256 deposit, uint256 feeReserve
    );
    /// @notice `provider` was paid `amount` (cumulative `cumulativeAmount`) for `jobId`; `fee` went to the treasury.
    event ChequeClaimed(bytes32 indexed jobId, address indexed provider, uint256 amount, uint256 cumulativeAmount, uint256 fee);
    /// @notice The unspent `amount` (deposit + fee reserve) went back to the requester.
    event JobRefunded(bytes32 indexed jobId, address indexed requester, uint256 amount);
    /// @notice The requester published the Merkle root of the job's accepted outputs.
    event ResultsPublished(bytes32 indexed jobId, bytes32 resultsRoot);
    /// @notice `provider` was slashed `amount` for a wrong output on `taskIndex`.
    event ProviderSlashed(bytes32 indexed jobId, uint32 indexed taskIndex, address indexed provider, uint256 amount);
    /// @notice The protocol fee was set to `feeBps`.
    event FeeSet(uint16 feeBps);
    /// @notice The treasury was set to `treasury`.
    event TreasurySet(address treasury);

    /// @param token the payment token
    /// @param staking_ the Staking contract (this escrow must be set as its slasher)
    /// @param treasury_ receives protocol fees
    constructor(IERC20 token, Staking staking_, address treasury_) Ownable(msg.sender) EIP712("Tabmesh", "1") {
        if (address(token) == address(0) || address(staking_) == address(0) || treasury_ == address(0)) revert Errors.ZeroAddress();
        paymentToken = token;
        staking = staking_;
        treasury = treasury_;
        feeBps = 100;
    }

    /// @notice Sets the protocol fee, at most MAX_FEE_BPS. Applies to jobs opened afterwards.
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

    /// @notice Opens `jobId`, pulling `taskCount × redundancy × pricePerTask` plus `feeBps` of it.
    /// @param jobId the job's id (random 32 bytes chosen by the requester)
    /// @param moduleCid sha2-256 digest of the Wasm module
    /// @param inputsRoot Merkle root (or hash) of the task inputs' CIDs
    /// @param taskCount number of tasks, > 0
    /// @param redundancy providers per task, 1..MAX_REDUNDANCY
    /// @param pricePerTask payment-token base units per task run
    /// @param deadline unix seconds after which the unspent deposit can be refunded
    /// @param minStake stake a provider needs to be eligible; also what a fault proof slashes
    function openJob(
        bytes32 jobId, bytes32 moduleCid, bytes32 inputsRoot, uint32 taskCount, uint16 redundancy,
        uint128 pricePerTask, uint64 deadline, uint128 minStake
    ) external nonReentrant {
        if (jobs[jobId].requester != address(0)) revert JobExists(jobId);
        if (taskCount == 0) revert InvalidTaskCount(taskCount);
        if (redundancy == 0 || redundancy > MAX_REDUNDANCY) revert InvalidRedundancy(redundancy);
        // Deadlines are hours or days: a validator's few seconds of timestamp leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (deadline <= block.timestamp) revert DeadlinePassed(deadline, block.timestamp);
        uint256 deposit = uint256(taskCount) * redundancy * pricePerTask;
        if (deposit > type(uint128).max / BPS) revert DepositTooLarge(deposit);
        uint256 feeReserve = (deposit * feeBps) / BPS;
        jobs[jobId] = Job({
            requester: msg.sender,
            deadline: deadline,
            taskCount: taskCount,
            redundancy: redundancy,
            refunded: false,
            pricePerTask: pricePerTask,
            minStake: minStake,
            // forge-lint: disable-next-line(unsafe-typecast)
            remaining: uint128(deposit), // safe: deposit <= type(uint128).max / BPS, checked above
            // forge-lint: disable-next-line(unsafe-typecast)
            feeRemaining: uint128(feeReserve), // safe: feeReserve <= deposit
            moduleCid: moduleCid,
            inputsRoot: inputsRoot,
            resultsRoot: bytes32(0)
        });
        emit JobOpened(jobId, msg.sender, moduleCid, inputsRoot, taskCount, redundancy, pricePerTask, deadline, minStake, deposit, feeReserve);
        paymentToken.safeTransferFrom(msg.sender, address(this), deposit + feeReserve);
    }

    /// @notice Pays `cheque.provider` what its latest cheque adds to what it already claimed.
    /// @param cheque `{jobId, provider, cumulativeAmount}` signed by the job's requester (EIP-712)
    /// @param signature the requester's 65-byte ECDSA signature
    function claim(Cheque calldata cheque, bytes calldata signature) external nonReentrant {
        (uint256 amount, uint256 fee) = _settle(cheque, signature);
        _pay(cheque.provider, amount, fee);
    }

    /// @notice `claim` for several jobs (or providers) in one transaction; the array is the caller's.
    function claimMany(Cheque[] calldata cheques, bytes[] calldata signatures) external nonReentrant {
        if (cheques.length != signatures.length) revert LengthMismatch(cheques.length, signatures.length);
        uint256 totalFee;
        for (uint256 i; i < cheques.length; ++i) {
            (uint256 amount, uint256 fee) = _settle(cheques[i], signatures[i]);
            totalFee += fee;
            paymentToken.safeTransfer(cheques[i].provider, amount);
        }
        if (totalFee > 0) paymentToken.safeTransfer(treasury, totalFee);
    }

    /// @notice After the deadline, returns the unspent deposit and fee reserve to the requester.
    function refund(bytes32 jobId) external nonReentrant {
        Job storage job = _job(jobId);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= job.deadline) revert DeadlineNotReached(job.deadline, block.timestamp);
        if (job.refunded) revert AlreadyRefunded(jobId);
        uint256 amount = uint256(job.remaining) + job.feeRemaining;
        job.refunded = true;
        job.remaining = 0;
        job.feeRemaining = 0;
        emit JobRefunded(jobId, job.requester, amount);
        if (amount > 0) paymentToken.safeTransfer(job.requester, amount);
    }

    /// @notice The requester publishes the Merkle root of accepted outputs (see `verifyResult`).
    function publishResults(bytes32 jobId, bytes32 resultsRoot) external {
        Job storage job = _job(jobId);
        if (msg.sender != job.requester) revert Errors.Unauthorized(msg.sender);
        job.resultsRoot = resultsRoot;
        emit ResultsPublished(jobId, resultsRoot);
    }

    /// @notice Whether `outputHash` is the accepted output of task `taskIndex`, by Merkle proof against
    ///         the published root. Leaves are `keccak256(bytes.concat(keccak256(abi.encode(taskIndex, outputHash))))`
    ///         (OpenZeppelin's double-hashed leaf, sorted-pair tree).
    function verifyResult(bytes32 jobId, uint32 taskIndex, bytes32 outputHash, bytes32[] calldata proof) external view returns (bool) {
        bytes32 root = jobs[jobId].resultsRoot;
        if (root == bytes32(0)) return false;
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(taskIndex, outputHash))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @notice Slashes a provider whose signed receipt conflicts with `redundancy` agreeing receipts of
    ///         other providers, each staked at least the job's `minStake`. Anyone may submit the proof.
    /// @param faulty the outvoted receipt, signed by `faulty.provider`
    /// @param quorum `redundancy` receipts for the same task with one other output, distinct providers
    function slash(Receipt calldata faulty, bytes calldata faultySignature, Receipt[] calldata quorum, bytes[] calldata quorumSignatures)
        external
        nonReentrant
    {
        Job storage job = _job(faulty.jobId);
        if (job.minStake == 0) revert NothingToSlash(faulty.jobId);
        if (faulty.taskIndex >= job.taskCount) revert TaskOutOfRange(faulty.jobId, faulty.taskIndex, job.taskCount);
        if (quorum.length != quorumSignatures.length) revert LengthMismatch(quorum.length, quorumSignatures.length);
        if (quorum.length < job.redundancy || quorum.length > MAX_REDUNDANCY) revert NotEnoughQuorum(quorum.length, job.redundancy);
        if (slashedFor[faulty.jobId][faulty.taskIndex][faulty.provider]) revert AlreadySlashed(faulty.jobId, faulty.taskIndex, faulty.provider);
        _checkReceipt(faulty, faultySignature, type(uint256).max);
        bytes32 agreed = quorum[0].outputHash;
        if (agreed == faulty.outputHash) revert ReceiptsAgree(agreed);
        for (uint256 i; i < quorum.length; ++i) {
            Receipt calldata r = quorum[i];
            if (r.jobId != faulty.jobId || r.taskIndex != faulty.taskIndex) revert ReceiptMismatch(i);
            if (r.outputHash != agreed) revert QuorumSplit(i);
            if (r.provider == faulty.provider) revert DuplicateProvider(r.provider);
            for (uint256 j; j < i; ++j) if (quorum[j].provider == r.provider) revert DuplicateProvider(r.provider);
            uint256 stake = staking.stakeOf(r.provider);
            if (stake < job.minStake) revert InsufficientQuorumStake(r.provider, stake, job.minStake);
            _checkReceipt(r, quorumSignatures[i], i);
        }
        slashedFor[faulty.jobId][faulty.taskIndex][faulty.provider] = true;
        uint256 taken = staking.slash(faulty.provider, job.minStake, job.requester);
        emit ProviderSlashed(faulty.jobId, faulty.taskIndex, faulty.provider, taken);
    }

    /// @notice EIP-712 digest of a cheque (what the requester signs).
    function chequeDigest(Cheque calldata cheque) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CHEQUE_TYPEHASH, cheque.jobId, cheque.provider, cheque.cumulativeAmount)));
    }

    /// @notice EIP-712 digest of a receipt (what a provider signs).
    function receiptDigest(Receipt calldata receipt) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(RECEIPT_TYPEHASH, receipt.jobId, receipt.taskIndex, receipt.outputHash, receipt.provider))
        );
    }

    /// @notice The EIP-712 domain separator.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _settle(Cheque calldata cheque, bytes calldata signature) private returns (uint256 amount, uint256 fee) {
        Job storage job = _job(cheque.jobId);
        if (job.refunded) revert AlreadyRefunded(cheque.jobId);
        address signer = ECDSA.recover(chequeDigest(cheque), signature);
        if (signer != job.requester) revert BadChequeSigner(cheque.jobId, signer, job.requester);
        uint256 already = claimed[cheque.jobId][cheque.provider];
        if (cheque.cumulativeAmount <= already) revert NothingToClaim(cheque.jobId, cheque.provider, cheque.cumulativeAmount, already);
        amount = cheque.cumulativeAmount - already;
        if (amount > job.remaining) revert ExceedsDeposit(cheque.jobId, amount, job.remaining);
        fee = (amount * job.feeRemaining) / job.remaining;
        claimed[cheque.jobId][cheque.provider] = cheque.cumulativeAmount;
        // forge-lint: disable-next-line(unsafe-typecast)
        job.remaining -= uint128(amount); // safe: amount <= remaining, checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        job.feeRemaining -= uint128(fee); // safe: fee <= feeRemaining since amount <= remaining
        emit ChequeClaimed(cheque.jobId, cheque.provider, amount, cheque.cumulativeAmount, fee);
    }

    function _pay(address provider, uint256 amount, uint256 fee) private {
        paymentToken.safeTransfer(provider, amount);
        if (fee > 0) paymentToken.safeTransfer(treasury, fee);
    }

    function _checkReceipt(Receipt calldata r, bytes calldata signature, uint256 index) private view {
        address signer = ECDSA.recover(receiptDigest(r), signature);
        if (signer != r.provider) revert BadReceiptSigner(index, signer, r.provider);
    }

    function _job(bytes32 jobId) private view returns (Job storage job) {
        job = jobs[jobId];
        if (job.requester == address(0)) revert UnknownJob(jobId);
    }
}
