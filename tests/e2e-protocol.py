"""e2e-protocol.py -- the whole protocol against a real headless
xchatd: handshake, JOIN/USER, relay and OK, digests in either case,
NICK rules, PING, QUIT, every kind of bad input answered as
doc/PROTOCOL.md says with the connection kept, and the log.  Every
case runs twice, all clients over plain TCP then all over TLS 1.3 (one
suite, two transports); then plain and TLS clients talk in one
conversation, byte for byte both ways."""
import os
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5


def suite(transport):
    """Every case, over plain TCP or TLS (each client of the server)."""
    with xc.Server(transport=transport) as srv:
        a = srv.client()
        check(a.id == 1 and a.nick == "user1", "first client is 1 user1")
        check(a.users == [] and a.history == [], "nobody before the first")
        b = srv.client()
        check(b.id == 2 and b.users == [b"USER 1 user1"], "b sees a")
        a.expect("JOIN 2 user2")

        # NICK: success goes to everyone, the requester included.
        a.sendline("NICK ana")
        a.expect("NICK 1 ana")
        b.expect("NICK 1 ana")
        b.sendline("NICK ANA")
        b.expect("ERR nickinuse ANA")
        a.sendline("NICK Ana")               # a change of case only
        a.expect("NICK 1 Ana")
        b.expect("NICK 1 Ana")
        b.sendline("NICK user1")             # another's reserved nick
        b.expect("ERR nickinuse user1")
        b.sendline("NICK User2")             # its own user<id> is fine
        b.expect("NICK 2 User2")
        a.expect("NICK 2 User2")
        b.sendline("NICK user007")
        b.expect("ERR nickinuse user007")
        for bad in ["a:b", "a b", "x" * 33, "\x01x"]:
            b.sendline("NICK " + bad)
            b.expect("ERR badnick")
        b.send(b"NICK \xc3(\n")
        b.expect("ERR badnick")
        b.sendline("NICK")
        b.expect("ERR syntax NICK")
        b.sendline("NICK rui")
        b.expect("NICK 2 rui")
        a.expect("NICK 2 rui")

        # A message: relayed to the others (never back), then OK.
        text = "Olá, tudo bem?"
        b.msg(1, text)
        rel = a.expect("MSG ")
        check(rel == ("MSG 1 2 rui %s %s" % (md5(text), text)).encode(),
              "relay: %r" % rel)
        b.expect("OK 1 1")
        # Leading zeros in seq are echoed; upper-case digest is accepted
        # and relayed in lower case.
        b.msg("0007", "two", md5("two").upper())
        check(a.expect("MSG ") == ("MSG 2 2 rui %s two" % md5("two")).encode(),
              "lower-case relay")
        b.expect("OK 0007 2")
        # Texts with spaces at the edges and a TAB are kept byte for byte.
        t = "  spaced\tout  "
        a.msg(5, t)
        got = b.expect("MSG ")
        check(got.endswith((" " + md5(t) + " " + t).encode()),
              "exact text %r" % got)
        a.expect("OK 5 3")

        # MSG errors, each answered, connection kept.
        a.sendline("MSG")
        a.expect("ERR syntax MSG")
        a.sendline("MSG abc %s hi" % md5("hi"))
        a.expect("ERR syntax MSG")
        a.sendline("MSG 1234567890123456789 %s hi" % md5("hi"))
        a.expect("ERR syntax MSG")
        a.sendline("MSG 9")
        a.expect("NAK 9 badhash")
        a.sendline("MSG 10 nothex hi")
        a.expect("NAK 10 badhash")
        a.sendline("MSG 11 %s" % md5("x"))
        a.expect("NAK 11 badtext")
        a.sendline("MSG 12 %s " % md5("x"))
        a.expect("NAK 12 badtext")
        a.msg(13, "forged", md5("other"))
        a.expect("NAK 13 badhash")
        a.msg(14, b"bell\x07")
        a.expect("NAK 14 badtext")
        a.msg(15, b"bad utf8 \xc3(")
        a.expect("NAK 15 badtext")
        a.msg(16, "x" * 4001)
        a.expect("NAK 16 badtext")
        a.msg(17, "y" * 4000)
        check(len(b.expect("MSG ")) > 4000, "4000-byte text relayed")
        a.expect("OK 17 4")

        # Answers come in the order of the frames, across a pipelined read.
        a.send(("MSG 21 %s one\nMSG x\nMSG 22 %s two\nMSG\nPING p\n" %
                (md5("one"), md5("two"))).encode())
        got = [a.line() for _ in range(5)]
        check(got == [b"OK 21 5", b"ERR syntax MSG", b"OK 22 6",
                      b"ERR syntax MSG", b"PONG p"],
              "answers in order: %r" % got)
        b.expect("MSG 5 ")
        b.expect("MSG 6 ")
        # A client's ERR (e.g. ERR toolong about our frame) is not answered.
        a.sendline("ERR toolong")
        a.sendline("PING after-err")
        a.expect("PONG after-err")

        # Unknown verbs, echoed cut to 32 bytes with ? for odd bytes.
        a.sendline("msg 1 2 3")
        a.expect("ERR unknown msg")
        a.send(b"H\xc3\xa9LLO world\n")
        a.expect("ERR unknown H??LLO")
        a.sendline("A" * 40)
        a.expect("ERR unknown " + "A" * 32)
        a.sendline("WELCOME 1 x 1")
        a.expect("ERR unknown WELCOME")

        # Framing: empty frames ignored, CR LF accepted, too long answered.
        a.send(b"\n\r\nPING one\r\n")
        a.expect("PONG one")
        a.sendline("PING")
        a.expect("ERR syntax PING")
        a.sendline("PING " + "t" * 64)
        a.expect("PONG " + "t" * 64)
        a.sendline("PING " + "t" * 65)
        a.expect("ERR syntax PING")
        line = b"PING " + b"p" * (4096 - 6)            # 4096 with LF
        a.send(line + b"\n")
        a.expect("ERR syntax PING")                     # fits; token too long
        a.send(b"PING " + b"p" * (4096 - 5) + b"\n")   # 4097: too long
        a.expect("ERR toolong")
        a.send(b"x" * 10000 + b"\nPING after\n")
        a.expect("ERR toolong")
        a.expect("PONG after")
        t = "z" * (4096 - len("MSG 18  ") - 32 - 1)  # MSG frame of 4096 bytes
        a.msg(18, t)
        a.expect("NAK 18 badtext")                  # a frame, text too long
        a.send(b"PING split")                           # a frame in pieces
        a.send(b"ted\r")
        a.send(b"\n")
        a.expect("PONG splitted")

        # QUIT: BYE quit to it, LEAVE to the others.
        c = srv.client()
        a.expect("JOIN 3 user3")
        b.expect("JOIN 3 user3")
        check(c.users == [b"USER 1 Ana", b"USER 2 rui"] or
              c.users == [b"USER 2 rui", b"USER 1 Ana"], "users %r" % c.users)
        check(len(c.history) == 6 and c.history[0].startswith(b"MSG 1 2 rui "),
              "history of 6: %r" % c.history[:1])
        c.sendline("QUIT going home")
        c.expect("BYE quit")
        check(c.closed(), "closed after BYE quit")
        a.expect("LEAVE 3 user3 quit")
        b.expect("LEAVE 3 user3 quit")
        # A client that just closes: LEAVE ... closed; ids are not reused.
        d = srv.client()
        check(d.id == 4, "ids never reused")
        a.expect("JOIN 4 user4")
        d.close()
        a.expect("LEAVE 4 user4 closed")

        # The log holds every accepted message and the rejections.
        recs = srv.records()
        acc = [r for r in recs if r[7] == "accepted"]
        check([r[1] for r in acc] == ["1", "2", "3", "4", "5", "6"],
              "log numbers")
        check(acc[0][8] == "Olá, tudo bem?" and acc[0][3] == "rui",
              "log text")
        check(acc[1][5] == md5("two").upper() and acc[1][6] == md5("two"),
              "both digests logged")
        check(recs[0][7] == "start", "start record")
        # SIGUSR1 headless: a line of figures, and the server goes on.
        import signal as _signal
        import time as _time
        srv.proc.send_signal(_signal.SIGUSR1)
        deadline = _time.time() + 10
        while "messages accepted" not in srv.stderr() and \
                _time.time() < deadline and srv.proc.poll() is None:
            _time.sleep(0.02)
        check(srv.proc.poll() is None, "alive after SIGUSR1")
        check("messages accepted" in srv.stderr(), "figures on SIGUSR1")
        a.sendline("PING usr1")
        a.expect("PONG usr1")
        rc = srv.stop()
        check(rc == 0, "exit 0 on SIGTERM, got %r" % rc)
        a.expect("BYE shutdown")
        # Every rejection is in the log: recorded one by one (the first of a
        # burst) or counted in a "rejects" record (written at shutdown too).
        kinds = {}
        for r in srv.records():
            if r[2] != str(a.id):
                continue
            if r[7] in ("badhash", "badtext", "flood"):
                kinds[r[7]] = kinds.get(r[7], 0) + 1
            elif r[7] == "rejects":
                for w in r[8].split(" ")[2:]:
                    k, v = w.split("=")
                    kinds[k] = kinds.get(k, 0) + int(v)
        check(kinds == {"badhash": 3, "badtext": 6}, "rejections logged: %r"
              % kinds)

    r = subprocess.run([xc.XCHATD, "-verifylog", srv.log], capture_output=True)
    check(r.returncode == 0, "verifylog (%s): %r" % (transport, r.stdout))


def relay_of(sender, n, text):
    """The exact MSG frame the others must get for sender's text."""
    t = text.encode() if isinstance(text, str) else text
    return b"MSG %d %d %s %s %s" % (n, sender.id, sender.nick.encode(),
                                    md5(t).encode(), t)


def mixed():
    """Plain and TLS clients in one conversation: every message crosses
    from one transport to the other byte for byte, one by one and in
    bursts bigger than a TLS record; history, NICK, QUIT and a close
    cross too; the log has it all."""
    with xc.Server("-floodrate", "0") as srv:
        p = srv.plain_client()
        t = srv.tls_client()
        q = srv.plain_client()
        u = srv.tls_client()
        check(t.sock.version() == "TLSv1.3", "TLS 1.3: %r" % t.sock.version())
        check(t.sock.getpeercert(binary_form=True) ==
              ssl.PEM_cert_to_DER_cert(open(srv.cert).read()),
              "the server presents the certificate of its state directory")
        for c, j in ((p, (2, 3, 4)), (t, (3, 4)), (q, (4,))):
            for i in j:
                c.expect("JOIN %d user%d" % (i, i))
        check(sorted(u.users) == [b"USER 1 user1", b"USER 2 user2",
                                  b"USER 3 user3"],
              "the TLS client sees plain and TLS users: %r" % u.users)
        everyone = (p, t, q, u)
        for c, nick in ((p, "joão"), (t, "conceição"), (q, "zé"),
                        (u, "íris")):
            c.sendline("NICK " + nick)
            for o in everyone:
                o.expect("NICK %d %s" % (c.id, nick))
            c.nick = nick
        texts = ["Olá, Conceição! Tudo bem contigo?",
                 "  Ação, coração, pão e feijão\tà moda do Porto  ",
                 "/me acena de Lisboa — até já",
                 "ç" * 2000,                      # 4000 bytes, 2000 chars
                 "Ñão há \u201caspas\u201d que não passem: «ok» €"]
        n = 0
        log = []
        for k, text in enumerate(texts):
            for sender in (p, t, q, u):
                n += 1
                sender.msg(k, text)
                for o in everyone:
                    if o is not sender:
                        got = o.expect("MSG ")
                        check(got == relay_of(sender, n, text),
                              "%s to %s: %r" % (sender.nick, o.nick,
                                                got[:120]))
                sender.expect("OK %d %d" % (k, n))
                log.append((n, sender, text))
        # Bursts: 150 messages of 3 KiB in one write each way (many TLS
        # records, read in several rounds), all relayed in order.
        for sender in (t, p):
            burst = [("%d: " % i) + "ã" * 1500 for i in range(150)]
            sender.send(b"".join(b"MSG %d %s %s\n" % (
                1000 + i, md5(x).encode(), x.encode())
                for i, x in enumerate(burst)))
            for i, x in enumerate(burst):
                n += 1
                for o in everyone:
                    if o is not sender:
                        got = o.expect("MSG ", timeout=20)
                        check(got == relay_of(sender, n, x),
                              "burst from %s, %d to %s: %r"
                              % (sender.nick, i, o.nick, got[:80]))
                sender.expect("OK %d %d" % (1000 + i, n), timeout=20)
                log.append((n, sender, x))
        # History to a late client of each transport, with nicks.
        for late in (srv.tls_client(), srv.plain_client()):
            want = [relay_of(s, m, x) for m, s, x in log[-20:]]
            check(late.history == want, "history over %s: %r"
                  % ("TLS" if late.tls else "plain", late.history[:1]))
            for o in everyone:
                o.expect("JOIN %d " % late.id)
            everyone += (late,)
        # QUIT over TLS, a TLS close and a plain close: seen everywhere.
        t.sendline("QUIT até logo")
        t.expect("BYE quit")
        check(t.closed(), "TLS client closed after BYE quit")
        u.close()
        q.close()
        rest = [c for c in everyone if c not in (t, u, q)]
        for o in rest:
            o.expect("LEAVE %d conceição quit" % t.id)
            left = sorted([o.expect("LEAVE "), o.expect("LEAVE ")])
            check(left == sorted([("LEAVE %d íris closed" % u.id).encode(),
                                  ("LEAVE %d zé closed" % q.id).encode()]),
                  "closes: %r" % left)
        check(srv.stop() == 0, "exit 0")
        acc = [r for r in srv.records() if r[7] == "accepted"]
        check([(int(r[1]), r[3], r[8]) for r in acc] ==
              [(m, s.nick, x.replace("\\", "\\\\").replace("\t", "\\t"))
               for m, s, x in log],
              "the log holds every message with its sender")
        r = subprocess.run([xc.XCHATD, "-verifylog", srv.log],
                           capture_output=True)
        check(r.returncode == 0, "verifylog (mixed): %r" % r.stdout)


for transport in ("plain", "tls"):
    suite(transport)
mixed()
print("e2e-protocol: ok (plain, TLS, plain and TLS together)")
