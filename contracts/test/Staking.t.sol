// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {Staking} from "../src/Staking.sol";
import {Errors} from "../src/Errors.sol";

contract StakingTest is Fixture {
    function test_stake_addsToActiveStake() public {
        vm.prank(owners[0]);
        staking.stake(5e18);
        vm.assertEq(staking.stakeOf(owners[0]), STAKE + 5e18, "stake");
        vm.assertEq(stk.balanceOf(address(staking)), OWNERS * STAKE + 5e18, "tokens held");
    }

    function test_stake_revertsOnZero() public {
        vm.prank(owners[0]);
        vm.expectRevert(Errors.ZeroAmount.selector);
        staking.stake(0);
    }

    function test_unstake_thenWithdrawAfterDelay() public {
        vm.startPrank(owners[0]);
        staking.requestUnstake(40e18);
        vm.assertEq(staking.stakeOf(owners[0]), STAKE - 40e18, "active stake reduced at once");
        (, uint64 releaseAt) = staking.unbonding(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotWithdrawable.selector, owners[0], uint256(40e18), releaseAt));
        staking.withdraw();
        vm.warp(releaseAt);
        uint256 before = stk.balanceOf(owners[0]);
        staking.withdraw();
        vm.assertEq(stk.balanceOf(owners[0]) - before, 40e18, "withdrawn");
        vm.stopPrank();
    }

    function test_unstake_revertsAboveStake() public {
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.InsufficientStake.selector, owners[0], STAKE + 1, STAKE));
        staking.requestUnstake(STAKE + 1);
    }

    function test_withdraw_waitsForLocks() public {
        vm.prank(owners[0]);
        staking.requestUnstake(STAKE);
        vm.prank(address(arbitration));
        staking.lock(owners[0]);
        vm.warp(block.timestamp + UNBONDING);
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.StakeLocked.selector, owners[0], uint256(1)));
        staking.withdraw();
        vm.prank(address(arbitration));
        staking.unlock(owners[0]);
        vm.prank(owners[0]);
        staking.withdraw();
    }

    function test_slash_onlySlasher() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Unauthorized.selector, address(this)));
        staking.slash(owners[0], 1);
        vm.expectRevert(abi.encodeWithSelector(Errors.Unauthorized.selector, address(this)));
        staking.lock(owners[0]);
    }

    function test_slash_reachesUnbondingStakeAndPaysTheSlasher() public {
        vm.prank(owners[0]);
        staking.requestUnstake(80e18);
        vm.prank(address(arbitration));
        uint256 taken = staking.slash(owners[0], 50e18);
        vm.assertEq(taken, 50e18, "all taken");
        vm.assertEq(staking.stakeOf(owners[0]), 0, "active first");
        (uint256 unbondingLeft,) = staking.unbonding(owners[0]);
        vm.assertEq(unbondingLeft, 50e18, "then unbonding");
        vm.assertEq(stk.balanceOf(address(arbitration)), 50e18, "sent to the slasher");
    }

    function test_slash_capsAtWhatIsThere() public {
        vm.prank(address(arbitration));
        uint256 taken = staking.slash(owners[0], 1_000e18);
        vm.assertEq(taken, STAKE, "capped");
    }

    function test_setSlasher_once() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.SlasherAlreadySet.selector, address(arbitration)));
        staking.setSlasher(address(1));
    }

    // ---------------------------------------------------------------- operators

    function test_operators_registeredWithConsent() public {
        vm.assertEq(staking.ownerOf(operators[0]), owners[0], "operator acts for its owner");
        vm.assertEq(staking.ownerCount(), OWNERS, "every owner is in the arbiter pool");
        address[] memory ops = staking.operatorsOf(owners[0]);
        vm.assertEq(ops.length, 1, "one operator");
    }

    /// An owner cannot claim someone else's key (its receipts would then be the owner's to be paid or
    /// slashed for): the operator must consent, and a key acts for one owner only.
    function test_attack_squatSomeoneElsesOperatorKey() public {
        uint256 victimKey = 0xD0D0;
        address victim = vm.addr(victimKey);
        bytes memory forged = signDigest(ownerKeys[1], staking.consentDigest(owners[0], victim));
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.BadConsent.selector, victim, owners[1]));
        staking.addOperator(victim, forged);
        bytes memory willing = consent(operatorKeys[0], owners[1]);
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(Staking.OperatorTaken.selector, operators[0], owners[0]));
        staking.addOperator(operators[0], willing);
        // A consent for owner 0 cannot be replayed by owner 1.
        bytes memory forOwner0 = consent(victimKey, owners[0]);
        vm.prank(owners[1]);
        vm.expectRevert();
        staking.addOperator(victim, forOwner0);
    }

    function test_removeOperator_leavesThePoolWithTheLastOne() public {
        vm.prank(owners[0]);
        staking.removeOperator(operators[0]);
        vm.assertEq(staking.ownerOf(operators[0]), address(0), "unregistered");
        vm.assertEq(staking.ownerCount(), OWNERS - 1, "owner left the pool");
        for (uint256 i; i < staking.ownerCount(); ++i) vm.assertTrue(staking.ownerAt(i) != owners[0], "not listed");
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotOperatorOf.selector, operators[0], owners[1]));
        staking.removeOperator(operators[0]);
    }

    function testFuzz_stakeAccounting(uint256 stakeAmount, uint256 unstakeAmount, uint256 slashAmount) public {
        stakeAmount = bound(stakeAmount, 1, 900e18);
        vm.prank(owners[3]);
        staking.stake(stakeAmount);
        uint256 total = STAKE + stakeAmount;
        unstakeAmount = bound(unstakeAmount, 1, total);
        vm.prank(owners[3]);
        staking.requestUnstake(unstakeAmount);
        slashAmount = bound(slashAmount, 0, 2 * total);
        vm.prank(address(arbitration));
        uint256 taken = staking.slash(owners[3], slashAmount);
        (uint256 unbondingLeft,) = staking.unbonding(owners[3]);
        vm.assertEq(staking.stakeOf(owners[3]) + unbondingLeft + taken, total, "stake conserved");
        vm.assertEq(stk.balanceOf(address(arbitration)), taken, "slash sent to the slasher");
    }
}
