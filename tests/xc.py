"""xc.py -- helpers for xchat's end-to-end tests: scripted protocol
clients, MD5 of texts, starting a headless xchatd on a free port.

Every test imports it:  sys.path.insert(0, srcdir/tests); import xc
"""
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ.get("srcdir", os.path.dirname(os.path.abspath(__file__)) + "/..")
BUILDDIR = os.environ.get("builddir", ".")
XCHATD = os.environ.get("XCHATD", os.path.join(BUILDDIR, "src", "xchatd"))
XCHAT = os.environ.get("XCHAT", os.path.join(BUILDDIR, "src", "xchat"))


def md5(b):
    if isinstance(b, str):
        b = b.encode()
    return hashlib.md5(b).hexdigest()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Record(list):
    """A log record as a list in the old layout's order (time n id nick
    peer md5-received md5-computed verdict text chain) whatever its
    format, so that r[7] is the verdict and r[8] the text; .format is 1
    or 2 (None for a line of neither shape), .to .tokey .key .spki .sig
    the fields of log format 2 ("-" in format 1)."""


def record(line):
    """Split a log line (str or bytes, without its LF) into a Record."""
    tab, dash = ("\t", "-") if isinstance(line, str) else (b"\t", b"-")
    f = line.split(tab)
    if len(f) == 15:
        r = Record(f[:8] + f[13:])
        r.format = 2
        r.to, r.tokey, r.key, r.spki, r.sig = f[8:13]
    else:
        r = Record(f)
        r.format = 1 if len(f) == 10 else None
        r.to = r.tokey = r.key = r.spki = r.sig = dash
    return r


class Server:
    """A headless xchatd on a free port, with its own log file."""

    def __init__(self, *args, logfile=None, wrap=None, env=None):
        self.dir = tempfile.mkdtemp(prefix="xchat-e2e.")
        self.port = free_port()
        self.log = logfile or os.path.join(self.dir, "mensagens_log.txt")
        # Its own TLS port and state directory: tests run in parallel.
        self.tlsport = free_port()
        cmd = [XCHATD, "-headless", "-port", str(self.port),
               "-tlsport", str(self.tlsport),
               "-statedir", os.path.join(self.dir, "state"),
               "-logfile", self.log] + list(args)
        if wrap:
            cmd = wrap + cmd
        self.err = open(os.path.join(self.dir, "xchatd.err"), "w+b")
        e = dict(os.environ)
        if env:
            e.update(env)
        self.proc = subprocess.Popen(cmd, stdout=self.err, stderr=self.err,
                                     env=e)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("xchatd exited at start: " + self.stderr())
            # Wait for the start-up line rather than connecting, which
            # would use up client id 1.
            if "listening on" in self.stderr():
                return
            time.sleep(0.02)
        fail("xchatd did not start listening")

    def stderr(self):
        self.err.flush()
        with open(os.path.join(self.dir, "xchatd.err"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def client(self, **kw):
        return Client(self.port, **kw)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("xchatd did not exit within %ds of signal %d" % (timeout, sig))

    def logtext(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def records(self):
        return [record(l) for l in self.logtext().splitlines()]

    def __enter__(self):
        return self

    def __exit__(self, *a):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Client:
    """A scripted protocol client with a line reader and timeouts."""

    def __init__(self, port, host="127.0.0.1", handshake=True, timeout=5):
        self.sock = socket.create_connection((host, port), timeout)
        self.sock.settimeout(timeout)
        self.buf = b""
        self.timeout = timeout
        self.id = None
        self.nick = None
        self.users = []
        self.history = []
        if handshake:
            self.handshake()

    def handshake(self):
        w = self.expect("WELCOME")
        f = w.split(b" ")
        check(len(f) == 4 and f[3] == b"1", "bad WELCOME: %r" % w)
        self.id = int(f[1])
        self.nick = f[2].decode()
        while True:
            l = self.line()
            if l.startswith(b"USER "):
                self.users.append(l)
            elif l.startswith(b"MSG "):
                self.history.append(l)
            elif l.startswith(b"READY "):
                check(int(l.split(b" ")[1]) == len(self.users),
                      "READY count %r vs %d USER" % (l, len(self.users)))
                return
            else:
                fail("unexpected frame in handshake: %r" % l)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def sendline(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.send(data + b"\n")

    def msg(self, seq, text, digest=None):
        if isinstance(text, str):
            text = text.encode()
        d = digest if digest is not None else md5(text)
        self.sendline(b"MSG %s %s %s" % (str(seq).encode(), d.encode(), text))

    def line(self, timeout=None):
        """Next frame without its LF; raises on timeout or close."""
        end = time.time() + (timeout or self.timeout)
        while b"\n" not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError("no frame; have %r" % self.buf[:200])
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                raise TimeoutError("no frame; have %r" % self.buf[:200])
            if not d:
                raise EOFError("connection closed; have %r" % self.buf[:200])
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l

    def expect(self, prefix, timeout=None, skip=()):
        """Read frames until one starts with prefix (bytes or str).
        Frames starting with an entry of skip are ignored; any other
        frame is a failure."""
        if isinstance(prefix, str):
            prefix = prefix.encode()
        skip = tuple(s.encode() if isinstance(s, str) else s for s in skip)
        while True:
            try:
                l = self.line(timeout)
            except (TimeoutError, EOFError) as e:
                fail("waiting for %r: %s" % (prefix, e))
            if l.startswith(prefix):
                return l
            if skip and l.startswith(skip):
                continue
            fail("expected %r, got %r" % (prefix, l))

    def closed(self, timeout=None):
        """True if the server closes the connection (after any frames)."""
        try:
            while True:
                self.line(timeout)
        except EOFError:
            return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()
