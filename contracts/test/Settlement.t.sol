// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {JobEscrow} from "../src/JobEscrow.sol";

/// @notice Gas of settling jobs of 10, 100 and 1,000 tasks (redundancy 2) over 4 providers: one open, one
///         claim of the latest cumulative cheque per provider — against paying every task run with its own
///         claim. Recorded in the gas snapshot; `npm run bench` divides by the task count.
contract SettlementGasTest is Fixture {
    uint128 internal constant PRICE = 1_000;

    function settleWithCheques(bytes32 job, uint32 tasks) internal {
        openJob(job, tasks, 2, PRICE);
        for (uint256 i; i < 4; ++i) {
            (JobEscrow.Cheque memory c, bytes memory s) = cheque(job, providers[i], uint256(tasks) * 2 / 4 * PRICE);
            escrow.claim(c, s);
        }
        vm.assertEq(usd.balanceOf(providers[3]), uint256(tasks) / 2 * PRICE, "each provider paid for its runs");
    }

    function test_settle10TaskJob_fourClaims() public {
        settleWithCheques(keccak256("ten"), 10);
    }

    function test_settle100TaskJob_fourClaims() public {
        settleWithCheques(keccak256("hundred"), 100);
    }

    function test_settle1000TaskJob_fourClaims() public {
        settleWithCheques(keccak256("big"), 1000);
    }

    /// @notice The baseline: a claim transaction for every task run (what per-task on-chain payment costs).
    function test_settle10TaskJob_claimPerRun() public {
        bytes32 job = keccak256("per-run");
        openJob(job, 10, 2, PRICE);
        for (uint256 run; run < 20; ++run) {
            (JobEscrow.Cheque memory c, bytes memory s) = cheque(job, providers[run % 4], (run / 4 + 1) * PRICE);
            escrow.claim(c, s);
        }
        vm.assertEq(usd.balanceOf(providers[3]), 5 * PRICE, "each provider paid for its 5 runs");
    }

    function test_settle1000TaskJob_claimMany() public {
        bytes32 job = keccak256("big");
        openJob(job, 1000, 2, PRICE);
        JobEscrow.Cheque[] memory cs = new JobEscrow.Cheque[](4);
        bytes[] memory sigs = new bytes[](4);
        for (uint256 i; i < 4; ++i) (cs[i], sigs[i]) = cheque(job, providers[i], 500 * PRICE);
        escrow.claimMany(cs, sigs);
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "all paid out");
    }
}
