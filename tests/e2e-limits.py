"""e2e-limits.py -- server policies with real sockets: maxclients
(BYE full, no id used), history length, 200 clients at once, flood
control (NAK flood, then BYE flood), a client that never reads (BYE
slow while the others go on), keepalive (PING, then timeout)."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

# maxclients and history
with xc.Server("-maxclients", "2", "-history", "3") as srv:
    a = srv.client()
    b = srv.client()
    a.expect("JOIN 2 user2")
    for i in range(1, 6):
        a.msg(i, "m%d" % i)
        a.expect("OK %d %d" % (i, i))
    c = xc.Client(srv.port, handshake=False)
    check(c.line() == b"BYE full", "BYE full past maxclients")
    check(c.closed(), "closed after BYE full")
    b.close()
    a.expect("LEAVE 2 user2 closed")
    d = srv.client()
    check(d.id == 3, "a refused connection uses no id (got %d)" % d.id)
    check([h.split(b" ")[-1] for h in d.history] == [b"m3", b"m4", b"m5"],
          "history is the last 3: %r" % d.history)

with xc.Server("-history", "0") as srv:
    a = srv.client()
    a.msg(1, "x")
    a.expect("OK 1 1")
    b = srv.client()
    check(b.history == [], "-history 0 sends none")

# 200 clients at once: every one gets every message, none twice.
with xc.Server("-floodrate", "0") as srv:
    cl = [srv.client() for _ in range(200)]
    for i in range(5):
        cl[i].msg(1, "hello from %d" % i)
    for k, c in enumerate(cl):
        got = []
        while len(got) < (5 if k >= 5 else 4):
            l = c.line()
            if l.startswith(b"MSG "):
                got.append(l)
            elif l.startswith(b"OK "):
                pass
            else:
                check(l.startswith(b"JOIN "), "unexpected %r" % l)
        check(len(set(got)) == len(got), "duplicates at client %d" % k)
    ids = sorted(c.id for c in cl)
    check(ids == list(range(1, 201)), "ids 1..200")

# Flood: -floodrate 2 allows a burst of 4, then NAK flood; a client
# that keeps on is dropped with BYE flood.
with xc.Server("-floodrate", "2", "-floodkick", "20") as srv:
    a = srv.client()
    b = srv.client()
    a.expect("JOIN 2 user2")
    a.send(b"".join(b"MSG %d %s m\n" % (i, md5("m").encode())
                    for i in range(1, 9)))
    res = [a.line() for _ in range(8)]
    check(res[:4] == [b"OK 1 1", b"OK 2 2", b"OK 3 3", b"OK 4 4"],
          "answers in order: %r" % res)
    oks = [r for r in res if r.startswith(b"OK ")]
    fl = [r for r in res if r.endswith(b" flood")]
    check(len(oks) == 4 and len(fl) == 4, "burst of 4 then flood: %r" % res)
    time.sleep(1.1)
    a.msg(99, "m")
    a.expect("OK 99")
    # keep flooding
    a.send(b"".join(b"MSG %d %s m\n" % (i, md5("m").encode())
                    for i in range(100, 200)))
    saw_bye = False
    try:
        while True:
            l = a.line()
            if l == b"BYE flood":
                saw_bye = True
                break
    except (EOFError, TimeoutError, ConnectionResetError):
        pass
    check(saw_bye, "BYE flood for a client that keeps flooding")
    b.expect("LEAVE 1 user1 flood", skip=("MSG",))
    check("\tflood\t" in srv.logtext(), "flood rejections are logged")

# A client that never reads while others send 20,000 1-KiB messages:
# it is dropped as slow, the others get everything.
with xc.Server("-floodrate", "0", "-slowlimit", "256k") as srv:
    lazy = srv.client()
    a = srv.client()
    b = srv.client()
    text = "k" * 1000
    d = md5(text)
    n = 20000
    got = 0
    sent = 0
    left_slow = False
    b.sock.setblocking(True)
    while got < n:
        if sent < n:
            batch = b"".join(b"MSG %d %s %s\n" % (i, d.encode(), text.encode())
                             for i in range(sent, min(n, sent + 200)))
            a.send(batch)
            sent = min(n, sent + 200)
        while True:
            l = b.line(timeout=10)
            if l.startswith(b"MSG "):
                got += 1
                if got % 200 == 0 or got == n:
                    break
            elif l.startswith(b"LEAVE 1 user1 slow"):
                left_slow = True
            else:
                check(l.startswith(b"JOIN"), "unexpected %r" % l[:80])
    check(got == n, "the reader got all %d" % n)
    check(left_slow, "the others were told LEAVE 1 user1 slow")
    st = open("/proc/%d/status" % srv.proc.pid).read()
    rss = int([l for l in st.splitlines() if l.startswith("VmRSS")][0].split()[1])
    check(rss < 100 * 1024, "server RSS bounded: %d KiB" % rss)
    acc = srv.logtext().count("\taccepted\t")
    check(acc == n, "all %d accepted messages logged (%d)" % (n, acc))

# A reader that keeps up is never taken for slow, even when a burst
# is larger than the cap; a newcomer whose history is larger than the
# cap is not either.
with xc.Server("-floodrate", "0", "-slowlimit", "64k", "-history", "100") as srv:
    s = srv.client()            # never reads: it is the slow one
    r = srv.client()
    a = srv.client()
    r.expect("JOIN 3")
    text = "y" * 1000
    # bursts of 500 (about 0.5 MiB, far over the 64 KiB cap at once),
    # the reader reading each burst as it comes
    n = 0
    seen_leave = False
    for burst in range(40):
        a.send(b"".join(b"MSG %d %s %s\n" % (i, md5(text).encode(),
                                              text.encode())
                        for i in range(burst * 500 + 1, burst * 500 + 501)))
        while n < (burst + 1) * 500:
            l = r.line(timeout=10)
            check(not l.startswith(b"BYE"), "reader dropped: %r" % l)
            if l.startswith(b"MSG "):
                n += 1
            elif l == b"LEAVE 1 user1 slow":
                seen_leave = True
    check(n == 20000, "the reader got all 20000")
    check(seen_leave, "the one that never reads was dropped as slow")
    late = srv.client()
    check(len(late.history) == 100, "a newcomer gets a history over the cap")
    late.sendline("PING still-here")
    late.expect("PONG still-here")

# Keepalive: a silent client gets PING; one that does not answer is
# dropped with timeout; one that answers stays.  The server PINGs on
# its once-a-second tick, a and b not always on the same one (b came
# later): b may hear of a's LEAVE before its own first PING.  b
# answers every PING until it has heard of a's LEAVE.
with xc.Server("-pinginterval", "1", "-pingtimeout", "1") as srv:
    a = srv.client()
    b = srv.client()
    a.expect("JOIN 2 user2")
    pinged = left = False
    while not (pinged and left):
        l = b.line(timeout=6)
        if l.startswith(b"PING "):
            b.sendline(b"PONG " + l.split(b" ")[1])
            pinged = True
        else:
            check(l == b"LEAVE 1 user1 timeout" and not left,
                  "b (answering) got %r" % l)
            left = True
    a.expect("PING ", timeout=4)
    check(a.expect("BYE timeout", timeout=5), "BYE timeout")

print("e2e-limits: ok")
