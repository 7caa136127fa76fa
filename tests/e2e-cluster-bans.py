"""e2e-cluster-bans.py -- a ban made on one server of a cluster holds on
every server: its clients from the banned address or with the banned
key are kicked ("BYE kicked banned") wherever they are, and new
connections to any server are refused the same way; lifting the ban
on the server that made it lifts it everywhere.  The bans file of each
server stays its own (the others' bans are not written into it).
Bans here are made through the bans file and SIGHUP.  Skipped (77)
without redis-server."""
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc  # noqa: E402
from xc import check, fail  # noqa: E402
from xcluster import Redis, member, need_redis  # noqa: E402

need_redis()

SKIP = ("JOIN", "LEAVE", "NICK", "MSG", "AWAY", "USER", "READY")
kd = tempfile.mkdtemp(prefix="xchat-keys.")
eve, bob = xc.Key(kd, "eve"), xc.Key(kd, "bob")


def set_bans(srv, text):
    """Write srv's bans file and make it read it (SIGHUP)."""
    with open(os.path.join(srv.statedir, "bans.txt"), "w") as f:
        f.write(text)
    srv.proc.send_signal(signal.SIGHUP)


def wait_log(srv, text, start):
    """Wait for text in srv's stderr after offset start."""
    deadline = time.time() + 15
    while text not in srv.stderr()[start:]:
        if time.time() > deadline:
            fail("no %r in the log: %s" % (text, srv.stderr()[-2000:]))
        time.sleep(0.02)


def banned(c):
    l = c.expect("BYE", skip=SKIP)
    check(l == b"BYE kicked banned", "got %r, not BYE kicked banned" % l)
    check(c.closed(), "not closed after BYE kicked banned")
    c.close()


with Redis() as r:
    a = member(r, "-floodrate", "0")
    b = member(r, "-floodrate", "0")
    c3 = member(r, "-floodrate", "0")

    # A key banned on a: its client on b is kicked at once, and it is
    # refused by every server (before HELLO); other keys come in.
    on_b = b.client(v2=True, key=eve)
    seer = b.client(v2=True, key=bob)
    mark = [len(s.stderr()) for s in (a, b, c3)]
    set_bans(a, "%s forever spam\n" % eve.fingerprint)
    banned(on_b)
    seer.expect(("LEAVE %d " % on_b.id).encode(), skip=SKIP)
    for s, m in zip((a, b, c3), mark):
        # Each server has the ban once its stream entry came by.
        wait_log(s, "cluster: banned: " + eve.fingerprint, m)
        banned(s.client(v2=True, key=eve, handshake=False))
    ok = c3.client(v2=True, key=bob)
    ok.close()
    bfile = os.path.join(b.statedir, "bans.txt")
    check(not os.path.exists(bfile) or
          eve.fingerprint not in open(bfile).read(),
          "a's ban was written into b's bans file")

    # Lifted on a: lifted everywhere.
    mark = [len(s.stderr()) for s in (b, c3)]
    set_bans(a, "# none\n")
    for s, m in zip((b, c3), mark):
        wait_log(s, "ban lifted: " + eve.fingerprint, m)
        back = s.client(v2=True, key=eve)
        check(back.id is not None, "not welcomed after the lift")
        back.close()

    # An address banned on b (for a time): a plain client of c3 from
    # it is kicked, and new connections to a are refused.
    plain = c3.client()
    until = int(time.time()) + 3600
    mark = len(a.stderr())
    set_bans(b, "127.0.0.1 %d flood\n" % until)
    banned(plain)
    wait_log(a, "cluster: banned: 127.0.0.1", mark)
    banned(a.plain_client(handshake=False))
    banned(a.client(v2=True, key=bob, handshake=False))
    mark = len(a.stderr())
    set_bans(b, "")
    wait_log(a, "ban lifted: 127.0.0.1", mark)
    a.client().close()

    # A server that joins later learns the bans in force.
    mark = len(c3.stderr())
    set_bans(a, "%s forever spam\n" % eve.fingerprint)
    wait_log(c3, "banned: " + eve.fingerprint, mark)
    d = member(r, "-floodrate", "0")
    banned(d.client(v2=True, key=eve, handshake=False))
    seer.close()
    for s in (a, b, c3, d):
        check(s.stop() == 0, "xchatd exit status: " + s.stderr()[-2000:])
print("e2e-cluster-bans: ok")
