// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {PaymentLanes} from "../src/PaymentLanes.sol";
import {Errors} from "../src/Errors.sol";

/// @notice Payment lanes: the attacks of the adversarial review (issue "Trustless for real") as they
///         would be tried on lanes, and what each now gets. The old JobEscrow (one shared pool per job)
///         lost to the first one: a cheque to the requester's own identity emptied the pool.
contract LanesTest is Fixture {
    uint256 internal constant PRICE = 1_000; // 0.001 tUSD per task run

    function setUp() public override {
        super.setUp();
        deposit(100_000e6);
    }

    // ---------------------------------------------------------------- attacks

    /// A requester signs a cheque to an identity of its own for more than that lane holds and claims it
    /// first: it gets only its own lane's funds; the honest owner's cheque still pays in full.
    function test_attack_chequeToOwnIdentityCannotDrainHonestLane() public {
        address sybil = vm.addr(0x5B1);
        fund(owners[0], 500 * PRICE);
        fund(sybil, 1);
        (PaymentLanes.Cheque memory greedy, bytes memory gs) = cheque(requesterKey, sybil, 1_000_000e6);
        lanes.claim(greedy, gs);
        vm.assertEq(usd.balanceOf(sybil), 1, "the sybil got only what its lane held (fee rounds to 0)");
        (PaymentLanes.Cheque memory honest, bytes memory hs) = cheque(requesterKey, owners[0], 500 * PRICE);
        lanes.claim(honest, hs);
        vm.assertEq(usd.balanceOf(owners[0]), 500 * PRICE * 99 / 100, "honest owner paid in full, less 1% fee");
    }

    /// Another requester's cheques can never move this requester's lanes.
    function test_attack_foreignChequeCannotMoveLane() public {
        fund(owners[0], 500 * PRICE);
        uint256 mallory = 0x3A11;
        PaymentLanes.Cheque memory c = PaymentLanes.Cheque({requester: requester, owner: owners[1], cumulativeAmount: 500 * PRICE});
        bytes memory sig = signDigest(mallory, lanes.chequeDigest(c));
        vm.expectRevert(abi.encodeWithSelector(PaymentLanes.BadChequeSigner.selector, requester, vm.addr(mallory)));
        lanes.claim(c, sig);
    }

    /// Deadline game: the requester stops paying and closes the lane. During the challenge window the
    /// owner's newest cheque wins; the requester gets back only the rest, and not before the window ends.
    function test_attack_closeCannotVoidDeliveredCheques() public {
        fund(owners[0], 100 * PRICE);
        (PaymentLanes.Cheque memory c, bytes memory sig) = cheque(requesterKey, owners[0], 60 * PRICE);
        vm.prank(requester);
        lanes.startClose(owners[0]);
        vm.warp(block.timestamp + CHALLENGE - 1);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(PaymentLanes.CloseNotDue.selector, requester, owners[0], uint64(block.timestamp + 1)));
        lanes.finishClose(owners[0]);
        lanes.claim(c, sig);
        vm.warp(block.timestamp + 1);
        uint256 before = lanes.deposits(requester);
        vm.prank(requester);
        lanes.finishClose(owners[0]);
        vm.assertEq(lanes.deposits(requester) - before, 40 * PRICE, "only the unspent 40 runs go back");
        vm.assertEq(usd.balanceOf(owners[0]), 60 * PRICE * 99 / 100, "owner kept all it was owed");
    }

    /// Front-running one cheque of a batch cannot revert the batch.
    function test_attack_frontRunOneChequeOfClaimMany() public {
        fund(owners[0], 10 * PRICE);
        fund(owners[1], 10 * PRICE);
        PaymentLanes.Cheque[] memory cs = new PaymentLanes.Cheque[](2);
        bytes[] memory sigs = new bytes[](2);
        (cs[0], sigs[0]) = cheque(requesterKey, owners[0], 10 * PRICE);
        (cs[1], sigs[1]) = cheque(requesterKey, owners[1], 10 * PRICE);
        vm.prank(address(0xF00));
        lanes.claim(cs[0], sigs[0]);
        uint256 paid = lanes.claimMany(cs, sigs);
        vm.assertEq(paid, 10 * PRICE * 99 / 100, "the second cheque was still paid");
        vm.assertEq(usd.balanceOf(owners[1]), 10 * PRICE * 99 / 100, "owner1 paid");
    }

    /// Anyone may submit a claim (a relayer, an operator with gas): the owner is always the one paid.
    function test_claimBySomeoneElsePaysTheOwner() public {
        fund(owners[2], 7 * PRICE);
        (PaymentLanes.Cheque memory c, bytes memory sig) = cheque(requesterKey, owners[2], 7 * PRICE);
        vm.prank(operators[2]);
        lanes.claim(c, sig);
        vm.assertEq(usd.balanceOf(owners[2]), 7 * PRICE * 99 / 100, "paid to the owner");
        vm.assertEq(usd.balanceOf(operators[2]), 0, "not to the caller");
        vm.assertEq(lanes.feesAccrued(), 7 * PRICE / 100, "1% fee accrued");
    }

    /// A cheque above the lane's funds pays what is there and the rest after a top-up; replay pays nothing.
    function test_chequeAboveFundsPaysInStepsAndNeverTwice() public {
        fund(owners[0], 10 * PRICE);
        (PaymentLanes.Cheque memory c, bytes memory sig) = cheque(requesterKey, owners[0], 15 * PRICE);
        lanes.claim(c, sig);
        vm.expectRevert(abi.encodeWithSelector(PaymentLanes.NothingToClaim.selector, requester, owners[0], 15 * PRICE, uint256(0)));
        lanes.claim(c, sig);
        fund(owners[0], 10 * PRICE);
        lanes.claim(c, sig);
        vm.assertEq(lanes.unspent(requester, owners[0]), 5 * PRICE, "5 runs left in the lane");
        vm.assertEq(usd.balanceOf(owners[0]), 15 * PRICE * 99 / 100, "paid 15 runs in two claims");
    }

    function test_fundingAClosingLaneCancelsTheClose() public {
        fund(owners[0], 10 * PRICE);
        vm.prank(requester);
        lanes.startClose(owners[0]);
        fund(owners[0], 1);
        vm.warp(block.timestamp + CHALLENGE);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(PaymentLanes.LaneNotClosing.selector, requester, owners[0]));
        lanes.finishClose(owners[0]);
    }

    function test_fundLanes_needsTheDeposit() public {
        address[] memory o = new address[](1);
        uint256[] memory a = new uint256[](1);
        o[0] = owners[0];
        a[0] = 100_000e6 + 1;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(PaymentLanes.InsufficientDeposit.selector, requester, 100_000e6 + 1, 100_000e6));
        lanes.fundLanes(o, a);
    }

    function test_withdrawAndCollectFees() public {
        vm.prank(requester);
        lanes.withdraw(1e6);
        vm.assertEq(lanes.deposits(requester), 100_000e6 - 1e6, "deposit");
        fund(owners[0], 100 * PRICE);
        (PaymentLanes.Cheque memory c, bytes memory sig) = cheque(requesterKey, owners[0], 100 * PRICE);
        lanes.claim(c, sig);
        lanes.collectFees();
        vm.assertEq(usd.balanceOf(treasury), PRICE, "1% of 100 runs");
    }

    function test_setFee_onlyOwnerAndBounded() public {
        vm.expectRevert(abi.encodeWithSelector(PaymentLanes.FeeTooHigh.selector, uint16(1_001)));
        lanes.setFee(1_001);
        vm.prank(requester);
        vm.expectRevert();
        lanes.setFee(10);
    }

    // ---------------------------------------------------------------- fuzz

    /// Whatever the cheques, funding and close timing: an owner gets at most what was funded and at
    /// least what its newest cheque says up to that, and funded = paid + fees + refunded + unspent.
    function testFuzz_laneSettlesExactly(uint96 funded, uint96 c1, uint96 c2, uint32 closeAfter, bool close) public {
        funded = uint96(bound(funded, 1, 50_000e6));
        c1 = uint96(bound(c1, 1, type(uint96).max));
        c2 = uint96(bound(c2, c1, type(uint96).max));
        fund(owners[0], funded);
        (PaymentLanes.Cheque memory a, bytes memory as_) = cheque(requesterKey, owners[0], c1);
        (PaymentLanes.Cheque memory b, bytes memory bs) = cheque(requesterKey, owners[0], c2);
        lanes.claim(a, as_);
        if (close) {
            vm.prank(requester);
            lanes.startClose(owners[0]);
            vm.warp(block.timestamp + bound(closeAfter, 0, 2 * CHALLENGE));
        }
        if (c2 > c1 && c1 < funded) lanes.claim(b, bs);
        uint256 refunded;
        if (close && block.timestamp >= lanes.challengeWindow() + 1) {
            (,, uint64 closesAt) = lanes.lanes(requester, owners[0]);
            if (block.timestamp >= closesAt) {
                uint256 before = lanes.deposits(requester);
                vm.prank(requester);
                lanes.finishClose(owners[0]);
                refunded = lanes.deposits(requester) - before;
            }
        }
        uint256 paid = usd.balanceOf(owners[0]);
        uint256 owed = c2 < funded ? c2 : funded;
        vm.assertEq(paid + lanes.feesAccrued(), owed, "owner paid its newest cheque, capped at the funds");
        vm.assertEq(paid + lanes.feesAccrued() + refunded + lanes.unspent(requester, owners[0]), funded, "conservation");
    }

    // ---------------------------------------------------------------- gas goals

    /// Fund 100 new lanes in one transaction: ≤ 30k gas each.
    function test_gas_fundLanesBatchOf100() public {
        address[] memory o = new address[](100);
        uint256[] memory a = new uint256[](100);
        for (uint256 i; i < 100; ++i) {
            o[i] = address(uint160(0x1000 + i));
            a[i] = PRICE;
        }
        vm.prank(requester);
        uint256 g = gasleft();
        lanes.fundLanes(o, a);
        g -= gasleft();
        vm.assertLe((g + 21_000) / 100, 30_000, "fund a lane");
    }

    /// One claim: ≤ 60k gas with the transaction's base cost.
    function test_gas_claim() public {
        fund(owners[0], 1_000 * PRICE);
        fund(owners[1], 1_000 * PRICE);
        usd.faucet(owners[0], 1); // an owner that already holds tokens (its first payment costs 17k more)
        // Steady state: fees have accrued before (the very first claim on the contract costs 17k more).
        (PaymentLanes.Cheque memory first, bytes memory firstSig) = cheque(requesterKey, owners[1], 1_000 * PRICE);
        lanes.claim(first, firstSig);
        (PaymentLanes.Cheque memory c, bytes memory sig) = cheque(requesterKey, owners[0], 1_000 * PRICE);
        uint256 g = gasleft();
        lanes.claim(c, sig);
        g -= gasleft();
        vm.assertLe(g + 21_000 + 16 * 4 * 32 + 16 * 100, 60_000, "claim");
    }

    /// A 1,000-task job at redundancy 2 over 4 owners: fund 4 lanes in one transaction, each owner's
    /// cheque claimed in one relayed claimMany: ≤ 300 gas per task, base costs included.
    function test_gas_job1000TasksRedundancy2Over4Owners() public {
        address[] memory o = new address[](4);
        uint256[] memory a = new uint256[](4);
        PaymentLanes.Cheque[] memory cs = new PaymentLanes.Cheque[](4);
        bytes[] memory sigs = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            o[i] = owners[i];
            a[i] = 500 * PRICE;
            usd.faucet(owners[i], 1);
        }
        fund(owners[5], 100 * PRICE);
        (PaymentLanes.Cheque memory first, bytes memory firstSig) = cheque(requesterKey, owners[5], 100 * PRICE);
        lanes.claim(first, firstSig); // fees accrued before: steady state
        vm.prank(requester);
        uint256 g = gasleft();
        lanes.fundLanes(o, a);
        g -= gasleft();
        for (uint256 i; i < 4; ++i) (cs[i], sigs[i]) = cheque(requesterKey, owners[i], 500 * PRICE);
        uint256 h = gasleft();
        lanes.claimMany(cs, sigs);
        h -= gasleft();
        uint256 total = g + h + 2 * 21_000 + 16 * (4 * 64 + 4 * (96 + 100));
        vm.assertLe(total / 1_000, 300, "gas per task");
    }
}
