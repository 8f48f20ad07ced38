#!/usr/bin/env bash
# Runs a command inside a fresh network namespace that has only `lo` (NOTES: Chromium offers this
# machine's other interfaces as WebRTC candidates; tests must keep every packet on loopback).
# Needs root (CI runs as root). Without it, runs the command as is and says so.
set -euo pipefail
if [ "${TABMESH_IN_NETNS:-}" = "1" ]; then exec "$@"; fi
if [ "$(id -u)" = "0" ] && unshare -n true 2>/dev/null; then
  export TABMESH_IN_NETNS=1
  exec unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
echo "netns.sh: cannot create a network namespace (need root); running on the host network" >&2
exec "$@"
