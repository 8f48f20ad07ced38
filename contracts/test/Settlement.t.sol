// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Fixture} from "./Fixture.sol";
import {JobEscrow} from "../src/JobEscrow.sol";

/// @notice Gas of settling a 1,000-task job (redundancy 2) over 4 providers: one open, one claim of the
///         latest cheque per provider. Recorded in the gas snapshot; `per task` = total / 1000.
contract SettlementGasTest is Fixture {
    function test_settle1000TaskJob_fourClaims() public {
        bytes32 job = keccak256("big");
        openJob(job, 1000, 2, 1_000);
        for (uint256 i; i < 4; ++i) {
            (JobEscrow.Cheque memory c, bytes memory s) = cheque(job, providers[i], 500 * 1_000);
            escrow.claim(c, s);
        }
        vm.assertEq(usd.balanceOf(providers[3]), 500_000, "each provider paid for its 500 task runs");
    }

    function test_settle1000TaskJob_claimMany() public {
        bytes32 job = keccak256("big");
        openJob(job, 1000, 2, 1_000);
        JobEscrow.Cheque[] memory cs = new JobEscrow.Cheque[](4);
        bytes[] memory sigs = new bytes[](4);
        for (uint256 i; i < 4; ++i) (cs[i], sigs[i]) = cheque(job, providers[i], 500 * 1_000);
        escrow.claimMany(cs, sigs);
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "all paid out");
    }
}
