// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken — an ERC-20 with a public faucet, for the local chain only.
/// @notice Tabmesh's local mesh uses two: a 6-decimal payment token and an 18-decimal staking token.
///         Never deploy it to a real network: anyone can mint.
contract TestToken is ERC20 {
    /// @notice The most one faucet call mints, in base units: 1,000,000 whole tokens.
    uint256 public immutable faucetCap;
    uint8 private immutable _decimals;

    /// @notice The faucet was asked for more than `faucetCap`.
    error FaucetCapExceeded(uint256 requested, uint256 cap);

    /// @notice `to` received `amount` from the faucet.
    event FaucetDripped(address indexed to, uint256 amount);

    /// @param name_ token name
    /// @param symbol_ token symbol
    /// @param decimals_ 6 for the payment token, 18 for the staking token
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
        faucetCap = 1_000_000 * 10 ** decimals_;
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` base units to `to`.
    /// @dev Reverts with FaucetCapExceeded above `faucetCap`.
    function faucet(address to, uint256 amount) external {
        if (amount > faucetCap) revert FaucetCapExceeded(amount, faucetCap);
        _mint(to, amount);
        emit FaucetDripped(to, amount);
    }
}
