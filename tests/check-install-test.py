"""check-install-test.py -- the steps of tests/check-install.sh (DISPLAY is
a private Xvfb): "make install DESTDIR=..." from the build directory,
then every file it put down checked against where it belongs.

1. The files installed are exactly the expected ones: the programs and
   their manual pages under the installed names (configure's
   --program-transform-name), the app-defaults and their pt_BR
   variants, the documentation, the desktop entries, the icons of
   every size, the systemd unit and its options file.
2. No @PLACEHOLDER@ is left in a text file; each manual page is named
   after its program.
3. libXt finds the app-defaults: appres, with XFILESEARCHPATH set to
   libXt's own default search path (when the app-defaults directory is
   the one Xt's pkg-config file names, as in the Debian package) or to
   the same pattern rooted at the configured directory, reads English
   under C.UTF-8 and Portuguese under pt_BR.UTF-8 (if that locale
   exists); and so does the XAPPLRESDIR-style copy.
4. The desktop entries pass desktop-file-validate, have pt_BR names and
   comments, and name a program and an icon that were installed.
5. The icons are PNGs of their directory's size and an SVG.
6. The unit runs the installed xchatd headless with its state and log
   in /var/lib/xchatd, as a dynamic user with a state directory, reads
   an options file that was installed, reloads with SIGHUP, and passes
   systemd-analyze verify (where present).
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

T = os.environ["T"]
BUILD = os.path.abspath(xc.BUILDDIR)
D = os.path.join(T, "root")
bad = []


def expect(cond, msg):
    if not cond:
        bad.append(msg)


def make(*args):
    """make in the build directory, outside the caller's jobserver."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    r = subprocess.run(["make", "-s", "-C", BUILD] + list(args), env=env,
                       capture_output=True, text=True, timeout=600)
    check(r.returncode == 0, "make %s failed:\n%s%s" % (" ".join(args),
          r.stdout[-3000:], r.stderr[-3000:]))
    return r.stdout


def dest(path):
    return D + path


def read(path):
    with open(dest(path), encoding="utf-8") as f:
        return f.read()


def expected_files(v):
    """Installed path -> what it is, from the configured directories."""
    xchat, xchatd = v["XCHAT_NAME"], v["XCHATD_NAME"]
    ad = v["appdefaultdir"]
    files = {}
    for prog in (xchat, xchatd):
        files[v["bindir"] + "/" + prog] = "program"
        files[v["mandir"] + "/man1/" + prog + ".1"] = "man"
        files[v["desktopdir"] + "/" + prog + ".desktop"] = "desktop"
        for s in v["ICON_SIZES"].split():
            files["%s/%sx%s/apps/%s.png" % (v["hicolordir"], s, s,
                                            prog)] = "png " + s
        files["%s/scalable/apps/%s.svg" % (v["hicolordir"], prog)] = "svg"
    for cls in ("XChat", "XChatd"):
        files[ad + "/" + cls] = "app-defaults"
        files[ad + "/pt_BR.UTF-8/" + cls] = "app-defaults pt_BR"
        files[ad + "/pt_BR/" + cls] = "app-defaults pt_BR"
        files[ad + "/pt/" + cls] = "app-defaults pt_BR"
        if os.path.basename(ad) == "app-defaults":
            for loc in ("pt_BR.UTF-8", "pt"):
                files[os.path.dirname(ad) + "/" + loc + "/app-defaults/" +
                      cls] = "app-defaults pt_BR"
    files[v["docdir"] + "/PROTOCOL.md"] = "doc"
    if v["systemdsystemunitdir"] != "no":
        files[v["systemdsystemunitdir"] + "/xchatd.service"] = "unit"
        files[v["sysconfdir"] + "/default/xchatd"] = "default"
    return files


def installed():
    got = set()
    for top, _, names in os.walk(D):
        for n in names:
            got.add(os.path.join(top, n)[len(D):])
    return got


def check_text(files, v):
    """No placeholder left; manual pages named after their program."""
    for path, kind in files.items():
        if kind == "program" or kind.startswith("png"):
            continue
        text = read(path)
        m = re.search(r'@[A-Za-z_]+@', text)
        expect(m is None, "%s: %s left unsubstituted" %
               (path, m.group(0) if m else ""))
        if kind == "man":
            prog = os.path.basename(path)[:-2]
            th = re.search(r'^\.TH "?([^ "]+)"? 1 ', text, re.M)
            expect(th is not None and th.group(1) == prog.upper(),
                   "%s: .TH does not name %s" % (path, prog.upper()))
            expect(re.search(r'^\.SH NAME\n%s \\-' % re.escape(prog), text,
                             re.M) is not None,
                   "%s: NAME does not begin with %s" % (path, prog))


def xt_default_path():
    """libXt's compiled-in XFILESEARCHPATH, read from the library."""
    libdir = subprocess.run(["pkg-config", "--variable=libdir", "xt"],
                            capture_output=True, text=True).stdout.strip()
    for name in ("libXt.so.6", "libXt.so"):
        p = os.path.join(libdir, name)
        if os.path.exists(p):
            with open(p, "rb") as f:
                m = re.search(rb'[ -~]*%T/%N%C%S[ -~]*', f.read())
            if m:
                return m.group(0).decode()
    return None


def appres(cls, lang, env):
    e = {k: v for k, v in os.environ.items()
         if k not in ("XAPPLRESDIR", "XFILESEARCHPATH", "XENVIRONMENT",
                      "XUSERFILESEARCHPATH", "LC_ALL")}
    e.update(env, LANG=lang, HOME=os.path.join(T, "nohome"))
    r = subprocess.run(["appres", cls], env=e, capture_output=True,
                       text=True, timeout=30)
    if r.returncode != 0:
        try:
            with open(os.path.join(T, "xvfb.log")) as f:
                xlog = f.read()[-600:]
        except OSError:
            xlog = "(no xvfb.log)"
        check(False, "appres %s: %s\nDISPLAY=%s, Xvfb's log:\n%s" %
              (cls, r.stderr, e.get("DISPLAY"), xlog))
    return r.stdout


def check_libxt(v):
    ad = v["appdefaultdir"]
    if os.path.basename(ad) != "app-defaults":
        bad.append("%s: not an app-defaults directory (%%T), libXt's "
                   "default path cannot reach it" % ad)
        return
    root = os.path.dirname(ad)
    xtad = subprocess.run(["pkg-config", "--variable=appdefaultdir", "xt"],
                          capture_output=True, text=True).stdout.strip()
    default = xt_default_path()
    if ad == xtad and default:
        # Where the distribution's libXt looks, moved under DESTDIR.
        how = "libXt's default path"
        path = ":".join(D + e for e in default.split(":"))
        expect(root + "/%T/%N%C%S" in default.split(":"),
               "libXt's default path %s does not search %s" % (default, ad))
    else:
        how = "libXt's path pattern rooted at " + root
        path = ":".join(D + root + e for e in
                        ("/%L/%T/%N%C%S", "/%l/%T/%N%C%S", "/%T/%N%C%S",
                         "/%L/%T/%N%S", "/%l/%T/%N%S", "/%T/%N%S"))
    langs = [("C.UTF-8", "About xchat", "About xchatd")]
    locales = subprocess.run(["locale", "-a"], capture_output=True,
                             text=True).stdout.lower().split()
    if "pt_br.utf8" in locales or "pt_br.utf-8" in locales:
        # Both spellings: %L is the name as given, pt_BR.utf8 is found
        # through %l (pt).
        langs.append(("pt_BR.UTF-8", "Sobre o xchat", "Sobre o xchatd"))
        langs.append(("pt_BR.utf8", "Sobre o xchat", "Sobre o xchatd"))
    else:
        print("no pt_BR.UTF-8 locale: the Portuguese checks are skipped")
    nowhere = os.path.join(T, "nowhere") + "/%N"
    for lang, about, aboutd in langs:
        for cls, want in (("XChat", about), ("XChatd", aboutd)):
            out = appres(cls, lang, {"XFILESEARCHPATH": path})
            expect(want in out, "%s, %s via %s: no %r in appres:\n%s" %
                   (cls, lang, how, want, out[:500]))
            out = appres(cls, lang, {"XFILESEARCHPATH": nowhere,
                                     "XAPPLRESDIR": dest(ad) + "/"})
            expect(want in out, "%s, %s via XAPPLRESDIR=%s: no %r" %
                   (cls, lang, ad, want))
    print("3. libXt finds the app-defaults (%s and XAPPLRESDIR), %s" %
          (how, " and ".join(l[0] for l in langs)))


def desktop_keys(text):
    keys = {}
    for l in text.splitlines():
        k, sep, val = l.partition("=")
        if sep and not l.startswith("#"):
            keys[k.strip()] = val.strip()
    return keys


def check_desktop(files, v):
    for path, kind in files.items():
        if kind != "desktop":
            continue
        r = subprocess.run(["desktop-file-validate", dest(path)],
                           capture_output=True, text=True)
        expect(r.returncode == 0 and not r.stdout.strip(),
               "desktop-file-validate %s:\n%s%s" % (path, r.stdout,
                                                    r.stderr))
        k = desktop_keys(read(path))
        prog = os.path.basename(path)[:-len(".desktop")]
        expect(k.get("Exec", "").split()[:1] == [prog],
               "%s: Exec is not %s" % (path, prog))
        expect(os.path.exists(dest(v["bindir"] + "/" + k.get("TryExec",
               ""))), "%s: TryExec %s not installed" % (path,
                                                         k.get("TryExec")))
        expect(k.get("Icon") == prog and os.path.exists(dest(
            "%s/48x48/apps/%s.png" % (v["hicolordir"], k.get("Icon")))),
            "%s: Icon %s not installed" % (path, k.get("Icon")))
        for key in ("GenericName[pt_BR]", "Comment[pt_BR]"):
            expect(key in k, "%s: no %s" % (path, key))
    print("4. desktop entries valid, pt_BR, with their program and icon")


def check_icons(files):
    for path, kind in files.items():
        if kind.startswith("png"):
            with open(dest(path), "rb") as f:
                head = f.read(24)
            size = int(kind.split()[1])
            expect(head[:8] == b"\x89PNG\r\n\x1a\n" and
                   struct.unpack(">II", head[16:24]) == (size, size),
                   "%s: not a %dx%d PNG" % (path, size, size))
        elif kind == "svg":
            root = ET.parse(dest(path)).getroot()
            expect(root.tag == "{http://www.w3.org/2000/svg}svg",
                   path + ": not an SVG")
    print("5. icons: PNGs of their sizes and SVGs")


def check_unit(v):
    if v["systemdsystemunitdir"] == "no":
        print("6. no systemd unit (--without-systemdsystemunitdir)")
        return
    unit = v["systemdsystemunitdir"] + "/xchatd.service"
    text = read(unit)
    k = {}
    for l in text.splitlines():
        a, sep, b = l.partition("=")
        if sep and not l.startswith("#"):
            k.setdefault(a, []).append(b)
    start = k.get("ExecStart", [""])[0].split()
    xchatd = v["bindir"] + "/" + v["XCHATD_NAME"]
    expect(start[:1] == [xchatd], "%s: ExecStart does not run %s" %
           (unit, xchatd))
    args = " ".join(start[1:])
    for want in ("-headless", "-statedir /var/lib/xchatd",
                 "-logfile /var/lib/xchatd/mensagens_log.txt",
                 "$XCHATD_OPTS"):
        expect(want in args, "%s: ExecStart lacks %s" % (unit, want))
    envfile = v["sysconfdir"] + "/default/xchatd"
    expect(k.get("EnvironmentFile") == ["-" + envfile],
           "%s: EnvironmentFile is not %s" % (unit, envfile))
    expect(re.search(r'^XCHATD_OPTS=', read(envfile), re.M) is not None,
           envfile + ": no XCHATD_OPTS")
    for key, val in (("DynamicUser", "yes"), ("StateDirectory", "xchatd"),
                     ("ProtectSystem", "strict"),
                     ("NoNewPrivileges", "yes"), ("PrivateTmp", "yes"),
                     ("CapabilityBoundingSet", "")):
        expect(k.get(key) == [val], "%s: %s is not %r" % (unit, key, val))
    expect("RestrictAddressFamilies" in k,
           unit + ": no RestrictAddressFamilies")
    expect("-HUP $MAINPID" in " ".join(k.get("ExecReload", [])),
           unit + ": ExecReload does not send SIGHUP")
    expect("WantedBy" in k, unit + ": no [Install] WantedBy")
    how = "systemd-analyze is not installed"
    if shutil.which("systemd-analyze"):
        # Its programs where systemd would look for them, under DESTDIR.
        copy = os.path.join(T, "xchatd.service")
        with open(copy, "w") as f:
            f.write(text.replace("=" + xchatd, "=" + dest(xchatd))
                    .replace("=-" + envfile, "=-" + dest(envfile)))
        r = subprocess.run(["systemd-analyze", "verify", "--man=no", copy],
                           capture_output=True, text=True, timeout=60)
        expect(r.returncode == 0 and not r.stderr.strip(),
               "systemd-analyze verify %s:\n%s" % (unit, r.stderr))
        how = "systemd-analyze verify passes"
    print("6. unit: headless xchatd, /var/lib/xchatd, DynamicUser, "
          "options file, SIGHUP reload; " + how)


def main():
    v = dict(l.split("=", 1) for l in
             make("print-install-dirs").splitlines() if "=" in l)
    make("install", "DESTDIR=" + D)
    files = expected_files(v)
    got = installed()
    for p in sorted(set(files) - got):
        bad.append("not installed: %s (%s)" % (p, files[p]))
    for p in sorted(got - set(files)):
        bad.append("installed but not expected here: " + p)
    for p, kind in files.items():
        if kind == "program" and p in got:
            expect(os.access(dest(p), os.X_OK), p + ": not executable")
    print("1. %d files installed, each where it belongs" % len(got))
    if not bad:
        check_text(files, v)
        print("2. no placeholder left; manual pages named after programs")
        check_libxt(v)
        check_desktop(files, v)
        check_icons(files)
        check_unit(v)
    if bad:
        xc.fail("\n".join(bad))


main()
