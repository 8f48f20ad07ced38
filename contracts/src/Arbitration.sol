// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Errors} from "./Errors.sol";
import {Staking} from "./Staking.sol";

/// @title Arbitration — disputes about task outputs, decided by randomly drawn staked arbiters.
/// @notice Operators sign EIP-712 *receipts*: "the task with hash `taskHash` gave the output whose
///         sha2-256 digest is `outputHash`". Anyone holding receipts that disagree for one task opens a
///         dispute, posting `disputeBond` of the staking token and the task's description (whose keccak256
///         is the task hash: module CID, input CID, args, env, limits — see chain/task-hash.ts). From a
///         *later* block's `prevrandao`, `draw` picks `arbiterCount` owners, stake-weighted, among owners
///         with operators and at least `minArbiterStake`, excluding every party's owner and the opener's.
///         Arbiters run the task and commit (`keccak256(abi.encode(id, arbiter, outputHash, salt))`), then
///         reveal. An output revealed by more than half of the drawn arbiters decides: every party whose
///         receipt disagrees is slashed `slashAmount`; of the slashed stake `arbiterShareBps` goes to the
///         arbiters who revealed the majority, `bountyBps` to the opener (who also gets its bond back) and
///         the rest to the treasury. Without a majority — including arbiters revealing zero, "could not
///         fetch the data" — nobody is slashed and the bond pays the revealing arbiters and the treasury.
///         A drawn arbiter that does not reveal loses `arbiterPenalty` of its stake to the treasury.
/// @dev Security rests on an honest majority of the stake drawn: an attacker holding a fraction p of the
///      arbiter pool's stake wins a 3-arbiter dispute with probability 3p² − 2p³. After iExec PoCo's
///      consensus and Truebit/Koii-style audits. `draw` scans the owner pool (O(owners) gas); past ~1,000
///      owners a sortition sum tree replaces the scan. EIP-712 domain: name "Tabmesh", version "2", this contract.
contract Arbitration is ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    /// @notice Most receipts in one dispute (bounds the resolve loop).
    uint256 public constant MAX_PARTIES = 8;
    /// @notice Blocks between opening and drawing: the draw uses a block that did not exist at opening.
    uint256 public constant DRAW_DELAY_BLOCKS = 1;
    /// @notice Blocks after `drawBlock` in which `draw` must happen, else the dispute expires.
    uint256 public constant DRAW_WINDOW_BLOCKS = 256;
    /// @notice keccak256 of the Receipt EIP-712 type.
    bytes32 public constant RECEIPT_TYPEHASH = keccak256("Receipt(bytes32 taskHash,bytes32 outputHash,address operator)");

    struct Receipt {
        bytes32 taskHash;
        bytes32 outputHash;
        address operator;
    }

    /// @notice Deployment parameters (see the contract notice).
    struct Params {
        uint8 arbiterCount;
        uint256 minArbiterStake;
        uint256 slashAmount;
        uint256 disputeBond;
        uint256 arbiterPenalty;
        uint64 commitWindow;
        uint64 revealWindow;
        uint16 arbiterShareBps;
        uint16 bountyBps;
    }

    enum Status {
        None,
        Open,
        Drawn,
        Resolved,
        Expired
    }

    struct Dispute {
        address opener;
        Status status;
        uint64 drawBlock;
        uint64 commitDeadline;
        uint64 revealDeadline;
        bytes32 taskHash;
        address[] parties;
        bytes32[] outputs;
        address[] arbiters;
        bytes32[] commitments;
        bytes32[] reveals;
        bool[] revealed;
    }

    Staking public immutable staking;
    IERC20 public immutable stakingToken;
    address public immutable treasury;
    uint8 public immutable arbiterCount;
    uint256 public immutable minArbiterStake;
    uint256 public immutable slashAmount;
    uint256 public immutable disputeBond;
    uint256 public immutable arbiterPenalty;
    uint64 public immutable commitWindow;
    uint64 public immutable revealWindow;
    uint16 public immutable arbiterShareBps;
    uint16 public immutable bountyBps;

    /// @notice Number of disputes opened; ids are 1..disputeCount.
    uint256 public disputeCount;
    mapping(uint256 id => Dispute) private _disputes;
    /// @notice Staking-token rewards waiting to be pulled with `withdrawRewards`.
    mapping(address account => uint256) public rewards;

    error BadParams();
    error TooFewReceipts(uint256 count);
    error TooManyReceipts(uint256 count);
    error ReceiptTaskMismatch(uint256 index, bytes32 taskHash);
    error BadReceiptSigner(uint256 index, address signer, address operator);
    error UnknownOperator(address operator);
    error DuplicateOperator(address operator);
    error ReceiptsAgree(bytes32 outputHash);
    error WrongStatus(uint256 id, Status status);
    error TooEarly(uint256 id);
    error TooLate(uint256 id);
    error NotArbiter(uint256 id, address caller);
    error AlreadyCommitted(uint256 id, address arbiter);
    error BadReveal(uint256 id, address arbiter);
    error NoRewards(address account);

    /// @notice A dispute about `taskHash` was opened between `parties` (owners) that reported `outputs`.
    event DisputeOpened(uint256 indexed id, address indexed opener, bytes32 indexed taskHash, address[] parties, bytes32[] outputs, uint64 drawBlock);
    /// @notice What arbiters of `id` need: `taskSpec` describes the task (keccak256 = its task hash), `locator` says where its data is (UTF-8 libp2p peer ids / multiaddrs).
    event DisputeData(uint256 indexed id, bytes taskSpec, bytes locator);
    /// @notice Arbiters were drawn for `id`.
    event ArbitersDrawn(uint256 indexed id, address[] arbiters, uint64 commitDeadline, uint64 revealDeadline);
    /// @notice `arbiter` committed its vote.
    event VoteCommitted(uint256 indexed id, address indexed arbiter);
    /// @notice `arbiter` revealed `outputHash` (zero: could not get the data).
    event VoteRevealed(uint256 indexed id, address indexed arbiter, bytes32 outputHash);
    /// @notice `id` was decided for `outputHash`; `slashed` staking-token base units were taken in total.
    event DisputeResolved(uint256 indexed id, bytes32 outputHash, uint256 slashed);
    /// @notice `id` ended without a majority (or without arbiters): nobody was slashed.
    event DisputeExpired(uint256 indexed id);
    /// @notice `owner` was slashed `amount` in dispute `id` (a party that disagreed, or an arbiter that did not reveal).
    event OwnerSlashed(uint256 indexed id, address indexed owner, uint256 amount);
    /// @notice `account` pulled `amount` of rewards.
    event RewardsWithdrawn(address indexed account, uint256 amount);

    /// @param staking_ the Staking contract (this contract must be its slasher)
    /// @param treasury_ receives the treasury's shares
    /// @param p see Params; arbiterCount odd ≥ 1, shares ≤ 100% together
    constructor(Staking staking_, address treasury_, Params memory p) EIP712("Tabmesh", "2") {
        if (address(staking_) == address(0) || treasury_ == address(0)) revert Errors.ZeroAddress();
        if (p.arbiterCount == 0 || p.arbiterCount % 2 == 0 || uint256(p.arbiterShareBps) + p.bountyBps > BPS) revert BadParams();
        staking = staking_;
        stakingToken = staking_.stakingToken();
        treasury = treasury_;
        arbiterCount = p.arbiterCount;
        minArbiterStake = p.minArbiterStake;
        slashAmount = p.slashAmount;
        disputeBond = p.disputeBond;
        arbiterPenalty = p.arbiterPenalty;
        commitWindow = p.commitWindow;
        revealWindow = p.revealWindow;
        arbiterShareBps = p.arbiterShareBps;
        bountyBps = p.bountyBps;
    }

    /// @notice Opens a dispute over `receipts`, which must be for one task and not all agree.
    /// @param taskSpec the task description; its keccak256 is the receipts' task hash
    /// @param locator where arbiters fetch the data (opaque to the contract; UTF-8 peer ids/multiaddrs)
    /// @param receipts 2..MAX_PARTIES receipts from distinct registered operators
    /// @param signatures each operator's 65-byte EIP-712 signature
    /// @return id the dispute id
    function openDispute(bytes calldata taskSpec, bytes calldata locator, Receipt[] calldata receipts, bytes[] calldata signatures)
        external
        nonReentrant
        returns (uint256 id)
    {
        bytes32 taskHash = keccak256(taskSpec);
        (address[] memory parties, bytes32[] memory outputs) = _parties(taskHash, receipts, signatures);
        id = ++disputeCount;
        Dispute storage d = _disputes[id];
        d.opener = msg.sender;
        d.status = Status.Open;
        // forge-lint: disable-next-line(unsafe-typecast)
        d.drawBlock = uint64(block.number + DRAW_DELAY_BLOCKS); // safe: block numbers fit 64 bits for ages
        d.taskHash = taskHash;
        d.parties = parties;
        d.outputs = outputs;
        for (uint256 i; i < parties.length; ++i) staking.lock(parties[i]);
        emit DisputeOpened(id, msg.sender, taskHash, parties, outputs, d.drawBlock);
        emit DisputeData(id, taskSpec, locator);
        stakingToken.safeTransferFrom(msg.sender, address(this), disputeBond);
    }

    /// @notice Draws the arbiters of `id` from the current block's `prevrandao` (a block after opening).
    ///         Anyone may call it. With fewer eligible owners than `arbiterCount`, the dispute expires.
    function draw(uint256 id) external nonReentrant {
        Dispute storage d = _disputes[id];
        if (d.status != Status.Open) revert WrongStatus(id, d.status);
        if (block.number < d.drawBlock) revert TooEarly(id);
        if (block.number > d.drawBlock + DRAW_WINDOW_BLOCKS) revert TooLate(id);
        address[] memory excluded = _excluded(d);
        uint256 seed = uint256(keccak256(abi.encode(block.prevrandao, id)));
        address[] memory picked = new address[](arbiterCount);
        uint256 count = staking.ownerCount();
        for (uint256 k; k < arbiterCount; ++k) {
            uint256 total;
            for (uint256 i; i < count; ++i) total += _weight(staking.ownerAt(i), excluded, picked);
            if (total == 0) {
                _expire(id, d);
                return;
            }
            uint256 point = uint256(keccak256(abi.encode(seed, k))) % total;
            for (uint256 i; i < count; ++i) {
                address owner = staking.ownerAt(i);
                uint256 w = _weight(owner, excluded, picked);
                if (point < w) {
                    picked[k] = owner;
                    break;
                }
                point -= w;
            }
        }
        d.arbiters = picked;
        d.commitments = new bytes32[](arbiterCount);
        d.reveals = new bytes32[](arbiterCount);
        d.revealed = new bool[](arbiterCount);
        d.status = Status.Drawn;
        d.commitDeadline = uint64(block.timestamp) + commitWindow;
        d.revealDeadline = d.commitDeadline + revealWindow;
        for (uint256 k; k < arbiterCount; ++k) staking.lock(picked[k]);
        emit ArbitersDrawn(id, picked, d.commitDeadline, d.revealDeadline);
    }

    /// @notice Commits the caller's vote: `keccak256(abi.encode(id, arbiterOwner, outputHash, salt))`. The caller
    ///         is a drawn owner or one of its operators.
    function commit(uint256 id, bytes32 commitment) external {
        Dispute storage d = _disputes[id];
        if (d.status != Status.Drawn) revert WrongStatus(id, d.status);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.commitDeadline) revert TooLate(id);
        uint256 k = _arbiterIndex(id, d);
        if (d.commitments[k] != bytes32(0)) revert AlreadyCommitted(id, d.arbiters[k]);
        d.commitments[k] = commitment;
        emit VoteCommitted(id, d.arbiters[k]);
    }

    /// @notice Reveals the committed vote, once every arbiter committed or the commit window ended.
    /// @param outputHash the sha2-256 digest of the output the arbiter got; zero = could not fetch the data
    function reveal(uint256 id, bytes32 outputHash, bytes32 salt) external {
        Dispute storage d = _disputes[id];
        if (d.status != Status.Drawn) revert WrongStatus(id, d.status);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= d.commitDeadline && !_allCommitted(d)) revert TooEarly(id);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.revealDeadline) revert TooLate(id);
        uint256 k = _arbiterIndex(id, d);
        address arbiter = d.arbiters[k];
        if (d.revealed[k] || d.commitments[k] != commitmentOf(id, arbiter, outputHash, salt)) revert BadReveal(id, arbiter);
        d.revealed[k] = true;
        d.reveals[k] = outputHash;
        emit VoteRevealed(id, arbiter, outputHash);
    }

    /// @notice Ends `id`: after every arbiter revealed or the reveal window ended, or when the draw was missed.
    function resolve(uint256 id) external nonReentrant {
        Dispute storage d = _disputes[id];
        if (d.status == Status.Open) {
            if (block.number <= d.drawBlock + DRAW_WINDOW_BLOCKS) revert TooEarly(id);
            _expire(id, d);
            return;
        }
        if (d.status != Status.Drawn) revert WrongStatus(id, d.status);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= d.revealDeadline && !_allRevealed(d)) revert TooEarly(id);
        (bytes32 majority, bool decided) = _majority(d);
        uint256 n = d.arbiters.length;
        uint256 penalties;
        for (uint256 k; k < n; ++k) {
            address arbiter = d.arbiters[k];
            staking.unlock(arbiter);
            if (!d.revealed[k] && arbiterPenalty > 0) {
                uint256 taken = staking.slash(arbiter, arbiterPenalty);
                penalties += taken;
                emit OwnerSlashed(id, arbiter, taken);
            }
        }
        rewards[treasury] += penalties;
        if (!decided || majority == bytes32(0)) {
            _expire(id, d);
            return;
        }
        d.status = Status.Resolved;
        uint256 slashed;
        for (uint256 i; i < d.parties.length; ++i) {
            address party = d.parties[i];
            staking.unlock(party);
            if (d.outputs[i] != majority) {
                uint256 taken = staking.slash(party, slashAmount);
                slashed += taken;
                emit OwnerSlashed(id, party, taken);
            }
        }
        uint256 toArbiters = (slashed * arbiterShareBps) / BPS;
        uint256 bounty = (slashed * bountyBps) / BPS;
        uint256 winners;
        for (uint256 k; k < n; ++k) if (d.revealed[k] && d.reveals[k] == majority) ++winners;
        uint256 each = toArbiters / winners; // winners > 0: a decided majority was revealed
        for (uint256 k; k < n; ++k) if (d.revealed[k] && d.reveals[k] == majority) rewards[d.arbiters[k]] += each;
        rewards[d.opener] += bounty + disputeBond;
        rewards[treasury] += slashed - each * winners - bounty;
        emit DisputeResolved(id, majority, slashed);
    }

    /// @notice Pulls the caller's staking-token rewards (arbiter pay, bounty, returned bond).
    function withdrawRewards() external nonReentrant {
        uint256 amount = rewards[msg.sender];
        if (amount == 0) revert NoRewards(msg.sender);
        rewards[msg.sender] = 0;
        emit RewardsWithdrawn(msg.sender, amount);
        stakingToken.safeTransfer(msg.sender, amount);
    }

    /// @notice The commitment an arbiter posts for `outputHash` with `salt`.
    function commitmentOf(uint256 id, address arbiter, bytes32 outputHash, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(id, arbiter, outputHash, salt));
    }

    /// @notice A dispute's state, parties, outputs, arbiters and votes.
    function dispute(uint256 id)
        external
        view
        returns (
            address opener,
            Status status,
            uint64 drawBlock,
            uint64 commitDeadline,
            uint64 revealDeadline,
            bytes32 taskHash,
            address[] memory parties,
            bytes32[] memory outputs,
            address[] memory arbiters,
            bytes32[] memory commitments,
            bytes32[] memory reveals
        )
    {
        Dispute storage d = _disputes[id];
        return (d.opener, d.status, d.drawBlock, d.commitDeadline, d.revealDeadline, d.taskHash, d.parties, d.outputs, d.arbiters, d.commitments, d.reveals);
    }

    /// @notice EIP-712 digest of a receipt (what an operator signs).
    function receiptDigest(Receipt calldata receipt) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RECEIPT_TYPEHASH, receipt.taskHash, receipt.outputHash, receipt.operator)));
    }

    /// @dev Arbiters, if drawn, were unlocked by the caller.
    function _expire(uint256 id, Dispute storage d) private {
        d.status = Status.Expired;
        for (uint256 i; i < d.parties.length; ++i) staking.unlock(d.parties[i]);
        // The bond pays the arbiters who did the work (revealed anything); the rest goes to the treasury.
        uint256 workers;
        for (uint256 k; k < d.revealed.length; ++k) if (d.revealed[k]) ++workers;
        uint256 each = workers == 0 ? 0 : (disputeBond * arbiterShareBps) / BPS / workers;
        for (uint256 k; k < d.revealed.length; ++k) if (d.revealed[k]) rewards[d.arbiters[k]] += each;
        rewards[treasury] += disputeBond - each * workers;
        emit DisputeExpired(id);
    }

    /// @dev Checks the receipts (one task, distinct registered operators, valid signatures, not all
    ///      agreeing) and returns each one's owner and output.
    function _parties(bytes32 taskHash, Receipt[] calldata receipts, bytes[] calldata signatures)
        private
        view
        returns (address[] memory parties, bytes32[] memory outputs)
    {
        uint256 n = receipts.length;
        if (n != signatures.length) revert TooFewReceipts(signatures.length);
        if (n < 2) revert TooFewReceipts(n);
        if (n > MAX_PARTIES) revert TooManyReceipts(n);
        parties = new address[](n);
        outputs = new bytes32[](n);
        bool split;
        for (uint256 i; i < n; ++i) {
            Receipt calldata r = receipts[i];
            if (r.taskHash != taskHash) revert ReceiptTaskMismatch(i, r.taskHash);
            address signer = ECDSA.recover(receiptDigest(r), signatures[i]);
            if (signer != r.operator) revert BadReceiptSigner(i, signer, r.operator);
            for (uint256 j; j < i; ++j) if (receipts[j].operator == r.operator) revert DuplicateOperator(r.operator);
            address owner = staking.ownerOf(r.operator);
            if (owner == address(0)) revert UnknownOperator(r.operator);
            parties[i] = owner;
            outputs[i] = r.outputHash;
            if (r.outputHash != receipts[0].outputHash) split = true;
        }
        if (!split) revert ReceiptsAgree(receipts[0].outputHash);
    }

    function _excluded(Dispute storage d) private view returns (address[] memory excluded) {
        uint256 n = d.parties.length;
        excluded = new address[](n + 2);
        for (uint256 i; i < n; ++i) excluded[i] = d.parties[i];
        excluded[n] = d.opener;
        excluded[n + 1] = staking.ownerOf(d.opener);
    }

    function _weight(address owner, address[] memory excluded, address[] memory picked) private view returns (uint256) {
        for (uint256 j; j < excluded.length; ++j) if (excluded[j] == owner) return 0;
        for (uint256 j; j < picked.length; ++j) if (picked[j] == owner) return 0;
        uint256 s = staking.stakeOf(owner);
        return s >= minArbiterStake && s > 0 ? s : 0;
    }

    function _arbiterIndex(uint256 id, Dispute storage d) private view returns (uint256) {
        address owner = staking.ownerOf(msg.sender);
        for (uint256 k; k < d.arbiters.length; ++k) {
            address a = d.arbiters[k];
            if (a == msg.sender || a == owner) return k;
        }
        revert NotArbiter(id, msg.sender);
    }

    function _allCommitted(Dispute storage d) private view returns (bool) {
        for (uint256 k; k < d.commitments.length; ++k) if (d.commitments[k] == bytes32(0)) return false;
        return true;
    }

    function _allRevealed(Dispute storage d) private view returns (bool) {
        for (uint256 k; k < d.revealed.length; ++k) if (!d.revealed[k]) return false;
        return true;
    }

    /// @dev The output revealed by more than half of the drawn arbiters, if any.
    function _majority(Dispute storage d) private view returns (bytes32 output, bool decided) {
        uint256 n = d.arbiters.length;
        for (uint256 k; k < n; ++k) {
            if (!d.revealed[k]) continue;
            uint256 votes;
            for (uint256 j; j < n; ++j) if (d.revealed[j] && d.reveals[j] == d.reveals[k]) ++votes;
            if (votes * 2 > n) return (d.reveals[k], true);
        }
        return (bytes32(0), false);
    }
}
