"""e2e-logflood.py -- one client must not fill the disk (issue 10, 1).

One connection blasts MSGs with a wrong digest and MSGs full of
control bytes (4,000-byte texts, which the log used to store whole and
escaped four times over) as fast as it can for a few seconds, with
flood control on (so most become NAK flood) and then off.  However
many it sends, the log may grow only by a few records per second of
blasting: the first rejection of a burst is recorded with its text cut
short (its full length and both digests kept) and the rest are counted
in at most one summary record per client per second.  Every rejection
is still accounted for (records + summary counts = NAKs received); a
client that leaves with a summary pending gets it written; a message
accepted after the blast is recorded whole and OK'd; the log verifies.
"""
import math
import os
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

BLAST = 2.5             # seconds of blasting per server
MAXREC = 1024           # generous size of one record (cut text <= 200 B)


def rejections(recs, cid):
    """Rejections of client cid the log accounts for, and its records."""
    n, mine = 0, []
    for r in recs:
        if len(r) != 10 or r[2] != str(cid):
            continue
        if r[7] in ("badhash", "badtext", "flood"):
            n += 1
            mine.append(r)
        elif r[7] == "rejects":
            kv = dict(w.split("=", 1) for w in r[8].split(" "))
            n += int(kv["count"])
            mine.append(r)
    return n, mine


def blast(srv, c):
    """Send bad MSGs as fast as the socket takes them for BLAST
    seconds, reading the answers meanwhile, then read the rest of the
    answers; return (sent, naks, seconds from start to the last NAK).
    Stops early if the log grows far past any sane bound."""
    big = b"A" * 3900
    ctl = b"\x01\x02\x1b" * 1300
    frames = [b"MSG %d " + b"0" * 32 + b" " + big + b"\n",
              b"MSG %d " + md5(ctl).encode() + b" " + ctl + b"\n"]
    s = c.sock
    s.setblocking(False)
    start = time.time()
    sent = naks = 0
    out = b""
    buf = c.buf
    size0 = os.path.getsize(srv.log)
    while time.time() - start < BLAST:
        if not out:
            out = b"".join(frames[(sent + i) % 2] % (sent + i + 1)
                           for i in range(16))
            sent += 16
        r, w, _ = select.select([s], [s], [], 1)
        if w:
            try:
                out = out[s.send(out):]
            except BlockingIOError:
                pass
        if r:
            d = s.recv(1 << 20)
            check(d, "the server closed the blaster's connection")
            buf += d
            naks += buf.count(b"\n")
            buf = buf[buf.rfind(b"\n") + 1:]
        grown = os.path.getsize(srv.log) - size0
        check(grown < 100 * MAXREC * (time.time() - start + 3),
              "the log grew by %d bytes in %.1f s of rejections"
              % (grown, time.time() - start))
    while out:                      # finish the last batch
        select.select([], [s], [], 5)
        try:
            out = out[s.send(out):]
        except BlockingIOError:
            pass
    s.setblocking(True)
    c.buf = buf
    while naks < sent:
        l = c.line(timeout=30)
        check(l.startswith(b"NAK "), "blaster got %r" % l[:80])
        naks += 1
    # The server rejected them all between start and now.
    return sent, naks, time.time() - start


def run(*args):
    with xc.Server(*args) as srv:
        size0 = os.path.getsize(srv.log)
        a = srv.client(timeout=30)
        sent, naks, secs = blast(srv, a)
        check(sent >= 100, "only %d MSGs blasted" % sent)
        check(naks == sent, "%d NAKs for %d MSGs" % (naks, sent))
        grown = os.path.getsize(srv.log) - size0
        # At most one record per client and second, plus the first.
        bound = (math.ceil(secs) + 2) * MAXREC
        check(grown <= bound, "%d rejections grew the log by %d bytes "
              "in %.1f s (bound %d)" % (sent, grown, secs, bound))

        # An accepted message after the blast (from another client: the
        # blaster's flood bucket is empty): whole, OK'd.
        text = "depois da enxurrada " + "é" * 1900
        g = srv.client()
        g.msg(1, text)
        ok = g.expect("OK 1 ")
        n = ok.split(b" ")[2].decode()

        # A client that leaves with a summary pending gets it written.
        w = srv.client()
        b = srv.client()
        w.expect("JOIN %d " % b.id)
        b.send(b"".join(b"MSG %d %s %s\n" % (i, b"0" * 32, b"x" * 300)
                        for i in range(1, 6)))
        for i in range(1, 6):
            b.expect("NAK %d badhash" % i)
        b.sock.close()
        w.expect("LEAVE %d " % b.id, skip=("MSG",))
        got, mine = rejections(srv.records(), b.id)
        check(got == 5, "5 rejections of a client that left, %d in the "
              "log: %r" % (got, mine))
        check(any(r[7] == "rejects" for r in mine),
              "no summary record for the client that left: %r" % mine)

        check(srv.stop() == 0, "server did not exit 0")
        recs = srv.records()
        acc = [r for r in recs if r[7] == "accepted"]
        check(len(acc) == 1 and acc[0][1] == n and acc[0][8] == text and
              acc[0][6] == md5(text), "accepted message not logged whole")
        got, mine = rejections(recs, a.id)
        check(got == sent, "%d rejections, %d in the log" % (sent, got))
        cut = [r for r in mine if r[7] != "rejects"]
        check(cut and all(len(r[8]) < 260 for r in cut),
              "rejected texts not cut: %r" % [len(r[8]) for r in cut])
        check(all(r[8].endswith("\\c3900") for r in cut),
              "cut texts do not give their length: %r"
              % [r[8][-20:] for r in cut])
        v = subprocess.run([xc.XCHATD, "-verifylog", srv.log],
                           capture_output=True)
        check(v.returncode == 0, "-verifylog: " + v.stdout.decode())
        return sent, grown, secs


r1 = run("-floodkick", "1000000000")        # flood control on: NAK flood
r2 = run("-floodrate", "0")                 # off: badhash and badtext
print("e2e-logflood: ok (%d rejections: %d bytes of log in %.1f s; "
      "%d: %d bytes in %.1f s)" % (r1 + r2))
