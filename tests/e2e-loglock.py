"""e2e-loglock.py -- two servers on one log (issue 10, 3a): the
second xchatd refuses to start with a clear message and exit 1, and
the log is not touched: the first server's OK'd records all stay, and
it goes on appending to a log that still verifies."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

with xc.Server() as a:
    c = a.client()
    for i in range(1, 21):
        c.msg(i, "antes %d" % i)
        c.expect(b"OK %d " % i)
    before = open(a.log, "rb").read()
    port = xc.free_port()
    r = subprocess.run([xc.XCHATD, "-headless", "-port", str(port),
                        "-tlsport", "0", "-logfile", a.log],
                       capture_output=True, timeout=20)
    err = r.stderr.decode("utf-8", "replace")
    check(r.returncode == 1, "second server on the same log: exit %d, "
          "want 1 (%s)" % (r.returncode, err.strip()))
    check("in use" in err and a.log in err,
          "second server's message does not say the log is in use: %r" % err)
    check(open(a.log, "rb").read() == before,
          "the second server changed the log")
    for i in range(21, 41):
        c.msg(i, "depois %d" % i)
        c.expect(b"OK %d " % i)
    check(a.stop() == 0, "first server did not exit 0")
    recs = a.records()
    texts = [r[8] for r in recs if r[7] == "accepted"]
    check(texts == ["antes %d" % i for i in range(1, 21)] +
          ["depois %d" % i for i in range(21, 41)],
          "accepted records lost or reordered: %d of 40" % len(texts))
    v = subprocess.run([xc.XCHATD, "-verifylog", a.log], capture_output=True)
    check(v.returncode == 0, "log does not verify: " + v.stdout.decode())
    # Once the first server is gone the log is free again.
    with xc.Server(logfile=a.log) as b:
        b.client().msg(1, "de novo")
print("ok")
