"""e2e-clientkey.py -- xchat's key from the command line (issue 12), no
display needed: "xchat -fingerprint" makes the key on first use (and
says so on stderr), prints the fingerprint OpenSSL computes, then the
same one without a word; ~/.xchat is 0700 and the key 0600, the key
then its certificate in one PEM file; -key FILE uses another key (a
bare key from openssl genpkey too) and never makes one; hostile key
files (readable by the group or others, a directory, a truncated
file, an Ed448 key) are refused with exit 1 and a message naming the
file, and the default key opened to others is refused, not replaced."""
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

T = tempfile.mkdtemp(prefix="xchat-clientkey.")
HOME = os.path.join(T, "home")
os.mkdir(HOME)


def run(*args, home=HOME, timeout=30):
    e = dict(os.environ, HOME=home)
    e.pop("DISPLAY", None)
    r = subprocess.run([xc.XCHAT] + list(args), capture_output=True,
                       env=e, timeout=timeout)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def openssl_fp(path):
    """The fingerprint as PROTOCOL.md defines it, computed by OpenSSL."""
    der = subprocess.run(["openssl", "pkey", "-in", path, "-pubout",
                          "-outform", "DER"], capture_output=True,
                         check=True).stdout
    import hashlib
    return "sha256:" + hashlib.sha256(der).hexdigest()


try:
    keyfile = os.path.join(HOME, ".xchat", "key.pem")
    rc, out, err = run("-fingerprint")
    check(rc == 0, "first -fingerprint: %d %r" % (rc, err))
    fp = out.strip()
    check(err.strip() == "xchat: made a new key in %s" % keyfile,
          "the making said on stderr: %r" % err)
    check(stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600, "key not 0600")
    check(stat.S_IMODE(os.stat(os.path.dirname(keyfile)).st_mode) ==
          0o700, "~/.xchat not 0700")
    pem = open(keyfile).read()
    check(pem.startswith("-----BEGIN PRIVATE KEY-----") and
          "-----BEGIN CERTIFICATE-----" in pem, "key then certificate")
    have_openssl = shutil.which("openssl") is not None
    if have_openssl:
        check(fp == openssl_fp(keyfile), "fingerprint %s is not OpenSSL's"
              % fp)
    rc, out, err = run("-fingerprint")
    check(rc == 0 and out.strip() == fp and err == "",
          "second -fingerprint: %d %r %r" % (rc, out, err))

    # -key: another key file, used as it is, never made.
    other = os.path.join(T, "other.pem")
    rc, out, err = run("-fingerprint", "-key", other)
    check(rc == 1 and other in err and "does not exist" in err,
          "missing -key: %d %r" % (rc, err))
    check(not os.path.exists(other), "-key made a key")
    if have_openssl:
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519",
                        "-out", other], check=True, capture_output=True)
        os.chmod(other, 0o600)
        rc, out, err = run("-key", other, "-fingerprint")
        check(rc == 0 and out.strip() == openssl_fp(other) and err == "",
              "a bare key: %d %r %r" % (rc, out, err))
        ed448 = os.path.join(T, "ed448.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed448",
                        "-out", ed448], check=True, capture_output=True)
        os.chmod(ed448, 0o600)
        rc, out, err = run("-fingerprint", "-key", ed448)
        check(rc == 1 and ed448 in err and "not an Ed25519 key" in err,
              "Ed448: %d %r" % (rc, err))

    # Hostile key files.
    group = os.path.join(T, "group.pem")
    shutil.copy(keyfile, group)
    os.chmod(group, 0o640)
    rc, out, err = run("-fingerprint", "-key", group)
    check(rc == 1 and group in err and "chmod 600" in err,
          "group-readable: %d %r" % (rc, err))
    rc, out, err = run("-fingerprint", "-key", T)
    check(rc == 1 and T in err and "directory" in err,
          "a directory: %d %r" % (rc, err))
    trunc = os.path.join(T, "trunc.pem")
    with open(trunc, "w") as f:
        f.write(pem[:60])
    os.chmod(trunc, 0o600)
    rc, out, err = run("-fingerprint", "-key", trunc)
    check(rc == 1 and trunc in err, "truncated: %d %r" % (rc, err))
    # The default key opened to others: refused, not replaced.
    os.chmod(keyfile, 0o644)
    rc, out, err = run("-fingerprint")
    check(rc == 1 and keyfile in err, "open default key: %d %r" % (rc, err))
    check(open(keyfile).read() == pem, "the key was replaced")
    os.chmod(keyfile, 0o600)
    # Several xchat started at once on a new account: each either makes
    # the key or uses the one another made, never fails, and all end
    # with the same key (before: "cannot create ...key.pem: File
    # exists" and exit 1 for the losers of the race).
    for rnd in range(5):
        home = os.path.join(T, "race%d" % rnd)
        os.mkdir(home)
        e = dict(os.environ, HOME=home)
        e.pop("DISPLAY", None)
        ps = [subprocess.Popen([xc.XCHAT, "-fingerprint"], env=e,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE) for _ in range(8)]
        res = [p.communicate(timeout=60) + (p.returncode,) for p in ps]
        for o, er, rc in res:
            check(rc == 0, "racing -fingerprint: %d %r" % (rc, er))
        fps = set(o for o, er, rc in res)
        check(len(fps) == 1, "racing xchats ended with keys %r" % fps)
        made = sum(b"made a new key" in er for o, er, rc in res)
        check(made == 1, "%d xchats said they made the key" % made)
    print("e2e-clientkey: ok")
finally:
    shutil.rmtree(T, ignore_errors=True)
