"""e2e-cluster-keys.py -- a keyed v2 client that owns a registered nick
starts with it at WELCOME on any server of a cluster (as on a single
server), if no connection of the cluster is using it; otherwise it
starts as user<id>.  A client that sends frames right after HELLO has
them handled after its welcome, in order.  Skipped (77) without
redis-server."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc  # noqa: E402
from xc import check  # noqa: E402
from xcluster import Redis, member, need_redis  # noqa: E402

need_redis()

SKIP = ("JOIN", "LEAVE", "NICK", "MSG", "AWAY")

kd = tempfile.mkdtemp(prefix="xchat-keys.")
k1, k2 = xc.Key(kd, "k1"), xc.Key(kd, "k2")

with Redis() as r:
    a = member(r, "-floodrate", "0")
    b = member(r, "-floodrate", "0")
    seer = a.client()

    # k1 registers Rita on a (by taking it), then leaves.
    c = a.client(v2=True, key=k1)
    c.sendline("NICK Rita")
    c.expect(("NICK %d Rita" % c.id).encode(), skip=SKIP)
    c.close()
    seer.expect(("LEAVE %d Rita" % c.id).encode(), skip=SKIP)

    # Back on a, and on b (whose accounts file never saw Rita): Rita
    # at WELCOME, and the others see JOIN with it.
    for s in (a, b, a):
        c = s.client(v2=True, key=k1)
        check(c.nick == "Rita", "k1's WELCOME on %s: %r, not Rita" %
              ("a" if s is a else "b", c.nick))
        seer.expect(("JOIN %d Rita" % c.id).encode(), skip=SKIP)
        # The claim is real: another key cannot take it meanwhile.
        o = (b if s is a else a).client(v2=True, key=k2)
        o.sendline("NICK rita")
        got = o.expect("ERR ", skip=SKIP)
        check(got == b"ERR nickinuse rita", "NICK rita: %r" % got)
        o.close()
        c.close()
        seer.expect(("LEAVE %d Rita" % c.id).encode(), skip=SKIP)

    # In use on one server: a second connection of k1 on another
    # server starts as user<id>.
    first = b.client(v2=True, key=k1)
    check(first.nick == "Rita", "k1 on b: %r" % first.nick)
    second = a.client(v2=True, key=k1)
    check(second.nick == "user%d" % second.id,
          "Rita in use on b, yet k1 on a got %r" % second.nick)
    second.close()
    first.close()

    # Frames right after HELLO (one write): handled after the welcome,
    # in order; the MSG is relayed with the registered nick.
    c = xc.Client(a.tlsport, v2=True, key=k1, cafile=a.cert,
                  handshake=False)
    t = b"right after hello"
    c.send(b"HELLO 0\nMSG 1 %s %s %s\nNICK Rosa\n" %
           (xc.md5(t).encode(), k1.sign_msg(t).encode(), t))
    w = c.expect("WELCOME ")
    check(w.split(b" ")[2] == b"Rita", "pipelined HELLO: %r" % w)
    c.expect("READY ", skip=("USER", "AWAY", "MSG"))
    c.expect("OK 1 ", skip=SKIP)
    m = seer.expect("MSG ", skip=("JOIN", "LEAVE", "NICK", "AWAY"))
    check(b" Rita " in m and m.endswith(t), "relayed: %r" % m)
    seer.expect(b"NICK %s Rosa" % w.split(b" ")[1], skip=SKIP)
    c.close()
    seer.close()
    for s in (a, b):
        check(s.stop() == 0, "xchatd exit status: " + s.stderr()[-2000:])
print("e2e-cluster-keys: ok")
