"""e2e-dm.py -- private messages (DM) and AWAY against a real headless
xchatd, as PROTOCOL.md has them (issue 13): a DM reaches its recipient
alone, in the recipient's protocol version (v1: no time, no sig; v2:
time and signature), shares the numbers of MSG, is logged naming the
recipient and is never history (live, or after a restart); a DM to
oneself, to an id nobody has, to a non-number and to a client that has
left gets NAK nouser, and the others the codes of MSG; a v2 signature
over the recipient's key is checked (badsig).  AWAY is told to everyone,
the sender included, and to newcomers after the USER line; its text
follows the rules (200 bytes at most: ERR syntax AWAY); it is not
logged.  The flood bucket covers MSG, DM, NICK and AWAY: NAK <seq>
flood for a DM, ERR flood AWAY / ERR flood NICK, with no effect.
On the code before issue 13 every DM and AWAY got "ERR unknown"."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

SKIP = ("JOIN", "LEAVE", "NICK", "AWAY")
KEYDIR = tempfile.mkdtemp(prefix="xchat-e2e-dm.")
RUI = xc.Key(KEYDIR, "rui")


def quiet(c, what):
    """Nothing but what was skipped reached c before a PONG."""
    c.sendline("PING q")
    l = c.expect("PONG q", skip=SKIP)
    check(l == b"PONG q", "%s: %r" % (what, l))


def ok_n(c, seq):
    return int(c.expect("OK %d " % seq, skip=SKIP).split(b" ")[2])


def test_dm():
    srv = xc.Server("-history", "20")
    ana = srv.client()
    bia = srv.client()
    rui = srv.client(v2=True, key=RUI)
    eve = srv.client()
    for c in (ana, bia, rui):
        c.expect("JOIN %d " % eve.id, skip=SKIP)
    ana.sendline("NICK ana")
    for c in (ana, bia, rui, eve):
        c.expect("NICK %d ana" % ana.id, skip=SKIP)

    # v1 to v1: the recipient alone, the sender's OK, one number.
    ana.msg(1, "público")
    n1 = ok_n(ana, 1)
    for c in (bia, rui, eve):
        c.expect("MSG %d " % n1, skip=SKIP)
    ana.dm(2, bia.id, "só para ti")
    n2 = ok_n(ana, 2)
    check(n2 == n1 + 1, "DM number %d after MSG %d" % (n2, n1))
    l = bia.expect("DM ", skip=SKIP)
    check(l == ("DM %d %d ana %s só para ti" % (n2, ana.id,
                xc.md5("só para ti"))).encode(), "v1 DM frame %r" % l)
    for c in (ana, rui, eve):
        quiet(c, "a DM reached someone else")

    # v1 to v2: the v2 frame, with the time and no signature.
    ana.dm(3, rui.id, "olá rui")
    n3 = ok_n(ana, 3)
    f = rui.expect("DM ", skip=SKIP).split(b" ", 7)
    check(f[0] == b"DM" and int(f[1]) == n3 and len(f[2]) == 24 and
          f[3] == str(ana.id).encode() and f[4] == b"ana" and
          f[5] == xc.md5("olá rui").encode() and f[6] == b"-" and
          f[7] == "olá rui".encode(), "v2 DM frame %r" % f)

    # v2 signed to an anonymous v1 client: over "-"; then a bad one.
    rui.dm(1, bia.id, "assinado")
    n4 = ok_n(rui, 1)
    l = bia.expect("DM ", skip=SKIP)
    check(l.startswith(b"DM %d %d " % (n4, rui.id)) and
          l.endswith(b" assinado"), "signed DM to v1: %r" % l)
    rui.dm(2, bia.id, "forjado", sig=RUI.sign(b"xchat/2 msg\0forjado"))
    check(rui.expect("NAK 2", skip=SKIP) == b"NAK 2 badsig", "badsig")
    # Signed for another recipient's key: not for bia, badsig too.
    rui.dm(3, bia.id, "outro", sig=RUI.sign(b"xchat/2 dm\0" +
           RUI.fingerprint.encode() + b"\0outro"))
    check(rui.expect("NAK 3", skip=SKIP) == b"NAK 3 badsig",
          "DM signed for another key")

    # Nobody: oneself, no such id, not a number, one who left.
    ana.dm(4, ana.id, "eu")
    check(ana.expect("NAK 4", skip=SKIP) == b"NAK 4 nouser", "DM to self")
    ana.dm(5, 999999, "ninguém")
    check(ana.expect("NAK 5", skip=SKIP) == b"NAK 5 nouser", "DM to 999999")
    ana.dm(6, "abc", "letras")
    check(ana.expect("NAK 6", skip=SKIP) == b"NAK 6 nouser", "DM to abc")
    ana.dm(7, 0, "zero")
    check(ana.expect("NAK 7", skip=SKIP) == b"NAK 7 nouser", "DM to 0")
    gone = eve.id
    eve.sendline("QUIT")
    eve.expect("BYE quit")
    ana.expect("LEAVE %d " % gone, skip=SKIP)
    ana.dm(8, gone, "já foste")
    check(ana.expect("NAK 8", skip=SKIP) == b"NAK 8 nouser",
          "DM to a departed id")
    # The codes of MSG, in MSG's order (digest before recipient).
    ana.dm(9, bia.id, "x", digest="0" * 32)
    check(ana.expect("NAK 9", skip=SKIP) == b"NAK 9 badhash", "badhash")
    ana.dm(10, 999999, "x", digest="0" * 32)
    check(ana.expect("NAK 10", skip=SKIP) == b"NAK 10 badhash",
          "badhash before nouser")
    ana.dm(11, bia.id, "a\x01b")
    check(ana.expect("NAK 11", skip=SKIP) == b"NAK 11 badtext", "badtext")
    ana.sendline("DM x 2 " + xc.md5("y") + " y")
    check(ana.expect("ERR", skip=SKIP) == b"ERR syntax DM", "DM bad seq")
    for c in (bia, rui):
        quiet(c, "a refused DM was delivered")

    # Never history, not for a newcomer, not after a restart; logged
    # with the recipient; numbers go on after a restart.
    new = srv.client()
    hist = [int(x.split(b" ")[1]) for x in new.history]
    check(hist == [n1], "history %r (DMs %d %d %d)" % (hist, n2, n3, n4))
    recs = {int(r[1]): r for r in srv.records()
            if r.format == 2 and r[1].isdigit()}
    for n, to in ((n2, bia.id), (n3, rui.id), (n4, bia.id)):
        check(n in recs and recs[n].to == str(to),
              "log record of DM %d: %r" % (n, recs.get(n)))
    check(recs[n1].to == "-", "MSG record names a recipient")
    rej = [r for r in srv.records() if r.format == 2 and r[7] == "nouser"]
    # (one rejection a second per client is recorded, the rest counted)
    check(len(rej) >= 1 and rej[0].to == str(ana.id),
          "rejected DM not logged: %r" % rej)
    for c in (ana, bia, rui, new):
        c.close()
    check(srv.stop() == 0, "xchatd exits 0")
    srv2 = xc.Server("-statedir", srv.statedir, "-logfile", srv.log)
    back = srv2.client()
    hist = [int(x.split(b" ")[1]) for x in back.history]
    check(hist == [n1], "history after a restart %r" % hist)
    v2 = srv2.client(v2=True)
    check([int(x.split(b" ")[1]) for x in v2.history] == [n1],
          "v2 history after a restart %r" % v2.history)
    back.msg(1, "depois")
    check(ok_n(back, 1) == n4 + 1, "numbers after a restart")
    back.close()
    v2.close()
    check(srv2.stop() == 0, "xchatd exits 0")


def test_away():
    srv = xc.Server()
    ana = srv.client()
    bia = srv.client(v2=True)
    ana.expect("JOIN %d " % bia.id)
    before = srv.logtext()
    ana.sendline("AWAY a almoçar")
    for c in (ana, bia):
        l = c.expect("AWAY ", skip=("JOIN", "NICK"))
        check(l == ("AWAY %d a almoçar" % ana.id).encode(), "AWAY %r" % l)
    new = srv.client()
    check(new.away == {ana.id: "a almoçar".encode()},
          "newcomer's AWAY lines %r" % new.away)
    new2 = srv.client(v2=True)
    check(new2.away == {ana.id: "a almoçar".encode()},
          "v2 newcomer's AWAY lines %r" % new2.away)
    # Too long, control characters, a trailing space: ERR syntax AWAY.
    for bad in ("AWAY " + "x" * 201, "AWAY a\x01b", "AWAY "):
        ana.sendline(bad)
        check(ana.expect("ERR", skip=SKIP) == b"ERR syntax AWAY",
              "bad AWAY %r" % bad[:20])
    ana.sendline("AWAY " + "é" * 100)
    ana.expect("AWAY %d " % ana.id)
    ana.sendline("AWAY")
    for c in (ana, bia, new, new2):
        c.expect("AWAY %d" % ana.id, skip=("JOIN", "AWAY %d " % ana.id))
    newest = srv.client()
    check(newest.away == {}, "back, yet announced away: %r" % newest.away)
    # Not a message: no number, not logged.
    after = srv.logtext()
    check("almoçar" not in after[len(before):], "AWAY was logged")
    for c in (ana, bia, new, new2, newest):
        c.close()
    check(srv.stop() == 0, "xchatd exits 0")


def test_flood():
    """A rate of one token per 100 s and a bucket of one: the second
    frame of a burst is refused, whatever its verb; refused AWAY and
    NICK have no effect."""
    srv = xc.Server("-floodrate", "0.01", "-floodkick", "1000")
    ana = srv.client()
    bia = srv.client()
    ana.expect("JOIN %d " % bia.id)
    burst = b"".join(b"DM %d %d %s x%d\n" % (i, bia.id,
                     xc.md5("x%d" % i).encode(), i) for i in range(1, 11))
    ana.send(burst + b"AWAY fora\nNICK novo\n")
    fate = {}
    for i in range(1, 11):
        f = ana.expect("", skip=()).split(b" ")
        check(f[0] in (b"OK", b"NAK"), "answer %r" % f)
        fate[int(f[1])] = f[0] if f[0] == b"OK" else f[2]
    oks = sorted(k for k, v in fate.items() if v == b"OK")
    check(oks == [1] and all(v in (b"OK", b"flood") for v in
          fate.values()), "DM burst fates %r" % fate)
    check(ana.expect("ERR") == b"ERR flood AWAY", "AWAY in a flood")
    check(ana.expect("ERR") == b"ERR flood NICK", "NICK in a flood")
    got = [bia.expect("DM ") for _ in oks]
    check([int(l.split(b" ")[-1][1:]) for l in got] == oks,
          "delivered %r for OK %r" % (got, oks))
    quiet(bia, "a refused DM, AWAY or NICK reached bia")
    newc = srv.client()
    check(newc.away == {} and all(b" novo" not in u for u in newc.users),
          "a refused AWAY or NICK took effect: %r %r" % (newc.away,
                                                       newc.users))
    for c in (ana, bia, newc):
        c.close()
    check(srv.stop() == 0, "xchatd exits 0")


test_dm()
test_away()
test_flood()
print("e2e-dm: ok")
