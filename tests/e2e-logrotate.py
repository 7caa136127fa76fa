"""e2e-logrotate.py -- the log rotated, truncated, deleted or replaced
under a running server (issue 10, 3 and 4).

SIGHUP no longer shuts the server down: it reopens the log at its path,
every client stays.  logrotate's "create" way (rename, new empty file,
kill -HUP): records go on to the renamed file until the signal, then to
the new one, which starts a chain segment of its own that names the
last chain value of the old file: each file verifies alone and
"-verifylog log.1 log" checks the link (the wrong order, or records cut
off the end of log.1, break it).  logrotate's "copytruncate" (the file
shrinks behind the server's back), a deleted log and a log replaced by
another file are noticed before the next write: the OK'd message goes
to the file at the path, after a segment record that says why.  No OK'd
message is lost and the message numbers go on increasing."""
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check


def verify(*paths):
    r = subprocess.run([xc.XCHATD, "-verifylog"] + list(paths),
                       capture_output=True)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def records(path):
    with open(path, "rb") as f:
        return [xc.record(l.decode("utf-8", "replace"))
                for l in f.read().splitlines()]


def accepted(path):
    return [(int(r[1]), r[8]) for r in records(path) if r[7] == "accepted"]


def segments(path):
    return [r[8].split(" ")[0] for r in records(path) if r[7] == "segment"]


def wait_for(cond, what, srv, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        check(srv.proc.poll() is None, "xchatd exited (%s) while waiting "
              "for %s: %s" % (srv.proc.returncode, what, srv.stderr()))
        time.sleep(0.02)
    xc.fail("timed out waiting for " + what)


def hup(srv):
    before = srv.stderr().count("SIGHUP")
    srv.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: srv.stderr().count("SIGHUP") > before,
             "the server to report SIGHUP", srv)


with xc.Server("-floodrate", "0") as srv:
    log = srv.log
    d = srv.dir
    a = srv.client()
    w = srv.client()
    a.expect("JOIN %d " % w.id)
    seq = [0]
    oks = {}

    def say(text):
        seq[0] += 1
        a.msg(seq[0], text)
        n = int(a.expect("OK %d " % seq[0]).split(b" ")[2])
        w.expect("MSG %d " % n)
        oks[n] = text
        return n

    for i in range(1, 4):
        say("antes %d" % i)

    # 1. SIGHUP with nothing rotated: the server and its clients stay.
    hup(srv)
    a.sendline("PING hup")
    a.expect("PONG hup")
    check(srv.proc.poll() is None, "SIGHUP shut the server down")
    say("depois do HUP")
    check(segments(log) == [], "a segment record without a new file")

    # 2. logrotate "create": rename, new empty file, then SIGHUP.
    os.rename(log, log + ".1")
    open(log, "w").close()
    n = say("entre o mv e o HUP")
    check((n, oks[n]) in accepted(log + ".1"),
          "before SIGHUP, records go on to the renamed file")
    check("renamed" in srv.stderr(), "the rename was not noticed: "
          + srv.stderr())
    hup(srv)
    wait_for(lambda: segments(log) == ["reason=reopen"],
             "a segment record in the new file", srv)
    n = say("no arquivo novo")
    check(accepted(log) == [(n, oks[n])], "after SIGHUP: %r" % accepted(log))
    rc, out = verify(log + ".1")
    check(rc == 0, "log.1 alone: " + out)
    rc, out = verify(log)
    check(rc == 0, "new log alone: " + out)
    rc, out = verify(log + ".1", log)
    check(rc == 0, "log.1 then log: " + out)
    rc, out = verify(log, log + ".1")
    check(rc == 1, "log then log.1 (wrong order) exit %d: %s" % (rc, out))
    # Records cut off the end of log.1 break the link to the next file.
    with open(log + ".1", "rb") as f:
        data = f.read()
    cut = os.path.join(d, "cut.1")
    with open(cut, "wb") as f:
        f.write(data[:data.rstrip(b"\n").rfind(b"\n") + 1])
    rc, out = verify(cut)
    check(rc == 0, "a file cut at a record boundary verifies alone")
    rc, out = verify(cut, log)
    check(rc == 1 and "log" in out, "cut.1 then log exit %d: %s" % (rc, out))

    # 3. logrotate "copytruncate": copy, then truncate in place.
    shutil.copyfile(log, log + ".2")
    os.truncate(log, 0)
    n = say("depois do copytruncate")
    check(segments(log) == ["reason=shrank"], "copytruncate: %r"
          % records(log))
    check(accepted(log) == [(n, oks[n])], "copytruncate: %r" % accepted(log))
    rc, out = verify(log)
    check(rc == 0, "truncated log alone: " + out)
    rc, out = verify(log + ".1", log + ".2", log)
    check(rc == 0, "log.1 log.2 log: " + out)

    # 4. The log deleted: created again at its path.
    shutil.copyfile(log, log + ".3")
    os.unlink(log)
    n = say("depois do rm")
    check(os.path.exists(log), "a deleted log is not created again")
    check(segments(log) == ["reason=deleted"], "deleted: %r" % records(log))
    check(accepted(log) == [(n, oks[n])], "deleted: %r" % accepted(log))
    rc, out = verify(log + ".3", log)
    check(rc == 0, "log.3 then the new log: " + out)

    # 5. The log replaced by another (empty) file.
    shutil.copyfile(log, log + ".4")
    other = os.path.join(d, "other")
    open(other, "w").close()
    os.rename(other, log)
    n = say("depois da troca")
    check(segments(log) == ["reason=replaced"], "replaced: %r"
          % records(log))
    check(accepted(log) == [(n, oks[n])], "replaced: %r" % accepted(log))
    rc, out = verify(log + ".4", log)
    check(rc == 0, "log.4 then the replacement: " + out)

    check(srv.stop() == 0, "server did not exit 0")

# Every OK'd message is in one of the files, numbers increasing.
got = {}
for p in [log + ".1", log + ".2", log + ".3", log + ".4", log]:
    for n, t in accepted(p):
        got[n] = t
check(got == oks, "OK'd messages lost: %r vs %r" % (sorted(got), sorted(oks)))
check(sorted(oks) == list(range(1, len(oks) + 1)), "numbers %r" % sorted(oks))
print("e2e-logrotate: ok")
