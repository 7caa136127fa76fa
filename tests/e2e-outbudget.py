"""e2e-outbudget.py -- the memory of clients that never read, issue 10,
item 7: each may hold the whole per-client cap (-slowlimit, 1 MiB by
default), so a thousand of them held a gigabyte.  -outbudget bounds
the unsent output of all clients together: past it the clients with
the most unsent output are dropped as slow, largest first.

As a test: NONREADERS clients connect and never read, a talker sends
4000-byte messages until all of them are dropped as slow; the server's
peak RSS (VmHWM) above what it had with everyone connected must stay
near the budget (before the fix -outbudget did not exist, and the
growth was about NONREADERS x the cap).  The talker, which reads, is
never dropped, and every message it was told OK is in the log.

As a measurement:  e2e-outbudget.py CLIENTS [xchatd options...]
prints the figures for that many non-readers and asserts nothing, e.g.
    e2e-outbudget.py 1000 -outbudget 0       # no budget (as before)
    e2e-outbudget.py 1000                    # the default budget
"""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

TEXT = "b" * 4000
BATCH = 16


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith(field + ":"):
                return int(l.split()[1])
    return 0


def nonreader(port):
    """Connect with a small receive buffer, take the welcome, then
    never read again."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    buf = b""
    while b"\nREADY " not in buf and not buf.startswith(b"READY "):
        d = s.recv(65536)
        check(d, "non-reader: closed during the welcome")
        buf += d
    return s


def server_env():
    """Under ASan, freed memory waits in a quarantine (256 MiB) that
    would count as the server's: turn it off for this test."""
    ldd = subprocess.run(["ldd", xc.XCHATD], capture_output=True).stdout
    nm = subprocess.run(["nm", xc.XCHATD], capture_output=True).stdout
    if b"libasan" not in ldd and b"__asan_init" not in nm:
        return None
    return {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") +
            ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"}


def run(n, args):
    with xc.Server("-floodrate", "0", "-maxclients", str(n + 10),
                   *args, env=server_env()) as srv:
        talker = srv.client()
        lazy = [nonreader(srv.port) for _ in range(n)]
        # The talker has seen every JOIN: all are connected and idle.
        for _ in range(n):
            talker.expect("JOIN ", timeout=20)
        base = status_kb(srv.proc.pid, "VmRSS")
        d = md5(TEXT).encode()
        seq = oks = slow = 0
        t0 = time.monotonic()
        # Send until every non-reader is dropped as slow (or far more
        # than their caps could ever hold: a failure).
        limit = 1 << 16
        while slow < n and seq < limit:
            talker.send(b"".join(b"MSG %d %s %s\n" % (seq + i, d,
                                                      TEXT.encode())
                                 for i in range(BATCH)))
            seq += BATCH
            while oks < seq:
                l = talker.line(timeout=30)
                if l.startswith(b"OK "):
                    oks += 1
                elif l.startswith(b"LEAVE ") and l.endswith(b" slow"):
                    slow += 1
                else:
                    xc.fail("talker: unexpected %r" % l[:80])
        secs = time.monotonic() - t0
        peak = status_kb(srv.proc.pid, "VmHWM")
        talker.sendline("PING end")
        talker.expect("PONG end", skip=("LEAVE",))
        acc = srv.logtext().count("\taccepted\t")
        for s in lazy:
            s.close()
        talker.close()
        check(srv.stop() == 0, "xchatd exits 0")
    return dict(clients=n, messages=seq, dropped_slow=slow,
                rss_base_kb=base, rss_peak_kb=peak,
                growth_kb=peak - base, secs=round(secs, 1),
                logged=acc, oks=oks)


if len(sys.argv) > 1:
    r = run(int(sys.argv[1]), sys.argv[2:])
    print(" ".join("%s=%s" % kv for kv in r.items()))
    sys.exit(0)

N = 200
BUDGET_KB = 8 * 1024
r = run(N, ["-slowlimit", "1m", "-outbudget", "%dk" % BUDGET_KB])
print(" ".join("%s=%s" % kv for kv in r.items()))
check(r["dropped_slow"] == N, "every non-reader dropped as slow: %r" % r)
check(r["logged"] == r["oks"], "every OK'd message logged: %r" % r)
# Without the budget the growth is about N x 1 MiB (200 MiB); with it,
# the budget times what the allocator adds to live queues (measured:
# about 2) and a little more.
check(r["growth_kb"] < 3 * BUDGET_KB + 8 * 1024,
      "peak RSS growth %d KiB, budget %d KiB" % (r["growth_kb"], BUDGET_KB))
print("e2e-outbudget: ok")
