"""e2e-sigflood.py -- signed messages beyond the server's verify budget
per round (issue 12): three keyed senders each write 300 signed MSGs in
one go, every 7th with a wrong signature, far more than one round
verifies, so the server holds their input and stops reading their
sockets, then resumes it round after round.  Checked: every sender gets
an answer for each of its messages, in order (OK for the good ones, NAK
badsig for the bad ones, nothing dropped, no BYE); a version 2 receiver
gets exactly the OK'd messages of each sender, once each, in each
sender's order, with their own signatures, under strictly increasing
numbers, and a version 1 client the same unsigned; an idle client's
PING sent in the middle of the flood is answered; the log has every
accepted message with its signature and every bad one as badsig."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

N = 300          # messages per sender: several rounds' budget each
BAD = 7          # every BAD'th signature is wrong

TMP = tempfile.mkdtemp(prefix="xchat-sigflood.")
KEYS = [xc.Key(TMP, n) for n in ("ana", "bia", "caio")]


def burst(k, i):
    """The frames of sender i (key k) and its texts, good or not."""
    out, texts = [], []
    for seq in range(1, N + 1):
        text = "s%d m%d x%s" % (i, seq, "x" * (seq % 50))
        good = seq % BAD != 0
        sig = k.sign_msg(text if good else text + "!")
        out.append(b"MSG %d %s %s %s\n" % (seq, md5(text).encode(),
                                          sig.encode(), text.encode()))
        texts.append((seq, text, sig, good))
    return b"".join(out), texts


def main():
    srv = xc.Server("-floodrate", "0")   # the budget, not flood control
    senders = [srv.client(v2=True, key=k) for k in KEYS]
    recv = srv.client(v2=True)
    v1 = srv.client(tls=False)
    idle = srv.client(tls=False)
    bursts = [burst(k, i) for i, k in enumerate(KEYS)]
    for c in senders + [recv, v1, idle]:
        c.sendline("PING sync")
    for c in senders + [recv, v1, idle]:
        c.expect("PONG", skip=("JOIN",))
    ids = {c.id: i for i, c in enumerate(senders)}
    # All three bursts in flight at once, the PING in the middle.
    for i, c in enumerate(senders):
        c.send(bursts[i][0])
        if i == 1:
            idle.sendline("PING middle")
    check(idle.expect("PONG", skip=("MSG", "PING")) == b"PONG middle",
          "the idle client's PING was not answered")
    want = {}
    for i, c in enumerate(senders):
        for seq, text, sig, good in bursts[i][1]:
            l = c.expect("OK %d " % seq if good else "NAK %d" % seq,
                         timeout=30, skip=("MSG", "JOIN", "PING"))
            check(good or l == b"NAK %d badsig" % seq,
                  "sender %d, MSG %d: %r" % (i, seq, l))
        want[i] = [(text, sig) for seq, text, sig, good in bursts[i][1]
                   if good]
    total = sum(len(w) for w in want.values())
    for c, signed in ((recv, True), (v1, False)):
        got = {i: [] for i in want}
        last = 0
        for _ in range(total):
            l = c.expect("MSG ", timeout=30, skip=("PING",))
            if signed:
                f = l.split(b" ", 7)
                n, sender, sig, text = int(f[1]), int(f[3]), f[6], f[7]
            else:
                f = l.split(b" ", 5)
                n, sender, sig, text = int(f[1]), int(f[2]), None, f[5]
            check(n > last, "number %d after %d" % (n, last))
            last = n
            check(sender in ids, "a relay from %d: %r" % (sender, l))
            got[ids[sender]].append((text.decode(),
                                     sig.decode() if signed else None))
        for i in want:
            exp = [(t, s if signed else None) for t, s in want[i]]
            check(got[i] == exp, "%s receiver: sender %d's messages "
                  "differ (%d got, %d OK'd)" % ("v2" if signed else "v1",
                                                i, len(got[i]), len(exp)))
        c.sendline("PING end")
        c.expect("PONG end", skip=("PING",))
    recs = srv.records()
    acc = [r for r in recs if len(r) > 8 and r[7] == "accepted"]
    bad = [r for r in recs if len(r) > 8 and r[7] == "badsig"]
    check(len(acc) == total, "%d accepted records, %d OK'd" %
          (len(acc), total))
    sigs = {s for w in want.values() for _, s in w}
    check(all(r.sig in sigs for r in acc),
          "an accepted record without its signature")
    check(len(bad) >= 1, "no badsig record")
    for c in senders + [recv, v1, idle]:
        c.close()
    srv.stop()
    print("e2e-sigflood: ok (%d senders x %d signed MSGs, %d OK'd, "
          "relayed in order to v2 and v1, PING answered mid-flood)" %
          (len(KEYS), N, total))


main()
