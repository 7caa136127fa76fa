"""e2e-bans.py -- bans for a time (issue 13) against a real headless
xchatd: the bans file (bans.txt in the state directory) bans addresses
and keys; a banned connection gets "BYE kicked banned" at connect, over
plain TCP, TLS v1 and v2 (before HELLO), and uses up no id; a ban
survives a restart and ends at its time; SIGHUP reads the file again.
The file is hostile input: overlong lines, NUL bytes, bad UTF-8, bad
addresses and times, control characters in reasons are skipped with a
warning naming the file and line, and the good lines still count; a
file that cannot be read stops the start with a clear error.  Before
issue 13 there was no bans file: every one of these came in."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

KEYDIR = tempfile.mkdtemp(prefix="xchat-e2e-bans.")
EVE = xc.Key(KEYDIR, "eve")


def state(lines):
    d = tempfile.mkdtemp(prefix="xchat-e2e-bans-state.")
    os.chmod(d, 0o700)
    with open(os.path.join(d, "bans.txt"), "wb") as f:
        f.write(lines)
    return d


def banned(c):
    l = c.expect("BYE")
    check(l == b"BYE kicked banned", "banned connection got %r" % l)
    check(c.closed(), "banned connection not closed")
    c.close()


def welcomed(srv, **kw):
    c = srv.client(**kw)
    check(c.id is not None, "not welcomed")
    return c


def test_address():
    st = state(b"# the bans\n127.0.0.1 forever spam\n")
    srv = xc.Server("-statedir", st)
    banned(srv.plain_client(handshake=False))
    banned(srv.tls_client(handshake=False))
    banned(srv.client(v2=True, handshake=False))
    # Banned connections use up no id; restart: still banned.
    check(srv.stop() == 0, "xchatd exits 0")
    srv = xc.Server("-statedir", st, "-logfile", srv.log)
    banned(srv.plain_client(handshake=False))
    # SIGHUP with the ban lifted by hand: in again, as id 1.
    with open(os.path.join(st, "bans.txt"), "w") as f:
        f.write("# none\n")
    srv.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 20
    while "read again: 0 bans" not in srv.stderr():
        check(time.time() < deadline, "no SIGHUP line: " + srv.stderr())
        time.sleep(0.02)
    c = welcomed(srv)
    check(c.id == 1, "banned connections used up ids: %d" % c.id)
    c.close()
    check(srv.stop() == 0, "xchatd exits 0")


def test_key():
    st = state(EVE.fingerprint.upper().replace("SHA256:", "sha256:").encode()
               + b" forever\n")
    srv = xc.Server("-statedir", st)
    banned(srv.client(v2=True, key=EVE, handshake=False))
    a = welcomed(srv, v2=True)
    b = welcomed(srv)
    for c in (a, b):
        c.close()
    check(srv.stop() == 0, "xchatd exits 0")


def test_expiry():
    # The ban must still hold when the first connection comes in; on a
    # loaded machine the server's start can take longer than the ban,
    # so the margin grows until the start fits inside it.
    margin = 3
    while True:
        until = int(time.time()) + margin
        st = state(b"127.0.0.1 %d soon over\n" % until)
        srv = xc.Server("-statedir", st)
        c = srv.plain_client(handshake=False)
        l = c.line()
        if l == b"BYE kicked banned":
            check(c.closed(), "banned connection not closed")
            c.close()
            break
        check(l.startswith(b"WELCOME ") and time.time() >= until,
              "in before the ban's end: %r" % l)
        check(margin < 100, "the server never started within the ban")
        c.close()
        check(srv.stop() == 0, "xchatd exits 0")
        margin *= 3
    # Wait for the end of the ban (a condition: a connection welcomed).
    deadline = time.time() + 60
    while True:
        c = srv.plain_client(handshake=False)
        l = c.line()
        if l.startswith(b"WELCOME "):
            break
        check(l == b"BYE kicked banned", "got %r" % l)
        check(time.time() < deadline, "the ban never ended")
        c.close()
        time.sleep(0.2)
    check(time.time() >= until, "in before the ban's end")
    c.close()
    # The ban is over across a restart too.
    check(srv.stop() == 0, "xchatd exits 0")
    srv = xc.Server("-statedir", st, "-logfile", srv.log)
    welcomed(srv).close()
    check(srv.stop() == 0, "xchatd exits 0")


def test_hostile():
    lines = [
        b"x" * 100000 + b" 127.0.0.1 forever",   # 2: overlong
        b"127.0.0.1\0 forever",                  # 3: NUL
        b"127.0.0.1 forever \xff\xfe",           # 4: not UTF-8
        b"999.1.1.1 forever",                    # 5: not an address
        b"127.0.0.1 0",                          # 6: bad time
        b"127.0.0.1 -5",                         # 7: bad time
        b"127.0.0.1 99999999999999999999",       # 8: too big
        b"127.0.0.1 forever a\x01b",             # 9: control character
        b"127.0.0.1 forever " + b"r" * 201,      # 10: reason too long
        b"127.0.0.1",                            # 11: no time
        b"sha256:1234 forever",                  # 12: short key
        b"\t   ",                                # 13: blank
        b"127.0.0.2 forever ok",                 # 14: good, another
    ]
    st = state(b"# hostile\n" + b"\n".join(lines) + b"\n127.0.0.1")
    srv = xc.Server("-statedir", st)
    err = srv.stderr()
    path = os.path.join(st, "bans.txt")
    for no in range(2, 13):
        check("%s:%d: " % (path, no) in err, "no warning for line %d: %s"
              % (no, err[-2000:]))
    check("%s:15: " % path in err, "no warning for the last line")
    check("%s:13: " % path not in err and "%s:14: " % path not in err,
          "a good line warned about")
    # None of the bad lines banned 127.0.0.1; the server serves.
    c = welcomed(srv)
    c.msg(1, "ainda aqui")
    c.expect("OK 1 ")
    c.close()
    check(srv.stop() == 0, "xchatd exits 0")
    # Random bytes: no crash, served.
    import random
    rnd = random.Random(13)
    for i in range(20):
        st = state(bytes(rnd.randrange(256) for _ in range(4000)))
        srv = xc.Server("-statedir", st)
        welcomed(srv).close()
        check(srv.stop() == 0, "xchatd exits 0 with random bans %d" % i)
    # A bans file that cannot be read: no start, a clear error.
    st = tempfile.mkdtemp(prefix="xchat-e2e-bans-state.")
    os.mkdir(os.path.join(st, "bans.txt"))
    p = subprocess.run([xc.XCHATD, "-headless", "-port", str(xc.free_port()),
                        "-tlsport",
                        "0", "-statedir", st, "-logfile",
                        os.path.join(st, "log")], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 1 and "bans.txt" in out, "unreadable bans file: "
          "%d %s" % (p.returncode, out))


test_address()
test_key()
test_expiry()
test_hostile()
print("e2e-bans: ok")
