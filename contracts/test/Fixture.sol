// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base} from "./Base.sol";
import {TestToken} from "../src/TestToken.sol";
import {Staking} from "../src/Staking.sol";
import {JobEscrow} from "../src/JobEscrow.sol";

/// @notice Deployed tokens, Staking and JobEscrow with funded actors, as on the local chain.
abstract contract Fixture is Base {
    TestToken internal usd;
    TestToken internal stk;
    Staking internal staking;
    JobEscrow internal escrow;

    address internal treasury = address(0x7EA5);
    uint256 internal requesterKey = 0xA11CE;
    address internal requester;
    uint256[4] internal providerKeys = [uint256(0xB0B1), 0xB0B2, 0xB0B3, 0xB0B4];
    address[4] internal providers;

    uint64 internal constant UNBONDING = 7 days;
    uint128 internal constant MIN_STAKE = 100e18;

    function setUp() public virtual {
        usd = new TestToken("Tabmesh USD", "tUSD", 6);
        stk = new TestToken("Tabmesh Stake", "tSTK", 18);
        staking = new Staking(stk, UNBONDING, treasury);
        escrow = new JobEscrow(usd, staking, treasury);
        staking.setSlasher(address(escrow));
        requester = vm.addr(requesterKey);
        usd.faucet(requester, 1_000_000e6);
        vm.prank(requester);
        usd.approve(address(escrow), type(uint256).max);
        for (uint256 i; i < providers.length; ++i) {
            providers[i] = vm.addr(providerKeys[i]);
            stk.faucet(providers[i], 1_000e18);
            vm.startPrank(providers[i]);
            stk.approve(address(staking), type(uint256).max);
            staking.stake(MIN_STAKE);
            vm.stopPrank();
        }
    }

    function openJob(bytes32 jobId, uint32 tasks, uint16 redundancy, uint128 price) internal {
        vm.prank(requester);
        escrow.openJob(jobId, keccak256("module"), keccak256("inputs"), tasks, redundancy, price, uint64(block.timestamp + 1 days), MIN_STAKE);
    }

    function cheque(bytes32 jobId, address provider, uint256 cumulative) internal view returns (JobEscrow.Cheque memory c, bytes memory sig) {
        c = JobEscrow.Cheque({jobId: jobId, provider: provider, cumulativeAmount: cumulative});
        sig = signDigest(requesterKey, escrow.chequeDigest(c));
    }

    function receipt(bytes32 jobId, uint32 task, bytes32 output, uint256 who) internal view returns (JobEscrow.Receipt memory r, bytes memory sig) {
        r = JobEscrow.Receipt({jobId: jobId, taskIndex: task, outputHash: output, provider: providers[who]});
        sig = signDigest(providerKeys[who], escrow.receiptDigest(r));
    }
}
