"""xc.py -- helpers for xchat's end-to-end tests: scripted protocol
clients (plain TCP or TLS 1.3), MD5 of texts, starting a headless
xchatd on free ports (plain and TLS) with its own state directory.

Every test imports it:  sys.path.insert(0, srcdir/tests); import xc
"""
import atexit
import hashlib
import os
import re
import signal
import socket
import ssl
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


_children = []


def reap_at_exit(proc):
    """Kill proc, if it still runs, when the test exits (a failed check
    exits at once: no server or redis-server it started is left)."""
    _children.append(proc)
    return proc


@atexit.register
def _reap():
    for p in _children:
        if p.poll() is None:
            p.kill()
            p.wait()


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
    """A headless xchatd on free ports, with its own log file and state
    directory (so that no test touches ~/.xchatd or port 12346).

    It listens for plain TCP on self.port and, unless tls=False or the
    arguments give -tlsport themselves, for TLS on self.tlsport, with
    the key and certificate it makes in self.statedir (self.cert; its
    fingerprint is self.fingerprint).  client() connects over plain TCP,
    or over TLS if transport="tls" here or tls=True there."""

    def __init__(self, *args, logfile=None, wrap=None, env=None, tls=True,
                 transport="plain"):
        self.dir = tempfile.mkdtemp(prefix="xchat-e2e.")
        self.log = logfile or os.path.join(self.dir, "mensagens_log.txt")
        self.statedir = os.path.join(self.dir, "state")
        self.cert = os.path.join(self.statedir, "cert.pem")
        self.transport = transport
        self.fingerprint = None
        self.wrap = wrap
        self.env = dict(os.environ)
        if env:
            self.env.update(env)
        args = list(args)
        # free_port() finds ports free now: another test may bind them
        # before xchatd does, which then exits saying so.  Ports of our
        # choosing are then chosen again (not those the arguments give).
        ours = "-port" not in args and "-tlsport" not in args
        for _ in range(10 if ours else 1):
            if self.start(args, tls):
                return
        fail("xchatd did not start on any free port: " + self.stderr())

    def start(self, args, tls):
        """Start xchatd on new free ports; wait for its start-up lines.
        False if it exited because a port was taken meanwhile."""
        self.port = free_port()
        self.tlsport = 0
        extra = []
        if "-tlsport" in args:
            self.tlsport = int(args[args.index("-tlsport") + 1])
        elif tls:
            self.tlsport = free_port()
            extra += ["-tlsport", str(self.tlsport)]
        else:
            extra += ["-tlsport", "0"]
        if "-statedir" in args:
            self.statedir = args[args.index("-statedir") + 1]
            self.cert = os.path.join(self.statedir, "cert.pem")
        elif "-tlscert" not in args:
            extra += ["-statedir", self.statedir]
        if "-tlscert" in args:
            self.cert = args[args.index("-tlscert") + 1]
        check(self.tlsport != 0 or self.transport == "plain",
              "a TLS transport needs a TLS port")
        cmd = [XCHATD, "-headless", "-port", str(self.port),
               "-logfile", self.log] + extra + args
        if self.wrap:
            cmd = self.wrap + cmd
        self.err = open(os.path.join(self.dir, "xchatd.err"), "w+b")
        self.proc = reap_at_exit(subprocess.Popen(
            cmd, stdout=self.err, stderr=self.err, env=self.env))
        # Wait for the start-up lines rather than connecting, which
        # would use up client id 1; the TLS line comes after the other.
        deadline = time.time() + 10
        if self.wrap:
            deadline += 50          # valgrind starts slowly
        while time.time() < deadline:
            if self.proc.poll() is not None:
                if "the port is already in use" in self.stderr():
                    return False
                fail("xchatd exited at start: " + self.stderr())
            m = re.search(r"TLS on \S+, server key (sha256:[0-9a-f]{64})\n",
                          self.stderr())
            if m:
                self.fingerprint = m.group(1)
            if "listening on" in self.stderr() and \
                    (self.tlsport == 0 or self.fingerprint):
                return True
            time.sleep(0.02)
        fail("xchatd did not start listening: " + self.stderr())

    def stderr(self):
        self.err.flush()
        with open(os.path.join(self.dir, "xchatd.err"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def client(self, tls=None, **kw):
        """A Client over this server's default transport, or over TLS
        (tls=True) or plain TCP (tls=False); kw as for Client (v2=True:
        a version 2 client, over TLS)."""
        if tls is None:
            tls = self.transport == "tls" or kw.get("v2", False)
        if tls:
            kw.setdefault("cafile", self.cert)
            return Client(self.tlsport, tls=True, **kw)
        return Client(self.port, **kw)

    def tls_client(self, **kw):
        return self.client(tls=True, **kw)

    def plain_client(self, **kw):
        return self.client(tls=False, **kw)

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


class Key:
    """An Ed25519 key and a self-signed certificate for it, made with
    openssl in dir (name.key, name.crt); sign() signs bytes, and
    fingerprint is what xchat calls the key (sha256 of its DER SPKI)."""

    def __init__(self, dir, name):
        self.key = os.path.join(dir, name + ".key")
        self.crt = os.path.join(dir, name + ".crt")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519",
                        "-out", self.key], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["openssl", "req", "-new", "-x509", "-key", self.key,
                        "-out", self.crt, "-subj", "/CN=" + name, "-days",
                        "30"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        der = subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout",
                              "-outform", "DER"], check=True,
                             stdout=subprocess.PIPE).stdout
        self.spki = der
        self.fingerprint = "sha256:" + hashlib.sha256(der).hexdigest()
        from cryptography.hazmat.primitives.serialization import \
            load_pem_private_key
        with open(self.key, "rb") as f:
            self._k = load_pem_private_key(f.read(), None)

    def sign(self, data):
        """The base64 (88 characters) Ed25519 signature of data."""
        import base64
        return base64.b64encode(self._k.sign(data)).decode()

    def sign_msg(self, text):
        if isinstance(text, str):
            text = text.encode()
        return self.sign(b"xchat/2 msg\0" + text)


def verify(spki_der, sig_b64, data):
    """True if sig_b64 is a good Ed25519 signature of data by the key
    whose DER SubjectPublicKeyInfo is spki_der."""
    import base64
    from cryptography.hazmat.primitives.serialization import \
        load_der_public_key
    try:
        load_der_public_key(spki_der).verify(base64.b64decode(sig_b64), data)
        return True
    except Exception:
        return False


def tls_context(cafile=None, alpn=None, maxver=None, cert=None):
    """A client context for TLS 1.3 (maxver may lower the ceiling, for
    tests of refusal).  With cafile the server must present exactly
    that (self-signed) certificate; the name is not checked (tests
    connect to an address).  alpn: a list of protocol names to offer."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if maxver is not None:
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = maxver
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    if cafile is not None:
        ctx.load_verify_locations(cafile)
        # A self-signed end-entity certificate is its own anchor.
        ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    if cert is not None:
        ctx.load_cert_chain(cert.crt, cert.key)
    return ctx


def tls_connect(port, host="127.0.0.1", timeout=5, **kw):
    """A TLS socket to port, its handshake done (raises ssl.SSLError or
    OSError if it fails); kw as for tls_context."""
    s = socket.create_connection((host, port), timeout)
    try:
        return tls_context(**kw).wrap_socket(s)
    except BaseException:
        s.close()
        raise


class Client:
    """A scripted protocol client with a line reader and timeouts."""

    def __init__(self, port, host="127.0.0.1", handshake=True, timeout=5,
                 tls=False, cafile=None, alpn=None, v2=False, key=None,
                 hello=0):
        """tls: over TLS 1.3, verifying the server's certificate against
        cafile if given, offering the ALPN protocols alpn (a list).
        v2: offer xchat/2 and say HELLO <hello> before the handshake,
        presenting key (a Key) if given."""
        if v2:
            tls = True
            alpn = ["xchat/2"]
        if tls:
            self.sock = tls_connect(port, host, timeout, cafile=cafile,
                                    alpn=alpn, cert=key)
        else:
            self.sock = socket.create_connection((host, port), timeout)
        self.tls = tls
        self.v2 = v2
        self.keyobj = key
        self.key = None
        self.hello = hello
        self.sock.settimeout(timeout)
        self.buf = b""
        self.timeout = timeout
        self.id = None
        self.nick = None
        self.users = []
        self.away = {}
        self.history = []
        if handshake:
            self.handshake()

    def handshake(self):
        self.v2 = getattr(self, "v2", False)
        if self.v2:
            self.sendline("HELLO %d" % self.hello)
        w = self.expect("WELCOME")
        f = w.split(b" ")
        if self.v2:
            check(len(f) == 5 and f[3] == b"2", "bad v2 WELCOME: %r" % w)
            self.key = f[4].decode()
        else:
            check(len(f) == 4 and f[3] == b"1", "bad WELCOME: %r" % w)
        self.id = int(f[1])
        self.nick = f[2].decode()
        while True:
            l = self.line()
            if l.startswith(b"USER "):
                self.users.append(l)
            elif l.startswith(b"AWAY ") and self.users:
                # AWAY <id> [<text>] after the USER line of that client
                f = l.split(b" ", 2)
                self.away[int(f[1])] = f[2] if len(f) > 2 else None
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

    def dm(self, seq, to, text, digest=None, sig=None):
        """DM to client id to; on a v2 connection with sig (default:
        signed with the client's key for recipient key tokey "-" if it
        has one, else "-")."""
        if isinstance(text, str):
            text = text.encode()
        d = digest if digest is not None else md5(text)
        head = b"DM %s %s %s" % (str(seq).encode(), str(to).encode(),
                                 d.encode())
        if self.v2:
            if sig is None:
                sig = self.keyobj.sign(b"xchat/2 dm\0-\0" + text) \
                    if self.keyobj else "-"
            head += b" " + sig.encode()
        self.sendline(head + b" " + text)

    def msg(self, seq, text, digest=None, sig=None):
        """MSG; on a v2 connection with sig (default: signed with the
        client's key if it has one, else "-")."""
        if isinstance(text, str):
            text = text.encode()
        d = digest if digest is not None else md5(text)
        if self.v2:
            if sig is None:
                sig = self.keyobj.sign_msg(text) if self.keyobj else "-"
            self.sendline(b"MSG %s %s %s %s" % (str(seq).encode(),
                          d.encode(), sig.encode(), text))
            return
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
            except ssl.SSLError as e:      # an alert, a bad record
                raise EOFError("TLS: %s; have %r" % (e, self.buf[:200]))
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
        except (ConnectionResetError, ssl.SSLError):
            return True

    def close(self):
        self.sock.close()
