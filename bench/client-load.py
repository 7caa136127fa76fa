#!/usr/bin/env python3
#
# client-load.py - how xchat's window copes with what a hostile or very
# busy server sends (issue 10, item 5).
#
# This file is part of xchat; see COPYING for the licence.
#
# Starts a private Xvfb (-displayfd), a scripted server on a free
# loopback port and the xchat given, then for each scenario sends a
# burst and measures, from the server side:
#   absorb_ms    first byte of the burst -> the PONG to a PING sent
#                right after it (everything before the PING was read
#                and handled)
#   ping_*_ms    (p50, p99, max) PINGs every 20 ms during the load and
#                for 2 s after: how long the event loop stalls
#   type_*_ms    (p50, p99, max) a line typed with xdotool into the
#                input line every 0.25 s: Return -> its MSG at the
#                server (includes starting xdotool)
#   users        items in the user list at the end (from a dump)
# Scenarios:
#   users    100,000 USER lines, then READY (typing waits for READY:
#            the probes measure the time after it)
#   joins    READY, then 100,000 JOIN lines (typing during the burst)
#   nicks    1,000 users, then 1,000 NICK changes a second for 5 s
#   history  20,000 history messages of 3 KB, then READY
#   flood    READY, then 20,000 messages of 3 KB (typing during it)
#
# Usage: client-load.py XCHAT [scenario ...]    (default: all three)
# Prints one line per scenario: scenario=NAME key=value ...

import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def mono():
    return time.monotonic()


def pct(v, p):
    if not v:
        return "-"
    v = sorted(v)
    return "%.1f" % (v[min(len(v) - 1, int(p / 100.0 * len(v)))] * 1000)


class Peer:
    """The scripted server's one connection."""

    def __init__(self, sock):
        self.s = sock
        self.lock = threading.Lock()
        self.pings = {}
        self.lat = []
        self.msgs = {}
        self.first_pong = threading.Event()
        self.absorb_tok = None
        self.absorb_at = None
        self.closed = False
        threading.Thread(target=self.reader, daemon=True).start()

    def send(self, data):
        with self.lock:
            self.s.sendall(data)

    def ping(self, tok):
        self.pings[tok] = mono()
        self.send(b"PING %s\n" % tok.encode())

    def reader(self):
        buf = b""
        while True:
            try:
                d = self.s.recv(65536)
            except OSError:
                d = b""
            if not d:
                self.closed = True
                return
            buf += d
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                now = mono()
                f = line.split(b" ")
                if f[0] == b"PONG" and len(f) > 1:
                    tok = f[1].decode()
                    if tok in self.pings:
                        self.lat.append(now - self.pings.pop(tok))
                    if tok == self.absorb_tok:
                        self.absorb_at = now
                        self.first_pong.set()
                elif f[0] == b"MSG" and len(f) > 3:
                    self.msgs[f[3].decode("utf-8", "replace")] = now
                    self.send(b"OK %s %d\n" % (f[1], len(self.msgs)))


def frame_msg(n, uid, nick, text):
    b = text.encode()
    return b"MSG %d %d %s %s %s\n" % (n, uid, nick.encode(),
                                       hashlib.md5(b).hexdigest().encode(), b)


class Run:
    def __init__(self, xchat, display, work):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        self.port = self.ls.getsockname()[1]
        self.dump = os.path.join(work, "dump")
        self.err = open(os.path.join(work, "xchat.err"), "ab")
        env = dict(os.environ, DISPLAY=display, LANG="C.UTF-8", LC_ALL="")
        self.proc = subprocess.Popen(
            [xchat, "-port", str(self.port), "-logfile", "none",
             "-dumpfile", self.dump, "-name", "xchatload",
             "-geometry", "900x600+0+0"],
            stdout=self.err, stderr=self.err, env=env)
        self.env = env
        self.probes = []
        self.ls.settimeout(20)
        c, _ = self.ls.accept()
        self.peer = Peer(c)
        self.win = None

    def window(self):
        end = mono() + 15
        while mono() < end:
            r = subprocess.run(["xdotool", "search", "--onlyvisible",
                                "--classname", "xchatload"],
                               capture_output=True, text=True, env=self.env)
            if r.stdout.split():
                self.win = r.stdout.split()[0]
                return
            time.sleep(0.1)
        raise SystemExit("client-load: no xchat window")

    def xdo(self, *a):
        subprocess.run(["xdotool"] + list(a), env=self.env, check=False)

    def typer(self, stop, out):
        """Type a probe every 0.25 s; record Return -> MSG latency."""
        k = 0
        self.xdo("windowfocus", "--sync", self.win)
        while not stop.is_set():
            text = "probe%d" % k
            self.xdo("type", "--delay", "0", text)
            t0 = mono()
            self.xdo("key", "Return")
            end = t0 + 5
            while text not in self.peer.msgs and mono() < end:
                time.sleep(0.002)
            if text in self.peer.msgs:
                out.append(self.peer.msgs[text] - t0)
                self.probes.append((t0, self.peer.msgs[text] - t0))
            k += 1
            stop.wait(0.25)

    def pinger(self, stop, prefix):
        k = 0
        while not stop.is_set():
            self.peer.ping("%s%d" % (prefix, k))
            k += 1
            time.sleep(0.02)

    def users_in_dump(self):
        try:
            os.unlink(self.dump)
        except FileNotFoundError:
            pass
        self.proc.send_signal(signal.SIGUSR1)
        end = mono() + 30
        while not os.path.exists(self.dump) and mono() < end:
            time.sleep(0.05)
        try:
            for l in open(self.dump, encoding="utf-8", errors="replace"):
                if l.startswith("users:"):
                    return len(l.split(" | "))
        except OSError:
            pass
        return "-"

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.ls.close()


def scenario(run, name):
    p = run.peer
    p.send(b"WELCOME 1 me 1\n")
    run.window()
    if name == "nicks":
        p.send(b"".join(b"USER %d u%d\n" % (i, i) for i in range(2, 1002)))
        p.send(b"READY 1000\n")
    elif name in ("joins", "flood"):
        p.send(b"READY 0\n")
    typed = []
    stop = threading.Event()
    t = threading.Thread(target=run.typer, args=(stop, typed), daemon=True)
    t.start()
    time.sleep(0.6)
    burst_start = mono()
    if name == "users":
        p.send(b"".join(b"USER %d user%d\n" % (i, i)
                        for i in range(2, 100002)))
        p.send(b"READY 100000\n")
    elif name == "joins":
        p.send(b"".join(b"JOIN %d user%d\n" % (i, i)
                        for i in range(2, 100002)))
    elif name in ("history", "flood"):
        text = "h" * 3000
        if name == "flood":
            p.send(b"JOIN 7 old\n")
        for k in range(20):
            p.send(b"".join(frame_msg(k * 1000 + i + 1, 7, "old", text)
                            for i in range(1000)))
        if name == "history":
            p.send(b"READY 0\n")
    p.absorb_tok = "absorb"
    p.ping("absorb")
    pstop = threading.Event()
    pt = threading.Thread(target=run.pinger, args=(pstop, "p"), daemon=True)
    pt.start()
    if name == "nicks":
        for s in range(250):           # 5 s, 20 NICKs every 20 ms
            i0 = (s * 20) % 1000
            p.send(b"".join(b"NICK %d n%d_%d\n" % (2 + (i0 + j) % 1000, s, j)
                            for j in range(20)))
            time.sleep(0.02)
    p.first_pong.wait(60)
    time.sleep(2)
    pstop.set()
    stop.set()
    t.join(10)
    print("probes (s from the burst, ms): " + " ".join(
        "%.2f:%.0f" % (t0 - burst_start, d * 1000) for t0, d in run.probes),
        file=sys.stderr)
    absorb = "%.0f" % ((p.absorb_at - burst_start) * 1000) \
        if p.absorb_at else "-"
    lat = p.lat
    print("scenario=%s absorb_ms=%s ping_p50_ms=%s ping_p99_ms=%s "
          "ping_max_ms=%s type_p50_ms=%s type_p99_ms=%s type_max_ms=%s "
          "typed=%d users=%s" %
          (name, absorb, pct(lat, 50), pct(lat, 99), pct(lat, 100),
           pct(typed, 50), pct(typed, 99), pct(typed, 100), len(typed),
           run.users_in_dump()), flush=True)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__ or "usage: client-load.py XCHAT [...]")
    xchat = sys.argv[1]
    names = sys.argv[2:] or ["users", "joins", "nicks", "history", "flood"]
    work = tempfile.mkdtemp(prefix="xchat-load.")
    r, w = os.pipe()
    xerr = open(os.path.join(work, "xvfb.err"), "wb")
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                             "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stderr=xerr)
    os.close(w)
    # Read the whole line: Xvfb may write the number and its newline
    # apart, and dies if the pipe is closed in between.
    got = b""
    while not got.endswith(b"\n"):
        d = os.read(r, 64)
        if not d:
            break
        got += d
    display = ":" + got.decode().strip()
    # Wait until the display answers.
    end = mono() + 10
    while subprocess.run(["xdpyinfo", "-display", display],
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL).returncode != 0:
        if mono() > end or xvfb.poll() is not None:
            raise SystemExit("client-load: Xvfb %s does not answer (%s)"
                             % (display, os.path.join(work, "xvfb.err")))
        time.sleep(0.05)
    try:
        for n in names:
            run = Run(xchat, display, work)
            try:
                scenario(run, n)
            finally:
                run.close()
    finally:
        xvfb.terminate()
        os.close(r)


if __name__ == "__main__":
    main()
