#!/usr/bin/env python3
"""Delays forwarded packets by a fixed time plus jitter, for kernels without tc netem (sch_netem).

The network lab (lab/topology.sh) sends every packet a home router forwards to netfilter queue 0
(iptables `-j NFQUEUE --queue-bypass`); this program reads the queue over netlink (nfnetlink_queue,
metadata only: no payload is copied) and gives each packet its ACCEPT verdict `--delay-ms` (plus up to
`--jitter-ms`) after it arrived. Packets leave in the order they came (a packet's release time is
never before the one ahead of it), as netem does when the jitter is small against the spacing.

Why our own: Debian has no user-space delay tool, and the lab's kernel (a Firecracker guest) has no
sch_netem; the stdlib's AF_NETLINK sockets need no package. Wire format: linux/netfilter/nfnetlink.h
and nfnetlink_queue.h.

It stops by itself when process `--watch-pid` (the lab's command) is gone, checked every second;
with `--queue-bypass`, packets flow undelayed once it has stopped.
"""
import argparse
import heapq
import os
import random
import select
import socket
import struct
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NF_ACCEPT = 1
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
# Packets the kernel may hold for us: ~2 s of the lab's bulk transfer (≈1 MB/s of 1.2 KB packets) each
# way, well above what DELAY_MS of it needs.
QUEUE_MAXLEN = 8192
WATCH_EVERY_S = 1.0


def attr(kind: int, payload: bytes) -> bytes:
    """One netlink attribute (struct nlattr), padded to 4 bytes."""
    raw = struct.pack('=HH', 4 + len(payload), kind) + payload
    return raw + b'\0' * (-len(raw) % 4)


def message(msg: int, queue: int, body: bytes, seq: int) -> bytes:
    """An nfnetlink message to the queue subsystem: nlmsghdr + nfgenmsg (AF_UNSPEC, v0, queue) + attributes."""
    payload = struct.pack('=BBH', socket.AF_UNSPEC, 0, socket.htons(queue)) + body
    return struct.pack('=IHHII', 16 + len(payload), (NFNL_SUBSYS_QUEUE << 8) | msg, NLM_F_REQUEST, seq, 0) + payload


def packet_ids(data: bytes):
    """The packet ids in a buffer of NFQNL_MSG_PACKET messages."""
    offset = 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from('=IH', data, offset)
        if length < 16:
            return
        if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            a = offset + 20  # nlmsghdr (16) + nfgenmsg (4)
            while a + 4 <= offset + length:
                alen, akind = struct.unpack_from('=HH', data, a)
                if alen < 4:
                    break
                if (akind & 0x7fff) == NFQA_PACKET_HDR:
                    yield struct.unpack_from('!I', data, a + 4)[0]
                a += (alen + 3) & ~3
        elif kind == NLMSG_ERROR:
            code = struct.unpack_from('=i', data, offset + 16)[0]
            if code != 0:
                raise OSError(-code, f'nfnetlink_queue: {os.strerror(-code)}')
        offset += (length + 3) & ~3


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--queue', type=int, default=0)
    parser.add_argument('--delay-ms', type=float, required=True)
    parser.add_argument('--jitter-ms', type=float, default=0)
    parser.add_argument('--watch-pid', type=int, required=True)
    args = parser.parse_args()

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind((0, 0))
    seq = 1
    sock.send(message(NFQNL_MSG_CONFIG, args.queue, attr(NFQA_CFG_CMD, struct.pack('!BxH', NFQNL_CFG_CMD_BIND, socket.AF_INET)), seq))
    seq += 1
    sock.send(message(NFQNL_MSG_CONFIG, args.queue, attr(NFQA_CFG_PARAMS, struct.pack('!IB', 0, NFQNL_COPY_META)) + attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack('!I', QUEUE_MAXLEN)), seq))
    seq += 1

    pending: list = []  # (release time, packet id), a heap
    last_release = 0.0
    next_watch = time.monotonic() + WATCH_EVERY_S
    while True:
        now = time.monotonic()
        if now >= next_watch:
            if not alive(args.watch_pid):
                return
            next_watch = now + WATCH_EVERY_S
        timeout = min(next_watch - now, max(0.0, pending[0][0] - now) if pending else WATCH_EVERY_S)
        ready, _, _ = select.select([sock], [], [], timeout)
        now = time.monotonic()
        if ready:
            try:
                data = sock.recv(1 << 20, socket.MSG_DONTWAIT)
            except BlockingIOError:
                data = b''
            except OSError:  # ENOBUFS: the kernel dropped messages; carry on with the next ones
                data = b''
            for pid in packet_ids(data):
                release = max(last_release, now + (args.delay_ms + random.uniform(0, args.jitter_ms)) / 1000)
                last_release = release
                heapq.heappush(pending, (release, pid))
        batch = b''
        while pending and pending[0][0] <= now:
            _, pid = heapq.heappop(pending)
            batch += message(NFQNL_MSG_VERDICT, args.queue, attr(NFQA_VERDICT_HDR, struct.pack('!II', NF_ACCEPT, pid)), seq)
            seq += 1
            if len(batch) > 60_000:
                sock.send(batch)
                batch = b''
        if batch:
            sock.send(batch)


if __name__ == '__main__':
    main()
