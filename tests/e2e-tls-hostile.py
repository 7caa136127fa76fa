"""e2e-tls-hostile.py -- hostile peers on xchatd's TLS port (issue 11):
bytes that are not a ClientHello (plain protocol, HTTP, an alert,
a bogus handshake message, 1 MiB of junk); 500 handshakes that stop
halfway at once (slowloris over TLS: silent sockets, half a ClientHello,
a ClientHello and no Finished), during which plain and TLS clients keep
being served and new ones get in, and after which every one is dropped
by the 10 s handshake limit and the server's descriptors come back;
a close_notify alert, a forged alert record and a TCP reset in the
middle of a frame; a half-close (with and without close_notify) right
after a MSG, answered; a 1 MiB frame over TLS; ALPN values other than
xchat/2 and TLS 1.2 refused (no id used up); a TLS client that never
reads, dropped by the slow cap with the server's memory bounded.  At
the end every OK'd message is in the log and -verifylog passes."""
import atexit
import os
import random
import resource
import select
import socket
import ssl
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

oks = set()          # message numbers the server OK'd
seqs = [0]
HALF_OPEN = 500


def rss(pid):
    st = open("/proc/%d/status" % pid).read()
    return int([l for l in st.splitlines()
                if l.startswith("VmRSS")][0].split()[1])


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def wait_for(cond, what, timeout=60):
    """Wait (polling) until cond() holds; fail after timeout s.  what
    (a string, or a function giving one) says what was awaited."""
    end = time.time() + timeout
    while not cond():
        if time.time() >= end:
            xc.fail("timed out (%ds) waiting for %s"
                    % (timeout, what() if callable(what) else what))
        time.sleep(0.05)


def talk(a, b, what):
    """a sends a MSG; a gets its OK and b the relay, byte for byte.  The
    waits (8 s) are shorter than the handshake limit: a server that
    blocked on a half-open handshake would fail this."""
    seqs[0] += 1
    seq = seqs[0]
    text = "depois de %s: ainda servido (%d) ção" % (what, seq)
    a.msg(seq, text)
    ok = a.expect("OK %d " % seq, timeout=8, skip=("JOIN", "LEAVE", "MSG"))
    n = int(ok.split(b" ")[2])
    oks.add(n)
    rel = b.expect("MSG %d " % n, timeout=8, skip=("JOIN", "LEAVE", "MSG"))
    check(rel == b"MSG %d %d %s %s %s" % (n, a.id, a.nick.encode(),
                                         md5(text).encode(), text.encode()),
          "%s: relay intact: %r" % (what, rel))


def both(a, b, what):
    talk(a, b, what)
    talk(b, a, what)


def client_hello():
    """The first flight of a real TLS 1.3 client (a ClientHello with a
    fresh key share), as bytes."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = xc.tls_context().wrap_bio(inc, out)
    try:
        o.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def raw(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout)
    s.settimeout(timeout)
    return s


def server_closes(s, timeout=8):
    """True if the server closes s (EOF or reset) within timeout,
    whatever it sends first (a TLS alert, its handshake flight)."""
    end = time.time() + timeout
    try:
        while time.time() < end:
            s.settimeout(max(0.01, end - time.time()))
            if not s.recv(65536):
                return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
    return False


def debug_count(srv, text):
    return srv.stderr().count(text)


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                 struct.pack("ii", 1, 0))
    s.close()


soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < HALF_OPEN + 200:
    resource.setrlimit(resource.RLIMIT_NOFILE,
                       (min(hard, HALF_OPEN + 200), hard))

# Under ASan, freed memory waits in a quarantine (256 MiB by default)
# that would count as growth of RSS here: keep it small.
ASAN = {"ASAN_OPTIONS": ":".join(x for x in (os.environ.get("ASAN_OPTIONS"),
                                             "quarantine_size_mb=4") if x)}
srv = xc.Server("-floodrate", "0", "-maxclients", "1000", "-debug",
                env=ASAN)
atexit.register(srv.__exit__)     # xc.fail() exits: leave no server
pid = srv.proc.pid
a = srv.plain_client()
b = srv.tls_client()
a.expect("JOIN 2 ")
a.sendline("NICK ana")
a.expect("NICK 1 ana")
b.expect("NICK 1 ana")
a.nick = "ana"
b.sendline("NICK rui")
a.expect("NICK 2 rui")
b.expect("NICK 2 rui")
b.nick = "rui"
both(a, b, "start")
rss0 = rss(pid)
fd0 = nfds(pid)
next_id = [3]


def bounded(what, limit=64 * 1024):
    r = rss(pid)
    check(r - rss0 < limit, "%s: RSS %d KiB, started at %d KiB"
          % (what, r, rss0))


def fds_back(what):
    wait_for(lambda: nfds(pid) == fd0, lambda: "%s: fds back to %d (now %d)"
             % (what, fd0, nfds(pid)))


def newcomer(what, tls):
    """A new client gets in (the next id, if known) and leaves again."""
    c = srv.client(tls=tls, timeout=8)
    check(next_id[0] is None or c.id == next_id[0], "%s: newcomer id %d, "
          "want %d (a refused connection used up an id?)"
          % (what, c.id, next_id[0] or 0))
    next_id[0] = c.id + 1
    skip = ("MSG", "JOIN", "LEAVE")
    a.expect("JOIN %d " % c.id, timeout=8, skip=skip)
    b.expect("JOIN %d " % c.id, timeout=8, skip=skip)
    c.close()
    a.expect("LEAVE %d " % c.id, timeout=8, skip=skip)
    b.expect("LEAVE %d " % c.id, timeout=8, skip=skip)


# 1. Bytes that are not a ClientHello: each connection is closed by a
# failed handshake (not by the 10 s limit), and uses up no id.
hello = client_hello()
check(hello[:1] == b"\x16" and len(hello) > 100, "a ClientHello: %r"
      % hello[:8])
junk = random.Random(11).randbytes(1 << 20)
notes = [
    ("the plain protocol", b"MSG 1 %s ola\nPING x\n" % md5("ola").encode()),
    ("HTTP", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("an alert first", b"\x15\x03\x03\x00\x02\x02\x28"),
    ("a ServerHello", b"\x16\x03\x03\x00\x06\x02\x00\x00\x02\x03\x03"),
    ("a ClientHello with its body scrambled",
     hello[:9] + bytes(x ^ 0x5a for x in hello[9:])),
    ("an SSLv2 hello", b"\x80\x1c\x01\x03\x01\x00\x03\x00\x00\x00\x10"
     b"\x00\x00\x2f" + b"\x11" * 16),
    ("1 MiB of junk", b"\x00" + junk[1:]),
]
failed0 = debug_count(srv, "TLS handshake failed")
late0 = debug_count(srv, "no handshake in")
for what, data in notes:
    s = raw(srv.tlsport)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass                    # it was closed while we wrote: fine
    check(server_closes(s), "%s: the server keeps the connection" % what)
    s.close()
wait_for(lambda: debug_count(srv, "TLS handshake failed") - failed0 ==
         len(notes), "a failed handshake for each of %d" % len(notes))
check(debug_count(srv, "no handshake in") == late0,
      "not a ClientHello: dropped as failed, not timed out")
both(a, b, "bytes that are not a ClientHello")
newcomer("not a ClientHello", tls=True)
fds_back("not a ClientHello")

# 2. ALPN: only xchat/2 (or none) is accepted; TLS 1.2 is refused.  A
# refused client is told why with a fatal alert (RFC 7301: "SHALL
# respond with a fatal no_application_protocol alert"), not left with
# a bare EOF, and uses up no id.
def refused(what, alert, **kw):
    try:
        s = xc.tls_connect(srv.tlsport, **kw)
        xc.fail("%s accepted (ALPN %r)" % (what, s.selected_alpn_protocol()))
    except ssl.SSLError as e:
        check(alert in str(e).lower(), "%s: %s, not the alert %s"
              % (what, e, alert))


for alpn in (["http/1.1"], ["xchat/1"], ["XCHAT/2"], ["xchat/2x"],
             ["h2", "http/1.1"]):
    refused("ALPN %r" % alpn, "alert no application protocol", alpn=alpn,
            cafile=srv.cert)
refused("TLS 1.2", "alert", maxver=ssl.TLSVersion.TLSv1_2)
newcomer("ALPN refused", tls=False)
# Accepted: xchat/2, alone or among others, and no ALPN at all.  What
# the connection speaks then (v2 or v1) is e2e-protocol's business:
# here it is only closed again, and the others may see it come and go.
for alpn in (["xchat/2"], ["http/1.1", "xchat/2"], None):
    s = xc.tls_connect(srv.tlsport, alpn=alpn, cafile=srv.cert)
    check(s.selected_alpn_protocol() == (alpn and "xchat/2"),
          "ALPN %r chose %r" % (alpn, s.selected_alpn_protocol()))
    s.close()
next_id[0] = None               # ids those may have used
fds_back("ALPN")
both(a, b, "ALPN")

# 3. 500 handshakes that stop halfway, all at once: a third never say
# anything, a third send half a ClientHello, a third a whole one and
# never answer the server's flight.  Plain and TLS clients keep being
# served, and new ones get in; every one of the 500 is dropped by the
# 10 s handshake limit, and the descriptors come back.
late0 = debug_count(srv, "no handshake in")
half = []
for i in range(HALF_OPEN):
    s = raw(srv.tlsport)
    if i % 3 == 1:
        s.sendall(hello[:len(hello) // 2])
    elif i % 3 == 2:
        s.sendall(client_hello())
    s.setblocking(False)
    half.append(s)
wait_for(lambda: nfds(pid) >= fd0 + HALF_OPEN, "the server to hold the %d "
         "handshakes (fds %d)" % (HALF_OPEN, nfds(pid)))
bounded("%d half-open handshakes" % HALF_OPEN)
open_ = set(half)
t_half = time.time()
k = 0
end = time.time() + 90
while open_:
    check(time.time() < end, "%d of %d half-open handshakes still open "
          "after 90 s" % (len(open_), HALF_OPEN))
    both(a, b, "half-open handshakes (%d open)" % len(open_))
    if k < 3:
        newcomer("half-open handshakes", tls=k % 2 == 0)
    k += 1
    r, _, _ = select.select(list(open_), [], [], 0.3)
    for s in r:
        try:
            if s.recv(65536):
                continue        # the server's flight: keep reading
        except BlockingIOError:
            continue
        except ConnectionResetError:
            pass
        open_.discard(s)
t_half = time.time() - t_half
for s in half:
    s.close()
check(debug_count(srv, "no handshake in") - late0 == HALF_OPEN,
      "%d half-open handshakes dropped by the limit, not %d"
      % (HALF_OPEN, debug_count(srv, "no handshake in") - late0))
fds_back("half-open handshakes")
bounded("half-open handshakes gone")
both(a, b, "half-open handshakes gone")

# 4. Alerts and a reset in the middle of a frame: the connection goes
# (LEAVE to the others), the half frame is neither relayed nor logged.
halves = []
for how in ("close_notify", "forged alert", "reset"):
    c = srv.tls_client(timeout=8)
    next_id[0] += 1
    a.expect("JOIN %d " % c.id, timeout=8)
    b.expect("JOIN %d " % c.id, timeout=8)
    text = "meio quadro (%s)" % how
    halves.append(text[:12])
    c.send(b"MSG 9 %s %s" % (md5(text).encode(), text[:12].encode()))
    time.sleep(0.2)             # let the half frame arrive first
    if how == "close_notify":
        c.sock.settimeout(8)
        try:
            c.sock.unwrap()     # sends close_notify
        except (ssl.SSLError, OSError):
            pass
        c.sock.close()
    elif how == "forged alert":
        # A fatal alert in the clear after the handshake: TLS 1.3
        # protects alerts, so this is a record that does not decrypt.
        socket.socket.sendall(c.sock, b"\x15\x03\x03\x00\x02\x02\x50")
    else:
        reset(c.sock)
    a.expect("LEAVE %d " % c.id, timeout=8)
    b.expect("LEAVE %d " % c.id, timeout=8)
    if how == "forged alert":
        check(c.closed(timeout=8), "forged alert: connection closed")
        c.sock.close()
    both(a, b, how + " mid-frame")
fds_back("alerts and reset")

# 4b. A half-close right after a MSG, twenty times each way (it is a
# race): a TCP half-close (FIN, no close_notify) and a close_notify then
# FIN.  The server still answers OK (as it does over plain TCP), then
# closes.  The OK must not be lost when the FIN comes with the MSG.


def half_close(how, i):
    s = raw(srv.tlsport, timeout=8)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = xc.tls_context(cafile=srv.cert).wrap_bio(inc, out)
    while True:
        try:
            o.do_handshake()
            break
        except ssl.SSLWantReadError:
            s.sendall(out.read())
            d = s.recv(65536)
            check(d, "closed during the handshake")
            inc.write(d)
    text = "meio fechado (%s) %d" % (how, i)
    o.write(b"MSG 1 %s %s\n" % (md5(text).encode(), text.encode()))
    if how == "close_notify":
        try:
            o.unwrap()
        except ssl.SSLWantReadError:
            pass
    s.sendall(out.read())       # the MSG (and close_notify), then FIN
    s.shutdown(socket.SHUT_WR)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            inc.write(d)
    except ConnectionResetError:
        pass
    s.close()
    inc.write_eof()
    got = b""
    try:
        while True:
            d = o.read(65536)
            if not d:
                break
            got += d
    except ssl.SSLError:
        pass                    # the server's close may be ragged
    ok = [l for l in got.split(b"\n") if l.startswith(b"OK 1 ")]
    check(ok, "%s %d: no OK after the half-close; got %r"
          % (how, i, got[-200:]))
    oks.add(int(ok[0].split(b" ")[2]))


for how in ("TCP", "close_notify"):
    for i in range(20):
        half_close(how, i)
both(a, b, "half-close over TLS")
fds_back("half-close over TLS")
next_id[0] = None

# 5. A 1 MiB frame over TLS: ERR toolong, the connection goes on; and a
# reset in the middle of a handshake.
c = srv.tls_client(timeout=20)
next_id[0] = c.id + 1
a.expect("JOIN %d " % c.id, timeout=8, skip=("JOIN", "LEAVE", "MSG"))
b.expect("JOIN %d " % c.id, timeout=8, skip=("JOIN", "LEAVE", "MSG"))
c.send(junk.replace(b"\n", b"."))
both(a, b, "1 MiB frame over TLS")
c.send(b"\nPING vivo\n")
c.expect("ERR toolong", timeout=20, skip=("MSG",))
c.expect("PONG vivo", timeout=20, skip=("MSG",))
text = "depois de 1 MiB: olá"
c.msg(1, text)
n = int(c.expect("OK 1 ", timeout=8).split(b" ")[2])
oks.add(n)
a.expect("MSG %d " % n, timeout=8)
b.expect("MSG %d " % n, timeout=8)
c.close()
a.expect("LEAVE %d " % c.id, timeout=8)
b.expect("LEAVE %d " % c.id, timeout=8)
bounded("1 MiB frame")
s = raw(srv.tlsport)
s.sendall(client_hello())
time.sleep(0.2)                 # let the ClientHello arrive first
reset(s)
both(a, b, "reset mid-handshake")
fds_back("1 MiB frame, reset mid-handshake")
newcomer("the end", tls=True)
bounded("the end")

a.close()
b.close()
check(srv.stop() == 0, "xchatd exits 0 on SIGTERM")
log = srv.logtext()
for h in halves:
    check(h not in log, "a half frame was logged: %r" % h)
acc = set(int(r[1]) for r in srv.records()
          if len(r) == 10 and r[7] == "accepted")
check(oks <= acc, "OK'd but not in the log: %r" % sorted(oks - acc)[:10])
v = subprocess.run([xc.XCHATD, "-verifylog", srv.log], capture_output=True)
check(v.returncode == 0, "-verifylog: %s" % v.stdout.decode())

# 6. A TLS client that never reads, on a server with a small slow cap:
# it is dropped as slow, and the server's memory stays bounded while
# megabytes are sent its way.
with xc.Server("-floodrate", "0", "-slowlimit", "64k", env=ASAN) as srv2:
    pid2 = srv2.proc.pid
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", srv2.tlsport))
    deaf = xc.Client.__new__(xc.Client)
    deaf.sock = xc.tls_context(cafile=srv2.cert).wrap_socket(s)
    deaf.sock.settimeout(8)
    deaf.buf, deaf.timeout, deaf.tls = b"", 8, True
    deaf.users, deaf.history = [], []
    deaf.handshake()
    t = srv2.tls_client(timeout=20)
    r0 = rss(pid2)
    peak = r0
    big = "k" * 3900
    dropped = False
    sent = 0
    while not dropped and sent < 5000:      # up to 19 MB its way
        for _ in range(20):
            sent += 1
            t.msg(sent, big)
        got = 0
        while got < 20:
            l = t.line(timeout=20)
            if l.startswith(b"OK "):
                got += 1
            elif l.startswith(b"LEAVE %d " % deaf.id):
                check(l.endswith(b" slow"), "the deaf client left: %r" % l)
                dropped = True
            else:
                check(l.startswith(b"JOIN "), "unexpected %r" % l)
        peak = max(peak, rss(pid2))
    check(dropped, "a TLS client that never reads was not dropped after "
          "%d messages of %d bytes" % (sent, len(big)))
    # ASan's allocator and shadow memory grow too (+9 MiB seen).
    limit = 32 * 1024 if b"__asan_init" in subprocess.run(
        ["nm", xc.XCHATD], capture_output=True).stdout else 16 * 1024
    check(peak - r0 < limit, "RSS grew by %d KiB for a never-reading "
          "TLS client (slow limit 64 KiB)" % (peak - r0))
    t.msg(sent + 1, "ainda aqui")
    t.expect("OK %d " % (sent + 1), timeout=8)
    deaf.sock.close()
    check(srv2.stop() == 0, "xchatd exits 0 on SIGTERM")

# 7. A first frame in the same write as the client's Finished: the
# server must answer it without waiting for more input.
with xc.Server("-floodrate", "0") as srv3:
    s = raw(srv3.tlsport, timeout=8)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    o = xc.tls_context(cafile=srv3.cert).wrap_bio(inc, out)
    while True:
        try:
            o.do_handshake()
            break
        except ssl.SSLWantReadError:
            s.sendall(out.read())
            d = s.recv(65536)
            check(d, "closed during the handshake")
            inc.write(d)
    o.write(b"NICK leonor\nPING junto\n")
    s.sendall(out.read())       # the Finished and the frames, one write
    got = b""
    while b"PONG junto\n" not in got:
        try:
            got += o.read(65536)
            continue
        except ssl.SSLWantReadError:
            pass
        try:
            d = s.recv(65536)
        except socket.timeout:
            xc.fail("frames sent with the Finished not answered: %r" % got)
        check(d, "closed; got %r" % got)
        inc.write(d)
    check(got.startswith(b"WELCOME 1 user1 1\nREADY 0\nNICK 1 leonor\n"),
          "with the Finished: %r" % got)
    s.close()

# 8. Handshakes in progress count against -maxclients like any
# connection: with one client and two handshakes under way a server
# of three is full, for plain and TLS newcomers alike; the refused use
# up no id; as the handshakes go, clients get in again.
with xc.Server("-floodrate", "0", "-maxclients", "3", "-debug") as srv4:
    pid4 = srv4.proc.pid
    c1 = srv4.plain_client()
    base = nfds(pid4)
    hs = [raw(srv4.tlsport), raw(srv4.tlsport)]
    wait_for(lambda: nfds(pid4) == base + 2, "two handshakes under way")
    p = raw(srv4.port)
    got = b""
    while b"\n" not in got:
        d = p.recv(4096)
        if not d:
            break
        got += d
    check(got == b"BYE full\n", "a plain client while one client and two "
          "handshakes fill a server of 3: %r" % got)
    check(server_closes(p), "closed after BYE full")
    p.close()
    try:
        xc.tls_connect(srv4.tlsport).close()
        xc.fail("a TLS client got in while the server was full")
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        pass
    c1.sendline("PING cheio")
    c1.expect("PONG cheio")
    failed0 = debug_count(srv4, "TLS handshake failed")
    hs[0].close()
    wait_for(lambda: debug_count(srv4, "TLS handshake failed") > failed0,
             "the server to see a handshake go")
    c2 = srv4.plain_client()
    check(c2.id == 2, "refused connections used up ids: %d" % c2.id)
    reset(hs[1])
    wait_for(lambda: debug_count(srv4, "TLS handshake failed") > failed0 + 1,
             "the server to see the other handshake go")
    c3 = srv4.tls_client()
    check(c3.id == 3, "refused connections used up ids: %d" % c3.id)
    c1.expect("JOIN 2 ")
    c1.expect("JOIN 3 ")
    check(srv4.stop() == 0, "xchatd exits 0 on SIGTERM")

print("e2e-tls-hostile: ok (%d OK'd messages, RSS %d KiB at start; %d "
      "half-open handshakes all gone in %.1f s; the deaf TLS client "
      "dropped after %d messages, RSS +%d KiB)"
      % (len(oks), rss0, HALF_OPEN, t_half, sent, peak - r0))
