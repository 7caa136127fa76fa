"""e2e-emfile.py -- running out of file descriptors: with a small
ulimit -n the server keeps serving the clients it has, does not spin
while connections wait, and accepts the waiting ones when others
leave."""
import os
import resource
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check


def cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


orig = subprocess.Popen


def limited(*a, **kw):
    kw["preexec_fn"] = lambda: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                  (32, 32))
    return orig(*a, **kw)


subprocess.Popen = limited
srv = xc.Server()
subprocess.Popen = orig
try:
    socks = []
    for i in range(45):
        s = socket.create_connection(("127.0.0.1", srv.port), 5)
        s.settimeout(0.5)
        socks.append(s)
    # Wait until the server has run out of descriptors (it says so),
    # so that every connection it could take has been taken.
    deadline = time.time() + 10
    while "accept (pausing new" not in srv.stderr():
        check(time.time() < deadline, "no EMFILE pause: " + srv.stderr())
        time.sleep(0.02)
    welcomed = []
    waiting = []
    for s in socks:
        try:
            d = s.recv(100)
            check(d.startswith(b"WELCOME "), "got %r" % d)
            welcomed.append(s)
        except socket.timeout:
            waiting.append(s)
    check(len(welcomed) >= 20 and waiting,
          "some served (%d), some waiting (%d)" % (len(welcomed), len(waiting)))
    c0 = cpu(srv.proc.pid)
    time.sleep(1.5)
    used = cpu(srv.proc.pid) - c0
    check(used < 0.5, "no busy loop while out of descriptors (%.2f s CPU)" % used)
    # the served ones still work
    welcomed[0].sendall(b"PING alive\n")
    welcomed[0].settimeout(3)
    buf = b""
    while b"PONG alive" not in buf:
        buf += welcomed[0].recv(4096)
    # free some descriptors: the waiting clients get in
    for s in welcomed[1:11]:
        s.close()
    got = 0
    deadline = time.time() + 5
    for s in waiting[:8]:
        s.settimeout(max(0.1, deadline - time.time()))
        try:
            if s.recv(100).startswith(b"WELCOME "):
                got += 1
        except socket.timeout:
            pass
    check(got == 8, "waiting clients accepted after others left (%d/8)" % got)
    check("pausing" in srv.stderr(), "the pause is reported on stderr")
finally:
    srv.proc.kill()
print("e2e-emfile: ok")
