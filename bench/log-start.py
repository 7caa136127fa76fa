#!/usr/bin/env python3
"""log-start.py -- how long a server takes to start on a huge log
(issue 13: "a 1 GB log start-up time printed by a bench script").

Builds bench/log-history.c (against a configured build's libcore.a),
writes a log of about 1 GB in log format 2 with it (msglog itself: a
realistic mix of signed, keyed, anonymous messages, DMs, rejections and
start records; real Ed25519 signatures), unless the file is there
already, then times msglog_history(1000) on it: RUNS runs with the
file's pages dropped from the page cache before each (cold-ish: the
disk's own cache and the host's may still be warm) and RUNS with them
in it (warm), and prints every run and the medians.

With -x it also times "xchatd -headless -logfile BIG" from exec to the
"listening on" line on its stderr (the hub reads the log's end before
it listens once it calls msglog_history), cold and warm, RUNS each,
after one run not counted (it makes the server's TLS key).  With -v it
times "xchatd -verifylog BIG" once (a signature check per signed
record) and, in the same run, the bare cost of one Ed25519 sign and
verify with keys.c, to set beside its time per signed record.

Usage: bench/log-start.py [-B BUILDDIR] [-f FILE] [-s MB] [-n RUNS]
                          [-m MAX] [-x] [-v] [-g]
  -B  a configured build directory (default _build/normal, else _build)
  -f  the log (default $TMPDIR/xchat-bench-log/big.log, kept for reuse)
  -s  its size in MB when written (1000)
  -n  runs per figure (5)
  -m  messages asked of msglog_history (1000)
  -x  time xchatd's start too ($XCHATD, default BUILDDIR/src/xchatd;
      extra options in $XCHATD_FLAGS)
  -v  time xchatd -verifylog once
  -g  write the log again even if it exists
Part of xchat; see COPYING for the licence."""
import argparse
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(here)


def die(msg):
    print("log-start: " + msg, file=sys.stderr)
    sys.exit(1)


def builddir(arg):
    for d in ([arg] if arg else [os.path.join(top, "_build", "normal"),
                                 os.path.join(top, "_build")]):
        if os.path.exists(os.path.join(d, "src", "libcore.a")):
            return os.path.abspath(d)
    die("no configured and built build directory (src/libcore.a); use -B")


def build_helper(b):
    src = os.path.join(here, "log-history.c")
    out = os.path.join(b, "bench", "log-history")
    lib = os.path.join(b, "src", "libcore.a")
    if (os.path.exists(out) and os.path.getmtime(out) > os.path.getmtime(src)
            and os.path.getmtime(out) > os.path.getmtime(lib)):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libgcrypt",
                            "gnutls"], capture_output=True, text=True)
    if flags.returncode != 0:
        die("pkg-config libgcrypt gnutls: " + flags.stderr)
    cmd = ([os.environ.get("CC", "cc"), "-std=c11", "-O2", "-Wall",
            "-Wextra", "-D_GNU_SOURCE", "-I" + b, "-I" + os.path.join(top, "src"),
            "-o", out, src, lib] + shlex.split(flags.stdout))
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        die("cannot build %s:\n%s" % (out, r.stderr))
    return out


def drop_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def warm_cache(path):
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - (64 << 20)))
        while f.read(1 << 20):
            pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def xchatd_start(xchatd, log, state, cold):
    """Seconds from exec to "listening on" on stderr; stops it."""
    if cold:
        drop_cache(log)
    errpath = os.path.join(state, "xchatd.err")
    # The server appends; we read through a descriptor of our own (a
    # shared one would share its offset with the server's writes).
    err = open(errpath, "ab")
    cmd = [xchatd, "-headless", "-port", str(free_port()),
           "-tlsport", str(free_port()), "-statedir", state,
           "-logfile", log] + shlex.split(os.environ.get("XCHATD_FLAGS", ""))
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=err, stderr=err)
    err.close()
    with open(errpath, "rb") as r:
        r.seek(0, os.SEEK_END)
        seen = b""
        while b"listening on" not in seen:
            if p.poll() is not None:
                die("xchatd exited: " + (seen + r.read()).decode(
                    "utf-8", "replace"))
            if time.monotonic() - t0 > 600:
                p.kill()
                die("xchatd did not listen within 600 s")
            time.sleep(0.0005)
            seen += r.read()
    t = time.monotonic() - t0
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    return t


def report(name, values, unit="ms"):
    for i, v in enumerate(values, 1):
        print("figure=%s run=%d %s=%.3f" % (name, i, unit, v))
    print("figure=%s runs=%d median_%s=%.3f min_%s=%.3f max_%s=%.3f"
          % (name, len(values), unit, statistics.median(values), unit,
             min(values), unit, max(values)))


def main():
    ap = argparse.ArgumentParser(add_help=True)
    ap.add_argument("-B")
    ap.add_argument("-f")
    ap.add_argument("-s", type=int, default=1000)
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("-m", type=int, default=1000)
    ap.add_argument("-x", action="store_true")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("-g", action="store_true")
    a = ap.parse_args()
    b = builddir(a.B)
    helper = build_helper(b)
    log = a.f or os.path.join(os.environ.get("TMPDIR", "/tmp"),
                              "xchat-bench-log", "big.log")
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    if a.g or not os.path.exists(log):
        t0 = time.monotonic()
        r = subprocess.run([helper, "gen", log, str(a.s)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            die("gen: " + r.stderr)
        print("gen %s seconds=%.1f" % (r.stdout.strip(),
                                       time.monotonic() - t0))
    print("log=%s bytes=%d" % (log, os.path.getsize(log)))
    for cache in ("cold", "warm"):
        if cache == "warm":
            warm_cache(log)
        r = subprocess.run([helper, "read", log, str(a.m), str(a.n), cache],
                           capture_output=True, text=True)
        if r.returncode != 0:
            die("read: " + r.stderr)
        for line in r.stdout.splitlines():
            print("figure=msglog_history " + line)
    if a.x:
        xchatd = os.environ.get("XCHATD", os.path.join(b, "src", "xchatd"))
        state = tempfile.mkdtemp(prefix="xchat-bench-state.")
        xchatd_start(xchatd, log, state, False)     # makes the TLS key
        for cache in ("cold", "warm"):
            report("xchatd_start_%s" % cache,
                   [1e3 * xchatd_start(xchatd, log, state, cache == "cold")
                    for _ in range(a.n)])
    if a.v:
        xchatd = os.environ.get("XCHATD", os.path.join(b, "src", "xchatd"))
        keydir = os.path.join(os.path.dirname(os.path.abspath(log)),
                              "bench-keys")
        r = subprocess.run([helper, "keycost", keydir, "4000"],
                           capture_output=True, text=True)
        print("figure=keycost " + r.stdout.strip())
        t0 = time.monotonic()
        r = subprocess.run([xchatd, "-verifylog", log], capture_output=True,
                           text=True)
        t = time.monotonic() - t0
        lines = r.stdout.splitlines()
        m = re.search(r": \d+ messages: (\d+) signed and good", r.stdout)
        signed = int(m.group(1)) if m else 0
        print("figure=verifylog exit=%d seconds=%.1f signed=%d "
              "us_per_signed=%.1f" % (r.returncode, t, signed,
                                      1e6 * t / signed if signed else 0))
        for line in lines[:2]:
            print("verifylog: " + line)


if __name__ == "__main__":
    main()
