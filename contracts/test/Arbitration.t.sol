// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {Arbitration} from "../src/Arbitration.sol";
import {Staking} from "../src/Staking.sol";

/// @notice Disputes decided by drawn arbiters. The old JobEscrow.slash let the accuser's own staked
///         identities be the "quorum" and paid it half the slash; here the accuser never decides.
contract ArbitrationTest is Fixture {
    bytes internal constant SPEC = "task: module bafy.., input bafy.., args [], env [], limits 30000/256";
    bytes32 internal constant RIGHT = keccak256("right output");
    bytes32 internal constant WRONG = keccak256("wrong output");

    function taskHash() internal pure returns (bytes32) {
        return keccak256(SPEC);
    }

    /// Opens a dispute (as `opener`) over one receipt per (operator index, output).
    function open(address opener, uint256[] memory who, bytes32[] memory outputs) internal returns (uint256 id) {
        Arbitration.Receipt[] memory rs = new Arbitration.Receipt[](who.length);
        bytes[] memory sigs = new bytes[](who.length);
        for (uint256 i; i < who.length; ++i) (rs[i], sigs[i]) = receipt(taskHash(), outputs[i], operatorKeys[who[i]]);
        vm.prank(opener);
        id = arbitration.openDispute(SPEC, "peer 12D3KooW..", rs, sigs);
    }

    function pair(uint256 a, bytes32 oa, uint256 b, bytes32 ob) internal pure returns (uint256[] memory who, bytes32[] memory outputs) {
        who = new uint256[](2);
        outputs = new bytes32[](2);
        (who[0], who[1], outputs[0], outputs[1]) = (a, b, oa, ob);
    }

    function drawn(uint256 id) internal returns (address[] memory arbiters) {
        vm.roll(block.number + 1);
        vm.prevrandao(keccak256(abi.encode("randomness", id)));
        arbitration.draw(id);
        (,,,,,,,, arbiters,,) = arbitration.dispute(id);
    }

    function operatorOf(address owner) internal view returns (address) {
        for (uint256 i; i < OWNERS; ++i) if (owners[i] == owner) return operators[i];
        revert("not an owner");
    }

    /// Every drawn arbiter's operator commits and reveals `votes[k]` (skip = do nothing).
    function vote(uint256 id, address[] memory arbiters, bytes32[] memory votes, bool[] memory skip) internal {
        for (uint256 k; k < arbiters.length; ++k) {
            if (skip[k]) continue;
            bytes32 commitment = arbitration.commitmentOf(id, arbiters[k], votes[k], bytes32(k + 1));
            vm.prank(operatorOf(arbiters[k]));
            arbitration.commit(id, commitment);
        }
        (,,, uint64 commitDeadline,,,,,,,) = arbitration.dispute(id);
        vm.warp(uint256(commitDeadline) + 1);
        for (uint256 k; k < arbiters.length; ++k) {
            if (skip[k]) continue;
            vm.prank(operatorOf(arbiters[k]));
            arbitration.reveal(id, votes[k], bytes32(k + 1));
        }
    }

    function unanimous(uint256 id, address[] memory arbiters, bytes32 output) internal {
        bytes32[] memory votes = new bytes32[](arbiters.length);
        for (uint256 k; k < votes.length; ++k) votes[k] = output;
        vote(id, arbiters, votes, new bool[](arbiters.length));
        (,,,, uint64 revealDeadline,,,,,,) = arbitration.dispute(id);
        vm.warp(uint256(revealDeadline) + 1);
    }

    // ---------------------------------------------------------------- attacks

    /// Two requester-controlled identities (owners 4 and 5, staked) sign a receipt conflicting with an
    /// honest owner's and the requester opens a dispute: the drawn arbiters re-run the task, the honest
    /// owner keeps its stake and the two identities are slashed. The requester loses far more than its bounty.
    function test_attack_requesterSybilsAccuseHonestOwner() public {
        uint256[] memory who = new uint256[](3);
        bytes32[] memory outputs = new bytes32[](3);
        (who[0], who[1], who[2]) = (0, 4, 5);
        (outputs[0], outputs[1], outputs[2]) = (RIGHT, WRONG, WRONG);
        uint256 id = open(requester, who, outputs);
        address[] memory arbiters = drawn(id);
        for (uint256 k; k < 3; ++k) {
            vm.assertTrue(arbiters[k] != owners[0] && arbiters[k] != owners[4] && arbiters[k] != owners[5], "no party arbitrates");
        }
        unanimous(id, arbiters, RIGHT);
        arbitration.resolve(id);
        vm.assertEq(staking.stakeOf(owners[0]), STAKE, "honest owner keeps its stake");
        vm.assertEq(staking.stakeOf(owners[4]), STAKE - SLASH, "sybil slashed");
        vm.assertEq(staking.stakeOf(owners[5]), STAKE - SLASH, "sybil slashed");
        uint256 bounty = arbitration.rewards(requester);
        vm.assertEq(bounty, BOND + (2 * SLASH) / 10, "bond back + 10% bounty");
        vm.assertLe(bounty - BOND, (2 * SLASH) / 10, "the accuser's gain is bounded by the bounty of what its own identities lost");
        for (uint256 k; k < 3; ++k) vm.assertEq(arbitration.rewards(arbiters[k]), (2 * SLASH) / 2 / 3, "arbiters paid equally");
    }

    /// Redundancy 1 as in the review: the requester's own staked identity signs the conflicting receipt.
    /// It is a party, so it is never drawn, and the honest result wins.
    function test_attack_selfQuorumAtRedundancyOne() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(1, RIGHT, 5, WRONG);
        uint256 id = open(owners[5], who, outputs);
        address[] memory arbiters = drawn(id);
        unanimous(id, arbiters, RIGHT);
        arbitration.resolve(id);
        vm.assertEq(staking.stakeOf(owners[1]), STAKE, "honest owner untouched");
        vm.assertEq(staking.stakeOf(owners[5]), STAKE - SLASH, "accuser's own identity slashed");
    }

    /// The accused requests to unstake everything: its stake stays slashable and cannot be withdrawn
    /// while the dispute is open.
    function test_attack_unstakeDoesNotEscape() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        vm.prank(owners[1]);
        staking.requestUnstake(STAKE);
        vm.warp(block.timestamp + UNBONDING + 1);
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(Staking.StakeLocked.selector, owners[1], uint256(1)));
        staking.withdraw();
        address[] memory arbiters = drawn(id);
        unanimous(id, arbiters, RIGHT);
        arbitration.resolve(id);
        (uint256 left,) = staking.unbonding(owners[1]);
        vm.assertEq(left, STAKE - SLASH, "slashed from unbonding stake");
    }

    function test_receiptsMustBeRealDistinctAndDisagree() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, RIGHT);
        Arbitration.Receipt[] memory rs = new Arbitration.Receipt[](2);
        bytes[] memory sigs = new bytes[](2);
        (rs[0], sigs[0]) = receipt(taskHash(), RIGHT, operatorKeys[0]);
        (rs[1], sigs[1]) = receipt(taskHash(), RIGHT, operatorKeys[1]);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.ReceiptsAgree.selector, RIGHT));
        arbitration.openDispute(SPEC, "", rs, sigs);
        // An unregistered key's receipt cannot make anyone a party.
        (rs[1], sigs[1]) = receipt(taskHash(), WRONG, 0xBAD);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.UnknownOperator.selector, vm.addr(0xBAD)));
        arbitration.openDispute(SPEC, "", rs, sigs);
        // A receipt "signed" by someone else.
        (rs[1],) = receipt(taskHash(), WRONG, operatorKeys[1]);
        sigs[1] = signDigest(operatorKeys[2], arbitration.receiptDigest(rs[1]));
        vm.expectRevert(abi.encodeWithSelector(Arbitration.BadReceiptSigner.selector, uint256(1), operators[2], operators[1]));
        arbitration.openDispute(SPEC, "", rs, sigs);
        // A receipt for another task.
        (rs[1], sigs[1]) = receipt(keccak256("other"), WRONG, operatorKeys[1]);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.ReceiptTaskMismatch.selector, uint256(1), keccak256("other")));
        arbitration.openDispute(SPEC, "", rs, sigs);
        who; outputs;
    }

    function test_drawNeedsALaterBlock() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.TooEarly.selector, id));
        arbitration.draw(id);
    }

    /// Commit-then-reveal: no reveal before every arbiter committed (or the window ended); a reveal must match.
    function test_commitReveal() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        address[] memory arbiters = drawn(id);
        bytes32 commitment = arbitration.commitmentOf(id, arbiters[0], RIGHT, bytes32(uint256(7)));
        vm.prank(arbiters[0]);
        arbitration.commit(id, commitment);
        vm.prank(arbiters[0]);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.TooEarly.selector, id));
        arbitration.reveal(id, RIGHT, bytes32(uint256(7)));
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.NotArbiter.selector, id, owners[0]));
        arbitration.commit(id, bytes32(uint256(1)));
        vm.warp(block.timestamp + 1 hours + 1);
        vm.prank(arbiters[0]);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.BadReveal.selector, id, arbiters[0]));
        arbitration.reveal(id, WRONG, bytes32(uint256(7)));
    }

    /// Arbiters that never reveal lose a small penalty; with no majority nobody is slashed and the
    /// opener loses its bond.
    function test_noMajority_nobodySlashed_bondLost_silentArbitersPenalized() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        address[] memory arbiters = drawn(id);
        bytes32[] memory votes = new bytes32[](3);
        (votes[0], votes[1]) = (RIGHT, WRONG);
        bool[] memory skip = new bool[](3);
        skip[2] = true;
        vote(id, arbiters, votes, skip);
        (,,,, uint64 revealDeadline,,,,,,) = arbitration.dispute(id);
        vm.warp(uint256(revealDeadline) + 1);
        arbitration.resolve(id);
        vm.assertEq(staking.stakeOf(owners[0]) + staking.stakeOf(owners[1]), 2 * STAKE, "nobody slashed");
        vm.assertEq(staking.stakeOf(arbiters[2]), STAKE - PENALTY, "silent arbiter penalized");
        vm.assertEq(arbitration.rewards(requester), 0, "opener lost its bond");
        vm.assertEq(staking.locks(owners[0]) + staking.locks(owners[1]) + staking.locks(arbiters[0]), 0, "stake released");
    }

    /// Data that cannot be fetched: arbiters reveal zero, the dispute expires, nobody is slashed.
    function test_dataUnavailable_expires() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        address[] memory arbiters = drawn(id);
        unanimous(id, arbiters, bytes32(0));
        arbitration.resolve(id);
        vm.assertEq(staking.stakeOf(owners[1]), STAKE, "nobody slashed");
        (, Arbitration.Status status,,,,,,,,,) = arbitration.dispute(id);
        vm.assertTrue(status == Arbitration.Status.Expired, "expired");
    }

    /// Nobody draws: after the draw window anyone ends the dispute, and the locks go.
    function test_missedDraw_expires() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        vm.expectRevert(abi.encodeWithSelector(Arbitration.TooEarly.selector, id));
        arbitration.resolve(id);
        vm.roll(block.number + 1 + 256 + 1);
        arbitration.resolve(id);
        vm.assertEq(staking.locks(owners[1]), 0, "released");
    }

    function test_withdrawRewards() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 id = open(requester, who, outputs);
        address[] memory arbiters = drawn(id);
        unanimous(id, arbiters, RIGHT);
        arbitration.resolve(id);
        uint256 before = stk.balanceOf(arbiters[0]);
        vm.prank(arbiters[0]);
        arbitration.withdrawRewards();
        vm.assertEq(stk.balanceOf(arbiters[0]) - before, SLASH / 2 / 3, "arbiter share");
    }

    // ---------------------------------------------------------------- fuzz

    /// For any randomness and any votes: parties and the opener are never drawn, tokens are conserved
    /// (everything the contract holds is owed to someone), and a unanimous honest panel never slashes
    /// the honest party.
    function testFuzz_disputeOutcomes(bytes32 randomness, uint8 pattern, bool opener5) public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        Arbitration.Receipt[] memory rs = new Arbitration.Receipt[](2);
        bytes[] memory sigs = new bytes[](2);
        for (uint256 i; i < 2; ++i) (rs[i], sigs[i]) = receipt(taskHash(), outputs[i], operatorKeys[who[i]]);
        address opener = opener5 ? operators[5] : requester;
        if (opener5) {
            stk.faucet(opener, BOND);
            vm.prank(opener);
            stk.approve(address(arbitration), BOND);
        }
        vm.prank(opener);
        uint256 id = arbitration.openDispute(SPEC, "", rs, sigs);
        vm.roll(block.number + 1);
        vm.prevrandao(randomness);
        arbitration.draw(id);
        (,,,,,,,, address[] memory arbiters,,) = arbitration.dispute(id);
        for (uint256 k; k < 3; ++k) {
            vm.assertTrue(arbiters[k] != owners[0] && arbiters[k] != owners[1], "party drawn");
            if (opener5) vm.assertTrue(arbiters[k] != owners[5], "opener's owner drawn");
        }
        bytes32[] memory votes = new bytes32[](3);
        bool[] memory skip = new bool[](3);
        for (uint256 k; k < 3; ++k) {
            uint8 v = (pattern >> (2 * k)) & 3;
            votes[k] = v == 0 ? RIGHT : v == 1 ? WRONG : bytes32(0);
            skip[k] = v == 3;
        }
        vote(id, arbiters, votes, skip);
        (,,,, uint64 revealDeadline,,,,,,) = arbitration.dispute(id);
        vm.warp(uint256(revealDeadline) + 1);
        arbitration.resolve(id);
        uint256 owed = arbitration.rewards(treasury) + arbitration.rewards(opener);
        for (uint256 k; k < 3; ++k) owed += arbitration.rewards(arbiters[k]);
        vm.assertEq(stk.balanceOf(address(arbitration)), owed, "held = owed");
        uint256 right;
        for (uint256 k; k < 3; ++k) if (!skip[k] && votes[k] == RIGHT) ++right;
        if (right >= 2) vm.assertEq(staking.stakeOf(owners[0]), STAKE, "honest party kept its stake");
        for (uint256 i; i < OWNERS; ++i) vm.assertEq(staking.locks(owners[i]), 0, "all locks released");
    }

    /// Gas of a whole dispute (open, draw, 3 commits, 3 reveals, resolve), for the note.
    function test_gas_dispute() public {
        (uint256[] memory who, bytes32[] memory outputs) = pair(0, RIGHT, 1, WRONG);
        uint256 g = gasleft();
        uint256 id = open(requester, who, outputs);
        address[] memory arbiters = drawn(id);
        unanimous(id, arbiters, RIGHT);
        arbitration.resolve(id);
        g -= gasleft();
        vm.assertLe(g, 1_500_000, "a dispute stays under 1.5M gas with 6 owners");
    }
}
