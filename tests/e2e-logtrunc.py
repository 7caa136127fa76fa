"""e2e-logtrunc.py -- the log changed behind the server's back, then a
full disk (issue 10, 3b): logrotate's copytruncate empties the log, and
the disk (a 64 KiB tmpfs in a private mount namespace) fills up.  No
OK'd message may be lost, no NUL bytes may appear, and every line of
the file stays a whole record: the size for cutting a torn record must
come from the file, not from the server's memory of it."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

if os.environ.get("XCHAT_IN_NS") != "1":
    # Re-run in a private mount (and, if not root, user) namespace.
    env = dict(os.environ, XCHAT_IN_NS="1")
    cmd = ["unshare", "-m", sys.executable, os.path.abspath(__file__)]
    if os.geteuid() != 0:
        cmd[1:2] = ["-r", "-m"]
    sys.exit(subprocess.run(cmd, env=env).returncode)

disk = tempfile.mkdtemp(prefix="xchat-disk.")
r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk],
                   capture_output=True)
check(r.returncode == 0, "cannot mount a 64 KiB tmpfs: %s" % r.stderr)
log = os.path.join(disk, "mensagens_log.txt")
try:
    with xc.Server("-floodrate", "0", logfile=log) as srv:
        c = srv.client()
        text = "x" * 150
        seq = 0
        for _ in range(150):                  # about 40 KiB of records
            seq += 1
            c.msg(seq, "%s %d" % (text, seq))
            c.expect(b"OK %d " % seq)
        # copytruncate: copy the log away, then empty it in place.
        rotated = os.path.join(srv.dir, "log.1")
        shutil.copyfile(log, rotated)
        os.truncate(log, 0)
        after = []
        nak = False
        for _ in range(2000):
            seq += 1
            c.msg(seq, "%s %d" % (text, seq))
            l = c.line()
            while not (l.startswith(b"OK ") or l.startswith(b"NAK ")):
                l = c.line()
            if l.startswith(b"NAK"):
                check(l.endswith(b"nolog"), "unexpected answer %r" % l)
                nak = True
                break
            after.append("%s %d" % (text, seq))
        check(nak, "the 64 KiB disk never filled up")
        data = open(log, "rb").read()
        check(b"\0" not in data, "NUL bytes in the log (%d of %d bytes)"
              % (data.count(b"\0"), len(data)))
        check(data.endswith(b"\n"), "the log ends in a torn record")
        got = [xc.record(l)[8].decode() for l in data.splitlines()
               if xc.record(l)[7] == b"accepted"]
        check(got == after, "OK'd messages after the truncation missing: "
              "%d in the log, %d OK'd" % (len(got), len(after)))
        srv.stop()
finally:
    subprocess.run(["umount", disk])
    os.rmdir(disk)
print("ok")
