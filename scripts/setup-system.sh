#!/usr/bin/env bash
# Installs the Debian packages Tabmesh needs, if missing (`npm run build`, hence `npm start` and
# `npm test`, runs it first; it prints nothing when all are present):
#   chromium                      — real browser for the e2e tests (playwright-core drives /usr/bin/chromium)
#   clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 — builds jobs/wasi-c (C → wasm32-wasi)
#   libc6-dev                     — native builds of jobs/programs (tests compare their output with the jobs')
#   iptables coturn               — the network lab (lab/: NAT routers, STUN/TURN; `npm run test:lab`)
#   iproute2                      — `ip` for the loopback-only network namespace of the WebRTC tests
#   openssl                       — a test CA and relay certificate for the wss:// relay test (e2e/tls-relay)
#   python3-minimal               — lab/delay.py: access-link delay where the kernel has no tc netem
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v clang-19 >/dev/null 2>&1 || need+=(clang-19)
command -v wasm-ld-19 >/dev/null 2>&1 || need+=(lld-19)
[ -d /usr/include/wasm32-wasi ] || need+=(wasi-libc)
ls /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need+=(libclang-rt-19-dev-wasm32)
[ -f /usr/include/stdio.h ] || need+=(libc6-dev)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v turnserver >/dev/null 2>&1 || need+=(coturn)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v python3 >/dev/null 2>&1 || need+=(python3-minimal)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${need[*]}, and this is not a Debian-like system (no apt-get): install them by hand" >&2
  exit 1
fi
echo "setup-system: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
