#!/usr/bin/env python3
#
# gui-bench.py - the GUI parts of workload (d) of run-bench.sh.
#
# This file is part of xchat; see COPYING for the licence.
#
# Needs an X display (run-bench.sh starts a private Xvfb) and, for
# "client", xdotool. Each command prints one line of key=value figures on
# stdout ("-" where a figure is missing); diagnostics go to stderr.
#
#   gui-bench.py server-probe PID DUMPFILE DELAY...
#       For each DELAY (seconds from now, ascending) send SIGUSR1 to the
#       xchatd with a window PID and read the state it writes to DUMPFILE
#       (resource dumpFile).  One line per dump:
#         dump_ms        signal to dump file, milliseconds (the window's
#                        event loop responsiveness)
#         last_msg_age_ms  now minus the send time (t=, CLOCK_MONOTONIC)
#                        in the newest event-view line carrying one: how
#                        far behind the traffic the window shows
#         last_line_clock  the time stamp of the view's last line, and
#         now_clock      the wall clock when the dump was read
#         summaries      "... more messages" lines among the dumped lines
#         view_lines     lines in the event view
#         accepted       the "Accepted:" figure of the status line
#
#   gui-bench.py client --xchat X --bench B --port P --server-pid S
#                       --dir D [--duration 10] [--rate 10000]
#                       [--dump-every 0]
#       Starts the client GUI X against the xchatd on port P and types
#       probe messages into its input line with xdotool, first with no
#       load (idle), then every 0.2 s while B pushes RATE msg/s for
#       DURATION s (10 bench clients, 5 of them senders).  A separate
#       observer connection reads everything the server relays.  Figures:
#         type_*_ms      (p50, p90, p99, max) from just before the "xdotool key Return" is
#                        started (the text is already in the input line)
#                        to the moment the observer receives the probe
#                        from the server: Return -> xchat sends MSG ->
#                        relay; includes starting xdotool (see the idle
#                        figure for the floor)
#         probes_lost    probes typed but never relayed
#         rss_*_kb       xchat's VmRSS (sampled every 0.25 s): before the
#                        load, the maximum during it, the range over its
#                        second half, and 2 s after it
#         transcript_lag_max_ms  with --dump-every S, xchat is dumped
#                        (SIGUSR1, -dumpfile) every S s under load: now
#                        minus the send time (t=) of the newest message in
#                        its transcript.  A dump converts the whole
#                        transcript (5000 lines) and stalls xchat for tens
#                        of ms, so the typing figures of such a run are
#                        not comparable: run-bench.sh does it in a separate
#                        run.
#         transcript_lag_end_ms  1 s after the load: the newest message
#                        the observer got minus the newest in xchat's
#                        transcript (0: the transcript has everything)
#         dump_max_ms    slowest SIGUSR1 -> dump file under load
#         xchat_dropped  LEAVEs of xchat seen (e.g. dropped as slow)
#       The probes are exactly as long as the bench's messages (-b 100)
#       and start with "t=<ns> " so the bench takes them as deliveries:
#       its "lost" is then minus (probes x its 10 clients), and its exit
#       status is not used.

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

BYTES = 100


def mono_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def pct(vals, p):
    if not vals:
        return None
    v = sorted(vals)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 1)) - 1))
    return v[k]


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return "%.*f" % (digits, v)
    return str(v)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def dump(pid, path, timeout=10.0):
    """SIGUSR1 pid and wait for path; return (text, ms) or (None, None)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    t0 = time.monotonic()
    try:
        os.kill(pid, signal.SIGUSR1)
    except ProcessLookupError:
        return None, None
    while not os.path.exists(path):
        if time.monotonic() - t0 > timeout:
            return None, None
        time.sleep(0.002)
    ms = (time.monotonic() - t0) * 1000
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace"), ms


T_RE = re.compile(r"t=(\d{6,20})")


# ---- server-probe -------------------------------------------------------

def server_probe(argv):
    pid, path = int(argv[0]), argv[1]
    start = time.monotonic()
    for d in [float(x) for x in argv[2:]]:
        left = start + d - time.monotonic()
        if left > 0:
            time.sleep(left)
        text, ms = dump(pid, path)
        if text is None:
            print("dump=failed")
            sys.stdout.flush()
            continue
        now = mono_ns()
        events = [l[6:] for l in text.splitlines() if l.startswith("event ")]
        age = None
        for e in reversed(events):
            m = T_RE.search(e)
            if m:
                age = (now - int(m.group(1))) / 1e6
                break
        clock = "-"
        if events:
            m = re.match(r"\[?(\d+:\d\d:\d\d)", events[-1])
            if m:
                clock = m.group(1)
        nlines = re.search(r"^lines (\d+)", text, re.M)
        status = re.search(r"^status (.*)$", text, re.M)
        acc = re.search(r"Accepted: *(\d[\d,. ]*\d|\d)", status.group(1)) \
            if status else None
        print("dump_ms=%s last_msg_age_ms=%s last_line_clock=%s "
              "now_clock=%s summaries=%d view_lines=%s accepted=%s" % (
                  fmt(ms), fmt(age), clock, time.strftime("%H:%M:%S"),
                  sum(1 for e in events if "more messages" in e),
                  nlines.group(1) if nlines else "-",
                  re.sub(r"\D", "", acc.group(1)) if acc else "-"))
        sys.stdout.flush()


# ---- client -------------------------------------------------------------

class Observer(threading.Thread):
    """A plain protocol client that reads everything and notes when each
    probe (PRB<k>Z) arrives, who joined (or took a nick) with which id,
    and every LEAVE."""

    PROBE = re.compile(rb"PRB(\d+)Z")

    def __init__(self, port):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.seen = {}
        self.joined = {}
        self.leaves = []
        self.frames = 0
        self.newest_t = 0       # largest t= seen in a relayed MSG
        self.stop = False
        self.lock = threading.Lock()

    def run(self):
        carry = b""
        while not self.stop:
            try:
                data = self.sock.recv(1 << 20)
            except OSError:
                break
            now = mono_ns()
            if not data:
                break
            buf = carry + data
            cut = buf.rfind(b"\n") + 1
            carry = buf[cut:]
            chunk = buf[:cut]
            self.frames += chunk.count(b"\n")
            with self.lock:
                for m in self.PROBE.finditer(chunk):
                    self.seen.setdefault(int(m.group(1)), now)
                ts = T_RE.findall(chunk[-1024:].decode("ascii", "replace"))
                if ts:
                    self.newest_t = max(self.newest_t, int(ts[-1]))
                if (b"JOIN " in chunk or b"LEAVE " in chunk or
                        b"NICK " in chunk):
                    for line in chunk.split(b"\n"):
                        if line.startswith((b"JOIN ", b"NICK ")):
                            f = line.split(b" ")
                            self.joined[f[2].decode("utf-8", "replace")] \
                                = int(f[1])
                        elif line.startswith(b"LEAVE "):
                            self.leaves.append(line.decode("utf-8", "replace"))


class Sampler(threading.Thread):
    def __init__(self, pid, every=0.25):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples = []       # (seconds since t0, kB)
        self.stop = False
        self.t0 = time.monotonic()

    def run(self):
        while not self.stop:
            v = rss_kb(self.pid)
            if v is not None:
                self.samples.append((time.monotonic() - self.t0, v))
            time.sleep(self.every)


def probe_text(k):
    head = "t=%d PRB%dZ " % (mono_ns(), k)
    return head + "x" * (BYTES - len(head))


def type_probe(k):
    """Type one probe, then Return; return (done, the time in ns just
    before the xdotool that presses Return is started)."""
    text = probe_text(k)
    # "type" takes every later argument as text, and a newline in it is
    # not the Return the input line wants: two commands.
    r = subprocess.run(["xdotool", "type", "--delay", "0", text],
                       capture_output=True)
    t = mono_ns()
    if r.returncode == 0:
        r = subprocess.run(["xdotool", "key", "Return"],
                           capture_output=True)
    return r.returncode == 0, t


def client(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="gui-bench.py client")
    ap.add_argument("--xchat", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--rate", type=float, default=10000)
    ap.add_argument("--idle-probes", type=int, default=10)
    ap.add_argument("--every", type=float, default=0.2)
    ap.add_argument("--dump-every", type=float, default=0,
                    help="seconds between window dumps under load, 0: none")
    a = ap.parse_args(argv)

    obs = Observer(a.port)
    obs.start()
    dumpf = os.path.join(a.dir, "xchat.dump")
    env = dict(os.environ)
    env.setdefault("LANG", "C.UTF-8")
    xc = None
    for attempt in range(3):
        # On this shared machine the display has been seen to refuse
        # a connection now and then ("cannot open display"): retry.
        xc = subprocess.Popen(
            [a.xchat, "-name", "benchxchat", "-port", str(a.port),
             "-nick", "probe" if attempt == 0 else "probe%d" % attempt,
             "-dumpfile", dumpf],
            env=env, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(a.dir, "xchat.err"), "ab"))
        try:
            xc.wait(1.0)
        except subprocess.TimeoutExpired:
            break
        print("gui-bench.py: xchat exited (%d), starting it again" %
              xc.returncode, file=sys.stderr)
    nick = "probe" if attempt == 0 else "probe%d" % attempt
    result = {}
    bench = None
    try:
        win = None
        end = time.monotonic() + 20
        while time.monotonic() < end and win is None:
            r = subprocess.run(["xdotool", "search", "--onlyvisible",
                                "--classname", "benchxchat"],
                               capture_output=True, text=True)
            if r.stdout.strip():
                win = r.stdout.split()[0]
            else:
                time.sleep(0.1)
        while time.monotonic() < end and nick not in obs.joined:
            time.sleep(0.05)
        if win is None or nick not in obs.joined:
            print("gui-bench.py: xchat did not come up", file=sys.stderr)
            print("failed=xchat")
            return 1
        subprocess.run(["xdotool", "windowfocus", "--sync", win],
                       capture_output=True)
        time.sleep(0.5)

        sampler = Sampler(xc.pid)
        sampler.start()
        typed = {}      # probe -> (end of typing ns, phase)
        k = 0
        for _ in range(a.idle_probes):
            k += 1
            ok, t = type_probe(k)
            if ok:
                typed[k] = (t, "idle")
            time.sleep(0.1)
        time.sleep(0.5)
        rss_before = rss_kb(xc.pid)

        bench = subprocess.Popen(
            [a.bench, "-q", "-p", str(a.port), "-x", str(a.server_pid),
             "-c", "10", "-s", "5", "-b", str(BYTES), "-r", str(a.rate),
             "-d", str(a.duration)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The bench connects, then sends for DURATION s; probe until it ends.
        t_load = time.monotonic()
        t_load_ns = mono_ns()
        lags, dump_ms = [], []
        t_load_end = None
        next_dump = t_load + a.dump_every if a.dump_every > 0 else None
        while bench.poll() is None:
            k += 1
            ok, t = type_probe(k)
            if ok:
                typed[k] = (t, "load")
            if next_dump is not None and time.monotonic() >= next_dump:
                text, ms = dump(xc.pid, dumpf)
                now = mono_ns()
                if text is not None:
                    dump_ms.append(ms)
                    tr = text.partition("transcript:\n")[2]
                    ts = [int(x) for x in T_RE.findall(tr[-8192:])]
                    if ts:
                        lags.append((now - max(ts)) / 1e6)
                next_dump = time.monotonic() + a.dump_every
            time.sleep(a.every)
        bout, berr = bench.communicate()
        t_load_end = time.monotonic()
        time.sleep(1.0)
        # After the load: is the transcript complete up to the end?
        text, ms = dump(xc.pid, dumpf)
        end_lag = None
        tr_lines = "-"
        status = "-"
        if text is not None:
            tr = text.partition("transcript:\n")[2]
            ts = [int(x) for x in T_RE.findall(tr[-8192:])]
            m = re.search(r"^lines: (\d+)", text, re.M)
            tr_lines = m.group(1) if m else "-"
            m = re.search(r"^status: (.*)$", text, re.M)
            status = m.group(1).replace(" ", "_") if m else "-"
            if ts:
                with obs.lock:
                    end_lag = (obs.newest_t - max(ts)) / 1e6
        time.sleep(2.0)
        sampler.stop = True
        sampler.join()
        time.sleep(0.5)

        with obs.lock:
            seen = dict(obs.seen)
            leaves = [l for l in obs.leaves
                      if " %d " % obs.joined[nick] in l + " "]
        lat = {"idle": [], "load": []}
        lost = 0
        for p, (t, phase) in typed.items():
            if p in seen:
                lat[phase].append((seen[p] - t) / 1e6)
            else:
                lost += 1
        rs = [v for _, v in sampler.samples]
        # While the load ran, and over its second half.
        l0, l1 = t_load - sampler.t0, t_load_end - sampler.t0
        load_rs = [v for s, v in sampler.samples if l0 <= s <= l1]
        half = [v for s, v in sampler.samples
                if (l0 + l1) / 2 <= s <= l1]
        result = {
            "probes_idle": len(lat["idle"]),
            "probes_load": len(lat["load"]),
            "probes_lost": lost,
            "type_idle_p50_ms": pct(lat["idle"], 0.5),
            "type_p50_ms": pct(lat["load"], 0.5),
            "type_p90_ms": pct(lat["load"], 0.9),
            "type_p99_ms": pct(lat["load"], 0.99),
            "type_max_ms": max(lat["load"]) if lat["load"] else None,
            "rss_before_kb": rss_before,
            "rss_load_max_kb": max(load_rs) if load_rs else None,
            "rss_end_kb": rs[-1] if rs else None,
            "rss_2nd_half_min_kb": min(half) if half else None,
            "rss_2nd_half_max_kb": max(half) if half else None,
            "transcript_lag_max_ms": max(lags) if lags else None,
            "transcript_lag_end_ms": end_lag,
            "dump_max_ms": max(dump_ms) if dump_ms else None,
            "transcript_lines": tr_lines,
            "xchat_dropped": len(leaves),
            "xchat_alive": int(xc.poll() is None),
            "status": status,
        }
        with open(os.path.join(a.dir, "xchat-probes.txt"), "w") as f:
            # probe, phase, seconds from the start of the load, latency
            for p, (t, phase) in sorted(typed.items()):
                f.write("%d %s %.2f %s\n" % (
                    p, phase, t / 1e9 - t_load_ns / 1e9,
                    fmt((seen[p] - t) / 1e6) if p in seen else "lost"))
        with open(os.path.join(a.dir, "xchat-rss.txt"), "w") as f:
            for s, v in sampler.samples:
                f.write("%.2f %d\n" % (s, v))
        line = " ".join("%s=%s" % (k2, fmt(v)) for k2, v in result.items())
        # The bench's own figures, prefixed so their keys stay apart.
        print(line + "".join(" bench_" + f for f in bout.split()))
        if leaves:
            print("gui-bench.py: " + "; ".join(leaves), file=sys.stderr)
        return 0
    finally:
        obs.stop = True
        if bench is not None and bench.poll() is None:
            bench.kill()
            bench.wait()
        xc.terminate()
        try:
            xc.wait(5)
        except subprocess.TimeoutExpired:
            xc.kill()
            xc.wait()


def main():
    if len(sys.argv) < 2:
        print(__doc__ or "usage: gui-bench.py server-probe|client ...",
              file=sys.stderr)
        return 2
    if sys.argv[1] == "server-probe" and len(sys.argv) >= 4:
        server_probe(sys.argv[2:])
        return 0
    if sys.argv[1] == "client":
        return client(sys.argv[2:])
    print("usage: gui-bench.py server-probe PID DUMP DELAY... | client ...",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
