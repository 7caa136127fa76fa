"""e2e-nickflood.py -- the NICK flood of issue 10, item 5, against a
real headless xchatd with its default flood settings: one anonymous
client sends 20,000 NICK changes at once.  NICK counts against the
flood bucket as MSG does: past it each NICK gets "ERR flood NICK" and
has no effect, and the flooder is dropped with BYE flood.  The others
see only the few changes the rate allows (before the fix they had to
process all 20,000)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

N = 20000

with xc.Server() as srv:
    watcher = srv.client()
    flooder = srv.client()
    watcher.expect("JOIN %d " % flooder.id)
    flooder.send(b"".join(b"NICK f%d\n" % i for i in range(N)))

    # The flooder: some changes, then ERR flood NICK, then BYE flood.
    own = errs = 0
    while True:
        l = flooder.expect("", timeout=20)
        if l.startswith(b"NICK %d " % flooder.id):
            own += 1
        elif l == b"ERR flood NICK":
            errs += 1
        elif l == b"BYE flood":
            break
        else:
            xc.fail("flooder: unexpected %r" % l)
    check(errs > 0, "flooder got ERR flood NICK")
    check(flooder.closed(), "flooder closed after BYE flood")

    # The watcher: the same few changes, then LEAVE ... flood.
    seen = 0
    while True:
        l = watcher.expect("", timeout=20)
        if l.startswith(b"NICK %d " % flooder.id):
            seen += 1
        elif l.startswith(b"LEAVE %d " % flooder.id):
            check(l.endswith(b" flood"), "LEAVE reason: %r" % l)
            break
        else:
            xc.fail("watcher: unexpected %r" % l)
    check(seen == own, "watcher saw %d changes, flooder %d" % (seen, own))
    # The default rate is 20/s with bursts of 40: a few dozen, not N.
    check(seen < 200, "%d of %d NICK changes went through" % (seen, N))

    # The watcher is still served.
    watcher.sendline("PING still")
    watcher.expect("PONG still")
    watcher.close()
    check(srv.stop() == 0, "xchatd exits 0")
print("e2e-nickflood: ok (%d of %d changes relayed)" % (seen, N))
