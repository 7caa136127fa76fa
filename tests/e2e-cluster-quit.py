"""e2e-cluster-quit.py -- a client of a cluster member that says QUIT
(or half-closes) right after a MSG still gets the MSG's answer before
BYE quit: OK once the store and the log hold it, NAK nolog if the store
does not answer within the cluster timeout.  The others see its LEAVE
after its message.  Skipped (77) without redis-server."""
import os
import signal
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc  # noqa: E402
from xc import check  # noqa: E402
from xcluster import Redis, member, need_redis  # noqa: E402

need_redis()


def answer(c, timeout=10):
    """The next frame that is not about the others."""
    while True:
        l = c.line(timeout)
        if not l.startswith((b"JOIN ", b"LEAVE ", b"MSG ", b"NICK ")):
            return l


def msg_quit(c, seq, text):
    """MSG and QUIT in one write."""
    t = text.encode()
    c.send(b"MSG %d %s %s\nQUIT\n" % (seq, xc.md5(t).encode(), t))


with Redis() as r:
    a = member(r, "-floodrate", "0")
    b = member(r, "-floodrate", "0")
    seer = b.client()

    # QUIT at once after MSG, many times: OK, then BYE quit; the
    # others get the message before the sender's LEAVE.
    for i in range(40):
        c = a.client()
        seer.expect(("JOIN %d " % c.id).encode(), skip=("LEAVE",))
        msg_quit(c, 1, "last words %d" % i)
        got = answer(c)
        check(got.startswith(b"OK 1 "), "MSG then QUIT, round %d: %r, "
              "not OK" % (i, got))
        got = answer(c)
        check(got == b"BYE quit", "after the OK: %r" % got)
        check(c.closed(10), "not closed after BYE quit")
        c.close()
        m = seer.expect("MSG ", skip=("JOIN",))
        check(m.endswith(("last words %d" % i).encode()),
              "the quitter's message: %r" % m)
        l = seer.expect(("LEAVE %d " % c.id).encode())
        check(l.endswith(b" quit"), "LEAVE: %r" % l)

    # A half-close after MSG: the OK still comes, then the close.
    for i in range(10):
        c = a.client()
        t = ("half %d" % i).encode()
        c.send(b"MSG 7 %s %s\n" % (xc.md5(t).encode(), t))
        c.sock.shutdown(socket.SHUT_WR)
        got = answer(c)
        check(got.startswith(b"OK 7 "), "MSG then half-close: %r" % got)
        check(c.closed(10), "not closed after the half-close's OK")
        c.close()

    # A store that is slow to answer (stopped for a moment): the OK
    # waits for it, then BYE quit.
    c = a.client()
    r.proc.send_signal(signal.SIGSTOP)
    try:
        msg_quit(c, 2, "while the store sleeps")
        check(not c.closed(0.5), "closed before the store answered")
    finally:
        r.proc.send_signal(signal.SIGCONT)
    got = answer(c)
    check(got.startswith(b"OK 2 "), "slow store: %r, not OK" % got)
    check(answer(c) == b"BYE quit", "slow store: no BYE quit after OK")
    c.close()

    # A store that does not answer within the timeout: NAK nolog, then
    # BYE quit.
    c = a.client()
    r.proc.send_signal(signal.SIGSTOP)
    try:
        msg_quit(c, 3, "into the void")
        got = answer(c, 15)
        check(got.startswith(b"NAK 3 nolog"), "stopped store: %r" % got)
        check(answer(c) == b"BYE quit", "stopped store: no BYE quit")
        c.close()
    finally:
        r.proc.send_signal(signal.SIGCONT)
    seer.close()
    for s in (a, b):
        check(s.stop() == 0, "xchatd exit status: " + s.stderr()[-2000:])
print("e2e-cluster-quit: ok")
