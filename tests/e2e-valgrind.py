"""e2e-valgrind.py -- the headless server under valgrind memcheck for a
representative session: handshakes with history, NICK (good, taken,
bad), MSGs (accepted, badhash, badtext, flood: rejection records and
summaries), the log renamed and reopened on SIGHUP then truncated
behind the server's back, unknown verbs, a too-long frame, PING, a
frame in pieces, a reset mid-frame, a half-close after a MSG, QUIT, a
slow reader dropped, SIGTERM.  It requires zero memcheck errors and
zero definitely lost bytes.  Skipped (77) without valgrind or when
xchatd is built with ASan."""
import os
import re
import shutil
import signal
import socket
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
wrap = ["valgrind", "--error-exitcode=99", "--leak-check=full",
        "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
        "--track-fds=no", "--log-file=" + vlog]
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
    rc = srv.stop(timeout=60)
finally:
    if srv.proc.poll() is None:
        srv.proc.kill()
        srv.proc.wait()

text = open(vlog).read() if os.path.exists(vlog) else ""
errs = re.search(r"ERROR SUMMARY: (\d+) errors", text)
lost = re.search(r"definitely lost: ([\d,]+) bytes", text)
if rc != 0 or errs is None or int(errs.group(1)) != 0 or \
        (lost is not None and lost.group(1) != "0"):
    sys.stderr.write(text[-6000:])
    xc.fail("valgrind: exit %d, %s, definitely lost %s"
            % (rc, errs.group(0) if errs else "no summary",
               lost.group(1) if lost else "0"))
os.unlink(vlog)
check("\taccepted\t" in srv.logtext(), "messages logged")
print("e2e-valgrind: ok (%s, no definite leaks)" % errs.group(0))
