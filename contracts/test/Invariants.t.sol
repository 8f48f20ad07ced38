// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base} from "./Base.sol";
import {Fixture} from "./Fixture.sol";
import {TestToken} from "../src/TestToken.sol";
import {Staking} from "../src/Staking.sol";
import {PaymentLanes} from "../src/PaymentLanes.sol";
import {Arbitration} from "../src/Arbitration.sol";

/// @notice Drives lanes, staking and disputes with random but valid actions from two requesters and
///         three owners, keeping ghost totals.
contract Handler is Base {
    PaymentLanes internal lanes;
    Staking internal staking;
    Arbitration internal arbitration;
    TestToken internal usd;
    TestToken internal stk;
    uint256[2] internal requesterKeys = [uint256(0xA11CE), 0xA11CF];
    address[3] internal owners;
    uint256[3] internal operatorKeys;

    /// Ghost: highest cumulative amount ever signed per lane (a lane never pays above it).
    mapping(address => mapping(address => uint256)) public ghostSigned;
    uint256 public ghostDeposited;
    uint256 public ghostWithdrawn;
    uint256 public ghostPaid;
    uint256 public ghostStaked;
    uint256 public ghostUnstakedOut;
    uint256 public ghostSlashed;

    constructor(PaymentLanes l, Staking s, Arbitration a, TestToken u, TestToken k, address[3] memory os, uint256[3] memory opKeys) {
        lanes = l; staking = s; arbitration = a; usd = u; stk = k; owners = os; operatorKeys = opKeys;
        for (uint256 i; i < 2; ++i) {
            address r = vm.addr(requesterKeys[i]);
            usd.faucet(r, 1e12);
            vm.prank(r);
            usd.approve(address(lanes), type(uint256).max);
        }
    }

    function requesterAt(uint256 i) public view returns (address) {
        return vm.addr(requesterKeys[i % 2]);
    }

    function ownerAt(uint256 i) external view returns (address) {
        return owners[i];
    }

    function deposit(uint256 who, uint256 amount) external {
        amount = bound(amount, 1, 1e9);
        vm.prank(requesterAt(who));
        lanes.deposit(amount);
        ghostDeposited += amount;
    }

    function withdraw(uint256 who, uint256 amount) external {
        address r = requesterAt(who);
        uint256 d = lanes.deposits(r);
        if (d == 0) return;
        amount = bound(amount, 1, d);
        vm.prank(r);
        lanes.withdraw(amount);
        ghostWithdrawn += amount;
    }

    function fund(uint256 who, uint256 ownerSeed, uint256 amount) external {
        address r = requesterAt(who);
        uint256 d = lanes.deposits(r);
        if (d == 0) return;
        address[] memory o = new address[](1);
        uint256[] memory a = new uint256[](1);
        o[0] = owners[ownerSeed % 3];
        a[0] = bound(amount, 1, d);
        vm.prank(r);
        lanes.fundLanes(o, a);
    }

    function claim(uint256 who, uint256 ownerSeed, uint256 amount, bool many) external {
        uint256 key = requesterKeys[who % 2];
        address r = vm.addr(key);
        address owner = owners[ownerSeed % 3];
        (uint96 funded, uint96 claimed,) = lanes.lanes(r, owner);
        uint256 cumulative = uint256(claimed) + bound(amount, 0, uint256(funded) - claimed + 1e6);
        if (cumulative > ghostSigned[r][owner]) ghostSigned[r][owner] = cumulative;
        PaymentLanes.Cheque memory c = PaymentLanes.Cheque({requester: r, owner: owner, cumulativeAmount: cumulative});
        bytes memory sig = signDigest(key, lanes.chequeDigest(c));
        uint256 before = usd.balanceOf(owner);
        if (many) {
            PaymentLanes.Cheque[] memory cs = new PaymentLanes.Cheque[](2);
            bytes[] memory sigs = new bytes[](2);
            (cs[0], cs[1], sigs[0], sigs[1]) = (c, c, sig, sig); // the duplicate pays nothing
            lanes.claimMany(cs, sigs);
        } else {
            if (cumulative <= claimed || funded <= claimed) return;
            lanes.claim(c, sig);
        }
        ghostPaid += usd.balanceOf(owner) - before;
    }

    function startClose(uint256 who, uint256 ownerSeed) external {
        vm.prank(requesterAt(who));
        lanes.startClose(owners[ownerSeed % 3]);
    }

    function finishClose(uint256 who, uint256 ownerSeed) external {
        address r = requesterAt(who);
        address owner = owners[ownerSeed % 3];
        (,, uint64 closesAt) = lanes.lanes(r, owner);
        if (closesAt == 0) return;
        if (block.timestamp < closesAt) vm.warp(closesAt);
        vm.prank(r);
        lanes.finishClose(owner);
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 1, 12 hours));
    }

    function stake(uint256 who, uint256 amount) external {
        address o = owners[who % 3];
        amount = bound(amount, 1, 10e18);
        stk.faucet(o, amount);
        vm.startPrank(o);
        stk.approve(address(staking), amount);
        staking.stake(amount);
        vm.stopPrank();
        ghostStaked += amount;
    }

    function unstake(uint256 who, uint256 amount) external {
        address o = owners[who % 3];
        uint256 s = staking.stakeOf(o);
        if (s == 0) return;
        vm.prank(o);
        staking.requestUnstake(bound(amount, 1, s));
    }

    function withdrawStake(uint256 who) external {
        address o = owners[who % 3];
        (uint256 amount, uint64 releaseAt) = staking.unbonding(o);
        if (amount == 0 || staking.locks(o) > 0) return;
        if (block.timestamp < releaseAt) vm.warp(releaseAt);
        vm.prank(o);
        staking.withdraw();
        ghostUnstakedOut += amount;
    }

    /// A whole dispute between owner `a` and owner `b`, decided by the only eligible arbiters (the rest).
    function dispute(uint256 a, uint256 b, bytes32 randomness) external {
        a = a % 3;
        b = (a + 1 + (b % 2)) % 3;
        Arbitration.Receipt[] memory rs = new Arbitration.Receipt[](2);
        bytes[] memory sigs = new bytes[](2);
        bytes memory spec = abi.encode(randomness);
        rs[0] = Arbitration.Receipt({taskHash: keccak256(spec), outputHash: keccak256("right"), operator: vm.addr(operatorKeys[a])});
        rs[1] = Arbitration.Receipt({taskHash: keccak256(spec), outputHash: keccak256("wrong"), operator: vm.addr(operatorKeys[b])});
        sigs[0] = signDigest(operatorKeys[a], arbitration.receiptDigest(rs[0]));
        sigs[1] = signDigest(operatorKeys[b], arbitration.receiptDigest(rs[1]));
        address opener = requesterAt(0);
        stk.faucet(opener, arbitration.disputeBond());
        vm.startPrank(opener);
        stk.approve(address(arbitration), arbitration.disputeBond());
        uint256 id = arbitration.openDispute(spec, "", rs, sigs);
        vm.stopPrank();
        vm.roll(block.number + 1);
        vm.prevrandao(randomness);
        uint256 before = stk.balanceOf(address(arbitration));
        arbitration.draw(id);
        (,,,,,,,, address[] memory arbiters,,) = arbitration.dispute(id);
        if (arbiters.length > 0) {
            (,,,, uint64 revealDeadline,,,,,,) = arbitration.dispute(id);
            vm.warp(uint256(revealDeadline) + 1);
            arbitration.resolve(id);
        }
        ghostSlashed += stk.balanceOf(address(arbitration)) - before;
    }
}

contract InvariantsTest is Fixture {
    Handler internal handler;
    address[3] internal hOwners;

    function setUp() public override {
        super.setUp();
        uint256[3] memory opKeys = [operatorKeys[0], operatorKeys[1], operatorKeys[2]];
        hOwners = [owners[0], owners[1], owners[2]];
        // Only three owners in the pool: the other three leave, so the handler's disputes draw no arbiters
        // (they expire) or, after re-registering, draw from the rest.
        for (uint256 i = 3; i < OWNERS; ++i) {
            vm.prank(owners[i]);
            staking.removeOperator(operators[i]);
        }
        handler = new Handler(lanes, staking, arbitration, usd, stk, hOwners, opKeys);
        targetContract(address(handler));
    }

    /// Per-lane solvency: no lane ever paid more than it was funded or than its newest cheque said.
    function invariant_laneSolvency() public view {
        for (uint256 r; r < 2; ++r) {
            for (uint256 o; o < 3; ++o) {
                (uint96 funded, uint96 claimed,) = lanes.lanes(handler.requesterAt(r), hOwners[o]);
                vm.assertLe(claimed, funded, "claimed <= funded");
                vm.assertLe(claimed, handler.ghostSigned(handler.requesterAt(r), hOwners[o]), "claimed <= signed");
            }
        }
    }

    /// Token conservation: the contract holds exactly deposits + unspent lanes + uncollected fees, and
    /// everything deposited is accounted as withdrawn, paid, fee or still held.
    function invariant_paymentConservation() public view {
        uint256 held = lanes.feesAccrued();
        for (uint256 r; r < 2; ++r) {
            address req = handler.requesterAt(r);
            held += lanes.deposits(req);
            for (uint256 o; o < 3; ++o) held += lanes.unspent(req, hOwners[o]);
        }
        vm.assertEq(usd.balanceOf(address(lanes)), held, "lanes contract holds exactly what it owes");
        vm.assertEq(handler.ghostDeposited(), handler.ghostWithdrawn() + handler.ghostPaid() + held, "deposits conserved");
    }

    /// Stake accounting through slashes and unbonding: Staking holds exactly active + unbonding stake,
    /// Arbitration exactly the rewards it owes.
    function invariant_stakeAccounting() public view {
        uint256 held;
        for (uint256 i; i < OWNERS; ++i) {
            (uint256 u,) = staking.unbonding(owners[i]);
            held += staking.stakeOf(owners[i]) + u;
        }
        vm.assertEq(stk.balanceOf(address(staking)), held, "staking token balance = stakes + unbonding");
        vm.assertEq(held + handler.ghostSlashed() + handler.ghostUnstakedOut(), OWNERS * STAKE + handler.ghostStaked(), "ghost totals agree");
        uint256 owed = arbitration.rewards(treasury) + arbitration.rewards(handler.requesterAt(0));
        for (uint256 i; i < OWNERS; ++i) owed += arbitration.rewards(owners[i]);
        vm.assertEq(stk.balanceOf(address(arbitration)), owed, "arbitration holds exactly the rewards it owes");
    }
}
