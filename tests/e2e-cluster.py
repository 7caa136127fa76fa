"""e2e-cluster.py -- two and three xchatd in one cluster through a
private redis-server (issue 14, doc/CLUSTER.md).  A message sent
through any server reaches the clients of all, never its sender; the
numbers every client sees are strictly increasing and shared across
the cluster; each sender's messages keep their order; none is missed,
none comes twice, and every OK'd number is delivered to everyone.  A
newcomer on any server gets the same history; a v2 client that says
HELLO <n> to another server gets exactly what came after <n>.  Nicks
are unique across servers by the protocol's key (case-folded, look-
alikes), and free again when their holder leaves.  Ids are never
reused, across servers and across a server's restart.  Skipped (77)
without redis-server."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc  # noqa: E402
from xc import check, fail  # noqa: E402
from xcluster import Redis, member, need_redis  # noqa: E402

need_redis()


class Peer:
    """A client and what it has seen: members, messages, answers."""

    def __init__(self, srv, **kw):
        self.c = srv.client(**kw)
        self.id = self.c.id
        self.members = {int(u.split(b" ")[1]) for u in self.c.users}
        self.msgs = []          # (n, from id, text)
        self.oks = {}           # seq -> n
        self.naks = []
        self.leaves = []

    def pump(self, until, timeout=10):
        """Read frames until until(self) holds."""
        while not until(self):
            try:
                l = self.c.line(timeout)
            except (TimeoutError, EOFError) as e:
                fail("client %d: %s (members %r, %d oks %d msgs %r)" %
                     (self.id, e, self.members, len(self.oks),
                      len(self.msgs), self.naks[:3]))
            f = l.split(b" ")
            if f[0] in (b"USER", b"JOIN"):
                self.members.add(int(f[1]))
            elif f[0] == b"LEAVE":
                self.members.discard(int(f[1]))
                self.leaves.append(l)
            elif f[0] == b"MSG":
                if self.c.v2:
                    self.msgs.append((int(f[1]), int(f[3]),
                                      b" ".join(f[7:])))
                else:
                    self.msgs.append((int(f[1]), int(f[2]),
                                      b" ".join(f[5:])))
            elif f[0] == b"OK":
                self.oks[f[1].decode()] = int(f[2])
            elif f[0] == b"NAK":
                self.naks.append(l)


def converse(peers, k):
    """Every peer sends k messages; check what everyone got."""
    ids = {p.id for p in peers}
    for p in peers:
        p.pump(lambda q: ids - {q.id} <= q.members)
        p.oks, p.msgs, p.naks = {}, [], []
    for i in range(k):
        for p in peers:
            p.c.msg(i + 1, "m %d from %d" % (i, p.id))
    for p in peers:
        p.pump(lambda q: len(q.oks) == k and
               len(q.msgs) >= k * (len(peers) - 1))
    every = {}
    for p in peers:
        check(not p.naks, "NAKs: %r" % p.naks)
        for seq in range(1, k + 1):
            every[p.oks[str(seq)]] = (p.id, "m %d from %d" % (seq - 1,
                                                             p.id))
        # per-sender order: seq order = number order
        own = [p.oks[str(s)] for s in range(1, k + 1)]
        check(own == sorted(own), "own numbers out of order: %r" % own)
    check(len(every) == k * len(peers), "numbers given twice")
    for p in peers:
        ns = [m[0] for m in p.msgs]
        check(ns == sorted(ns) and len(set(ns)) == len(ns),
              "client %d: numbers not strictly increasing: %r" % (p.id, ns))
        for n, frm, text in p.msgs:
            check(frm != p.id, "client %d got its own message" % p.id)
            check(every.get(n) == (frm, text.decode()),
                  "client %d: MSG %d from %d %r is not what was OK'd"
                  % (p.id, n, frm, text))
        want = {n for n, v in every.items() if v[0] != p.id}
        check({m[0] for m in p.msgs} == want,
              "client %d missed messages" % p.id)
    return every


with Redis() as r:
    a = member(r, "-floodrate", "0", "-history", "50")
    b = member(r, "-floodrate", "0", "-history", "50")

    # Two servers, two clients each.
    peers = [Peer(a), Peer(b), Peer(a), Peer(b)]
    every = converse(peers, 25)

    # A third server joins; the conversation goes on through all three.
    c = member(r, "-floodrate", "0", "-history", "50")
    peers += [Peer(c), Peer(c)]
    every.update(converse(peers, 10))
    ids = [p.id for p in peers]
    check(len(set(ids)) == len(ids), "ids reused: %r" % ids)

    # The same history for a newcomer on any server.
    hist = []
    for s in (a, b, c):
        n = Peer(s)
        hist.append(n.c.history)
        ids.append(n.id)
        n.c.close()
    check(hist[0] == hist[1] == hist[2] and len(hist[0]) == 50,
          "history differs between servers: %r" %
          [len(h) for h in hist])
    last = max(every)
    check(hist[0][-1].split(b" ")[1] == str(last).encode(),
          "history does not end with the last message")

    # HELLO <n> to another server: exactly what came after n.
    after = last - 30
    v2 = b.client(v2=True, hello=after)
    got = [int(l.split(b" ")[1]) for l in v2.history]
    check(got == [n for n in sorted(every) if n > after],
          "HELLO %d on another server got %r" % (after, got))
    ids.append(v2.id)
    v2.close()

    # DMs across servers: to the recipient alone, numbered in the
    # cluster's one sequence (between the messages), never in history;
    # an id that is nobody: NAK nouser.
    dx, dy, dz = Peer(a), Peer(b), Peer(a)
    for p in (dx, dy, dz):
        p.pump(lambda q: {dx.id, dy.id, dz.id} - {q.id} <= q.members)
    dx.c.dm(1, dy.id, "only for you")
    got = dy.c.expect("DM ", skip=("JOIN", "LEAVE", "NICK"))
    f = got.split(b" ")
    check(int(f[2]) == dx.id and got.endswith(b" only for you"),
          "DM across servers: %r" % got)
    ok = dx.c.expect("OK 1 ", skip=("JOIN", "LEAVE", "NICK"))
    check(ok.split(b" ")[2] == f[1], "DM's number: %r vs %r" % (ok, got))
    dx.c.msg(2, "for all")
    ok2 = dx.c.expect("OK 2 ", skip=("JOIN", "LEAVE", "NICK"))
    check(int(ok2.split(b" ")[2]) > int(f[1]), "numbers after the DM")
    l = dz.c.expect("MSG ", skip=("JOIN", "LEAVE", "NICK"))
    check(l.endswith(b" for all"), "the DM reached a third client: %r" % l)
    dx.c.dm(3, 987654321, "nobody")
    dx.c.expect("NAK 3 nouser", skip=("JOIN", "LEAVE", "NICK", "MSG"))
    ids += [dx.id, dy.id, dz.id]
    for p in (dx, dy, dz):
        p.c.close()

    # AWAY across servers: told to the other servers' clients, shown
    # to a newcomer on another server after the USER line; back again.
    aw, seer = Peer(a), Peer(b)
    for p in (aw, seer):
        p.pump(lambda q: {aw.id, seer.id} - {q.id} <= q.members)
    aw.c.sendline("AWAY out for lunch")
    got = seer.c.expect("AWAY ", skip=("JOIN", "LEAVE", "NICK", "MSG"))
    check(got == ("AWAY %d out for lunch" % aw.id).encode(),
          "AWAY on another server: %r" % got)
    raw = xc.Client(b.port, handshake=False)
    seen_user = False
    while True:
        l = raw.line(5)
        if l.startswith(("USER %d " % aw.id).encode()):
            seen_user = True
            continue
        if seen_user:
            check(l == ("AWAY %d out for lunch" % aw.id).encode(),
                  "after the away client's USER line: %r" % l)
            break
        check(not l.startswith(b"READY"), "no USER line of the away client")
    raw.close()
    aw.c.sendline("AWAY")
    got = seer.c.expect("AWAY ", skip=("JOIN", "LEAVE", "NICK", "MSG"))
    check(got == ("AWAY %d" % aw.id).encode(), "back: %r" % got)
    ids += [aw.id, seer.id]
    for p in (aw, seer):
        p.c.close()

    # Nicks: unique across servers by their key; free when left.
    p, q = peers[0], peers[1]           # on a and on b
    p.c.sendline("NICK Ana")
    p.pump(lambda x: True)
    line = p.c.expect("NICK ", skip=("JOIN", "LEAVE", "MSG", "AWAY"))
    check(line == ("NICK %d Ana" % p.id).encode(), "NICK Ana: %r" % line)
    for look in ("ana", "ANA", "\u0430na", "\uff41\uff4e\uff41"):
        q.c.sendline("NICK " + look)
        got = q.c.expect("ERR ", skip=("NICK", "JOIN", "LEAVE", "MSG", "AWAY"))
        check(got == ("ERR nickinuse " + look).encode(),
              "NICK %r on another server: %r" % (look, got))
    # The other servers' clients learn the new nick.
    peers[5].c.expect(("NICK %d Ana" % p.id).encode(),
                      skip=("NICK", "JOIN", "LEAVE", "MSG", "AWAY"))
    p.c.sendline("QUIT")
    q.c.expect(("LEAVE %d Ana quit" % p.id).encode(),
               skip=("NICK", "JOIN", "MSG", "AWAY"))
    q.c.sendline("NICK ana")
    got = q.c.expect(("NICK %d " % q.id).encode(),
                     skip=("JOIN", "LEAVE", "MSG", "AWAY"))
    check(got == ("NICK %d ana" % q.id).encode(), "ana not free: %r" % got)

    # The registry is the cluster's: a keyed client on b registers
    # "Rita" by taking it; once it has left, another key cannot take
    # it (or a look-alike) on a; the same key can, on any server.
    kd = tempfile.mkdtemp(prefix="xchat-keys.")
    k1, k2 = xc.Key(kd, "k1"), xc.Key(kd, "k2")
    rita = b.client(v2=True, key=k1)
    rita.sendline("NICK Rita")
    rita.expect(("NICK %d Rita" % rita.id).encode(),
                skip=("JOIN", "LEAVE", "NICK"))
    seen = a.client()
    rita.close()
    seen.expect(("LEAVE %d Rita" % rita.id).encode(),
                skip=("JOIN", "LEAVE", "NICK"))
    other = a.client(v2=True, key=k2)
    for look in ("Rita", "rita"):
        other.sendline("NICK " + look)
        got = other.expect("ERR ", skip=("JOIN", "LEAVE", "NICK"))
        check(got == ("ERR nickinuse " + look).encode(),
              "NICK %r registered on another server: %r" % (look, got))
    again = c.client(v2=True, key=k1)
    again.sendline("NICK rita")
    again.expect(("NICK %d rita" % again.id).encode(),
                 skip=("JOIN", "LEAVE", "NICK"))
    ids += [rita.id, seen.id, other.id, again.id]
    for x in (seen, other, again):
        x.close()

    # Ids are never reused: not after a server restarts either.
    a.stop()
    a = member(r, "-floodrate", "0")
    for s in (a, b, c):
        n = s.client()
        check(n.id not in ids, "id %d reused" % n.id)
        ids.append(n.id)
        n.close()
    # A server that stops cleanly takes its clients out at once
    # (LEAVE shutdown, not a split later) and leaves no presence.
    w = a.client()
    g = c.client()
    w.expect(("JOIN %d " % g.id).encode(), skip=("JOIN", "LEAVE"))
    check(c.stop() == 0, "xchatd exit status: " + c.stderr()[-2000:])
    l = w.expect(("LEAVE %d " % g.id).encode(), skip=("JOIN", "LEAVE"))
    check(l.endswith(b" shutdown"), "LEAVE at shutdown: %r" % l)
    w.close()
    for s in (a, b):
        check(s.stop() == 0, "xchatd exit status: " + s.stderr()[-2000:])
    check(r.cli("ZCARD", "xchat:servers").strip() == "0",
          "presence left behind by stopped servers")
    # Each server's log holds what it accepted; -verifylog checks it
    # (its numbers have gaps: the other servers').
    for s in (a, b, c):
        p = subprocess.run([xc.XCHATD, "-verifylog", s.log],
                           capture_output=True)
        check(p.returncode == 0, "-verifylog %s: %r" % (s.log, p.stdout))
print("e2e-cluster: ok")
