"""e2e-logverify.py -- what -verifylog catches in a log rewritten by
someone who can write the file (issue 10, 7; issue 12: signatures).

The chain has no secret: whoever rewrites a record can compute the
chain again for every record after it.  Such a forger can still not
make message numbers repeat or go backwards within a run of the server
without -verifylog saying so: swapping two accepted records, or
duplicating one, is reported (exit 1, with the line number) even with
a freshly computed chain.  Records cut off the end of a single file
cannot be detected (the man page says so): that file verifies.

Log format 2 (issue 12): a log written here by hand, its signatures
made by OpenSSL (another implementation of Ed25519, as other programs
will verify ours), verifies, with the messages counted per key by
their full fingerprints; an edited text (its MD5 and the chain
computed again), an edited signature and a swapped key are reported
with their line numbers; numbers go on across a start record of log
format 2.  The old layout's fixture (tests/data/log-format1*) still
verifies, alone and as a series."""
import base64
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

GENESIS = "0" * 64
SRCDIR = os.environ.get("srcdir",
                        os.path.dirname(os.path.abspath(__file__)) + "/..")


def rechain(lines):
    """Compute the chain of every record again, as a forger would."""
    prev, out = GENESIS, []
    for l in lines:
        body = l[:l.rfind(b"\t") + 1]
        prev = hashlib.sha256(prev.encode() + body).hexdigest()
        out.append(body + prev.encode())
    return out


def verify_files(*paths):
    r = subprocess.run([xc.XCHATD, "-verifylog"] + list(paths),
                       capture_output=True)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def verify(path, lines):
    with open(path, "wb") as f:
        f.write(b"".join(l + b"\n" for l in lines))
    return verify_files(path)


# --- A real server's log (the layout of log format 2). ---
with xc.Server() as srv:
    c = srv.client()
    for i in range(1, 5):
        c.msg(i, "mensagem %d" % i)
        c.expect("OK %d %d" % (i, i))
    check(srv.stop() == 0, "server did not exit 0")
# A second run on the same log: the chain goes on, still good.
with xc.Server(logfile=srv.log) as srv2:
    c = srv2.client()
    c.msg(1, "de novo")
    c.expect("OK 1 ")
    check(srv2.stop() == 0, "second server did not exit 0")

with open(srv.log, "rb") as f:
    lines = f.read().splitlines()
recs = [xc.record(l) for l in lines]
check(all(r.format == 2 for r in recs), "not all records in format 2")
kinds = [r[7] for r in recs]
check(kinds == [b"start"] + [b"accepted"] * 4 + [b"start", b"accepted"],
      "unexpected log: %r" % kinds)
path = os.path.join(srv.dir, "forged.txt")

rc, out = verify(path, lines)
check(rc == 0, "the log as written: " + out)
check("forged.txt: 7 records, 7 good, 0 bad\n" in out and
      "forged.txt: 5 messages: 0 signed and good, 0 with a bad signature, "
      "5 unsigned\n" in out, "summary lines: " + out)
rc, out = verify(path, rechain(lines))
check(rc == 0, "chain computed again, nothing changed: " + out)
# One record, one message: singular forms.
rc, out = verify(path, lines[:1])
check(rc == 0 and "forged.txt: 1 record, 1 good, 0 bad\n" in out and
      "forged.txt: 0 messages: " in out, "one record: " + out)
rc, out = verify(path, lines[:2])
check(rc == 0 and "forged.txt: 2 records, 2 good, 0 bad\n" in out and
      "forged.txt: 1 message: 0 signed and good" in out, "one message: " + out)

# Two accepted records swapped (numbers 3, 2), chain recomputed.
sw = lines[:2] + [lines[3], lines[2]] + lines[4:]
rc, out = verify(path, rechain(sw))
check(rc == 1 and ":4: " in out and "number" in out,
      "swapped records not reported: exit %d: %s" % (rc, out))

# A record duplicated, chain recomputed.
dup = lines[:3] + [lines[2]] + lines[3:]
rc, out = verify(path, rechain(dup))
check(rc == 1 and ":4: " in out and "number" in out,
      "duplicated record not reported: exit %d: %s" % (rc, out))

# Cutting records off the end of one file is not detectable.
rc, out = verify(path, lines[:-2])
check(rc == 0, "a file cut at a record boundary verifies: " + out)


# --- Log format 2 with signatures made by OpenSSL. ---
def openssl(*args, data=None):
    r = subprocess.run(["openssl"] + list(args), input=data,
                       capture_output=True)
    check(r.returncode == 0, "openssl %s: %s" % (args, r.stderr))
    return r.stdout


try:
    subprocess.run(["openssl", "version"], capture_output=True)
except OSError:
    print("no openssl: skipped")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="xchat-logverify.")


class Key:
    def __init__(self, name):
        self.pem = os.path.join(tmp, name + ".pem")
        openssl("genpkey", "-algorithm", "ed25519", "-out", self.pem)
        der = openssl("pkey", "-in", self.pem, "-pubout", "-outform", "DER")
        self.spki = base64.b64encode(der).decode()
        self.fp = "sha256:" + hashlib.sha256(der).hexdigest()

    def sign(self, data):
        d = os.path.join(tmp, "data")
        with open(d, "wb") as f:
            f.write(data)
        sig = openssl("pkeyutl", "-sign", "-rawin", "-inkey", self.pem,
                      "-in", d)
        return base64.b64encode(sig).decode()


ana, bob = Key("ana"), Key("bob")
T = "2026-12-02T10:00:%02d.000Z"


def rec(sec, n, verdict, text, to="-", tokey="-", key=None, sig=None,
        nick="ana", ident=1):
    md5 = hashlib.md5(text.encode()).hexdigest()
    server = verdict == "start"
    f = [T % sec, str(n) if n else "-", str(ident), nick,
         "127.0.0.1:%d" % (4000 + ident), "-" if server else md5, md5,
         verdict, str(to), tokey, key.fp if key else "-",
         key.spki if key else "-", sig or "-",
         text.replace("\\", "\\\\").replace("\t", "\\t"), GENESIS]
    return "\t".join(f).encode()


def signed_msg(key, text):
    return key.sign(b"xchat/2 msg\0" + text.encode())


def signed_dm(key, tokey, text):
    return key.sign(b"xchat/2 dm\0" + tokey.encode() + b"\0" +
                    text.encode())


start = "xchatd 1.1 started, log format 2, listening on 127.0.0.1:12345"
t1, t2, t3 = "Olá, assinado por ana", "bob\tassina", "só para ana"
signed = [
    rec(0, 0, "start", start, nick="xchatd", ident=0),
    rec(1, 1, "accepted", t1, key=ana, sig=signed_msg(ana, t1)),
    rec(2, 2, "accepted", t2, key=bob, sig=signed_msg(bob, t2),
        nick="bob", ident=2),
    rec(3, 3, "accepted", t3, to=1, tokey=ana.fp, key=bob,
        sig=signed_dm(bob, ana.fp, t3), nick="bob", ident=2),
    rec(4, 4, "accepted", "anônimo", nick="user3", ident=3),
    rec(5, 0, "start", start, nick="xchatd", ident=0),
    rec(6, 5, "accepted", "a numeração continua", key=ana),
]
signed = rechain(signed)
p2 = os.path.join(tmp, "signed.txt")
rc, out = verify(p2, signed)
check(rc == 0, "a log signed by OpenSSL: " + out)
check("signed.txt: 5 messages: 3 signed and good, 0 with a bad "
      "signature, 2 unsigned\n" in out, "signature summary: " + out)
check(("signed.txt: key %s: 1 signed and good, 1 unsigned\n" % ana.fp)
      in out and ("signed.txt: key %s: 2 signed and good, 0 unsigned\n"
                  % bob.fp) in out, "per key: " + out)


def forged(i, field, value, text=None):
    """Line i (0-based) with a field replaced, the MD5 of a new text
    and the chain computed again."""
    f = signed[i].split(b"\t")
    if text is not None:
        md5 = hashlib.md5(text.encode()).hexdigest().encode()
        f[5], f[6], f[13] = md5, md5, text.encode()
    if field is not None:
        f[field] = value.encode()
    return rechain(signed[:i] + [b"\t".join(f)] + signed[i + 1:])


def caught(lines, lineno, why, what):
    rc, out = verify(p2, lines)
    check(rc == 1 and ("signed.txt:%d: bad record: " % lineno) in out and
          why in out and "0 good, " not in out,
          "%s not reported on line %d: exit %d: %s"
          % (what, lineno, rc, out))


caught(forged(1, None, None, text="Olá, assinado por ana (alterado)"), 2,
       "signature does not verify", "an edited text")
sig = signed[1].split(b"\t")[12].decode()
caught(forged(1, 12, ("B" if sig[0] == "A" else "A") + sig[1:]), 2,
       "signature does not verify", "an edited signature")
f = forged(1, 10, bob.fp)
f = [b"\t".join(l.split(b"\t")[:11] + [bob.spki.encode()] +
                l.split(b"\t")[12:]) if k == 1 else l
     for k, l in enumerate(f)]
caught(rechain(f), 2, "signature does not verify", "a swapped key")
caught(forged(1, 11, bob.spki), 2, "does not hash to the key fingerprint",
       "another key's public key")
caught(forged(3, 9, bob.fp), 4, "signature does not verify",
       "a DM's recipient changed")
caught(forged(6, 1, "4"), 7, "number not above",
       "a number repeated after a start of log format 2")

# --- The old layout: a rotated pair written before format 2. ---
old1 = os.path.join(SRCDIR, "tests", "data", "log-format1.1")
old2 = os.path.join(SRCDIR, "tests", "data", "log-format1")
rc, out = verify_files(old1, old2)
check(rc == 0 and "log-format1.1: 13 records, 13 good, 0 bad\n" in out and
      "log-format1: 5 records, 5 good, 0 bad, 1 segment record\n" in out and
      "2 files: 18 records, 18 good, 0 bad, 0 broken links between "
      "files\n" in out, "the old fixture: %d: %s" % (rc, out))
rc, out = verify_files(old2, old1)
check(rc == 1 and "does not follow" in out, "old files out of order: " + out)
print("e2e-logverify: ok")
