#!/usr/bin/env bash
# Runs a command inside the network lab (lab/topology.sh): a new network and mount namespace, so the
# lab's namespaces, links and NAT rules exist only for the command and vanish with it. Needs root
# (CI runs as root) and iproute2, iptables, coturn (scripts/setup-system.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != "0" ]; then echo "lab/run.sh: the network lab needs root (network namespaces, NAT)" >&2; exit 1; fi
export TABMESH_LAB=1
exec unshare -n -m sh -c '"$0/topology.sh" && exec "$@"' "$here" "$@"
