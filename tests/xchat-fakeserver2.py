#!/usr/bin/env python3
"""xchat-fakeserver2.py -- a scripted version 2 xchat server for the
client's tests (issue 12): TLS 1.3 with ALPN xchat/2 (Python's ssl),
asking for a client certificate it need not trust; it waits for the
client's HELLO <n>, greets with WELCOME <id> <nick> 2 <key>, USER lines
with keys, a history of signed, unsigned and FORGED messages (with
their <time>), READY; answers KEY <id> with the SPKI of that user's
key (KEY <id> - - for an id it knows no key for); checks the client's
signatures (NAK <seq> badsig when one does not verify, or when an
anonymous client signs) and answers OK otherwise.

Scripted users: #1 ana (key A), #2 bob (no key), #3 cid (key B).
Keys A and B are RFC 8032's TEST 1 and TEST 2 keys.

  --trust-client FILE  the client's key file (key and certificate in
                       one PEM): its certificate is accepted (read at
                       each connection, so it may be made after start)
  --hold-keys          do not answer KEY until "release" on stdin
  --rekey              from the second connection on, ana has key B
  --noana              from the second connection on, ana has no key
  --nak-badsig         answer every signed MSG with NAK <seq> badsig

Commands on stdin, one per line, to every connected client:
  say ID TEXT     a live MSG from user ID, signed with its key
  plain ID TEXT   the same, unsigned
  forge ID TEXT   the same, signed with the other key (A<->B)
  release         answer the KEY requests held so far, and from now on
  drop            close every connection
  deny            BYE denied to every connection, then close it (as
                  xchatd -access members to an unknown key)
  timeout         BYE timeout to every connection, then close it (as a
                  server that waited too long for HELLO)
  dm ID TEXT      a private message (DM) from user ID, signed for the
                  client's key (issue 13)
  forgedm ID TEXT the same, signed with the other key
  away ID [TEXT]  user ID is away (or back, without TEXT)
  kick [REASON]   BYE kicked REASON to every client, then close
  history         from now on, the history also replays every message
                  the clients sent (and got OK for), with its number

The client's DM <seq> <to> <md5> <sig> <text> is checked like a MSG
(the signature over "xchat/2 dm" 0 <recipient key or -> 0 <text>) and
answered OK, or NAK <seq> nouser for an id that is not a user; its
AWAY is echoed as AWAY <its id> [text].  Every frame is logged.

Usage: xchat-fakeserver2.py PORT [options].  Prints "ready FP" (FP: the
server certificate's key fingerprint, for xchat -trust) once listening;
logs frames to stderr.  Needs python3-cryptography (Debian 12's 38 is
enough).
"""
import base64
import datetime
import hashlib
import os
import socket
import ssl
import sys
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

RFC_A = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC_B = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
HIST_TIME = b"2026-11-30T09:15:00.000Z"


def spki(pub):
    return pub.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def fp(pub):
    return b"sha256:" + hashlib.sha256(spki(pub)).hexdigest().encode()


def md5(b):
    return hashlib.md5(b).hexdigest().encode()


def now_time():
    t = datetime.datetime.utcnow()
    return t.strftime("%Y-%m-%dT%H:%M:%S.").encode() + \
        b"%03dZ" % (t.microsecond // 1000)


class Key:
    def __init__(self, hexkey):
        self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(
            bytes.fromhex(hexkey))
        self.pub = self.priv.public_key()
        self.fp = fp(self.pub)
        self.spki = base64.b64encode(spki(self.pub))

    def sign(self, text):
        return base64.b64encode(self.priv.sign(b"xchat/2 msg\0" + text))

    def sign_dm(self, rkey, text):
        return base64.b64encode(self.priv.sign(b"xchat/2 dm\0" + rkey +
                                               b"\0" + text))


A, B = Key(RFC_A), Key(RFC_B)


def server_files(d):
    """A self-signed Ed25519 certificate for the server, in d."""
    k = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(k.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(k, None))
    kp, cp = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
    with open(kp, "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    with open(cp, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return cp, kp, fp(k.public_key())


class Server:
    def __init__(self, port, opts):
        self.opts = opts
        self.trust = opts[opts.index("--trust-client") + 1] \
            if "--trust-client" in opts else None
        self.hold = "--hold-keys" in opts
        self.held = []
        self.lock = threading.Lock()
        self.conns = []
        self.nconn = 0
        self.n = 3                      # the history's last number
        self.sent = []                  # (n, text) the clients sent
        self.replay = False
        self.next_id = 10
        self.dir = tempfile.mkdtemp(prefix="xchat-fake2.")
        self.cert, self.key, self.fp = server_files(self.dir)
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", port))
        self.ls.listen(16)

    def context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.load_cert_chain(self.cert, self.key)
        ctx.set_alpn_protocols(["xchat/2"])
        if self.trust and os.path.exists(self.trust):
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(self.trust)
        return ctx

    def users(self, nconn):
        """id -> (nick, Key or None) for this connection."""
        ana = A
        if nconn >= 2 and "--rekey" in self.opts:
            ana = B
        if nconn >= 2 and "--noana" in self.opts:
            ana = None
        return {1: (b"ana", ana), 2: (b"bob", None), 3: (b"cid", B)}

    def send(self, c, line):
        sys.stderr.write("fake2-> %r\n" % line[:120])
        try:
            with self.lock:
                c["s"].sendall(line + b"\n")
        except OSError:
            pass

    def msg(self, c, n, uid, text, how, time=None):
        nick, key = c["users"].get(uid, (b"x%d" % uid, None))
        if how == "plain" or key is None and how != "forge":
            sig = b"-"
        elif how == "forge":
            sig = (B if key is not B else A).sign(text)
        else:
            sig = key.sign(text)
        self.send(c, b"MSG %d %s %d %s %s %s %s" % (
            n, time or now_time(), uid, nick, md5(text), sig, text))

    def greet(self, c, hello):
        c["users"] = self.users(c["nconn"])
        cid = self.next_id
        self.next_id += 1
        c["id"] = cid
        self.send(c, b"WELCOME %d user%d 2 %s" % (cid, cid, c["key"]))
        for uid, (nick, key) in sorted(c["users"].items()):
            self.send(c, b"USER %d %s %s" % (uid, nick,
                                             key.fp if key else b"-"))
        hist = [(1, 1, b"bom dia (assinada)", "sign"),
                (2, 2, b"oi (sem assinatura)", "plain"),
                (3, 1, b"sou a ana (forjada)", "forge")]
        for n, uid, text, how in hist:
            if n > hello:
                self.msg(c, n, uid, text, how, HIST_TIME)
        if self.replay:
            for n, text in self.sent:
                if n > hello:
                    self.send(c, b"MSG %d %s %d %s %s - %s" % (
                        n, HIST_TIME, cid, b"user%d" % cid, md5(text),
                        text))
        self.send(c, b"READY %d" % len(c["users"]))

    def keyreq(self, c, uid):
        nick, key = c["users"].get(uid, (None, None))
        if key is None:
            self.send(c, b"KEY %d - -" % uid)
        else:
            self.send(c, b"KEY %d %s %s" % (uid, key.fp, key.spki))

    def client_msg(self, c, f):
        # MSG <seq> <md5> <sig> <text>
        seq, dig, sig, text = f[1], f[2], f[3], f[4]
        if sig != b"-" and "--nak-badsig" in self.opts:
            self.send(c, b"NAK %s badsig" % seq)
            return
        ok = md5(text) == dig.lower()
        if ok and sig != b"-":
            ok = c["pub"] is not None
            if ok:
                try:
                    c["pub"].verify(base64.b64decode(sig, validate=True),
                                    b"xchat/2 msg\0" + text)
                except Exception:
                    ok = False
            if not ok:
                self.send(c, b"NAK %s badsig" % seq)
                return
        if not ok:
            self.send(c, b"NAK %s badhash" % seq)
            return
        with self.lock:
            self.n += 1
            n = self.n
            self.sent.append((n, text))
        self.send(c, b"OK %s %d" % (seq, n))

    def client_dm(self, c, line):
        # DM <seq> <to> <md5> <sig> <text>
        f = line.split(b" ", 5)
        if len(f) != 6:
            self.send(c, b"ERR syntax DM")
            return
        seq, to, dig, sig, text = f[1], int(f[2]), f[3], f[4], f[5]
        if to not in c["users"]:
            self.send(c, b"NAK %s nouser" % seq)
            return
        ok = md5(text) == dig.lower()
        if ok and sig != b"-":
            key = c["users"][to][1]
            data = b"xchat/2 dm\0" + (key.fp if key else b"-") + b"\0" + \
                text
            try:
                c["pub"].verify(base64.b64decode(sig, validate=True), data)
            except Exception:
                self.send(c, b"NAK %s badsig" % seq)
                return
        if not ok:
            self.send(c, b"NAK %s badhash" % seq)
            return
        with self.lock:
            self.n += 1
            n = self.n
        self.send(c, b"OK %s %d" % (seq, n))

    def dm(self, c, n, uid, text, forge):
        nick, key = c["users"].get(uid, (b"x%d" % uid, None))
        if key is None:
            sig = b"-"
        else:
            k = (B if key is not B else A) if forge else key
            sig = k.sign_dm(c["key"], text)
        self.send(c, b"DM %d %s %d %s %s %s %s" % (
            n, now_time(), uid, nick, md5(text), sig, text))

    def serve(self, raw):
        try:
            s = self.context().wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            sys.stderr.write("fake2: handshake failed: %s\n" % e)
            raw.close()
            return
        der = s.getpeercert(binary_form=True)
        pub = x509.load_der_x509_certificate(der).public_key() \
            if der else None
        with self.lock:
            self.nconn += 1
            c = {"s": s, "pub": pub, "key": fp(pub) if pub else b"-",
                 "nconn": self.nconn, "users": {}}
            self.conns.append(c)
        sys.stderr.write("fake2: connection %d alpn %s key %s\n" % (
            c["nconn"], s.selected_alpn_protocol(), c["key"]))
        buf = b""
        hello = None
        while True:
            try:
                d = s.recv(65536)
            except OSError:
                d = b""
            if not d:
                break
            buf += d
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.rstrip(b"\r")
                sys.stderr.write("fake2<- %r\n" % line[:120])
                f = line.split(b" ", 4)
                if hello is None:
                    if f[0] != b"HELLO" or len(f) != 2:
                        self.send(c, b"ERR syntax HELLO")
                        continue
                    hello = int(f[1])
                    self.greet(c, hello)
                elif f[0] == b"KEY" and len(f) == 2:
                    with self.lock:
                        held = self.hold
                        if held:
                            self.held.append((c, int(f[1])))
                    if not held:
                        self.keyreq(c, int(f[1]))
                elif f[0] == b"MSG" and len(f) == 5:
                    self.client_msg(c, f)
                elif f[0] == b"DM":
                    self.client_dm(c, line)
                elif f[0] == b"AWAY":
                    self.send(c, b"AWAY %d%s" % (
                        c["id"], line[4:]))
                elif f[0] == b"PING" and len(f) == 2:
                    self.send(c, b"PONG " + f[1])
                elif f[0] == b"NICK" and len(f) == 2:
                    self.send(c, b"NICK %d %s" % (c["id"], f[1]))
                elif f[0] == b"QUIT":
                    self.send(c, b"BYE quit")
                    s.close()
                    break
        with self.lock:
            if c in self.conns:
                self.conns.remove(c)
        try:
            s.close()
        except OSError:
            pass

    def command(self, line):
        f = line.split(b" ", 2)
        with self.lock:
            conns = list(self.conns)
        if f[0] in (b"say", b"plain", b"forge") and len(f) == 3:
            with self.lock:
                self.n += 1
                n = self.n
            for c in conns:
                self.msg(c, n, int(f[1]), f[2], f[0].decode().replace(
                    "say", "sign"))
        elif f[0] in (b"dm", b"forgedm") and len(f) == 3:
            with self.lock:
                self.n += 1
                n = self.n
            for c in conns:
                self.dm(c, n, int(f[1]), f[2], f[0] == b"forgedm")
        elif f[0] == b"away" and len(f) >= 2:
            for c in conns:
                self.send(c, b"AWAY %s%s" % (f[1], b" " + f[2]
                                             if len(f) == 3 else b""))
        elif f[0] == b"kick":
            for c in conns:
                self.send(c, b"BYE kicked" + (b" " + f[1]
                                              if len(f) > 1 else b""))
                try:
                    c["s"].shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        elif f[0] == b"history":
            self.replay = True
        elif f[0] == b"release":
            with self.lock:
                self.hold = False
                held, self.held = self.held, []
            for c, uid in held:
                self.keyreq(c, uid)
        elif f[0] in (b"timeout", b"deny"):
            for c in conns:
                self.send(c, b"BYE timeout" if f[0] == b"timeout"
                          else b"BYE denied")
                try:
                    c["s"].shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        elif f[0] == b"drop":
            for c in conns:
                try:
                    c["s"].shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        sys.stdout.write("done %s\n" % f[0].decode())
        sys.stdout.flush()

    def stdin(self):
        for line in sys.stdin.buffer:
            self.command(line.rstrip(b"\n"))

    def run(self):
        threading.Thread(target=self.stdin, daemon=True).start()
        print("ready %s" % self.fp.decode(), flush=True)
        while True:
            raw, _ = self.ls.accept()
            threading.Thread(target=self.serve, args=(raw,),
                             daemon=True).start()


if __name__ == "__main__":
    try:
        Server(int(sys.argv[1]), sys.argv[2:]).run()
    except KeyboardInterrupt:
        pass
