// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base} from "./Base.sol";
import {Fixture} from "./Fixture.sol";
import {TestToken} from "../src/TestToken.sol";
import {Staking} from "../src/Staking.sol";
import {JobEscrow} from "../src/JobEscrow.sol";

/// @notice Drives the escrow and staking with random but valid actions, keeping ghost totals.
contract Handler is Base {
    JobEscrow internal escrow;
    Staking internal staking;
    TestToken internal usd;
    TestToken internal stk;
    uint256 internal requesterKey;
    address internal requester;
    address[3] internal providers;

    bytes32[] public jobIds;
    /// Ghost: per job and provider, the highest cheque amount ever signed (a claim can never exceed it).
    mapping(bytes32 => mapping(address => uint256)) public ghostSigned;
    /// Ghost: total paid to providers, total fees, total refunded, total deposited.
    uint256 public ghostPaid;
    uint256 public ghostFees;
    uint256 public ghostRefunded;
    uint256 public ghostDeposited;
    uint256 public ghostStaked;
    uint256 public ghostWithdrawn;

    constructor(JobEscrow e, Staking s, TestToken u, TestToken k, uint256 rKey, address[3] memory ps) {
        escrow = e; staking = s; usd = u; stk = k; requesterKey = rKey; requester = vm.addr(rKey); providers = ps;
    }

    function openJob(uint32 tasks, uint16 redundancy, uint128 price) external {
        tasks = uint32(bound(tasks, 1, 1000));
        redundancy = uint16(bound(redundancy, 1, 4));
        price = uint128(bound(price, 1, 1e6));
        bytes32 id = keccak256(abi.encode(jobIds.length, tasks));
        uint256 deposit = uint256(tasks) * redundancy * price;
        uint256 before = usd.balanceOf(address(escrow));
        vm.prank(requester);
        escrow.openJob(id, 0, 0, tasks, redundancy, price, uint64(block.timestamp + 1 hours), 0);
        ghostDeposited += usd.balanceOf(address(escrow)) - before;
        require(usd.balanceOf(address(escrow)) - before >= deposit, "deposit pulled");
        jobIds.push(id);
    }

    function claim(uint256 jobSeed, uint256 providerSeed, uint256 amount) external {
        if (jobIds.length == 0) return;
        bytes32 id = jobIds[jobSeed % jobIds.length];
        address provider = providers[providerSeed % 3];
        (,,,, bool refunded,,, uint128 remaining,,,,) = escrow.jobs(id);
        if (refunded || remaining == 0) return;
        uint256 already = escrow.claimed(id, provider);
        uint256 cumulative = already + bound(amount, 1, remaining);
        JobEscrow.Cheque memory c = JobEscrow.Cheque({jobId: id, provider: provider, cumulativeAmount: cumulative});
        bytes memory sig = signDigest(requesterKey, escrow.chequeDigest(c));
        if (cumulative > ghostSigned[id][provider]) ghostSigned[id][provider] = cumulative;
        uint256 pBefore = usd.balanceOf(provider);
        uint256 eBefore = usd.balanceOf(address(escrow));
        escrow.claim(c, sig);
        ghostPaid += usd.balanceOf(provider) - pBefore;
        ghostFees += eBefore - usd.balanceOf(address(escrow)) - (usd.balanceOf(provider) - pBefore);
        // Replaying the same cheque must fail.
        vm.expectRevert();
        escrow.claim(c, sig);
    }

    function refund(uint256 jobSeed) external {
        if (jobIds.length == 0) return;
        bytes32 id = jobIds[jobSeed % jobIds.length];
        (, uint64 deadline,,, bool refunded,,,,,,,) = escrow.jobs(id);
        if (refunded) return;
        if (block.timestamp <= deadline) vm.warp(uint256(deadline) + 1);
        uint256 before = usd.balanceOf(requester);
        escrow.refund(id);
        ghostRefunded += usd.balanceOf(requester) - before;
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 1, 2 hours));
    }

    function stake(uint256 who, uint256 amount) external {
        address p = providers[who % 3];
        amount = bound(amount, 1, 10e18);
        stk.faucet(p, amount);
        vm.startPrank(p);
        stk.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        ghostStaked += amount;
    }

    function unstake(uint256 who, uint256 amount) external {
        address p = providers[who % 3];
        uint256 s = staking.stakeOf(p);
        if (s == 0) return;
        vm.prank(p);
        staking.requestUnstake(bound(amount, 1, s));
    }

    function withdraw(uint256 who) external {
        address p = providers[who % 3];
        (uint256 amount, uint64 releaseAt) = staking.unbonding(p);
        if (amount == 0) return;
        if (block.timestamp < releaseAt) vm.warp(releaseAt);
        vm.prank(p);
        staking.withdraw();
        ghostWithdrawn += amount;
    }

    function jobCount() external view returns (uint256) {
        return jobIds.length;
    }

    function providerAt(uint256 i) external view returns (address) {
        return providers[i];
    }
}

contract InvariantsTest is Fixture {
    Handler internal handler;

    function setUp() public override {
        super.setUp();
        address[3] memory ps = [providers[0], providers[1], providers[2]];
        handler = new Handler(escrow, staking, usd, stk, requesterKey, ps);
        vm.prank(requester);
        usd.approve(address(escrow), type(uint256).max);
        targetContract(address(handler));
    }

    /// @notice Escrow solvency: the token balance covers every open job's unpaid deposit and fee reserve.
    function invariant_escrowSolvent() public view {
        uint256 owed;
        uint256 n = handler.jobCount();
        for (uint256 i; i < n; ++i) {
            (,,,,,,, uint128 remaining, uint128 feeRemaining,,,) = escrow.jobs(handler.jobIds(i));
            owed += uint256(remaining) + feeRemaining;
        }
        vm.assertGe(usd.balanceOf(address(escrow)), owed, "escrow covers what it owes");
        vm.assertEq(usd.balanceOf(address(escrow)), owed, "and holds nothing else");
    }

    /// @notice Money is conserved: deposits = payments + fees + refunds + what is still held.
    function invariant_conservation() public view {
        vm.assertEq(handler.ghostDeposited(), handler.ghostPaid() + handler.ghostFees() + handler.ghostRefunded() + usd.balanceOf(address(escrow)), "conserved");
        vm.assertEq(usd.balanceOf(treasury), handler.ghostFees(), "treasury got exactly the fees");
    }

    /// @notice No double claim: what a provider was paid never exceeds the largest cheque it holds.
    function invariant_noDoubleClaim() public view {
        uint256 n = handler.jobCount();
        for (uint256 i; i < n; ++i) {
            bytes32 id = handler.jobIds(i);
            for (uint256 p; p < 3; ++p) {
                address provider = handler.providerAt(p);
                vm.assertLe(escrow.claimed(id, provider), handler.ghostSigned(id, provider), "claimed <= signed");
            }
        }
    }

    /// @notice Stake accounting: the staking contract holds exactly active + unbonding stake + unpaid rewards.
    function invariant_stakeAccounting() public view {
        uint256 held;
        for (uint256 i; i < 4; ++i) {
            (uint256 u,) = staking.unbonding(providers[i]);
            held += staking.stakeOf(providers[i]) + u;
        }
        held += staking.rewards(requester) + staking.rewards(treasury);
        vm.assertEq(stk.balanceOf(address(staking)), held, "staking token balance = stakes + unbonding + rewards");
        vm.assertEq(held, 4 * uint256(MIN_STAKE) + handler.ghostStaked() - handler.ghostWithdrawn(), "ghost totals agree");
    }
}
