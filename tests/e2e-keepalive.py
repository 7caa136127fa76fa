"""e2e-keepalive.py -- keepalive against a real headless xchatd that
is stopped (SIGSTOP) for longer than its ping timeout, the attack of
issue 10, item 7: a client whose PONG was already waiting in the
socket when the server came back must not be dropped with BYE timeout
(before the fix it was: the timer was judged before the input was
read).  A client that really did not answer still is."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

TIMEOUT = 1.0

with xc.Server("-pinginterval", "1", "-pingtimeout", str(TIMEOUT)) as srv:
    a = srv.client()
    b = srv.client()
    a.expect("JOIN %d " % b.id)
    ping_a = a.expect("PING ", timeout=5)
    b.expect("PING ", timeout=5)

    # The server stops; a answers its PING while it is stopped, b not.
    srv.proc.send_signal(signal.SIGSTOP)
    try:
        a.sendline(b"PONG " + ping_a.split(b" ", 1)[1])
        a.sendline("PING after")
        # The stop itself: longer than the timeout, by the clock.
        end = time.monotonic() + TIMEOUT + 1.5
        while time.monotonic() < end:
            time.sleep(end - time.monotonic())
    finally:
        srv.proc.send_signal(signal.SIGCONT)

    # a is served (its PONG counted), b is dropped for its silence; a
    # hears both, in either order.
    want = {b"PONG after", b"LEAVE %d user%d timeout" % (b.id, b.id)}
    while want:
        try:
            l = a.line()
        except (TimeoutError, EOFError) as e:
            xc.fail("a: waiting for %r: %s" % (want, e))
        if l.startswith(b"PING "):
            continue
        check(l in want, "a: unexpected %r (still waiting for %r)"
              % (l, want))
        want.discard(l)
    b.expect("BYE timeout", skip=("PING",))
    check(b.closed(), "b closed")
    a.sendline("PING again")
    a.expect("PONG again", skip=("PING",))
    a.close()
    check(srv.stop() == 0, "xchatd exits 0")
print("e2e-keepalive: ok")
