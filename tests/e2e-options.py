"""e2e-options.py -- xchatd's command line: -help lists every option,
bad values are one-line errors naming the option with exit 2, a port
in use and an unwritable log exit 1 with a clear message, no display
without -headless exits 1, IPv6 listen addresses work, resources set
through -xrm and app-defaults are honoured; and xc.Server starts on
other ports when one it chose is taken before xchatd binds it."""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check


def run(*args, env=None, timeout=10):
    e = dict(os.environ)
    e.pop("DISPLAY", None)
    if env:
        e.update(env)
    r = subprocess.run([xc.XCHATD] + list(args), capture_output=True,
                       env=e, timeout=timeout)
    return r.returncode, r.stdout.decode() + r.stderr.decode()


rc, out = run("-help")
check(rc == 0, "-help exits 0")
for opt in ["-listen", "-port", "-logfile", "-maxclients", "-history",
            "-floodrate", "-floodkick", "-slowlimit", "-outbudget",
            "-pinginterval", "(default 64m)",
            "-pingtimeout", "-headless", "-verifylog", "-help", "-xrm",
            "-savelines", "-debug", "-version", "[listenAddress]",
            "(default 12345)", "(default 1m)"]:
    check(opt in out, "-help mentions " + opt)
rc, out = run("-version")
check(rc == 0 and "xchatd 1.0" in out, "-version")
version = out.split()[1]

# xchat answers -version and -help without a display, like xchatd.
r = subprocess.run([xc.XCHAT, "-version"], capture_output=True, timeout=10,
                   env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
check(r.returncode == 0 and r.stdout.decode() == "xchat %s\n" % version,
      "xchat -version: %r" % r.stdout)
r = subprocess.run([xc.XCHAT, "-help"], capture_output=True, timeout=10,
                   env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
for opt in ["-host", "-port", "-nick", "-logfile", "-savelines",
            "-pinginterval", "-pingtimeout", "-dumpfile", "-help",
            "-version", "[saveLines]", "(default 5000)"]:
    check(r.returncode == 0 and opt in r.stdout.decode(),
          "xchat -help mentions " + opt)

for args, opt in [(["-port", "99999"], "-port"), (["-port", "x"], "-port"),
                  (["-maxclients", "0"], "-maxclients"),
                  (["-history", "-1"], "-history"),
                  (["-floodrate", "fast"], "-floodrate"),
                  (["-slowlimit", "10"], "-slowlimit"),
                  (["-outbudget", "2t"], "-outbudget"),
                  (["-pinginterval", "1e9"], "-pinginterval"),
                  (["-xrm", "xchatd.port: 0"], "-port")]:
    rc, out = run("-headless", *args)
    check(rc == 2, "%r exits 2 (got %d: %s)" % (args, rc, out))
    check(opt in out and len(out.strip().splitlines()) == 1,
          "%r: one line naming %s: %r" % (args, opt, out))
# A bad value from a resource names the resource (and its option), not
# the option alone, which was not given.
for args, want in [(["-xrm", "xchatd.port: abc"], "resource port (-port)"),
                   (["-xrm", "xchatd*saveLines: zz"],
                    "resource saveLines (-savelines)"),
                   (["-savelines", "0"], "-savelines: '0'"),
                   (["-xrm", "XChatd*history: x"],
                    "resource history (-history)")]:
    rc, out = run("-headless", *args)
    check(rc == 2 and want in out and len(out.strip().splitlines()) == 1,
          "%r: exit 2 and one line with %r (got %d: %r)" %
          (args, want, rc, out))
rc, out = run("-headless", "-bogus")
check(rc == 2 and "-bogus" in out, "unknown option: %r" % out)

rc, out = run("-bogus")
check(rc == 2 and "-bogus" in out, "unknown option without -headless: %r" % out)
rc, out = run("-port", "1")
check(rc == 1 and "display" in out and "-headless" in out,
      "no display: %r" % out)
# The error names the display actually tried (issue 13), not $DISPLAY.
rc, out = run("-port", "1", "-display", ":99.0", env={"DISPLAY": ":77"})
check(rc == 1 and "':99.0'" in out, "-display named: %r" % out)
r = subprocess.run([xc.XCHAT, "-display", ":98.0"], capture_output=True,
                   timeout=10, env=dict(os.environ, DISPLAY=":77"))
check(r.returncode == 1 and b"':98.0'" in r.stderr,
      "xchat -display named: %r" % r.stderr)

# A new user's report: control characters from the command line went
# raw to the terminal ("invalid nick \"ev^A^[[31mRED\"").  Escaped in
# every message that echoes them, xchat's and xchatd's.
home = "/tmp/xchat-opt-home.%d" % os.getpid()
os.makedirs(home, exist_ok=True)
for args in (["-fingerprint", "-nick", "ev\x01\x1b[31mRED"],
             ["-fingerprint", "-port", "1\x1b[2J"],
             ["-fingerprint", "-bogus\x07\x9b"],
             ["-fingerprint", "-key", "/nonexistent/k\x1b]0;x\x07"]):
    r = subprocess.run([xc.XCHAT] + [a.encode("utf-8", "surrogateescape")
                                     if "\x9b" not in a else
                                     a.encode("latin-1") for a in args],
                       capture_output=True, timeout=10,
                       env={k: v for k, v in os.environ.items()
                            if k != "DISPLAY"} | {"HOME": home})
    err = r.stderr
    check(r.returncode != 0 and err.startswith(b"xchat: ") and
          err.count(b"\n") == 1 and
          not any(b < 0x20 and b != 0x0a or b == 0x7f for b in err) and
          b"\x9b" not in err and b"\xc2\x9b" not in err and
          (b"\\u{001B}" in err or b"\\u{0007}" in err),
          "%r: stderr %r" % (args, err))
rc, out = run("-headless", "-listen", "no.such\x1b[2J.invalid",
              "-logfile", "/nonexistent/dir/log")
check(rc == 1 and "\x1b" not in out and "\\u{001B}" in out,
      "xchatd: %r" % out)

# A port in use: exit 1 and say so.
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
rc, out = run("-headless", "-port", str(port), "-logfile", "/tmp/xchat-opt-log.%d" % os.getpid())
check(rc == 1 and "in use" in out, "port in use: %r" % out)
s.close()
check(not os.path.exists("/tmp/xchat-opt-log.%d" % os.getpid()),
      "a server that cannot listen creates no log")

rc, out = run("-headless", "-port", str(xc.free_port()), "-tlsport", "0",
              "-logfile", "/nonexistent/dir/log")
check(rc == 1 and "/nonexistent/dir/log" in out, "bad log: %r" % out)
rc, out = run("-headless", "-listen", "no.such.host.invalid", "-logfile",
              "/nonexistent/dir/log")
check(rc == 1 and "no.such.host.invalid" in out, "bad address: %r" % out)
# A bad TLS listen address is found before the key is made.
sd = os.path.join(tempfile.mkdtemp(), "state")
rc, out = run("-headless", "-port", str(xc.free_port()), "-listen",
              "999.1.1.1", "-statedir", sd, "-logfile",
              os.path.join(os.path.dirname(sd), "log"))
check(rc == 1 and "999.1.1.1" in out, "bad TLS address: %r" % out)
left = os.listdir(sd) if os.path.exists(sd) else []
check(left == [], "a bad address left files in the state directory: %r"
      % left)

rc, out = run("-verifylog", "/nonexistent/log")
check(rc == 2, "verifylog of a missing file exits 2")

# -xrm sets resources; so does an app-defaults file via XAPPLRESDIR.
with xc.Server("-xrm", "xchatd.history: 1") as srv:
    a = srv.client()
    for i in (1, 2):
        a.msg(i, "h%d" % i)
        a.expect("OK %d" % i)
    b = srv.client()
    check(len(b.history) == 1, "-xrm history: 1")
d = xc.Server.__new__(xc.Server)
rd = tempfile.mkdtemp()
open(os.path.join(rd, "XChatd"), "w").write("xchatd.history: 2\n")
with xc.Server(env={"XAPPLRESDIR": rd + "/"}) as srv:
    a = srv.client()
    for i in (1, 2, 3):
        a.msg(i, "h%d" % i)
        a.expect("OK %d" % i)
    b = srv.client()
    check(len(b.history) == 2, "app-defaults history: 2 (%d)" % len(b.history))

# -access members with nobody in the accounts file: the start lines say
# how to admit someone, not "connect with".
with xc.Server("-access", "members") as srv:
    deadline = time.time() + 10
    while "SIGHUP" not in srv.stderr() and time.time() < deadline:
        time.sleep(0.02)
    err = srv.stderr()
    check("nobody can come in" in err and "<nick> <key>" in err and
          "xchat -fingerprint" in err and "SIGHUP" in err and
          "connect with" not in err, "members, no accounts: %r" % err)

# IPv6
try:
    t = socket.socket(socket.AF_INET6)
    t.bind(("::1", 0))
    t.close()
    have6 = True
except OSError:
    have6 = False
if have6:
    with xc.Server("-listen", "::1") as srv:
        c = xc.Client(srv.port, host="::1")
        check(c.id == 1, "IPv6 client welcomed")
        check("[::1]:" in srv.stderr(), "IPv6 listen address reported")
else:
    print("no IPv6 loopback here: IPv6 part not run")

# The harness itself: a free port taken by someone else before xchatd
# binds it (two tests given the same free port) makes xc.Server start
# on other ports, not fail.  The first port it is given is held here.
held = socket.socket()
held.bind(("127.0.0.1", 0))
held.listen(1)
given = [held.getsockname()[1]]
real_free_port = xc.free_port
xc.free_port = lambda: given.pop() if given else real_free_port()
try:
    with xc.Server(tls=False) as srv:
        check(srv.port != held.getsockname()[1], "held port reused")
        check(not given, "the held port was not tried")
        check(srv.client().id == 1, "client of the restarted server")
finally:
    xc.free_port = real_free_port
    held.close()
print("e2e-options: ok")
