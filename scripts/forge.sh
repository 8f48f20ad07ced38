#!/usr/bin/env bash
# Runs Foundry's forge (from the npm package @foundry-rs/forge-linux-amd64) in contracts/, compiling
# with solc-js through contracts/solc.cjs (forge cannot download solc here). Usage: scripts/forge.sh test
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/contracts"
export PATH="$root/node_modules/.bin:$PATH"
exec "$root/node_modules/@foundry-rs/forge-linux-amd64/bin/forge" "$@"
