#!/usr/bin/env python3
"""cluster-bench.py -- workload (a) on one xchatd alone against the same
workload split over two xchatd of a cluster with one redis-server on
this machine (issue 14), alternately, RUNS times each, every run against
fresh servers and a fresh Redis.

    bench/cluster-bench.py                 # RUNS=3 DURATION=10
    RUNS=5 DURATION=20 bench/cluster-bench.py
    AOF=everysec bench/cluster-bench.py    # Redis's fsync per second
    AOF=off bench/cluster-bench.py         # no AOF: what fsync costs
    REDIS_ARGS="--auto-aof-rewrite-percentage 0" bench/cluster-bench.py

(a) is xchat-bench -c 50 -s 5 -b 100 -P 100 (run-bench.sh's); in the
cluster its clients alternate between the two servers (-p P1,P2), so
about half of the deliveries cross the store.  Redis runs as the tests
run it: --appendonly yes --appendfsync always (AOF=everysec to compare),
so an OK means the message is on the store's disk.

Every result line is printed (variant=single or cluster), then the
medians, the ratio cluster/single and the issue's targets: cluster
deliveries/s >= 0.3 of single, cluster p99 <= 20 ms.  Per cluster run
also: batches (round scripts) and messages stored by each server,
messages per batch, the mean and largest round trip of a batch (from
xchatd's SIGUSR1 line), and from Redis's INFO commandstats the time it
spent per script call and per message stored: 1e6 / us_per_msg is how
many messages per second one Redis core carries here.

Environment: XCHATD (default _build/normal/src/xchatd, else
_build/src/xchatd), BENCH (default bench/xchat-bench, built if missing
or older than its source), REDIS (redis-server), RUNS, DURATION, AOF,
REDIS_ARGS (more redis-server options), ARGS_A (the bench's workload
options instead of (a)'s).
"""
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
RUNS = int(os.environ.get("RUNS", "3"))
DURATION = os.environ.get("DURATION", "10")
AOF = os.environ.get("AOF", "always")
ARGS_A = os.environ.get("ARGS_A", "-c 50 -s 5 -b 100 -P 100").split()


def find_xchatd():
    if os.environ.get("XCHATD"):
        return os.environ["XCHATD"]
    for p in ("_build/normal/src/xchatd", "_build/src/xchatd",
              "src/xchatd"):
        if os.access(os.path.join(TOP, p), os.X_OK):
            return os.path.join(TOP, p)
    sys.exit("cluster-bench: no xchatd (set XCHATD)")


def find_bench():
    if os.environ.get("BENCH"):
        return os.environ["BENCH"]
    b = os.path.join(HERE, "xchat-bench")
    src = b + ".c"
    if not os.access(b, os.X_OK) or \
            os.path.getmtime(src) > os.path.getmtime(b):
        flags = subprocess.run(["pkg-config", "--cflags", "--libs",
                                "libgcrypt", "gnutls"], check=True,
                               capture_output=True).stdout.decode().split()
        subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O2",
                        "-Wall", "-Wextra", "-D_GNU_SOURCE", "-o", b, src] +
                       flags + ["-lpthread", "-lm"], check=True)
    return b


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_for(pred, what, timeout=30):
    end = time.time() + timeout
    while not pred():
        if time.time() > end:
            sys.exit("cluster-bench: timed out waiting for " + what)
        time.sleep(0.05)


class Proc:
    def __init__(self, cmd, errfile):
        self.errfile = errfile
        self.p = subprocess.Popen(cmd, stdout=open(errfile, "wb"),
                                  stderr=subprocess.STDOUT)

    def err(self):
        with open(self.errfile, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def xchatd(work, name, *extra):
    port = free_port()
    x = Proc([XCHATD, "-headless", "-port", str(port), "-tlsport", "0",
              "-floodrate", "0", "-history", "20", "-maxclients", "2000",
              "-logfile", os.path.join(work, name + ".log"),
              "-statedir", os.path.join(work, name + ".state")] +
             list(extra), os.path.join(work, name + ".err"))
    x.port = port
    wait_for(lambda: "listening on" in x.err() or x.p.poll() is not None,
             name + " listening")
    if x.p.poll() is not None:
        sys.exit("cluster-bench: xchatd exited: " + x.err())
    return x


def bench(ports, pid):
    out = subprocess.run([BENCH, "-q", "-h", "127.0.0.1", "-p",
                          ",".join(map(str, ports)), "-x", str(pid),
                          "-d", DURATION] + ARGS_A, capture_output=True)
    line = out.stdout.decode().strip()
    if out.returncode != 0 or not line:
        sys.exit("cluster-bench: xchat-bench failed: " +
                 out.stderr.decode()[-500:])
    return line


def kv(line):
    d = {}
    for f in line.split():
        k, _, v = f.partition("=")
        d[k] = v
    return d


def run_single(work):
    x = xchatd(work, "single")
    try:
        return bench([x.port], x.p.pid)
    finally:
        x.stop()


def run_cluster(work):
    rdir = tempfile.mkdtemp(prefix="redis.", dir=work)
    rport = free_port()
    r = Proc([REDIS, "--port", str(rport), "--bind", "127.0.0.1",
              "--save", "", "--appendonly", "no" if AOF == "off" else "yes",
              "--appendfsync", "always" if AOF == "off" else AOF,
              "--dir", rdir] + os.environ.get("REDIS_ARGS", "").split(),
             os.path.join(rdir, "redis.err"))
    xs = []
    try:
        wait_for(lambda: "Ready to accept" in r.err(), "redis-server")
        for n in ("one", "two"):
            x = xchatd(work, n, "-cluster", "redis://127.0.0.1:%d" % rport)
            wait_for(lambda: "joined through" in x.err(), n + " joined")
            xs.append(x)
        line = bench([x.port for x in xs], xs[0].p.pid)
        extra = {"batches": 0, "stored": 0, "rtt_sum": 0.0, "rtt_max": 0}
        for x in xs:
            before = x.err().count("cluster: ")
            x.p.send_signal(signal.SIGUSR1)
            wait_for(lambda: x.err().count("cluster: ") > before,
                     "SIGUSR1 line")
            m = re.findall(r"cluster: (\d+) batches stored (\d+) messages, "
                           r"round trip (\d+) us on average, (\d+) us",
                           x.err())[-1]
            b = int(m[0])
            extra["batches"] += b
            extra["stored"] += int(m[1])
            extra["rtt_sum"] += b * int(m[2])
            extra["rtt_max"] = max(extra["rtt_max"], int(m[3]))
        info = subprocess.run(["redis-cli", "-p", str(rport), "INFO",
                               "commandstats"], capture_output=True
                              ).stdout.decode()
        pers = subprocess.run(["redis-cli", "-p", str(rport), "INFO",
                               "persistence"], capture_output=True
                              ).stdout.decode()
        rw = re.search(r"aof_rewrites:(\d+)", pers)
        m = re.search(r"cmdstat_eval:calls=(\d+),usec=(\d+)", info)
        calls, usec = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        b = max(extra["batches"], 1)
        line += (" batches=%d msgs_per_batch=%.1f batch_rtt_mean_us=%.0f"
                 " batch_rtt_max_us=%d redis_eval_calls=%d"
                 " redis_us_per_eval=%.1f redis_us_per_msg=%.2f"
                 " aof_rewrites=%s" %
                 (extra["batches"], extra["stored"] / b,
                  extra["rtt_sum"] / b, extra["rtt_max"], calls,
                  usec / max(calls, 1), usec / max(extra["stored"], 1),
                  rw.group(1) if rw else "-"))
        return line
    finally:
        for x in xs:
            x.stop()
        r.stop()


def median(lines, key):
    vals = [float(kv(l)[key]) for l in lines
            if kv(l).get(key, "-") not in ("-", "")]
    return statistics.median(vals) if vals else None


XCHATD = find_xchatd()
BENCH = find_bench()
REDIS = os.environ.get("REDIS") or shutil.which("redis-server")
if REDIS is None:
    sys.exit("cluster-bench: redis-server is not installed")
work = tempfile.mkdtemp(prefix="xchat-cluster-bench.")
print("cluster-bench: xchatd=%s bench=%s RUNS=%d DURATION=%s AOF=%s"
      % (XCHATD, BENCH, RUNS, DURATION, AOF), file=sys.stderr)
res = {"single": [], "cluster": []}
try:
    for r in range(1, RUNS + 1):
        for v, fn in (("single", run_single), ("cluster", run_cluster)):
            line = fn(work)
            res[v].append(line)
            print("workload=a variant=%s run=%d %s" % (v, r, line),
                  flush=True)
finally:
    shutil.rmtree(work, ignore_errors=True)
keys = ["deliv_per_s", "lat_p50_us", "lat_p99_us", "lost", "errors"]
ckeys = keys + ["msgs_per_batch", "batch_rtt_mean_us", "batch_rtt_max_us",
                "redis_us_per_eval", "redis_us_per_msg"]
med = {}
for v in ("single", "cluster"):
    med[v] = {k: median(res[v], k) for k in (ckeys if v == "cluster"
                                             else keys)}
    print("workload=a variant=%s medians %s" % (v, " ".join(
        "%s=%s" % (k, "-" if x is None else "%.6g" % x)
        for k, x in med[v].items())))
ratio = med["cluster"]["deliv_per_s"] / med["single"]["deliv_per_s"]
print("workload=a ratio=cluster/single deliv_per_s=%.3f" % ratio)
if med["cluster"]["redis_us_per_msg"]:
    print("workload=a one Redis core: about %.0f messages/s (%.2f us of "
          "script time per message stored)" %
          (1e6 / med["cluster"]["redis_us_per_msg"],
           med["cluster"]["redis_us_per_msg"]))
p99 = med["cluster"]["lat_p99_us"]
print("target cluster deliv_per_s >= 0.3 single: %.3f %s" %
      (ratio, "met" if ratio >= 0.3 else "missed"))
print("target cluster lat_p99 <= 20 ms: %.1f ms %s" %
      (p99 / 1000, "met" if p99 <= 20000 else "missed"))
