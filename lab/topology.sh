#!/usr/bin/env bash
# The network lab (issue: real networks): an "internet" and home networks behind NATs, built from
# Linux network namespaces, veth pairs, a bridge, iptables NAT and tc netem (or lab/delay.py). Run it only inside a
# namespace of its own — `lab/run.sh` does: `unshare -n -m`, so every interface, address and
# namespace here vanishes with the lab and the host's are never touched.
#
#   internet  203.0.113.0/24 (TEST-NET-3, RFC 5737: documentation addresses) on bridge inet0; the lab's
#             own namespace is 203.0.113.1 there (the test runner: it starts and watches processes)
#   pub       203.0.113.10: relays, coturn (STUN/TURN), the web server
#   nat-X     a home router: WAN 203.0.113.2N on the internet, LAN 10.N.0.1/24
#   home-X    10.N.0.2 behind nat-X, default route through it
#     a, b, r (N = 1, 2, 4): endpoint-independent mapping (iptables MASQUERADE keeps the source port:
#             one public port per socket, whoever it talks to; inbound only from where it sent)
#     s       (N = 3): symmetric (MASQUERADE --random-fully: a new public port per destination)
#   access links (home-X <-> nat-X): LAB_LOSS_PCT loss each way (iptables `statistic` drops, default
#             0.5%: ~1% on a round trip), and LAB_DELAY_MS each way (default 15, + up to a quarter of
#             jitter): with tc netem where the kernel has it (sch_netem), else with lab/delay.py on a
#             netfilter queue. Home to home: 4 × 15 = 60 ms round trip (+ jitter).
#
# Counters for the e2e, in each router's FORWARD chain (read with `iptables -L FORWARD -nvx`):
#   LAB-TURN   UDP from the home to 203.0.113.10 (STUN/TURN at pub)
#   LAB-P2P-2N UDP from the home to router N's WAN address 203.0.113.2N (a direct path between homes)
#   LAB-RELAY  TCP from the home to 203.0.113.10 (the libp2p relay: signalling, ads)
#   LAB-PLAIN-WS  the part of it to the relay's plain ws port, 9090 (a tab must use wss, 443)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DELAY=${LAB_DELAY_MS:-15}
LOSS=${LAB_LOSS_PCT:-0.5}

mount -t tmpfs tmpfs /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
ip link set lo up
ip link add inet0 type bridge
ip addr add 203.0.113.1/24 dev inet0
ip link set inet0 up

# attach NS ADDRESS: a namespace with one leg on the internet bridge
attach () {
  local ns=$1 addr=$2
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "$ns-e" type veth peer name uplink netns "$ns"
  ip link set "$ns-e" master inet0 up
  ip -n "$ns" addr add "$addr/24" dev uplink
  ip -n "$ns" link set uplink up
}

attach pub 203.0.113.10
# The internet host's packets to addresses off the bridge (a home's private address, which a TURN
# server is asked to relay to when a peer's host candidate names one) leave by a default route and
# are dropped upstream, as on the internet: the runner's namespace does not forward. Without the
# route coturn's send failed at once (ENETUNREACH) and coturn closed the whole allocation, so a tab
# behind the symmetric NAT lost its TURN path a second after ICE connected through it.
ip -n pub route add default via 203.0.113.1

# home NAME N MODE: router nat-NAME (WAN 203.0.113.2N) and host home-NAME (10.N.0.2) behind it
home () {
  local name=$1 n=$2 mode=$3
  local router="nat-$name" host="home-$name"
  attach "$router" "203.0.113.2$n"
  ip netns add "$host"
  ip -n "$host" link set lo up
  ip -n "$router" link add lan type veth peer name wan netns "$host"
  ip -n "$router" addr add "10.$n.0.1/24" dev lan
  ip -n "$router" link set lan up
  ip -n "$host" addr add "10.$n.0.2/24" dev wan
  ip -n "$host" link set wan up
  ip -n "$host" route add default via "10.$n.0.1"
  ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1
  # Other homes' private addresses are silently dropped, as an ISP drops them. Without a route the
  # router answered "network unreachable" at once, and libjuice failed the whole ICE check list on
  # that before trickled server-reflexive and relay candidates could be tried.
  ip -n "$router" route add blackhole 10.0.0.0/8
  if [ "$mode" = symmetric ]; then
    ip netns exec "$router" iptables -t nat -A POSTROUTING -o uplink -j MASQUERADE --random-fully
  else
    ip netns exec "$router" iptables -t nat -A POSTROUTING -o uplink -j MASQUERADE
  fi
  # Unsolicited UDP to the router itself is dropped, as home routers do. Left to the kernel it is
  # answered (ICMP) and leaves a conntrack entry on that address and port, so the router's next
  # mapping for the home towards that peer takes another port: the peer's first hole-punching
  # packet would turn an endpoint-independent NAT into a port-changing one. A dropped packet's
  # conntrack entry is never confirmed.
  ip netns exec "$router" iptables -A INPUT -i uplink -p udp -j DROP
  # Loss on the access link, each way, before anything is counted.
  ip netns exec "$router" iptables -A FORWARD -i lan -m statistic --mode random --probability "$(awk "BEGIN{print $LOSS/100}")" -j DROP
  ip netns exec "$router" iptables -A FORWARD -o lan -m statistic --mode random --probability "$(awk "BEGIN{print $LOSS/100}")" -j DROP
  # Path counters (see above); ACCEPT: they count, they never filter.
  ip netns exec "$router" iptables -A FORWARD -i lan -p udp -d 203.0.113.10 -m comment --comment LAB-TURN -j ACCEPT
  for w in 21 22 23 24; do
    ip netns exec "$router" iptables -A FORWARD -i lan -p udp -d "203.0.113.$w" -m comment --comment "LAB-P2P-$w" -j ACCEPT
  done
  # No target: it counts plain ws to the relay (port 9090) and lets the packet on to LAB-RELAY.
  ip netns exec "$router" iptables -A FORWARD -i lan -p tcp -d 203.0.113.10 --dport 9090 -m comment --comment LAB-PLAIN-WS
  ip netns exec "$router" iptables -A FORWARD -i lan -p tcp -d 203.0.113.10 -m comment --comment LAB-RELAY -j ACCEPT
  # Delay on the access link, each way: tc netem where the kernel has it; else every forwarded
  # packet waits in netfilter queue 0 for lab/delay.py (--queue-bypass: undelayed if it is gone),
  # which stops by itself when the lab's command (this script's parent, see lab/run.sh) exits.
  local jitter=$(( DELAY / 4 ))
  if [ "$NETEM" = 1 ]; then
    ip netns exec "$host" tc qdisc add dev wan root netem delay "${DELAY}ms" "${jitter}ms"
    ip netns exec "$router" tc qdisc add dev lan root netem delay "${DELAY}ms" "${jitter}ms"
  elif [ "$DELAY" != 0 ]; then
    ip netns exec "$router" iptables -t mangle -A FORWARD -j NFQUEUE --queue-num 0 --queue-bypass
    ip netns exec "$router" python3 "$here/delay.py" --delay-ms "$DELAY" --jitter-ms "$jitter" --watch-pid "$PPID" </dev/null >/dev/null 2>&1 &
  fi
}

# Does this kernel have netem? (A Firecracker guest kernel, for one, has no sch_netem.)
ip link add netem-probe type veth peer name netem-probe2
if tc qdisc add dev netem-probe root netem delay 1ms 2>/dev/null; then NETEM=1; else NETEM=0; fi
ip link del netem-probe

home a 1 eim
home b 2 eim
home s 3 symmetric
home r 4 eim
