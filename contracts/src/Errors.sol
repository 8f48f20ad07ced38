// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Shared custom errors of the Tabmesh contracts.
/// @notice Every revert in Tabmesh is one of these, with the values that caused it.
library Errors {
    /// @notice `amount` must be greater than zero.
    error ZeroAmount();
    /// @notice An address argument was the zero address.
    error ZeroAddress();
    /// @notice The caller is not the account allowed to do this.
    error Unauthorized(address caller);
}
