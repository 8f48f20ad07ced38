// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {JobEscrow} from "../src/JobEscrow.sol";
import {Errors} from "../src/Errors.sol";

contract JobEscrowTest is Fixture {
    bytes32 internal constant JOB = keccak256("job-1");
    uint128 internal constant PRICE = 1_000; // 0.001 tUSD per task run

    // ---------------------------------------------------------------- openJob

    function test_openJob_pullsDepositAndFeeReserve() public {
        uint256 before = usd.balanceOf(requester);
        openJob(JOB, 10, 2, PRICE);
        uint256 deposit = 10 * 2 * uint256(PRICE);
        uint256 fee = deposit / 100;
        vm.assertEq(before - usd.balanceOf(requester), deposit + fee, "deposit + 1% fee reserve");
        vm.assertEq(usd.balanceOf(address(escrow)), deposit + fee, "escrow holds it");
        (address r,,,,,,, uint128 remaining, uint128 feeRemaining,,,) = escrow.jobs(JOB);
        vm.assertEq(r, requester, "requester");
        vm.assertEq(remaining, deposit, "remaining");
        vm.assertEq(feeRemaining, fee, "fee reserve");
    }

    function test_openJob_revertsOnDuplicate() public {
        openJob(JOB, 1, 1, PRICE);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.JobExists.selector, JOB));
        openJob(JOB, 1, 1, PRICE);
    }

    function test_openJob_revertsOnZeroTasks() public {
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.InvalidTaskCount.selector, uint32(0)));
        openJob(JOB, 0, 1, PRICE);
    }

    function test_openJob_revertsOnBadRedundancy() public {
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.InvalidRedundancy.selector, uint16(0)));
        openJob(JOB, 1, 0, PRICE);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.InvalidRedundancy.selector, uint16(17)));
        openJob(JOB, 1, 17, PRICE);
    }

    function test_openJob_revertsOnPastDeadline() public {
        vm.warp(1000);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.DeadlinePassed.selector, uint64(1000), uint256(1000)));
        escrow.openJob(JOB, 0, 0, 1, 1, PRICE, 1000, 0);
    }

    function test_openJob_revertsOnHugeDeposit() public {
        vm.prank(requester);
        vm.expectRevert();
        escrow.openJob(JOB, 0, 0, type(uint32).max, 16, type(uint128).max, uint64(block.timestamp + 1), 0);
    }

    // ---------------------------------------------------------------- claim

    function test_claim_paysCumulativeDeltaAndFee() public {
        openJob(JOB, 10, 2, PRICE);
        (JobEscrow.Cheque memory c1, bytes memory s1) = cheque(JOB, providers[0], 3 * PRICE);
        escrow.claim(c1, s1);
        vm.assertEq(usd.balanceOf(providers[0]), 3 * PRICE, "paid 3 tasks");
        vm.assertEq(usd.balanceOf(treasury), (3 * PRICE) / 100, "1% fee to the treasury");
        (JobEscrow.Cheque memory c2, bytes memory s2) = cheque(JOB, providers[0], 5 * PRICE);
        escrow.claim(c2, s2);
        vm.assertEq(usd.balanceOf(providers[0]), 5 * PRICE, "cumulative: only the delta is paid");
        vm.assertEq(escrow.claimed(JOB, providers[0]), 5 * PRICE, "claimed");
    }

    function test_claim_revertsOnReplay() public {
        openJob(JOB, 10, 2, PRICE);
        (JobEscrow.Cheque memory c, bytes memory s) = cheque(JOB, providers[0], 3 * PRICE);
        escrow.claim(c, s);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NothingToClaim.selector, JOB, providers[0], 3 * uint256(PRICE), 3 * uint256(PRICE)));
        escrow.claim(c, s);
    }

    function test_claim_revertsOnForgedCheque() public {
        openJob(JOB, 10, 2, PRICE);
        JobEscrow.Cheque memory c = JobEscrow.Cheque({jobId: JOB, provider: providers[0], cumulativeAmount: 5 * PRICE});
        bytes memory forged = signDigest(providerKeys[0], escrow.chequeDigest(c));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.BadChequeSigner.selector, JOB, providers[0], requester));
        escrow.claim(c, forged);
    }

    function test_claim_revertsOnAlteredAmount() public {
        openJob(JOB, 10, 2, PRICE);
        (JobEscrow.Cheque memory c, bytes memory s) = cheque(JOB, providers[0], 1 * PRICE);
        c.cumulativeAmount = 20 * PRICE;
        vm.expectRevert();
        escrow.claim(c, s);
    }

    function test_claim_revertsBeyondDeposit() public {
        openJob(JOB, 1, 1, PRICE);
        (JobEscrow.Cheque memory c, bytes memory s) = cheque(JOB, providers[0], 2 * PRICE);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.ExceedsDeposit.selector, JOB, 2 * uint256(PRICE), uint256(PRICE)));
        escrow.claim(c, s);
    }

    function test_claim_revertsOnUnknownJob() public {
        (JobEscrow.Cheque memory c, bytes memory s) = cheque(JOB, providers[0], PRICE);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.UnknownJob.selector, JOB));
        escrow.claim(c, s);
    }

    function test_claim_revertsAfterRefund() public {
        openJob(JOB, 1, 1, PRICE);
        vm.warp(block.timestamp + 2 days);
        escrow.refund(JOB);
        (JobEscrow.Cheque memory c, bytes memory s) = cheque(JOB, providers[0], PRICE);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadyRefunded.selector, JOB));
        escrow.claim(c, s);
    }

    function test_claimMany_settlesSeveralJobsInOneCall() public {
        bytes32 job2 = keccak256("job-2");
        openJob(JOB, 4, 1, PRICE);
        openJob(job2, 4, 1, PRICE);
        JobEscrow.Cheque[] memory cs = new JobEscrow.Cheque[](2);
        bytes[] memory sigs = new bytes[](2);
        (cs[0], sigs[0]) = cheque(JOB, providers[1], 4 * PRICE);
        (cs[1], sigs[1]) = cheque(job2, providers[1], 2 * PRICE);
        escrow.claimMany(cs, sigs);
        vm.assertEq(usd.balanceOf(providers[1]), 6 * PRICE, "both jobs paid");
        vm.assertEq(usd.balanceOf(treasury), (4 * PRICE) / 100 + (2 * PRICE) / 100, "fees");
    }

    function test_claimMany_revertsOnLengthMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.LengthMismatch.selector, uint256(1), uint256(0)));
        escrow.claimMany(new JobEscrow.Cheque[](1), new bytes[](0));
    }

    // ---------------------------------------------------------------- refund

    function test_refund_returnsUnspentAfterDeadline() public {
        openJob(JOB, 10, 2, PRICE);
        (JobEscrow.Cheque memory c, bytes memory s) = cheque(JOB, providers[0], 4 * PRICE);
        escrow.claim(c, s);
        uint256 before = usd.balanceOf(requester);
        vm.warp(block.timestamp + 1 days + 1);
        escrow.refund(JOB);
        uint256 deposit = 20 * uint256(PRICE);
        uint256 feeReserve = deposit / 100;
        uint256 paidFee = (4 * uint256(PRICE)) / 100;
        vm.assertEq(usd.balanceOf(requester) - before, deposit - 4 * PRICE + feeReserve - paidFee, "unspent deposit and fee back");
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "escrow empty");
    }

    function test_refund_revertsBeforeDeadline() public {
        openJob(JOB, 1, 1, PRICE);
        vm.expectRevert();
        escrow.refund(JOB);
    }

    function test_refund_revertsTwice() public {
        openJob(JOB, 1, 1, PRICE);
        vm.warp(block.timestamp + 2 days);
        escrow.refund(JOB);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadyRefunded.selector, JOB));
        escrow.refund(JOB);
    }

    // ---------------------------------------------------------------- results

    function test_publishResults_andVerifyProof() public {
        openJob(JOB, 2, 1, PRICE);
        bytes32 out0 = sha256("out0");
        bytes32 out1 = sha256("out1");
        bytes32 leaf0 = keccak256(bytes.concat(keccak256(abi.encode(uint32(0), out0))));
        bytes32 leaf1 = keccak256(bytes.concat(keccak256(abi.encode(uint32(1), out1))));
        bytes32 root = leaf0 < leaf1 ? keccak256(abi.encode(leaf0, leaf1)) : keccak256(abi.encode(leaf1, leaf0));
        vm.prank(requester);
        escrow.publishResults(JOB, root);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = leaf1;
        vm.assertTrue(escrow.verifyResult(JOB, 0, out0, proof), "task 0 output proven");
        vm.assertFalse(escrow.verifyResult(JOB, 0, out1, proof), "wrong output rejected");
    }

    function test_publishResults_onlyRequester() public {
        openJob(JOB, 2, 1, PRICE);
        vm.prank(providers[0]);
        vm.expectRevert(abi.encodeWithSelector(Errors.Unauthorized.selector, providers[0]));
        escrow.publishResults(JOB, bytes32(uint256(1)));
    }

    // ---------------------------------------------------------------- slash

    function _quorum(uint32 task, bytes32 output) internal view returns (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) {
        rs = new JobEscrow.Receipt[](2);
        sigs = new bytes[](2);
        (rs[0], sigs[0]) = receipt(JOB, task, output, 1);
        (rs[1], sigs[1]) = receipt(JOB, task, output, 2);
    }

    function test_slash_takesMinStakeWithValidFaultProof() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(3, sha256("right"));
        escrow.slash(bad, badSig, rs, sigs);
        vm.assertEq(staking.stakeOf(providers[0]), 0, "faulty provider lost its min stake");
        vm.assertEq(staking.rewards(requester), MIN_STAKE / 2, "half to the requester");
        vm.assertEq(staking.rewards(treasury), MIN_STAKE / 2, "half to the treasury");
        vm.assertTrue(escrow.slashedFor(JOB, 3, providers[0]), "recorded");
    }

    function test_slash_revertsTwiceForSameTask() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(3, sha256("right"));
        escrow.slash(bad, badSig, rs, sigs);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.AlreadySlashed.selector, JOB, uint32(3), providers[0]));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsWhenReceiptsAgree() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("right"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(3, sha256("right"));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.ReceiptsAgree.selector, sha256("right")));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsOnForgedReceipt() public {
        openJob(JOB, 4, 2, PRICE);
        JobEscrow.Receipt memory bad = JobEscrow.Receipt({jobId: JOB, taskIndex: 3, outputHash: sha256("wrong"), provider: providers[0]});
        bytes memory forged = signDigest(providerKeys[1], escrow.receiptDigest(bad));
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(3, sha256("right"));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.BadReceiptSigner.selector, type(uint256).max, providers[1], providers[0]));
        escrow.slash(bad, forged, rs, sigs);
    }

    function test_slash_revertsOnSmallQuorum() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        JobEscrow.Receipt[] memory rs = new JobEscrow.Receipt[](1);
        bytes[] memory sigs = new bytes[](1);
        (rs[0], sigs[0]) = receipt(JOB, 3, sha256("right"), 1);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NotEnoughQuorum.selector, uint256(1), uint16(2)));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsOnDuplicateQuorumProvider() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        JobEscrow.Receipt[] memory rs = new JobEscrow.Receipt[](2);
        bytes[] memory sigs = new bytes[](2);
        (rs[0], sigs[0]) = receipt(JOB, 3, sha256("right"), 1);
        (rs[1], sigs[1]) = receipt(JOB, 3, sha256("right"), 1);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.DuplicateProvider.selector, providers[1]));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsOnSplitQuorum() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        JobEscrow.Receipt[] memory rs = new JobEscrow.Receipt[](2);
        bytes[] memory sigs = new bytes[](2);
        (rs[0], sigs[0]) = receipt(JOB, 3, sha256("right"), 1);
        (rs[1], sigs[1]) = receipt(JOB, 3, sha256("other"), 2);
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.QuorumSplit.selector, uint256(1)));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsOnOtherTaskInQuorum() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(2, sha256("right"));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.ReceiptMismatch.selector, uint256(0)));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsOnUnstakedQuorum() public {
        openJob(JOB, 4, 2, PRICE);
        vm.prank(providers[2]);
        staking.requestUnstake(MIN_STAKE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(3, sha256("right"));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.InsufficientQuorumStake.selector, providers[2], uint256(0), uint256(MIN_STAKE)));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsOnTaskOutOfRange() public {
        openJob(JOB, 4, 2, PRICE);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 9, sha256("wrong"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(9, sha256("right"));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.TaskOutOfRange.selector, JOB, uint32(9), uint32(4)));
        escrow.slash(bad, badSig, rs, sigs);
    }

    function test_slash_revertsWithoutMinStake() public {
        vm.prank(requester);
        escrow.openJob(JOB, 0, 0, 4, 2, PRICE, uint64(block.timestamp + 1 days), 0);
        (JobEscrow.Receipt memory bad, bytes memory badSig) = receipt(JOB, 3, sha256("wrong"), 0);
        (JobEscrow.Receipt[] memory rs, bytes[] memory sigs) = _quorum(3, sha256("right"));
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.NothingToSlash.selector, JOB));
        escrow.slash(bad, badSig, rs, sigs);
    }

    // ---------------------------------------------------------------- admin

    function test_setFee_boundsAndOwner() public {
        escrow.setFee(250);
        vm.assertEq(uint256(escrow.feeBps()), 250, "fee set");
        vm.expectRevert(abi.encodeWithSelector(JobEscrow.FeeTooHigh.selector, uint16(1001)));
        escrow.setFee(1001);
        vm.prank(requester);
        vm.expectRevert();
        escrow.setFee(10);
    }

    function test_setTreasury_rejectsZero() public {
        vm.expectRevert(Errors.ZeroAddress.selector);
        escrow.setTreasury(address(0));
        escrow.setTreasury(address(0xBEEF));
        vm.assertEq(escrow.treasury(), address(0xBEEF), "treasury set");
    }

    // ---------------------------------------------------------------- fuzz (money paths)

    /// @notice Any sequence of two increasing cheques pays exactly the larger, fee in proportion, never more than the deposit.
    function testFuzz_claim_paysExactlyCumulative(uint32 tasks, uint16 redundancy, uint128 price, uint256 first, uint256 second) public {
        tasks = uint32(bound(tasks, 1, 10_000));
        redundancy = uint16(bound(redundancy, 1, 16));
        price = uint128(bound(price, 1, 1e9));
        uint256 deposit = uint256(tasks) * redundancy * price;
        vm.assume(deposit + deposit / 100 <= usd.balanceOf(requester));
        first = bound(first, 1, deposit);
        second = bound(second, first, deposit);
        openJob(JOB, tasks, redundancy, price);
        (JobEscrow.Cheque memory c1, bytes memory s1) = cheque(JOB, providers[0], first);
        escrow.claim(c1, s1);
        if (second > first) {
            (JobEscrow.Cheque memory c2, bytes memory s2) = cheque(JOB, providers[0], second);
            escrow.claim(c2, s2);
        }
        vm.assertEq(usd.balanceOf(providers[0]), second, "provider got the cumulative amount");
        vm.assertLe(usd.balanceOf(treasury), deposit / 100, "fees never exceed the reserve");
        vm.warp(block.timestamp + 2 days);
        escrow.refund(JOB);
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "everything settled");
        vm.assertEq(usd.balanceOf(requester) + usd.balanceOf(providers[0]) + usd.balanceOf(treasury), 1_000_000e6, "no token created or lost");
    }

    /// @notice Cheques for many providers never pay out more than the deposit in total.
    function testFuzz_claim_neverExceedsDeposit(uint256 a, uint256 b, uint256 c) public {
        openJob(JOB, 10, 3, PRICE);
        uint256 deposit = 30 * uint256(PRICE);
        uint256[3] memory asks = [bound(a, 1, deposit), bound(b, 1, deposit), bound(c, 1, deposit)];
        uint256 paid;
        for (uint256 i; i < 3; ++i) {
            (JobEscrow.Cheque memory ch, bytes memory s) = cheque(JOB, providers[i], asks[i]);
            if (paid + asks[i] > deposit) {
                vm.expectRevert();
                escrow.claim(ch, s);
            } else {
                escrow.claim(ch, s);
                paid += asks[i];
            }
        }
        vm.assertLe(paid, deposit, "within deposit");
        vm.assertEq(usd.balanceOf(providers[0]) + usd.balanceOf(providers[1]) + usd.balanceOf(providers[2]), paid, "paid what was claimed");
    }
}
