"""e2e-tls-slow.py -- a TLS client that stops reading until the server
drops it as slow, then reads everything the server still sends it.
On the old code GnuTLS still held a record of the thrown-away queue:
the server sent that client memory from past its output buffer (a
heap over-read, then a crash; ASan: heap-buffer-overflow in gather /
tls_writev), and a client dropped over the output budget got BYE slow
glued onto half a frame.  Now: every line the victim reads is a whole
frame, BYE slow (if any) stands on a line of its own and is the last,
the server lives on and serves, and -verifylog passes."""
import hashlib
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

FRAMES = (b"MSG ", b"JOIN ", b"LEAVE ", b"USER ", b"BYE ", b"NICK ",
          b"PING ", b"READY ", b"WELCOME ")


def attack(srv, size):
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", srv.tlsport))
    v = xc.tls_context(cafile=srv.cert).wrap_socket(raw)
    v.settimeout(10)
    buf = b""
    while b"READY" not in buf:
        buf += v.recv(4096)
    # The victim stops reading; a talker fills its queue.
    s = srv.client(tls=False)
    dropped = False
    for i in range(20000):
        text = ("t=%d " % i).ljust(size, "x")
        s.msg(i + 1, text)
        while True:
            l = s.line(timeout=10)
            if l.startswith(b"OK") or l.startswith(b"NAK"):
                break
            if l.startswith(b"LEAVE") and b" slow" in l:
                dropped = True
        if dropped:
            break
    check(dropped, "the victim was never dropped as slow")
    data = buf
    v.settimeout(5)
    try:
        while True:
            b = v.recv(65536)
            if not b:
                break
            data += b
    except (OSError, ValueError):
        pass       # a cut record after the drop: fine, if what came is whole
    lines = data.split(b"\n")
    whole = lines[:-1]
    for l in whole:
        check(l.startswith(FRAMES), "the victim read a broken frame: %r"
              % l[:80])
        check(b"BYE" not in l or l.startswith(b"BYE "),
              "BYE glued onto another frame: %r" % l[-80:])
    byes = [i for i, l in enumerate(whole) if l.startswith(b"BYE ")]
    check(not byes or (byes == [len(whole) - 1] and
                       whole[-1] == b"BYE slow"),
          "BYE slow not last and alone: %r" % [whole[i] for i in byes])
    # The server lives on and serves.
    check(srv.proc.poll() is None, "xchatd died: " + srv.stderr()[-2000:])
    s.msg(99999, "still here")
    s.expect("OK 99999 ", skip=("LEAVE", "JOIN"))
    s.close()
    v.close()
    return len(data), i + 1


def main():
    for size in (100, 3000):
        srv = xc.Server("-floodrate", "0", "-slowlimit", "64k")
        n, sent = attack(srv, size)
        check(srv.stop() == 0, "xchatd exit status")
        check("AddressSanitizer" not in srv.stderr(), srv.stderr())
        out = subprocess.run([xc.XCHATD, "-verifylog", srv.log],
                             stdout=subprocess.PIPE)
        check(out.returncode == 0, "verifylog: %s" % out.stdout.decode())
        print("texts of %d bytes: dropped after %d messages; the victim "
              "read %d bytes, all whole frames" % (size, sent, n))
    print("e2e-tls-slow: ok")


main()
