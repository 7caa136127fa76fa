"""e2e-cluster-order.py -- a cluster member answers a client's frames in
the order it sent them, as a single server does (PROTOCOL.md,
"Readings"): the OK of a MSG waits for the store, and every other
answer to a later frame (NAK badhash, NAK nouser, PONG, ERR syntax,
ERR unknown, ERR badnick, ERR toolong, ERR flood, KEY) waits behind it.
Many rounds of mixed frames, each round in one write; then across a
store that is stopped for a moment, one stopped past the cluster's
timeout (NAK nolog), and a QUIT; held answers past the output cap
are a slow client's (BYE slow).  Skipped (77) without redis-server."""
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc  # noqa: E402
from xc import check  # noqa: E402
from xcluster import Redis, member, need_redis  # noqa: E402

need_redis()

OTHERS = (b"JOIN ", b"LEAVE ", b"MSG ", b"NICK ", b"AWAY ", b"DM ")
ZERO = "0" * 32


def good(c, seq, text, nolog_ok=False):
    """A MSG that is accepted: its frame, and the answer's check."""
    t = text.encode()
    if c.v2:
        f = b"MSG %d %s - %s\n" % (seq, xc.md5(t).encode(), t)
    else:
        f = b"MSG %d %s %s\n" % (seq, xc.md5(t).encode(), t)
    want = (b"OK %d " % seq,) + ((b"NAK %d nolog" % seq,) if nolog_ok
                                  else ())
    return f, want


def frames(c, rng, seq, r, nolog_ok=False):
    """One round's frames, shuffled, with the answers they must get in
    order (prefixes; a tuple: any of them)."""
    kinds = ["good", "good", "good", "bad", "ping", "nick", "dm", "verb",
             "badnick", "long"]
    if c.v2:
        kinds.append("key")
    rng.shuffle(kinds)
    out = []
    for i, k in enumerate(kinds):
        if k == "good":
            out.append(good(c, seq, "round %d frame %d" % (r, i), nolog_ok))
            seq += 1
        elif k == "bad":
            sig = b" -" if c.v2 else b""
            out.append((b"MSG %d %s%s um\n" % (seq, ZERO.encode(), sig),
                        (b"NAK %d badhash" % seq,)))
            seq += 1
        elif k == "dm":
            t = b"to nobody"
            sig = b" -" if c.v2 else b""
            out.append((b"DM %d 999999 %s%s %s\n" %
                        (seq, xc.md5(t).encode(), sig, t),
                        (b"NAK %d nouser" % seq,)))
            seq += 1
        elif k == "ping":
            out.append((b"PING r%di%d\n" % (r, i), (b"PONG r%di%d" % (r, i),)))
        elif k == "nick":
            out.append((b"NICK\n", (b"ERR syntax NICK",)))
        elif k == "verb":
            out.append((b"FROB x\n", (b"ERR unknown FROB",)))
        elif k == "badnick":
            out.append((b"NICK a:b\n", (b"ERR badnick",)))
        elif k == "long":
            out.append((b"X" * 5000 + b"\n", (b"ERR toolong",)))
        elif k == "key":
            out.append((b"KEY 999999\n", (b"KEY 999999 ",)))
    return out, seq


def answer(c, timeout=15):
    """The next frame that is not about the others."""
    while True:
        l = c.line(timeout)
        if not l.startswith(OTHERS):
            return l


def round_check(c, plan, what):
    """Send the plan's frames in one write; its answers in its order.
    True if none was NAK nolog."""
    c.send(b"".join(f for f, _ in plan))
    oks = True
    for i, (f, want) in enumerate(plan):
        got = answer(c)
        check(got.startswith(want), "%s: answer %d is %r, expected %r "
              "(for %r)" % (what, i, got, want, f[:60]))
        oks = oks and not (got.startswith(b"NAK ") and
                           got.split(b" ")[2] == b"nolog")
    return oks


with Redis() as r:
    a = member(r, "-floodrate", "0")
    b = member(r, "-floodrate", "0")
    seer = b.client()
    rng = random.Random(14)

    # Mixed rounds, v1 and v2, one write each.
    c1 = a.client()
    c2 = a.client(v2=True)
    seq1 = seq2 = 1
    for rd in range(30):
        plan, seq1 = frames(c1, rng, seq1, rd)
        round_check(c1, plan, "v1 round %d" % rd)
        plan, seq2 = frames(c2, rng, seq2, rd)
        round_check(c2, plan, "v2 round %d" % rd)

    # Two rounds' frames before the first answer is read.
    p1, seq1 = frames(c1, rng, seq1, 100)
    p2, seq1 = frames(c1, rng, seq1, 101)
    round_check(c1, p1 + p2, "two rounds in one write")

    # The store stopped for a moment: the answers wait, in order.
    r.proc.send_signal(signal.SIGSTOP)
    try:
        plan, seq1 = frames(c1, rng, seq1, 200)
        c1.send(b"".join(f for f, _ in plan))
        check(not c1.closed(0.3), "closed while the store sleeps")
    finally:
        r.proc.send_signal(signal.SIGCONT)
    for i, (f, want) in enumerate(plan):
        got = answer(c1)
        check(got.startswith(want), "slow store: answer %d is %r, "
              "expected %r" % (i, got, want))

    # The store stopped past the timeout: NAK nolog, still in order;
    # then rounds while it comes back, and once it is back.
    joins = a.stderr().count("joined through")
    r.proc.send_signal(signal.SIGSTOP)
    try:
        plan, seq1 = frames(c1, rng, seq1, 300, nolog_ok=True)
        c1.send(b"".join(f for f, _ in plan))
        for i, (f, want) in enumerate(plan):
            got = answer(c1)
            check(got.startswith(want), "stopped store: answer %d is "
                  "%r, expected %r" % (i, got, want))
            if i == 0:
                check(got.startswith((b"NAK", b"PONG", b"ERR", b"KEY")),
                      "stopped store: an OK %r" % got)
    finally:
        r.proc.send_signal(signal.SIGCONT)
    for rd in range(301, 306):
        plan, seq1 = frames(c1, rng, seq1, rd, nolog_ok=True)
        round_check(c1, plan, "store coming back, round %d" % rd)
    deadline = time.time() + 60
    while a.stderr().count("joined through") == joins:
        check(time.time() < deadline, "the member did not join again")
        time.sleep(0.05)
    for rd in range(306, 311):
        plan, seq1 = frames(c1, rng, seq1, rd)
        round_check(c1, plan, "store back, round %d" % rd)

    # QUIT after the mix: its answers, then BYE quit.
    c = a.client()
    plan, _ = frames(c, rng, 1, 400)
    plan.append((b"QUIT\n", (b"BYE quit",)))
    round_check(c, plan, "QUIT")
    check(c.closed(10), "not closed after BYE quit")
    c.close()

    # ERR flood after the OKs of the MSGs that emptied the bucket.
    f = member(r, "-floodrate", "1", "-slowlimit", "8192")
    c = f.client()
    plan = [good(c, 1, "one"), good(c, 2, "two"),
            (b"NICK x:y\n", (b"ERR flood NICK",)),
            (b"PING z\n", (b"PONG z",))]
    round_check(c, plan, "flood")
    c.close()

    # Held answers count against the output cap: a client that piles
    # them up behind a message the store sits on is dropped as slow.
    c = f.client()
    r.proc.send_signal(signal.SIGSTOP)
    try:
        t = b"held"
        c.send(b"MSG 9 %s %s\n" % (xc.md5(t).encode(), t) +
               b"".join(b"PING p%d\n" % i for i in range(4000)))
        got = answer(c)
        check(got == b"BYE slow", "answers held past the cap: %r" % got)
    finally:
        r.proc.send_signal(signal.SIGCONT)
    c.close()
    check(f.stop() == 0, "xchatd exit status: " + f.stderr()[-2000:])

    for c in (c1, c2, seer):
        c.close()
    for s in (a, b):
        check(s.stop() == 0, "xchatd exit status: " + s.stderr()[-2000:])
print("e2e-cluster-order: ok")
