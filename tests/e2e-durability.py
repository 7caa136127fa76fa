"""e2e-durability.py -- what the log promises: after kill -9 under
load every OK'd message is in the log and -verifylog passes; SIGTERM
says BYE shutdown and exits 0 quickly; a restarted server continues
its numbers and replays its history (read from the log), and
the chain; an unwritable log (FIFO nobody reads, /dev/full) gets NAK
nolog, never OK, and the server recovers when the log takes data."""
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check, md5


def verify(path):
    r = subprocess.run([xc.XCHATD, "-verifylog", path], capture_output=True)
    return r.returncode, r.stdout.decode()


# kill -9 under load
srv = xc.Server("-floodrate", "0")
logpath = srv.log
oks = {}
lock = threading.Lock()


def sender(k):
    c = srv.client()
    i = 0
    try:
        while True:
            frames = []
            for _ in range(50):
                i += 1
                t = "c%d-m%d" % (k, i)
                frames.append(b"MSG %d %s %s\n" % (i, md5(t).encode(), t.encode()))
            c.send(b"".join(frames))
            for _ in range(50):
                l = c.line(timeout=5)
                while not l.startswith(b"OK "):
                    l = c.line(timeout=5)
                seq = int(l.split(b" ")[1])
                with lock:
                    oks["c%d-m%d" % (k, seq)] = True
    except Exception:
        return


ts = [threading.Thread(target=sender, args=(k,)) for k in range(3)]
for t in ts:
    t.start()
# Kill the server in the middle of the flow: once it has OK'd a few
# hundred messages.
deadline = time.time() + 30
while True:
    with lock:
        if len(oks) > 300:
            break
    check(time.time() < deadline, "no messages OK'd")
    time.sleep(0.01)
srv.proc.send_signal(signal.SIGKILL)
srv.proc.wait()
for t in ts:
    t.join(10)
with lock:
    acked = set(oks)
check(len(acked) > 100, "some messages were OK'd (%d)" % len(acked))
texts = set(r[8] for r in (xc.record(l) for l in
            open(logpath, encoding="utf-8").read().splitlines())
            if r.format is not None and r[7] == "accepted")
missing = acked - texts
check(not missing, "%d OK'd messages missing from the log, e.g. %r" %
      (len(missing), sorted(missing)[:3]))
rc, out = verify(logpath)
check(rc == 0, "verifylog after kill -9: %s" % out)
print("kill -9: %d OK'd messages, all in the log" % len(acked))

# restart on the same log: the chain, the numbers and the history go on.
# The kill may have cut the last write short (a fatal signal stops a
# write of several pages): a last line without its LF was never
# acknowledged and the restarted server removes it, so the numbers go
# on from the last whole line.
data = open(logpath, encoding="utf-8").read()
torn = not data.endswith("\n")
last = max(int(r[1]) for r in (xc.record(l) for l in
           data[:data.rfind("\n") + 1].splitlines())
           if r.format is not None and r[1] != "-")
with xc.Server(logfile=logpath) as srv2:
    a = srv2.client()
    check(len(a.history) == 20 and
          int(a.history[-1].split(b" ")[1]) == last,
          "history after restart: %r, last whole record %d%s" %
          (a.history[-1:], last, " (torn tail)" if torn else ""))
    check(not torn or "was incomplete" in srv2.stderr(),
          "the torn last line reported: %s" % srv2.stderr())
    a.msg(1, "after restart")
    a.expect("OK 1 %d" % (last + 1))
    t0 = time.time()
    rc = srv2.stop()
    check(rc == 0, "SIGTERM exit status %r" % rc)
    check(time.time() - t0 < 2.5, "SIGTERM exit within 2.5 s")
    a.expect("BYE shutdown")
rc, out = verify(logpath)
check(rc == 0, "verifylog after restart: %s" % out)
recs = [xc.record(l) for l in open(logpath, encoding="utf-8").read().splitlines()]
check(recs[-1][8] == "after restart" and
      sum(1 for r in recs if r[7] == "start") == 2, "two runs in one log")

# tampering is caught
lines = open(logpath, encoding="utf-8").read().splitlines(True)
k = len(lines) // 2
lines[k] = lines[k].replace("-m", "-M", 1)
bad = logpath + ".bad"
open(bad, "w", encoding="utf-8").write("".join(lines))
rc, out = verify(bad)
check(rc == 1 and (":%d: bad record" % (k + 1)) in out,
      "tampered line %d reported: %s" % (k + 1, out[-300:]))

# A FIFO that nobody reads: NAK nolog, then recovery when drained.
d = srv.dir
fifo = os.path.join(d, "fifo")
os.mkfifo(fifo)
rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
with xc.Server("-floodrate", "0", logfile=fifo) as srv3:
    a = srv3.client()
    b = srv3.client()
    a.expect("JOIN 2")
    text = "f" * 3000
    seq = 0
    nak = False
    for seq in range(1, 200):
        a.msg(seq, text)
        l = a.line()
        if l == b"NAK %d nolog" % seq:
            nak = True
            break
        check(l == b"OK %d %d" % (seq, seq), "OK until the FIFO is full: %r" % l)
    check(nak, "NAK nolog once the FIFO is full")
    # b got exactly the messages that were OK'd
    for i in range(1, seq):
        check(b.expect("MSG ").startswith(b"MSG %d " % i), "relay %d" % i)
    check("cannot write log" in srv3.stderr(), "stderr says the log fails")
    # drain the FIFO: the server accepts again
    while True:
        try:
            if not os.read(rfd, 65536):
                break
        except BlockingIOError:
            break
    a.msg(500, "back")
    l = a.line()
    check(l.startswith(b"OK 500 "), "recovered after drain: %r" % l)
    check(l == b"OK 500 %d" % seq, "no number lost to the failure: %r" % l)
    check(b.expect("MSG ").endswith(b" back"), "relay after recovery")
os.close(rfd)

# /dev/full: everything is refused with nolog, nothing relayed
if os.path.exists("/dev/full"):
    with xc.Server(logfile="/dev/full") as srv4:
        a = srv4.client()
        a.msg(1, "x")
        a.expect("NAK 1 nolog")
print("e2e-durability: ok")
