"""e2e-valgrind.py -- the headless server under valgrind memcheck for a
representative session: handshakes with history, NICK (good, taken,
bad), MSGs (accepted, badhash, badtext, flood: rejection records and
summaries), the log renamed and reopened on SIGHUP then truncated
behind the server's back, unknown verbs, a too-long frame, PING, a
frame in pieces, a reset mid-frame, a half-close after a MSG, QUIT, a
slow reader dropped; over TLS (its key made at start): handshakes with
and without ALPN, a refused ALPN, messages to and from plain clients, a
too-long frame, a frame in pieces, handshakes that stop halfway (closed,
reset, dropped by the 10 s limit, under way at the end), QUIT, a close
without close_notify; SIGTERM.  It requires zero memcheck errors and
no lost bytes of any kind (definite, indirect, possible), with only
GnuTLS's one-time allocations suppressed (valgrind-gnutls.supp).
Skipped (77) without valgrind or when xchatd is built with ASan."""
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

if shutil.which("valgrind") is None:
    print("e2e-valgrind: no valgrind: skipped")
    sys.exit(77)
ldd = subprocess.run(["ldd", xc.XCHATD], capture_output=True).stdout
nm = subprocess.run(["nm", xc.XCHATD], capture_output=True).stdout
if b"libasan" in ldd or b"__asan_init" in nm:
    print("e2e-valgrind: xchatd is built with ASan: skipped")
    sys.exit(77)

vlog = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                    "xchat-valgrind.%d.log" % os.getpid())
# Lost blocks of every kind are errors; still reachable ones at exit
# are the libraries' one-time data.  GnuTLS's one-time allocations
# would be suppressed by valgrind-gnutls.supp (see there: today none
# needs to be), and nothing else may be.
supp = os.path.join(xc.SRCDIR, "tests", "valgrind-gnutls.supp")
wrap = ["valgrind", "--error-exitcode=99", "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect,possible",
        "--show-leak-kinds=definite,indirect,possible",
        "--suppressions=" + supp, "--track-fds=no", "--log-file=" + vlog]


def client_hello():
    """The first flight of a TLS 1.3 client, as bytes."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = xc.tls_context().wrap_bio(inc, out)
    try:
        o.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


srv = xc.Server("-floodrate", "100", "-floodkick", "1000", "-history", "5",
                "-slowlimit", "64k", wrap=wrap)
try:
    a = xc.Client(srv.port, timeout=20)
    a.sendline("NICK ana")
    a.expect("NICK 1 ana")
    for i in range(1, 4):
        a.msg(i, "olá %d" % i)
        a.expect("OK %d %d" % (i, i))
    b = xc.Client(srv.port, timeout=20)
    check(len(b.history) == 3, "history of 3: %r" % b.history)
    a.expect("JOIN 2 ")
    b.sendline("NICK ana")
    b.expect("ERR nickinuse")
    b.sendline("NICK a:b")
    b.expect("ERR badnick")
    b.sendline("NICK rui")
    b.expect("NICK 2 rui")
    a.expect("NICK 2 rui")
    b.msg(1, "tudo bem?")
    b.expect("OK 1 4")
    a.expect("MSG 4 2 rui")
    b.msg(2, "x", digest="0" * 32)
    b.expect("NAK 2 badhash")
    b.send(b"MSG 3 %s a\x01b\n" % md5(b"a\x01b").encode())
    b.expect("NAK 3 badtext")
    b.sendline("FOO bar")
    b.expect("ERR unknown FOO")
    b.send(b"PING " + b"p" * 5000 + b"\nPING ok\n")
    b.expect("ERR toolong")
    b.expect("PONG ok")
    b.send(b"PING spl")
    time.sleep(0.2)
    b.send(b"it\r\n")
    b.expect("PONG split")
    # flood: a burst beyond the bucket gets NAK flood
    b.send(b"".join(b"MSG %d %s f\n" % (i, md5("f").encode())
                    for i in range(10, 310)))
    res = [b.line(timeout=30) for _ in range(300)]
    check(any(r.endswith(b" flood") for r in res), "NAK flood: %r" % res)
    # the log rotated (rename + SIGHUP), then truncated behind its back
    os.rename(srv.log, srv.log + ".1")
    srv.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 60
    while not (os.path.exists(srv.log) and
               b"\tsegment\t" in open(srv.log, "rb").read()):
        check(time.time() < deadline and srv.proc.poll() is None,
              "no segment record after SIGHUP")
        time.sleep(0.05)
    os.truncate(srv.log, 0)
    f = xc.Client(srv.port, timeout=20)
    f.msg(1, "depois do logrotate")
    f.expect("OK 1 ")
    f.sock.close()
    a.expect("LEAVE %d " % f.id, skip=("JOIN", "MSG"))
    # reset mid-frame
    c = xc.Client(srv.port, timeout=20)
    c.send(b"MSG 1 %s half" % md5("half").encode())
    time.sleep(0.2)
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                      struct.pack("ii", 1, 0))
    c.sock.close()
    a.expect("LEAVE %d " % c.id, skip=("JOIN", "MSG"))
    # half-close right after a MSG
    d = xc.Client(srv.port, timeout=20)
    d.msg(1, "meio fechado")
    d.sock.shutdown(socket.SHUT_WR)
    d.expect("OK 1 ", timeout=20)
    check(d.closed(timeout=20), "half-closed client closed")
    # TLS: handshakes (the certificate verified; ALPN xchat/2, none),
    # a refused ALPN, messages between TLS and plain clients, a frame
    # in pieces and a too-long one over TLS, handshakes that stop
    # halfway (closed, reset, one left to the 10 s limit), QUIT and a
    # close without close_notify.
    hello = client_hello()
    hang = socket.create_connection(("127.0.0.1", srv.tlsport), 20)
    hang.sendall(hello[:40])
    t = srv.tls_client(timeout=20)
    ab = (a, b)
    skip = ("JOIN", "LEAVE", "MSG", "NICK")
    for o in ab:
        o.expect("JOIN %d " % t.id, skip=skip)
    t.sendline("NICK íris")
    for o in ab + (t,):
        o.expect("NICK %d íris" % t.id, skip=skip)
    t.msg(1, "olá por TLS")
    n = int(t.expect("OK 1 ").split(b" ")[2])
    for o in ab:
        o.expect("MSG %d %d íris " % (n, t.id), skip=skip)
    a.msg(10, "de volta em claro")
    n = int(a.expect("OK 10 ", skip=skip).split(b" ")[2])
    check(t.expect("MSG %d " % n, skip=skip).endswith(b" de volta em claro"),
          "plain to TLS")
    b.expect("MSG %d " % n, skip=skip)
    t.send(b"PING " + b"p" * 5000 + b"\nPING ok\n")
    t.expect("ERR toolong")
    t.expect("PONG ok")
    t.send(b"PING spl")
    time.sleep(0.2)
    t.send(b"it\r\n")
    t.expect("PONG split")
    v = xc.tls_connect(srv.tlsport, timeout=20, alpn=["xchat/2"],
                       cafile=srv.cert)
    check(v.selected_alpn_protocol() == "xchat/2", "ALPN xchat/2")
    v.close()
    try:
        xc.tls_connect(srv.tlsport, timeout=20, alpn=["http/1.1"])
        xc.fail("ALPN http/1.1 accepted")
    except ssl.SSLError:
        pass
    h = socket.create_connection(("127.0.0.1", srv.tlsport), 20)
    h.sendall(hello[:len(hello) // 2])
    time.sleep(0.2)
    h.close()
    h = socket.create_connection(("127.0.0.1", srv.tlsport), 20)
    h.sendall(client_hello())
    time.sleep(0.2)
    h.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 struct.pack("ii", 1, 0))
    h.close()
    u = srv.tls_client(timeout=20)
    t.expect("JOIN %d " % u.id, skip=skip)
    u.sock.close()                      # no close_notify
    t.expect("LEAVE %d " % u.id, skip=skip)
    t.sendline("QUIT tchau")
    t.expect("BYE quit", skip=skip)
    check(t.closed(timeout=20), "closed after QUIT over TLS")
    for o in ab:
        o.expect("LEAVE %d íris quit" % t.id, skip=skip)
    # the handshake that stopped halfway is dropped by the limit
    hang.settimeout(60)
    try:
        check(hang.recv(100) == b"", "the server answered half a hello")
    except ConnectionResetError:
        pass
    hang.close()
    # a slow reader
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", srv.port))
    e = xc.Client.__new__(xc.Client)
    e.sock, e.buf, e.timeout = s, b"", 20
    e.id, e.users, e.history = None, [], []
    s.settimeout(20)
    e.handshake()
    big = "k" * 3900
    time.sleep(1.5)         # a fresh bucket for a
    dropped = False
    i = 100
    while not dropped and i < 1100:
        for _ in range(50):
            a.msg(i, big)
            i += 1
            time.sleep(0.012)
        try:
            while not dropped:
                l = b.line(timeout=1)
                dropped = (l.startswith(b"LEAVE %d " % e.id) and
                           l.endswith(b"slow"))
        except TimeoutError:
            pass
    check(dropped, "the slow reader was dropped")
    e.close()
    b.sendline("QUIT bye")
    b.expect("BYE quit", skip=("MSG", "LEAVE", "JOIN"))
    check(b.closed(timeout=20), "closed after QUIT")
    # a handshake under way when the server stops
    hang = socket.create_connection(("127.0.0.1", srv.tlsport), 20)
    hang.sendall(hello)
    hang.settimeout(20)
    check(hang.recv(1)[:1] == b"\x16", "the server's flight")
    rc = srv.stop(timeout=60)
    hang.close()
finally:
    if srv.proc.poll() is None:
        srv.proc.kill()
        srv.proc.wait()

text = open(vlog).read() if os.path.exists(vlog) else ""
errs = re.search(r"ERROR SUMMARY: (\d+) errors", text)
lost = dict((k, re.search(k + r" lost: ([\d,]+) bytes", text))
            for k in ("definitely", "indirectly", "possibly"))
lost = dict((k, m.group(1) if m else "0") for k, m in lost.items())
if rc != 0 or errs is None or int(errs.group(1)) != 0 or \
        set(lost.values()) != {"0"}:
    sys.stderr.write(text[-6000:])
    xc.fail("valgrind: exit %d, %s, lost: %r"
            % (rc, errs.group(0) if errs else "no summary", lost))
os.unlink(vlog)
check("\taccepted\t" in srv.logtext(), "messages logged")
print("e2e-valgrind: ok (%s, nothing lost)" % errs.group(0))
