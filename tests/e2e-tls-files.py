"""e2e-tls-files.py -- xchatd's key and certificate files (issue 11).
Made once in the state directory (0700; files 0600) and reused: the
same fingerprint after a restart and from -fingerprint, equal to what
openssl computes over the key (when openssl is installed), the
certificate the TLS clients get; -tlscert/-tlskey used as given.  Each
bad setup is one clear line on stderr and exit status 1 with nothing
written (no log, no key made): a key or certificate that is missing,
unreadable (as root: read by nobody), a directory or a FIFO, a key open
to others (0644), a key that does not match the certificate, -tlscert
without -tlskey and the reverse, corrupt, empty or huge PEM files, a
state directory that is a file, group or world writable, or holds only
one of the two files, no HOME and no -statedir (even with -tlsport 0:
the accounts file lives there too)."""
import hashlib
import os
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

T = tempfile.mkdtemp(prefix="xchat-tlsfiles.")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def snapshot(d):
    """Every file under d with its bytes, mode and mtime."""
    out = {}
    for root, dirs, files in os.walk(d):
        for f in files + dirs:
            p = os.path.join(root, f)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                out[p] = (open(p, "rb").read(), st.st_mode, st.st_mtime_ns)
            else:           # a directory's mtime changes with its files
                out[p] = (None, st.st_mode, None)
    return out


def fingerprint(statedir=None, env=None, *args):
    """xchatd -fingerprint: (exit status, stdout, stderr)."""
    cmd = [xc.XCHATD, "-fingerprint"] + list(args)
    if statedir is not None:
        cmd += ["-statedir", statedir]
    r = subprocess.run(cmd, capture_output=True, timeout=30, cwd=T,
                       env=env)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def refused(what, args, want, env=None, **kw):
    """A server started with args must exit 1 before serving, with one
    line on stderr that contains every string in want, and create no
    log file.  kw go to Popen (user=...)."""
    log = os.path.join(T, "never.log")
    cmd = [xc.XCHATD, "-headless", "-port", str(xc.free_port()),
           "-tlsport", str(xc.free_port()), "-logfile", log] + list(args)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, cwd="/", **kw)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        xc.fail("%s: the server started" % what)
    err = err.decode()
    check(p.returncode == 1, "%s: exit %d, want 1 (%r)" % (what, p.returncode,
                                                          err))
    lines = err.strip().splitlines()
    check(len(lines) == 1 and lines[0].startswith("xchatd: "),
          "%s: want one line on stderr, got %r" % (what, err))
    for w in want:
        check(w in lines[0], "%s: %r does not say %r" % (what, lines[0], w))
    check(out == b"", "%s: stdout %r" % (what, out))
    check(not os.path.exists(log), "%s: the log was created" % what)
    return lines[0]


# 1. Made once, in a state directory made with its parents.
state = os.path.join(T, "home", "deep", "state")
with xc.Server("-statedir", state) as srv:
    f1 = srv.fingerprint
    check(f1 and len(f1) == 71, "a fingerprint at start: %r" % f1)
    check("made a new key and certificate in %s" % state in srv.stderr(),
          "says it made a key: %r" % srv.stderr())
    check(mode(state) == 0o700, "state directory mode %o" % mode(state))
    key = os.path.join(state, "key.pem")
    cert = os.path.join(state, "cert.pem")
    check(sorted(os.listdir(state)) == ["cert.pem", "key.pem"],
          "state directory: %r" % os.listdir(state))
    check(mode(key) == 0o600 and mode(cert) == 0o600,
          "key %o, certificate %o: want 0600" % (mode(key), mode(cert)))
    check(open(key).read().startswith("-----BEGIN PRIVATE KEY-----"),
          "key in PKCS#8 PEM")
    s = xc.tls_connect(srv.tlsport, cafile=cert)
    check(s.getpeercert(binary_form=True) ==
          ssl.PEM_cert_to_DER_cert(open(cert).read()),
          "the server presents cert.pem")
    s.close()
    c = srv.plain_client()
    c.sendline("QUIT")
    c.expect("BYE quit", skip=("LEAVE",))   # the TLS client's may come
    check(srv.stop() == 0, "exit 0")
    start = [r for r in srv.records() if r[7] == "start"]
    check(start and f1 in "\t".join(start[0]),
          "the log's start record names the key: %r" % start)
before = snapshot(state)

# 2. Reused: same files, same fingerprint, nothing rewritten.
with xc.Server("-statedir", state) as srv:
    check(srv.fingerprint == f1, "fingerprint after a restart: %s, was %s"
          % (srv.fingerprint, f1))
    check("made a new key" not in srv.stderr(), "made a key again")
    c = srv.tls_client()
    check(c.id == 1, "a TLS client of the restarted server")
    check(srv.stop() == 0, "exit 0")
check(snapshot(state) == before, "the state directory changed on restart")
rc, out, err = fingerprint(state)
check(rc == 0 and out == f1 + "\n" and err == "",
      "-fingerprint: %d %r %r" % (rc, out, err))
check(snapshot(state) == before, "-fingerprint changed the state directory")
check(os.listdir(T) == ["home"], "-fingerprint wrote files: %r"
      % os.listdir(T))

# 3. What openssl computes: SHA-256 of the DER SubjectPublicKeyInfo,
# from the key and from the certificate.
if shutil.which("openssl"):
    der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout",
                          "-outform", "DER"], capture_output=True, check=True)
    check("sha256:" + hashlib.sha256(der.stdout).hexdigest() == f1,
          "openssl pkey | sha256sum differs from %s" % f1)
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-noout",
                          "-pubkey"], capture_output=True, check=True)
    der2 = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"],
                          input=pub.stdout, capture_output=True, check=True)
    check(der2.stdout == der.stdout, "the certificate's key is the key")
    txt = subprocess.run(["openssl", "x509", "-in", cert, "-noout",
                          "-text"], capture_output=True, check=True)
    check(b"ED25519" in txt.stdout, "an Ed25519 certificate")
else:
    print("e2e-tls-files: no openssl here: its cross-check not run")

# 4. -fingerprint on a new directory makes the key, once; another
# directory, another key.
other = os.path.join(T, "other")
rc, out, err = fingerprint(other)
f2 = out.strip()
check(rc == 0 and len(f2) == 71 and f2 != f1, "-fingerprint of a new "
      "directory: %d %r %r" % (rc, out, err))
check(sorted(os.listdir(other)) == ["cert.pem", "key.pem"], "made there")
rc, out, err = fingerprint(other)
check(rc == 0 and out.strip() == f2, "-fingerprint again: %r" % out)
okey = os.path.join(other, "key.pem")
ocert = os.path.join(other, "cert.pem")

# 4b. Servers started at once on a new state directory make one key
# between them, not a mix of two (a key that matches no certificate)
# nor a different key each: eight -fingerprint at once, three times.
for k in range(3):
    d = os.path.join(T, "race%d" % k)
    ps = [subprocess.Popen([xc.XCHATD, "-fingerprint", "-statedir", d],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd=T) for _ in range(8)]
    outs = [(p.communicate(timeout=60), p.returncode) for p in ps]
    fps = set(o[0].decode() for o, rc in outs)
    check(all(rc == 0 for o, rc in outs) and len(fps) == 1,
          "eight at once made %d keys: %r" % (len(fps), outs))
    rc, out, err = fingerprint(d)
    check(rc == 0 and out in fps, "after the race: %d %r %r"
          % (rc, out, err))

# 5. -tlscert and -tlskey as given; no state directory is made.
given = os.path.join(T, "given")
os.mkdir(given, 0o700)
gkey = os.path.join(given, "k.pem")
gcert = os.path.join(given, "c.pem")
shutil.copy(key, gkey)
shutil.copy(cert, gcert)
os.chmod(gkey, 0o640)           # group-readable is fine, others not
unused = os.path.join(T, "unused")
with xc.Server("-tlscert", gcert, "-tlskey", gkey, "-statedir",
               unused) as srv:
    check(srv.fingerprint == f1, "-tlscert/-tlskey: %s" % srv.fingerprint)
    c = srv.tls_client()
    check(c.id == 1, "a TLS client with the given certificate")
    check(srv.stop() == 0, "exit 0")
check(not os.path.exists(os.path.join(unused, "key.pem")) and
      not os.path.exists(os.path.join(unused, "cert.pem")),
      "a key was made though -tlscert and -tlskey were given")

# 6. Bad setups: one line, exit 1, nothing written.
s0 = snapshot(T)
refused("-tlscert alone", ["-tlscert", gcert], ["-tlscert", "-tlskey"])
refused("-tlskey alone", ["-tlskey", gkey], ["-tlscert", "-tlskey"])
missing = os.path.join(T, "no-such.pem")
refused("a missing key", ["-tlscert", gcert, "-tlskey", missing],
        [missing, "No such file"])
refused("a missing certificate", ["-tlscert", missing, "-tlskey", gkey],
        [missing, "No such file"])
refused("a key that is a directory", ["-tlscert", gcert, "-tlskey",
        given], [given, "directory"])
refused("a certificate that is a directory", ["-tlscert", given,
        "-tlskey", gkey], [given, "directory"])
fifo = os.path.join(T, "fifo.pem")
os.mkfifo(fifo, 0o600)          # opening it for reading would block
refused("a key that is a FIFO", ["-tlscert", gcert, "-tlskey", fifo],
        [fifo, "not a regular file"])
refused("a certificate that is a FIFO", ["-tlscert", fifo, "-tlskey",
        gkey], [fifo, "not a regular file"])
# Unreadable files: mode 000; root reads those, so as root the server
# runs as nobody, on files of root's that nobody may not read.
unr = tempfile.mkdtemp(prefix="xchat-unreadable.")
os.chmod(unr, 0o711)
ukey = os.path.join(unr, "k.pem")
ucert = os.path.join(unr, "c.pem")
shutil.copy(gkey, ukey)
shutil.copy(gcert, ucert)
os.chmod(ucert, 0o644)
if os.geteuid() == 0:
    nobody = dict(user=65534, group=65534, extra_groups=[])
    os.chmod(ukey, 0o600)
    refused("an unreadable key", ["-tlscert", ucert, "-tlskey", ukey],
            [ukey, "Permission denied"], **nobody)
    os.chown(ukey, 65534, 65534)
    os.chmod(ucert, 0o600)
    refused("an unreadable certificate", ["-tlscert", ucert, "-tlskey",
            ukey], [ucert, "Permission denied"], **nobody)
else:
    os.chmod(ukey, 0)
    refused("an unreadable key", ["-tlscert", ucert, "-tlskey", ukey],
            [ukey, "Permission denied"])
    os.chmod(ukey, 0o600)
    os.chmod(ucert, 0)
    refused("an unreadable certificate", ["-tlscert", ucert, "-tlskey",
            ukey], [ucert, "Permission denied"])
shutil.rmtree(unr)
os.chmod(gkey, 0o644)
refused("a key open to others", ["-tlscert", gcert, "-tlskey", gkey],
        [gkey, "open to others", "0644"])
os.chmod(gkey, 0o604)
refused("a key readable by others only", ["-tlscert", gcert, "-tlskey",
        gkey], [gkey, "open to others"])
os.chmod(gkey, 0o600)
refused("a key that does not match", ["-tlscert", ocert, "-tlskey", gkey],
        [gkey, ocert, "does not match"])
bad = os.path.join(T, "bad.pem")


def badfile(data, m=0o600):
    with open(bad, "wb") as f:
        f.write(data)
    os.chmod(bad, m)


pem = open(gkey, "rb").read()
badfile(pem.replace(pem.splitlines()[1][:20], b"!" * 20))
refused("a corrupt key", ["-tlscert", gcert, "-tlskey", bad],
        [bad, "no key"])
badfile(b"")
refused("an empty key", ["-tlscert", gcert, "-tlskey", bad], [bad])
badfile(open(gcert, "rb").read())
refused("a certificate given as the key", ["-tlscert", gcert, "-tlskey",
        bad], [bad, "no key"])
cpem = open(gcert, "rb").read()
badfile(cpem[:len(cpem) // 2], 0o644)
refused("half a certificate", ["-tlscert", bad, "-tlskey", gkey],
        [bad, "certificate"])
badfile(pem, 0o644)
os.chmod(bad, 0o644)
refused("a key given as the certificate", ["-tlscert", bad, "-tlskey",
        gkey], [bad, "certificate"])
badfile(b"-----BEGIN PRIVATE KEY-----\n" + b"A" * (2 << 20), 0o600)
refused("a 2 MiB key", ["-tlscert", gcert, "-tlskey", bad],
        [bad, "1 MiB"])
os.unlink(bad)
os.unlink(fifo)
os.chmod(gkey, 0o640)           # as it was
s1 = snapshot(T)
check(s1 == s0, "a refused start changed files: %r"
      % sorted(set(s1.items()) ^ set(s0.items()))[:4])

# The state directory: a file, writable by others, half a pair.
afile = os.path.join(T, "afile")
open(afile, "w").write("x")
refused("a state directory that is a file", ["-statedir", afile],
        [afile, "not a directory"])
refused("a state directory under a file", ["-statedir",
        os.path.join(afile, "state")], [afile])
for m in (0o770, 0o707, 0o777):
    d = os.path.join(T, "open%o" % m)
    os.mkdir(d)
    os.chmod(d, m)
    refused("a state directory of mode %o" % m, ["-statedir", d],
            [d, "written by others"])
    check(os.listdir(d) == [], "a key was made in an open directory")
    rc, out, err = fingerprint(d)
    check(rc == 1 and out == "" and "written by others" in err,
          "-fingerprint on mode %o: %d %r %r" % (m, rc, out, err))
half = os.path.join(T, "half")
os.mkdir(half, 0o700)
shutil.copy(cert, os.path.join(half, "cert.pem"))
refused("a certificate without its key", ["-statedir", half],
        [os.path.join(half, "key.pem"), os.path.join(half, "cert.pem")])
os.rename(os.path.join(half, "cert.pem"), os.path.join(half, "key.pem"))
os.chmod(os.path.join(half, "key.pem"), 0o600)
refused("a key without its certificate", ["-statedir", half],
        [os.path.join(half, "key.pem"), os.path.join(half, "cert.pem")])
check(os.listdir(half) == ["key.pem"], "the half pair was completed")
os.chmod(key, 0o644)
refused("the state directory's key open to others", ["-statedir", state],
        [key, "open to others"])
os.chmod(key, 0o600)
check(snapshot(state) == before, "the state directory's key was rewritten")
rc, out, err = fingerprint(state)
check(rc == 0 and out.strip() == f1, "the key back to 0600: %r" % out)

# No HOME and no -statedir: a clear error, not a key made in "/".
env = dict(os.environ)
env.pop("HOME", None)
refused("no HOME, no -statedir", [], ["HOME", "-statedir"], env=env)
env["HOME"] = ""
refused("an empty HOME, no -statedir", [], ["HOME", "-statedir"], env=env)
rc, out, err = fingerprint(None, env)
check(rc == 1 and "HOME" in err, "-fingerprint without HOME: %r" % err)
# The state directory holds the accounts file too: -tlsport 0 needs it
# all the same; with -statedir, no HOME is needed.
env.pop("HOME")
refused("-tlsport 0, no HOME, no -statedir", ["-tlsport", "0"],
        ["HOME", "-statedir"], env=env)
port = xc.free_port()
log = os.path.join(T, "plain.log")
p = subprocess.Popen([xc.XCHATD, "-headless", "-port", str(port),
                      "-tlsport", str(xc.free_port()), "-statedir",
                      os.path.join(T, "nohome"), "-logfile", log], env=env,
                     cwd=T, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = b""
while b"TLS on" not in line:
    l = p.stderr.readline()
    check(l, "-statedir without HOME: %r" % line)
    line += l
c = xc.Client(port)
check(c.id == 1, "no HOME, -statedir: a client")
p.terminate()
check(p.wait(timeout=20) == 0, "exit 0")
p.stderr.close()

print("e2e-tls-files: ok (%s)" % f1)
