// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base} from "./Base.sol";
import {TestToken} from "../src/TestToken.sol";
import {Staking} from "../src/Staking.sol";
import {PaymentLanes} from "../src/PaymentLanes.sol";
import {Arbitration} from "../src/Arbitration.sol";

/// @notice Tokens, Staking, PaymentLanes and Arbitration as on the local chain, with funded actors:
///         one requester, six owners (each its own operator key plus a second operator key), staked.
abstract contract Fixture is Base {
    TestToken internal usd;
    TestToken internal stk;
    Staking internal staking;
    PaymentLanes internal lanes;
    Arbitration internal arbitration;

    address internal treasury = address(0x7EA5);
    uint256 internal requesterKey = 0xA11CE;
    address internal requester;
    uint256 internal constant OWNERS = 6;
    uint256[OWNERS] internal ownerKeys = [uint256(0xB0B1), 0xB0B2, 0xB0B3, 0xB0B4, 0xB0B5, 0xB0B6];
    address[OWNERS] internal owners;
    /// A second key per owner: its provider process's operator.
    uint256[OWNERS] internal operatorKeys = [uint256(0xC0C1), 0xC0C2, 0xC0C3, 0xC0C4, 0xC0C5, 0xC0C6];
    address[OWNERS] internal operators;

    uint64 internal constant UNBONDING = 7 days;
    uint64 internal constant CHALLENGE = 24 hours;
    uint256 internal constant STAKE = 100e18;
    uint256 internal constant SLASH = 50e18;
    uint256 internal constant BOND = 10e18;
    uint256 internal constant PENALTY = 1e18;

    function setUp() public virtual {
        usd = new TestToken("Tabmesh USD", "tUSD", 6);
        stk = new TestToken("Tabmesh Stake", "tSTK", 18);
        staking = new Staking(stk, UNBONDING);
        lanes = new PaymentLanes(usd, treasury, CHALLENGE);
        arbitration = new Arbitration(staking, treasury, arbitrationParams());
        staking.setSlasher(address(arbitration));
        requester = vm.addr(requesterKey);
        usd.faucet(requester, 1_000_000e6);
        stk.faucet(requester, 1_000e18);
        vm.startPrank(requester);
        usd.approve(address(lanes), type(uint256).max);
        stk.approve(address(arbitration), type(uint256).max);
        vm.stopPrank();
        for (uint256 i; i < OWNERS; ++i) {
            owners[i] = vm.addr(ownerKeys[i]);
            operators[i] = vm.addr(operatorKeys[i]);
            vm.label(owners[i], string.concat("owner", vm.toString(i)));
            stk.faucet(owners[i], 1_000e18);
            vm.startPrank(owners[i]);
            stk.approve(address(staking), type(uint256).max);
            stk.approve(address(arbitration), type(uint256).max);
            staking.stake(STAKE);
            staking.addOperator(operators[i], consent(operatorKeys[i], owners[i]));
            vm.stopPrank();
        }
    }

    function arbitrationParams() internal pure returns (Arbitration.Params memory) {
        return Arbitration.Params({
            arbiterCount: 3,
            minArbiterStake: 10e18,
            slashAmount: SLASH,
            disputeBond: BOND,
            arbiterPenalty: PENALTY,
            commitWindow: 1 hours,
            revealWindow: 1 hours,
            arbiterShareBps: 5_000,
            bountyBps: 1_000
        });
    }

    function consent(uint256 operatorKey, address owner) internal view returns (bytes memory) {
        return signDigest(operatorKey, staking.consentDigest(owner, vm.addr(operatorKey)));
    }

    function deposit(uint256 amount) internal {
        vm.prank(requester);
        lanes.deposit(amount);
    }

    function fund(address owner, uint256 amount) internal {
        address[] memory o = new address[](1);
        uint256[] memory a = new uint256[](1);
        o[0] = owner;
        a[0] = amount;
        vm.prank(requester);
        lanes.fundLanes(o, a);
    }

    function cheque(uint256 signerKey, address owner, uint256 cumulative) internal view returns (PaymentLanes.Cheque memory c, bytes memory sig) {
        c = PaymentLanes.Cheque({requester: vm.addr(signerKey), owner: owner, cumulativeAmount: cumulative});
        sig = signDigest(signerKey, lanes.chequeDigest(c));
    }

    function receipt(bytes32 taskHash, bytes32 output, uint256 operatorKey) internal view returns (Arbitration.Receipt memory r, bytes memory sig) {
        r = Arbitration.Receipt({taskHash: taskHash, outputHash: output, operator: vm.addr(operatorKey)});
        sig = signDigest(operatorKey, arbitration.receiptDigest(r));
    }
}
