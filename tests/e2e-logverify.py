"""e2e-logverify.py -- what -verifylog catches in a log rewritten by
someone who can write the file (issue 10, 7).

The chain has no secret: whoever rewrites a record can compute the
chain again for every record after it.  Such a forger can still not
make message numbers repeat or go backwards within a run of the server
without -verifylog saying so: swapping two accepted records, or
duplicating one, is reported (exit 1, with the line number) even with
a freshly computed chain.  A new server run starts numbering at 1
after its "start" record, which is fine.  Records cut off the end of
a single file cannot be detected (the man page says so): that file
verifies."""
import hashlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

GENESIS = "0" * 64


def rechain(lines):
    """Compute the chain of every record again, as a forger would."""
    prev, out = GENESIS, []
    for l in lines:
        body = l[:l.rfind(b"\t") + 1]
        prev = hashlib.sha256(prev.encode() + body).hexdigest()
        out.append(body + prev.encode())
    return out


def verify(path, lines):
    with open(path, "wb") as f:
        f.write(b"".join(l + b"\n" for l in lines))
    r = subprocess.run([xc.XCHATD, "-verifylog", path], capture_output=True)
    return r.returncode, r.stdout.decode("utf-8", "replace")


with xc.Server() as srv:
    c = srv.client()
    for i in range(1, 5):
        c.msg(i, "mensagem %d" % i)
        c.expect("OK %d %d" % (i, i))
    check(srv.stop() == 0, "server did not exit 0")
# A second run on the same log numbers from 1 again: still good.
with xc.Server(logfile=srv.log) as srv2:
    c = srv2.client()
    c.msg(1, "de novo")
    c.expect("OK 1 1")
    check(srv2.stop() == 0, "second server did not exit 0")

with open(srv.log, "rb") as f:
    lines = f.read().splitlines()
kinds = [l.split(b"\t")[7] for l in lines]
check(kinds == [b"start"] + [b"accepted"] * 4 + [b"start", b"accepted"],
      "unexpected log: %r" % kinds)
path = os.path.join(srv.dir, "forged.txt")

rc, out = verify(path, lines)
check(rc == 0, "the log as written: " + out)
rc, out = verify(path, rechain(lines))
check(rc == 0, "chain computed again, nothing changed: " + out)

# Two accepted records swapped (numbers 3, 2), chain recomputed.
sw = lines[:2] + [lines[3], lines[2]] + lines[4:]
rc, out = verify(path, rechain(sw))
check(rc == 1 and ":4: " in out and "number" in out,
      "swapped records not reported: exit %d: %s" % (rc, out))

# A record duplicated, chain recomputed.
dup = lines[:3] + [lines[2]] + lines[3:]
rc, out = verify(path, rechain(dup))
check(rc == 1 and ":4: " in out and "number" in out,
      "duplicated record not reported: exit %d: %s" % (rc, out))

# The second run's start record removed: its "1" now repeats.
rc, out = verify(path, rechain(lines[:5] + lines[6:]))
check(rc == 1 and ":6: " in out,
      "a number repeated within a run not reported: %d: %s" % (rc, out))

# Cutting records off the end of one file is not detectable.
rc, out = verify(path, lines[:-2])
check(rc == 0, "a file cut at a record boundary verifies: " + out)
print("e2e-logverify: ok")
