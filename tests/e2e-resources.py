"""e2e-resources.py -- a headless xchatd reads its resources the way
libXt does with a display: the user's app-defaults (XAPPLRESDIR, with
the locale's %L and %l forms), then ~/.Xdefaults, ~/.Xdefaults-HOST or
XENVIRONMENT, then -xrm and the options.  (As in any Xrm database, a more specific
specifier beats a looser one wherever it comes from, so every case
here uses xchatd.history.)  What is read is seen in the
number of messages a newcomer is replayed (the history resource)."""
import os
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def history(env, *args):
    """Start a server with env on top of a clean one; return how many
    of 5 messages a newcomer is replayed."""
    e = {"HOME": home, "XAPPLRESDIR": appdir + "/", "LANG": "C",
         "LC_ALL": "", "LC_CTYPE": "", "LC_MESSAGES": ""}
    e.update(env)
    saved = dict(os.environ)
    for k in ("XENVIRONMENT", "XUSERFILESEARCHPATH", "XFILESEARCHPATH"):
        os.environ.pop(k, None)
    try:
        with xc.Server(*args, env=e) as srv:
            a = srv.client()
            for i in range(1, 6):
                a.msg(i, "h%d" % i)
                a.expect("OK %d" % i)
            return len(srv.client().history)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def fresh():
    """Empty home and app-defaults directories for the next case."""
    global home, appdir
    top = tempfile.mkdtemp(prefix="xchat-res.")
    home = os.path.join(top, "home")
    appdir = os.path.join(top, "app")
    os.makedirs(home)
    os.makedirs(appdir)
    return top


fresh()
n = history({})
check(n == 5, "no files: the default history (20) replays all 5 (%d)" % n)

fresh()
write(appdir + "/XChatd", "xchatd.history: 4\n")
n = history({})
check(n == 4, "XAPPLRESDIR/XChatd is read (%d)" % n)

fresh()
write(home + "/.Xdefaults", "xchatd.history: 2\n")
n = history({})
check(n == 2, "~/.Xdefaults is read (%d)" % n)

fresh()
write(appdir + "/XChatd", "xchatd.history: 4\n")
write(home + "/.Xdefaults", "xchatd.history: 2\n")
n = history({})
check(n == 2, "~/.Xdefaults beats the app-defaults (%d)" % n)

fresh()
write(home + "/.Xdefaults-" + socket.gethostname(), "xchatd.history: 1\n")
write(home + "/.Xdefaults", "xchatd.history: 3\n")
n = history({})
check(n == 1, "~/.Xdefaults-HOST beats ~/.Xdefaults (%d)" % n)

top = fresh()
write(top + "/env", "xchatd.history: 3\n")
write(home + "/.Xdefaults-" + socket.gethostname(), "xchatd.history: 1\n")
write(appdir + "/XChatd", "xchatd.history: 4\n")
n = history({"XENVIRONMENT": top + "/env"})
check(n == 3, "XENVIRONMENT is read instead of ~/.Xdefaults-HOST (%d)" % n)

top = fresh()
write(top + "/user/XChatd", "xchatd.history: 1\n")
write(appdir + "/XChatd", "xchatd.history: 4\n")
n = history({"XUSERFILESEARCHPATH": top + "/nothing/%N:" + top + "/user/%N"})
check(n == 1, "XUSERFILESEARCHPATH replaces XAPPLRESDIR (%d)" % n)

fresh()
write(appdir + "/XChatd", "xchatd.history: 4\n")
write(appdir + "/pt_BR.UTF-8/XChatd", "xchatd.history: 2\n")
n = history({"LANG": "pt_BR.UTF-8"})
check(n == 2, "XAPPLRESDIR/%%L/XChatd with LANG=pt_BR.UTF-8 (%d)" % n)
n = history({"LANG": "C"})
check(n == 4, "and not in the C locale (%d)" % n)

fresh()
write(appdir + "/XChatd", "xchatd.history: 4\n")
write(appdir + "/pt/XChatd", "xchatd.history: 3\n")
n = history({"LANG": "pt_BR.UTF-8"})
check(n == 3, "XAPPLRESDIR/%%l/XChatd with LANG=pt_BR.UTF-8 (%d)" % n)

fresh()
write(home + "/.Xdefaults", "xchatd.history: 2\n")
write(appdir + "/XChatd", "xchatd.history: 4\n")
n = history({}, "-xrm", "xchatd.history: 1")
check(n == 1, "-xrm beats the files (%d)" % n)
# As with libXt, -history sets xchatd*history: it beats files and an
# earlier -xrm that say *history (a tighter xchatd.history would win).
fresh()
write(home + "/.Xdefaults", "*history: 2\n")
write(appdir + "/XChatd", "*history: 4\n")
n = history({}, "-history", "3")
check(n == 3, "an option beats the files (%d)" % n)
n = history({}, "-xrm", "*history: 1")
check(n == 1, "so does -xrm (%d)" % n)
n = history({}, "-xrm", "*history: 1", "-history", "3")
check(n == 3, "an option beats -xrm (%d)" % n)
print("e2e-resources: ok")
