"""e2e-keys.py -- protocol version 2 end to end over TLS with real
Ed25519 keys (issue 12): HELLO first (nothing before it, ERR syntax
HELLO for anything else, BYE timeout without it); registration by
taking a free nick (the accounts file has the line before NICK is
announced); a second key cannot take the nick, not in another case,
not as a look-alike, nor can an anonymous or a version 1 client; a
keyed client gets its nick back at WELCOME (user<id> while another
connection holds it); -access members admits listed keys only (BYE
denied to others, anonymous and v1 clients); a banned key (the file,
then SIGHUP) gets BYE kicked banned; signed messages relayed with
their time and signature and verified by a receiver with the key KEY
gives; a server restarted on its log goes on (numbers, ids, history
with times and signatures, KEY, registry); a bad signature, a signature from an anonymous client, a
malformed one: NAK badsig, nothing relayed, logged as badsig; a v1
client in the same conversation gets the messages without signatures;
history replays times and signatures; HELLO <n> after a disconnection
gets exactly the missed messages; KEY for a client who left; a client
certificate that is not Ed25519 fails the handshake; a certificate
without xchat/2 (v1 inside TLS) makes an anonymous client."""
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, fail, md5

TMP = tempfile.mkdtemp(prefix="xchat-keys.")
ANA = xc.Key(TMP, "ana")
BIA = xc.Key(TMP, "bia")
EVA = xc.Key(TMP, "eva")


def accounts(srv):
    p = os.path.join(srv.statedir, "accounts.txt")
    if not os.path.exists(p):
        return ""
    with open(p) as f:
        return f.read()


def frames_until(c, prefix):
    """Frames read up to and including the first starting with prefix."""
    got = []
    while True:
        l = c.line()
        got.append(l)
        if l.startswith(prefix.encode()):
            return got


def key_of(c, id):
    """The DER public key of client id, by KEY, checked against the
    fingerprint it comes with."""
    import base64
    import hashlib
    c.sendline("KEY %d" % id)
    l = c.expect("KEY ", skip=("JOIN", "LEAVE", "NICK", "MSG", "PING"))
    f = l.decode().split(" ")
    check(len(f) == 4 and f[1] == str(id), "bad KEY answer %r" % l)
    if f[2] == "-":
        check(f[3] == "-", "KEY without a key but an SPKI: %r" % l)
        return None, None
    der = base64.b64decode(f[3])
    check("sha256:" + hashlib.sha256(der).hexdigest() == f[2],
          "KEY's SPKI does not hash to its fingerprint: %r" % l)
    return f[2], der


def test_hello(srv):
    # Nothing before HELLO; a wrong first frame: ERR syntax HELLO.
    c = srv.client(v2=True, key=ANA, handshake=False)
    check(not c.closed(timeout=0.5), "server closed before HELLO")
    c.sendline("NICK ana")
    check(c.line() == b"ERR syntax HELLO", "NICK before HELLO not refused")
    c.sendline("HELLO x")
    check(c.line() == b"ERR syntax HELLO", "HELLO x not refused")
    c.sendline("HELLO 0")
    w = c.expect("WELCOME")
    check(w.split(b" ")[3:] == [b"2", ANA.fingerprint.encode()],
          "WELCOME does not carry the client's key: %r" % w)
    frames_until(c, "READY")
    c.sendline("HELLO 0")
    check(c.line() == b"ERR syntax HELLO", "a second HELLO not refused")
    c.close()
    # No HELLO within 10 s of the handshake: BYE timeout.
    t0 = time.time()
    s = srv.client(v2=True, handshake=False, timeout=20)
    l = s.line(timeout=15)
    check(l == b"BYE timeout", "no BYE timeout without HELLO: %r" % l)
    took = time.time() - t0
    check(9 <= took <= 13.5, "BYE timeout after %.1f s, not 10" % took)
    check(s.closed(timeout=5), "not closed after BYE timeout")
    print("HELLO: ERR syntax HELLO before it, BYE timeout after %.1f s"
          % took)


def test_nicks(srv):
    a = srv.client(v2=True, key=ANA)
    a.sendline("NICK ana")
    a.expect("NICK %d ana" % a.id)
    check("ana %s\n" % ANA.fingerprint in accounts(srv),
          "registration not in the accounts file: %r" % accounts(srv))
    b = srv.client(v2=True, key=BIA)
    for n in ("ana", "ANA", "\u0430na", "Ana"):
        b.sendline("NICK " + n)
        l = b.expect("ERR", skip=("JOIN", "NICK", "LEAVE"))
        check(l == ("ERR nickinuse " + n).encode(),
              "another key took %r: %r" % (n, l))
    anon = srv.client(v2=True)
    check(anon.key == "-", "anonymous WELCOME key %r" % anon.key)
    anon.sendline("NICK ana")
    check(anon.expect("ERR", skip=("JOIN", "NICK")) == b"ERR nickinuse ana",
          "anonymous took a registered nick")
    v1 = srv.client(tls=False)
    v1.sendline("NICK ana")
    check(v1.expect("ERR", skip=("JOIN", "NICK")) == b"ERR nickinuse ana",
          "v1 client took a registered nick")
    # ana leaves; the nick stays hers.
    a.sendline("QUIT")
    a.expect("BYE quit", skip=("JOIN", "NICK"))
    v1.sendline("NICK ana")
    check(v1.expect("ERR", skip=("JOIN", "NICK", "LEAVE")) ==
          b"ERR nickinuse ana", "v1 took ana's nick while she was away")
    # Her key brings it back at WELCOME; a second connection: user<id>.
    a2 = srv.client(v2=True, key=ANA)
    check(a2.nick == "ana", "keyed client did not start as ana: %s" % a2.nick)
    a3 = srv.client(v2=True, key=ANA)
    check(a3.nick == "user%d" % a3.id, "second connection got %s" % a3.nick)
    # The owner may change case; a free nick registers for bia.
    a2.sendline("NICK Ana")
    a2.expect("NICK %d Ana" % a2.id, skip=("JOIN",))
    b.sendline("NICK bia")
    b.expect("NICK %d bia" % b.id, skip=("JOIN", "NICK", "LEAVE"))
    check("bia %s\n" % BIA.fingerprint in accounts(srv), "bia not registered")
    # An anonymous client's nick is never registered.
    anon.sendline("NICK caio")
    anon.expect("NICK %d caio" % anon.id, skip=("JOIN", "NICK", "LEAVE"))
    check("caio" not in accounts(srv), "an anonymous nick was registered")
    for c in (b, anon, v1, a2, a3):
        c.close()
    print("nicks: registration, other keys/case/look-alike/anonymous/v1 "
          "refused, nick back at WELCOME")


def test_signed(srv):
    a = srv.client(v2=True, key=EVA)
    r = srv.client(v2=True, key=BIA)
    v1 = srv.client(tls=False)
    anon = srv.client(v2=True)
    for c in (a, r, v1):
        c.sendline("PING sync")
    a.expect("PONG", skip=("JOIN",))
    text = "Olá, tudo bem? ção"
    a.msg(1, text)
    ok = a.expect("OK 1 ", skip=("JOIN",))
    n = int(ok.split(b" ")[2])
    l = r.expect("MSG", skip=("JOIN", "PONG"))
    f = l.split(b" ", 7)
    check(len(f) == 8 and f[1] == str(n).encode() and
          f[3] == str(a.id).encode() and f[5] == md5(text).encode() and
          f[7] == text.encode(), "bad v2 relay %r" % l)
    check(xc.verify(EVA.spki, f[6].decode(),
                    b"xchat/2 msg\0" + text.encode()),
          "the relayed signature does not verify")
    fp, der = key_of(r, a.id)
    check(fp == EVA.fingerprint and der == EVA.spki, "KEY gave another key")
    check(xc.verify(der, f[6].decode(), b"xchat/2 msg\0" + text.encode()),
          "signature does not verify with the key KEY gave")
    stamp = f[2].decode()
    l1 = v1.expect("MSG", skip=("JOIN", "PONG"))
    check(l1 == b"MSG %d %d %s %s %s" % (n, a.id, a.nick.encode(),
          md5(text).encode(), text.encode()),
          "v1 receiver got %r" % l1)
    # The log has the message with the time the relay carries.
    recs = [x for x in srv.records() if len(x) > 1 and x[1] == str(n)]
    check(len(recs) == 1 and recs[0][0] == stamp,
          "relay time %s is not the log's %r" % (stamp, recs[:1]))
    # Bad, anonymous, malformed: NAK badsig, nothing relayed, logged.
    a.msg(2, "forjada", sig=EVA.sign_msg("outra coisa"))
    check(a.expect("NAK 2") == b"NAK 2 badsig", "bad signature accepted")
    a.msg(3, "alheia", sig=BIA.sign_msg("alheia"))
    check(a.expect("NAK 3") == b"NAK 3 badsig", "another key's signature")
    a.msg(4, "curta", sig="AAAA")
    check(a.expect("NAK 4") == b"NAK 4 badsig", "malformed signature")
    anon.msg(5, "anonima", sig=EVA.sign_msg("anonima"))
    check(anon.expect("NAK 5", skip=("JOIN", "MSG")) == b"NAK 5 badsig",
          "anonymous signature accepted")
    a.msg(6, "sem assinatura", sig="-")
    check(a.expect("OK 6 ").startswith(b"OK 6 "), "unsigned refused")
    l = r.expect("MSG")
    check(l.split(b" ", 7)[6] == b"-" and l.endswith(b" sem assinatura"),
          "a forged message was relayed, or the unsigned one is wrong: %r"
          % l)
    time.sleep(0.05)
    badsig = [x for x in srv.records() if len(x) > 8 and x[7] == "badsig"]
    check(len(badsig) >= 2, "badsig not logged: %r" % badsig)
    for c in (a, r, v1, anon):
        c.close()
    print("signed: relayed with time and signature, verified with KEY; "
          "v1 without; 4 forgeries NAK badsig and logged")
    return n


def test_history(srv):
    # A talker, a listener who leaves and comes back with HELLO <n>.
    t = srv.client(v2=True, key=BIA)
    l = srv.client(v2=True)
    t.msg(1, "antes")
    n0 = int(t.expect("OK 1 ", skip=("JOIN",)).split(b" ")[2])
    m = l.expect("MSG")
    check(int(m.split(b" ")[1]) == n0, "listener did not get %d" % n0)
    l.close()
    sent = {}
    for i in range(2, 27):
        t.msg(i, "perdida %d" % i)
        sent[int(t.expect("OK %d " % i, skip=("LEAVE",)).split(b" ")[2])] = \
            "perdida %d" % i
    back = srv.client(v2=True, hello=n0)
    got = [int(x.split(b" ")[1]) for x in back.history]
    check(got == sorted(sent), "HELLO %d gave %r, want %r"
          % (n0, got, sorted(sent)))
    for x in back.history:
        f = x.split(b" ", 7)
        check(xc.verify(BIA.spki, f[6].decode(),
                        b"xchat/2 msg\0" + f[7]) and
              f[7].decode() == sent[int(f[1])],
              "history lost its signature or text: %r" % x)
    # A newcomer (HELLO 0) gets the last -history, with times.
    new = srv.client(v2=True)
    check(len(new.history) == 20 and new.history[-1] == back.history[-1],
          "HELLO 0 history: %d frames" % len(new.history))
    # Nothing twice: one more message reaches both once.
    t.msg(99, "depois")
    t.expect("OK 99 ", skip=("JOIN",))
    for c in (back, new):
        m = c.expect("MSG", skip=("JOIN",))
        check(m.endswith(b" depois"), "live message %r" % m)
        check(c.closed(timeout=0.3) is False, "")
    # KEY for a client who left, from history.
    tid = t.id
    t.sendline("QUIT")
    t.close()
    fp, der = key_of(back, tid)
    check(fp == BIA.fingerprint and der == BIA.spki,
          "KEY for a client who left: %r" % fp)
    fp, der = key_of(back, 999999)
    check(fp is None, "KEY for an unknown id gave a key")
    back.close()
    new.close()
    print("history: HELLO %d gave exactly the %d missed, signed; KEY for "
          "a departed client" % (n0, len(sent)))


def test_members():
    srv = xc.Server("-access", "members")
    with open(os.path.join(srv.statedir, "accounts.txt"), "w") as f:
        f.write("# members\nana %s\n" % ANA.fingerprint)
    os.kill(srv.proc.pid, signal.SIGHUP)
    deadline = time.time() + 5
    # The accounts' line, not the bans file's (both are read again).
    while (not re.search(r"read again: \d+ registered nicks",
                         srv.stderr()) and time.time() < deadline):
        time.sleep(0.02)
    check("1 registered" in srv.stderr(), "SIGHUP did not re-read: " +
          srv.stderr())
    a = srv.client(v2=True, key=ANA)
    check(a.nick == "ana", "member did not get her nick")
    for kw in (dict(v2=True, key=BIA), dict(v2=True), dict(tls=False),
               dict(tls=True)):
        c = srv.client(handshake=False, **kw)
        if kw.get("v2"):
            c.sendline("HELLO 0")
        l = c.line()
        check(l == b"BYE denied", "%r in members mode got %r" % (kw, l))
        check(c.closed(timeout=5), "not closed after BYE denied")
    # A member may take a free nick; it is not registered.
    a.sendline("NICK ana2")
    a.expect("NICK %d ana2" % a.id, skip=("JOIN", "LEAVE"))
    check("ana2" not in accounts(srv), "members mode registered a nick")
    # A ban by hand, then SIGHUP.
    with open(os.path.join(srv.statedir, "accounts.txt"), "a") as f:
        f.write("!%s\n" % ANA.fingerprint)
    os.kill(srv.proc.pid, signal.SIGHUP)
    deadline = time.time() + 5
    while (len(re.findall(r"read again: \d+ registered nicks",
                          srv.stderr())) < 2 and time.time() < deadline):
        time.sleep(0.02)
    c = srv.client(v2=True, key=ANA, handshake=False)
    c.sendline("HELLO 0")
    l = c.line()
    check(l == b"BYE kicked banned", "banned key got %r" % l)
    a.close()
    srv.stop()
    print("members: listed key in, others BYE denied; ban by SIGHUP")


def test_certs(srv):
    # An RSA client certificate fails the handshake.
    k = os.path.join(TMP, "rsa.key")
    crt = os.path.join(TMP, "rsa.crt")
    subprocess.run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", k, "-out", crt, "-subj", "/CN=rsa",
                    "-days", "2"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    ctx = xc.tls_context(alpn=["xchat/2"])
    ctx.load_cert_chain(crt, k)
    s = socket.create_connection(("127.0.0.1", srv.tlsport), 5)
    try:
        t = ctx.wrap_socket(s)
        t.sendall(b"HELLO 0\n")
        d = t.recv(100)
        check(d == b"", "RSA client certificate accepted: %r" % d)
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        pass
    # A certificate without xchat/2: v1 inside TLS, anonymous.
    c = srv.client(tls=True, key=ANA)
    check(c.nick.startswith("user"), "v1-in-TLS client got a registered "
          "nick %s" % c.nick)
    c.sendline("NICK ana")
    check(c.expect("ERR", skip=("JOIN",)) == b"ERR nickinuse ana",
          "a v1 client with ana's certificate took her nick")
    c.close()
    print("certificates: RSA refused; a certificate is ignored in v1")


def test_restart():
    """A server restarted on its log and state directory goes on: the
    numbers, the ids, the history with its times and signatures, the
    keys (KEY for a client of the last run), the registry."""
    srv = xc.Server()
    a = srv.client(v2=True, key=ANA)
    a.sendline("NICK ana")
    a.expect("NICK %d ana" % a.id)
    sent = []
    for i in range(1, 6):
        a.msg(i, "antes do reinício %d" % i)
        sent.append(int(a.expect("OK %d " % i).split(b" ")[2]))
    l = srv.client(v2=True)
    times = {int(x.split(b" ")[1]): x.split(b" ")[2] for x in l.history}
    aid = a.id
    a.close()
    l.close()
    srv.stop()
    args = ("-statedir", srv.statedir, "-logfile", srv.log)
    srv2 = xc.Server(*args)
    back = srv2.client(v2=True, hello=sent[1])
    got = [int(x.split(b" ")[1]) for x in back.history]
    check(got == sent[2:], "HELLO %d after a restart gave %r" %
          (sent[1], got))
    for x in back.history:
        f = x.split(b" ", 7)
        check(f[2] == times[int(f[1])], "history time changed: %r" % x)
        check(xc.verify(ANA.spki, f[6].decode(), b"xchat/2 msg\0" + f[7]),
              "history signature lost in the restart: %r" % x)
    check(back.id > aid, "id %d after a restart is not above %d" %
          (back.id, aid))
    fp, der = key_of(back, aid)
    check(fp == ANA.fingerprint, "KEY for the last run's client: %r" % fp)
    a2 = srv2.client(v2=True, key=ANA)
    check(a2.nick == "ana", "the registry did not survive a restart")
    a2.msg(9, "depois")
    n = int(a2.expect("OK 9 ").split(b" ")[2])
    check(n == sent[-1] + 1, "numbering after a restart: %d" % n)
    for c in (back, a2):
        c.close()
    srv2.stop()
    out = subprocess.run([xc.XCHATD, "-verifylog", srv.log],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(out.returncode == 0 and b"6 signed and good" in out.stdout,
          "verifylog after a restart: %s" % out.stdout.decode())
    print("restart: numbers, ids, history with times and signatures, "
          "KEY and registry go on")


def main():
    test_restart()
    srv = xc.Server()
    test_hello(srv)
    test_nicks(srv)
    test_signed(srv)
    test_history(srv)
    test_certs(srv)
    srv.stop()
    test_members()
    print("e2e-keys: ok")


main()
