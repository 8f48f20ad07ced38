// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {Staking} from "../src/Staking.sol";
import {Errors} from "../src/Errors.sol";

contract StakingTest is Fixture {
    function test_stake_addsToActiveStake() public {
        vm.prank(providers[0]);
        staking.stake(5e18);
        vm.assertEq(staking.stakeOf(providers[0]), MIN_STAKE + 5e18, "stake");
        vm.assertEq(stk.balanceOf(address(staking)), 4 * uint256(MIN_STAKE) + 5e18, "tokens held");
    }

    function test_stake_revertsOnZero() public {
        vm.prank(providers[0]);
        vm.expectRevert(Errors.ZeroAmount.selector);
        staking.stake(0);
    }

    function test_unstake_thenWithdrawAfterDelay() public {
        vm.startPrank(providers[0]);
        staking.requestUnstake(40e18);
        vm.assertEq(staking.stakeOf(providers[0]), MIN_STAKE - 40e18, "active stake reduced at once");
        (, uint64 releaseAt) = staking.unbonding(providers[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotWithdrawable.selector, providers[0], uint256(40e18), releaseAt));
        staking.withdraw();
        vm.warp(releaseAt);
        uint256 before = stk.balanceOf(providers[0]);
        staking.withdraw();
        vm.assertEq(stk.balanceOf(providers[0]) - before, 40e18, "withdrawn");
        vm.stopPrank();
    }

    function test_unstake_revertsAboveStake() public {
        vm.prank(providers[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.InsufficientStake.selector, providers[0], uint256(MIN_STAKE) + 1, uint256(MIN_STAKE)));
        staking.requestUnstake(MIN_STAKE + 1);
    }

    function test_unstake_revertsOnZero() public {
        vm.prank(providers[0]);
        vm.expectRevert(Errors.ZeroAmount.selector);
        staking.requestUnstake(0);
    }

    function test_withdraw_revertsWithNothingUnbonding() public {
        vm.prank(providers[0]);
        vm.expectRevert(abi.encodeWithSelector(Staking.NotWithdrawable.selector, providers[0], uint256(0), uint64(0)));
        staking.withdraw();
    }

    function test_slash_onlySlasher() public {
        vm.expectRevert(abi.encodeWithSelector(Errors.Unauthorized.selector, address(this)));
        staking.slash(providers[0], 1, requester);
    }

    function test_slash_reachesUnbondingStake() public {
        vm.prank(providers[0]);
        staking.requestUnstake(80e18);
        vm.prank(address(escrow));
        uint256 taken = staking.slash(providers[0], 50e18, requester);
        vm.assertEq(taken, 50e18, "all taken");
        vm.assertEq(staking.stakeOf(providers[0]), 0, "active first");
        (uint256 unbondingLeft,) = staking.unbonding(providers[0]);
        vm.assertEq(unbondingLeft, 50e18, "then unbonding");
    }

    function test_slash_capsAtWhatIsThere() public {
        vm.prank(address(escrow));
        uint256 taken = staking.slash(providers[0], 1_000e18, requester);
        vm.assertEq(taken, MIN_STAKE, "capped");
    }

    function test_claimRewards_pullsShare() public {
        vm.prank(address(escrow));
        staking.slash(providers[0], 10e18, requester);
        vm.prank(requester);
        staking.claimRewards();
        vm.assertEq(stk.balanceOf(requester), 5e18, "requester share");
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(Staking.NoRewards.selector, requester));
        staking.claimRewards();
    }

    function test_setSlasher_once() public {
        vm.expectRevert(abi.encodeWithSelector(Staking.SlasherAlreadySet.selector, address(escrow)));
        staking.setSlasher(address(1));
    }

    function testFuzz_stakeAccounting(uint256 stakeAmount, uint256 unstakeAmount, uint256 slashAmount) public {
        stakeAmount = bound(stakeAmount, 1, 900e18);
        vm.prank(providers[3]);
        staking.stake(stakeAmount);
        uint256 total = MIN_STAKE + stakeAmount;
        unstakeAmount = bound(unstakeAmount, 1, total);
        vm.prank(providers[3]);
        staking.requestUnstake(unstakeAmount);
        slashAmount = bound(slashAmount, 0, 2 * total);
        vm.prank(address(escrow));
        uint256 taken = staking.slash(providers[3], slashAmount, requester);
        (uint256 unbondingLeft,) = staking.unbonding(providers[3]);
        vm.assertEq(staking.stakeOf(providers[3]) + unbondingLeft + taken, total, "stake conserved");
        vm.assertEq(staking.rewards(requester) + staking.rewards(treasury), taken, "slash fully credited");
    }
}
