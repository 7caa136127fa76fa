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
#   signed   (issue 12) version 2 over TLS (ALPN xchat/2): READY, then
#            messages signed with Ed25519 by a keyed sender at 2,000/s
#            for 10 s (typing during it); signed:R:S sends R a second
#            for S seconds.  Also measured:
#              catchup_ms   end of the flood -> the last verdict in the
#                           client's log (lines "checking" until then)
#              good, failed verdicts in the log (all are validly signed:
#                           failed must be 0)
#              maxready     the most signatures waiting at once
#              verify_us    the cost of one keys_verify() inside the
#                           client, under this load (its dump:
#                           check_ns / checked)
#              bare_sign_us, bare_verify_us
#                           the bare costs measured just before the
#                           scenario by bench/verify-cost (path in
#                           $VERIFY_COST; "make bench" builds it)
#            unsigned[:R:S] is the same flood unsigned ("-"): the
#            baseline of version 2 over TLS without the checks.
#            Needs python3-cryptography (Debian 12's 38 is enough).
#
# Usage: client-load.py XCHAT [scenario ...]    (default: the first five)
# Prints one line per scenario: scenario=NAME key=value ...

import base64
import datetime
import hashlib
import os
import select
import ssl
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
    """The scripted server's one connection (plain, or TLS: then reads
    and writes share a lock, since an SSL object is not to be used by
    two threads at once)."""

    def __init__(self, sock, v2=False):
        self.s = sock
        self.v2 = v2
        self.keyreq = []
        self.hello = threading.Event()
        self.lock = threading.Lock()
        self.pings = {}
        self.lat = []
        self.msgs = {}
        self.first_pong = threading.Event()
        self.absorb_tok = None
        self.absorb_at = None
        self.closed = False
        self.on_key = None
        self.key_at = None
        threading.Thread(target=self.reader, daemon=True).start()

    def send(self, data):
        while data:
            with self.lock:
                try:
                    n = self.s.send(data)
                except (ssl.SSLWantWriteError, ssl.SSLWantReadError,
                        BlockingIOError):
                    n = 0
            data = data[n:]
            if data:
                select.select([], [self.s], [], 0.005)

    def ping(self, tok):
        self.pings[tok] = mono()
        self.send(b"PING %s\n" % tok.encode())

    def recv(self):
        if not self.v2:
            return self.s.recv(65536)
        while True:
            with self.lock:
                try:
                    return self.s.recv(65536)
                except (ssl.SSLWantReadError, BlockingIOError):
                    pass
            select.select([self.s], [], [], 0.005)

    def reader(self):
        buf = b""
        while True:
            try:
                d = self.recv()
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
                    text = line.split(b" ", 4 if self.v2 else 3)[-1]
                    self.msgs[text.decode("utf-8", "replace")] = now
                    self.send(b"OK %s %d\n" % (f[1], len(self.msgs)))
                elif f[0] == b"HELLO":
                    self.hello.set()
                elif f[0] == b"KEY" and len(f) == 2 and self.on_key:
                    self.key_at = now
                    self.send(self.on_key(int(f[1])))


def frame_msg(n, uid, nick, text):
    b = text.encode()
    return b"MSG %d %d %s %s %s\n" % (n, uid, nick.encode(),
                                       hashlib.md5(b).hexdigest().encode(), b)


class Signer:
    """A sender's Ed25519 key (RFC 8032's TEST 1 key) and a handful of
    texts signed once, as version 2 signs them."""

    def __init__(self):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
        k = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(
            "9d61b19deffd5a60ba844af492ec2cc4"
            "4449c5697b326919703bac031cae7f60"))
        der = k.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo)
        self.fp = b"sha256:" + hashlib.sha256(der).hexdigest().encode()
        self.spki = base64.b64encode(der)
        self.texts = []
        for i in range(16):
            t = ("signed message %d: the quick brown fox jumps over the "
                 "lazy dog" % i).encode()
            self.texts.append((t, hashlib.md5(t).hexdigest().encode(),
                               base64.b64encode(k.sign(b"xchat/2 msg\0" +
                                                       t))))

    def frame(self, n, when, i, signed=True):
        t, m, sig = self.texts[i % 16]
        return b"MSG %d %s 7 old %s %s %s\n" % (n, when, m,
                                                sig if signed else b"-", t)


def tls_files(work):
    """A self-signed certificate for the scripted server; its key's
    fingerprint (for xchat -trust)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import NameOID
    k = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "load")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(k.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(k, None))
    kp, cp = os.path.join(work, "srv.key"), os.path.join(work, "srv.crt")
    with open(kp, "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    with open(cp, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    der = k.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    return cp, kp, "sha256:" + hashlib.sha256(der).hexdigest()


class Run:
    def __init__(self, xchat, display, work, v2=False):
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        self.port = self.ls.getsockname()[1]
        self.dump = os.path.join(work, "dump")
        self.log = os.path.join(work, "client.log")
        self.err = open(os.path.join(work, "xchat.err"), "ab")
        env = dict(os.environ, DISPLAY=display, LANG="C.UTF-8", LC_ALL="",
                   HOME=os.path.join(work, "home"))
        args = [xchat, "-port", str(self.port), "-logfile", "none",
                "-dumpfile", self.dump, "-name", "xchatload",
                "-geometry", "900x600+0+0"]
        if v2:
            cert, key, fp = tls_files(work)
            if os.path.exists(self.log):
                os.unlink(self.log)
            args[4] = self.log
            args += ["-tls", "-trust", fp, "-anonymous"]
        self.proc = subprocess.Popen(args, stdout=self.err, stderr=self.err,
                                     env=env)
        self.env = env
        self.probes = []
        self.ls.settimeout(20)
        c, _ = self.ls.accept()
        if v2:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_3
            ctx.load_cert_chain(cert, key)
            ctx.set_alpn_protocols(["xchat/2"])
            c.settimeout(20)
            c = ctx.wrap_socket(c, server_side=True)
            c.setblocking(False)
        self.peer = Peer(c, v2)
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

    def dump_line(self, key):
        """The dump's line that starts with key (after a fresh dump)."""
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
                if l.startswith(key):
                    return l
        except OSError:
            pass
        return None

    def users_in_dump(self):
        l = self.dump_line("users:")
        return len(l.split(" | ")) if l is not None else "-"

    def verdicts(self):
        """(good, failed) verdicts of received messages in the log."""
        good = failed = 0
        try:
            for l in open(self.log, "rb"):
                f = l.split(b"\t")
                if len(f) > 6 and f[1] == b"in":
                    if f[6].startswith(b"signed:") or f[6] == b"good":
                        good += 1
                    else:
                        failed += 1
        except OSError:
            pass
        return good, failed

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.ls.close()


def bare_costs():
    """bench/verify-cost's figures ($VERIFY_COST), or dashes."""
    path = os.environ.get("VERIFY_COST", "")
    if path:
        r = subprocess.run([path], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.strip()
    return "bare_sign_us=- bare_verify_us=-"


def signed(run, name):
    """Version 2: a keyed sender floods signed messages (see above)."""
    p = run.peer
    f = name.split(":")
    rate = int(f[1]) if len(f) > 1 else 2000
    secs = float(f[2]) if len(f) > 2 else 10.0
    sg = Signer()
    sign = not name.startswith("unsigned")
    bare = bare_costs()
    p.on_key = lambda i: (b"KEY %d %s %s\n" % (i, sg.fp, sg.spki)
                          if i == 7 else b"KEY %d - -\n" % i)
    p.hello.wait(20)
    p.send(b"WELCOME 1 me 2 -\nUSER 7 old %s\nREADY 1\n" % sg.fp)
    run.window()
    typed = []
    stop = threading.Event()
    t = threading.Thread(target=run.typer, args=(stop, typed), daemon=True)
    t.start()
    pstop = threading.Event()
    pt = threading.Thread(target=run.pinger, args=(pstop, "p"), daemon=True)
    pt.start()
    time.sleep(0.6)
    start = mono()
    sent = 0
    while mono() - start < secs:
        due = int((mono() - start) * rate)
        if due > sent:
            when = datetime.datetime.utcnow().strftime(
                "%Y-%m-%dT%H:%M:%S.000Z").encode()
            p.send(b"".join(sg.frame(n + 1, when, n, sign)
                            for n in range(sent, due)))
            sent = due
        time.sleep(0.005)
    flood_end = mono()
    stop.set()
    t.join(10)
    # Catch-up: every message has its verdict in the client's log.
    end = mono() + 300
    good, failed = run.verdicts()
    while good + failed < sent and mono() < end:
        time.sleep(0.05)
        good, failed = run.verdicts()
    catchup = mono() - flood_end
    pstop.set()
    st = run.dump_line("verify:") or ""
    kv = dict(x.split("=", 1) for x in st.split()[1:] if "=" in x)
    checked = int(kv.get("checked", "0"))
    vus = "%.1f" % (int(kv.get("check_ns", "0")) / 1000.0 / checked) \
        if checked else "-"
    lat = p.lat
    keyms = "%.0f" % ((p.key_at - start) * 1000) if p.key_at else "-"
    print("scenario=%s rate=%d secs=%g sent=%d good=%d failed=%d "
          "key_ms=%s "
          "catchup_ms=%.0f maxready=%s verify_us=%s %s ping_p50_ms=%s "
          "ping_p99_ms=%s ping_max_ms=%s type_p50_ms=%s type_p99_ms=%s "
          "type_max_ms=%s typed=%d" %
          (name, rate, secs, sent, good, failed, keyms, catchup * 1000,
           kv.get("maxready", "-"), vus, bare, pct(lat, 50), pct(lat, 99),
           pct(lat, 100), pct(typed, 50), pct(typed, 99), pct(typed, 100),
           len(typed)), flush=True)


def scenario(run, name):
    p = run.peer
    if name.startswith(("signed", "unsigned")):
        return signed(run, name)
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
            run = Run(xchat, display, work,
                      n.startswith(("signed", "unsigned")))
            try:
                scenario(run, n)
            finally:
                run.close()
    finally:
        xvfb.terminate()
        os.close(r)


if __name__ == "__main__":
    main()
