"""e2e-faults.py -- hostile peers against a real headless server:
slowloris (500 connections dribbling a byte every 2 s), 1 MiB of random
bytes without LF, a frame in 1-byte writes, CR without LF, a reset in
the middle of a frame (SO_LINGER 0), half-close right after a MSG, and
2,000 connect/close cycles (fds back to their start count).  After each
one two well-behaved clients still talk promptly, the server's RSS
stays bounded, and at the end every OK'd message is an accepted record
of the log and -verifylog passes."""
import atexit
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5

oks = set()          # message numbers the server OK'd
seqs = [0]


def rss(pid):
    st = open("/proc/%d/status" % pid).read()
    return int([l for l in st.splitlines()
                if l.startswith("VmRSS")][0].split()[1])


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def talk(a, b, what, budget=2.0):
    """a sends a MSG; a gets OK and b the relay, both within budget s."""
    seqs[0] += 1
    seq = seqs[0]
    text = "after %s: still served (%d) ção" % (what, seq)
    t = time.time()
    a.msg(seq, text)
    ok = a.expect("OK %d " % seq, timeout=budget + 3,
                  skip=("JOIN", "LEAVE", "MSG"))
    oks.add(int(ok.split(b" ")[2]))
    while True:     # relays of the hostile peers' messages come too
        rel = b.expect("MSG ", timeout=budget + 3, skip=("JOIN", "LEAVE"))
        f = rel.split(b" ", 5)
        if f[2] == str(a.id).encode():
            break
    check(f[5].decode() == text and f[4].decode() == md5(text),
          "%s: relay intact: %r" % (what, rel))
    dt = time.time() - t
    check(dt < budget, "%s: MSG->OK->relay took %.2fs" % (what, dt))


def raw(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout)
    s.settimeout(timeout)
    return s


def drain_until(s, want, timeout=5):
    """Read s until want (bytes) is seen; return what was read."""
    data = b""
    end = time.time() + timeout
    while want not in data:
        s.settimeout(max(0.01, end - time.time()))
        try:
            d = s.recv(65536)
        except socket.timeout:
            xc.fail("waiting for %r; have %r" % (want, data[-200:]))
        if not d:
            xc.fail("closed while waiting for %r; have %r"
                    % (want, data[-200:]))
        data += d
    return data


srv = xc.Server("-floodrate", "0", "-maxclients", "1000")
atexit.register(srv.__exit__)     # xc.fail() exits: leave no server
pid = srv.proc.pid
a = srv.client()
b = srv.client()
a.expect("JOIN 2 ")
a.sendline("NICK alice")
a.expect("NICK 1 alice")
b.expect("NICK 1 alice")
b.sendline("NICK bob")
a.expect("NICK 2 bob")
b.expect("NICK 2 bob")
talk(a, b, "start")
rss0 = rss(pid)
fd0 = nfds(pid)


def bounded(what):
    r = rss(pid)
    check(r - rss0 < 64 * 1024, "%s: RSS %d KiB, started at %d KiB"
          % (what, r, rss0))


# 1. Slowloris: 500 connections that send one byte every 2 s (never a
# whole frame, never reading) for 8 s; the others are served promptly
# all along.
slow = []
for i in range(500):
    s = raw(srv.port)
    s.setblocking(False)
    slow.append(s)
frame = b"MSG 1 " + md5("never").encode() + b" never finished"
t0 = time.time()
k = 0
while time.time() - t0 < 8:
    for s in slow:
        try:
            s.send(frame[k:k + 1])
        except BlockingIOError:
            pass
    k += 1
    for _ in range(4):
        talk(a, b, "slowloris byte %d" % k, budget=2.0)
        time.sleep(0.4)
check(srv.proc.poll() is None, "server alive after slowloris")
bounded("slowloris")
for s in slow:
    s.close()
talk(a, b, "slowloris gone")

# 2. 1 MiB of random bytes without a newline: ERR toolong, the
# connection stays usable.
c = raw(srv.port)
drain_until(c, b"READY ")
junk = random.Random(1).randbytes(1 << 20)
c.sendall(junk.replace(b"\n", b"."))
talk(a, b, "1 MiB without LF")
c.sendall(b"\nPING alive\n")
got = drain_until(c, b"PONG alive\n")
check(b"ERR toolong" in got, "1 MiB without LF: ERR toolong")
c.close()
bounded("1 MiB")

# 3. A frame in 1-byte writes: accepted, relayed, logged.
c = raw(srv.port)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
drain_until(c, b"READY ")
text = "um byte de cada vez, ação"
line = b"MSG 77 %s %s\n" % (md5(text).encode(), text.encode())
for ch in line:
    c.send(bytes([ch]))
    time.sleep(0.001)
got = drain_until(c, b"OK 77 ")
n = int(got.split(b"OK 77 ")[1].split(b"\n")[0])
oks.add(n)
rel = a.expect("MSG %d " % n, skip=("JOIN", "LEAVE"))
check(rel.endswith(text.encode()), "1-byte writes: relay %r" % rel)
b.expect("MSG %d " % n, skip=("JOIN", "LEAVE"))
c.close()
talk(a, b, "1-byte writes")

# 4. CR without LF: CR is data, not an end of frame.
c = raw(srv.port)
drain_until(c, b"READY ")
c.sendall(b"PING a\rPING b\r\n")
drain_until(c, b"ERR syntax PING\n")
c.sendall(b"MSG 5 %s a\rb\n" % md5("a\rb").encode())
drain_until(c, b"NAK 5 badtext")
c.sendall(b"\r" * 5000 + b"\nPING c\r\n")
got = drain_until(c, b"PONG c\n")
check(b"ERR toolong" in got, "5000 CRs: ERR toolong")
c.close()
talk(a, b, "CR without LF")

# 5. Reset in the middle of a frame: LEAVE closed, nothing logged.
c = xc.Client(srv.port)
half = b"MSG 9 %s half a fra" % md5("half a frame").encode()
c.send(half)
time.sleep(0.1)
c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                  struct.pack("ii", 1, 0))
c.sock.close()
a.expect("LEAVE %d " % c.id, skip=("JOIN", "LEAVE"))
b.expect("LEAVE %d " % c.id, skip=("JOIN", "LEAVE"))
talk(a, b, "reset mid-frame")
check("half a fra" not in srv.logtext(), "a reset half frame is not logged")

# 6. Half-close right after a MSG: the server still answers OK (and
# logs the message), then closes.  Twenty times, as it is a race.
for i in range(20):
    c = raw(srv.port)
    text = "half-closed %d" % i
    c.sendall(b"MSG 1 %s %s\n" % (md5(text).encode(), text.encode()))
    c.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        data += d
    c.close()
    ok = [l for l in data.split(b"\n") if l.startswith(b"OK 1 ")]
    check(ok, "half-close %d: OK after shutdown(SHUT_WR); got %r"
          % (i, data[-200:]))
    oks.add(int(ok[0].split(b" ")[2]))
talk(a, b, "half-close")

# 7. 2,000 connect/close cycles as fast as possible (half with RST):
# the server's descriptors come back to their start count.
t0 = time.time()
for i in range(2000):
    s = socket.create_connection(("127.0.0.1", srv.port), 5)
    if i % 2:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
    s.close()
talk(a, b, "2000 cycles")
end = time.time() + 5
while nfds(pid) != fd0 and time.time() < end:
    time.sleep(0.05)
check(nfds(pid) == fd0, "fds back to %d after 2000 cycles: %d"
      % (fd0, nfds(pid)))
bounded("2000 cycles")

# The log: every OK'd message is an accepted record; the chain holds.
a.close()
b.close()
check(srv.stop() == 0, "xchatd exits 0 on SIGTERM")
acc = set(int(r[1]) for r in srv.records()
          if len(r) == 10 and r[7] == "accepted")
check(oks <= acc, "OK'd but not in the log: %r" % sorted(oks - acc)[:10])
v = subprocess.run([xc.XCHATD, "-verifylog", srv.log], capture_output=True)
check(v.returncode == 0, "-verifylog: %s" % v.stdout.decode())
print("e2e-faults: ok (%d OK'd messages, RSS %d KiB at start)"
      % (len(oks), rss0))
