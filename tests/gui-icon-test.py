"""gui-icon-test.py -- the steps of tests/gui-icon.sh: under twm in a
private Xvfb (DISPLAY set), read the windows' WM_HINTS, WM_ICON_NAME
and WM_STATE with xprop while a scripted client talks to xchat.

1. xchatd's window and xchat's give an icon bitmap and its mask in
   WM_HINTS (twm draws them instead of its generic icon).
2. xchat iconified by the window manager: three messages of someone
   else make its icon name "xchat (3)"; no urgency yet.
3. A message that mentions its nick: "xchat (4)" and the urgency hint.
4. Opened again: the icon name is "xchat"; given the focus: no urgency.
5. The title in UTF-8 (_NET_WM_NAME) in the C locale.
6. Ctrl+F with the pointer on the main window: the Find dialog takes
   the focus.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc

T = os.environ["T"]
RES = os.path.join(xc.SRCDIR, "resources") + "/"
PROCS = []


def start(cmd, name, **more):
    home = os.path.join(T, "home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, LANG="C.UTF-8", XAPPLRESDIR=RES, HOME=home,
               **more)
    p = subprocess.Popen(cmd, env=env,
                         stderr=open(os.path.join(T, name + ".err"), "ab"))
    PROCS.append(p)
    return p


def window(cls, proc):
    """The visible top-level window of class cls (60 s at most: a
    loaded machine maps windows slowly; a program that exits fails at
    once)."""
    end = time.time() + 60
    while time.time() < end:
        xc.check(proc.poll() is None, cls + " exited")
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--class",
                            "^%s$" % cls], capture_output=True, text=True)
        for w in r.stdout.split():
            if "WM_HINTS" in prop(w, "WM_HINTS"):
                return w
        time.sleep(0.1)
    errs = [open(os.path.join(T, f), errors="replace").read()[-2000:]
            for f in sorted(os.listdir(T)) if f.endswith(".err")]
    xc.fail("no window of class %s; stderr: %s" % (cls, errs))


def prop(win, *names):
    return subprocess.run(["xprop", "-id", win] + list(names),
                          capture_output=True, text=True).stdout


def wait(win, pred, what, timeout=30):
    """Wait until pred(xprop output) holds; fail with the last output."""
    end = time.time() + timeout
    while True:
        out = prop(win, "WM_HINTS", "WM_ICON_NAME", "WM_STATE", "WM_NAME")
        if pred(out):
            return out
        if time.time() > end:
            xc.fail("timed out waiting for %s; xprop says:\n%s" % (what, out))
        time.sleep(0.1)


def icon_name(out):
    for l in out.splitlines():
        if l.startswith("WM_ICON_NAME"):
            return l.split(" = ", 1)[1].strip('"') if " = " in l else None
    return None


def has_icon(out):
    return ("bitmap id # to use for icon" in out and
            "bitmap id # of mask for icon" in out)


def urgent(out):
    return "urgency hint bit is set" in out


def main():
    st = os.path.join(T, "state")
    srv = xc.Server("-tlsport", "0", "-statedir", st)
    try:
        run(srv, st)
    finally:
        srv.stop()
        for p in PROCS:
            p.kill()
            p.wait()


def run(srv, st):
    win_port = xc.free_port()
    d = start([xc.XCHATD, "-port", str(win_port), "-tlsport", "0",
               "-statedir", st + "w", "-logfile",
               os.path.join(T, "win_log.txt")], "xchatd")
    dw = window("XChatd", d)
    out = wait(dw, has_icon, "xchatd's icon in WM_HINTS")
    xc.check(icon_name(out) == "xchatd", "xchatd's icon name: " + out)
    print("1. xchatd: icon bitmap and mask in WM_HINTS")

    c = start([xc.XCHAT, "-port", str(srv.port), "-nick", "ana"], "xchat")
    cw = window("XChat", c)
    out = wait(cw, lambda o: has_icon(o) and " ana on " in o,
               "xchat's icon and its connection")
    xc.check(icon_name(out) == "xchat", "xchat's icon name: " + out)
    print("1. xchat: icon bitmap and mask in WM_HINTS, icon name xchat")

    subprocess.run(["xdotool", "windowminimize", cw], check=True)
    wait(cw, lambda o: "window state: Iconic" in o,
         "xchat iconified by twm")
    rui = srv.client()
    for i in range(1, 4):
        rui.msg(i, "olá %d" % i)
        rui.expect("OK")
    out = wait(cw, lambda o: icon_name(o) == "xchat (3)",
               'the icon name "xchat (3)"')
    xc.check(not urgent(out), "urgency without a mention: " + out)
    print('2. iconified, three messages: "xchat (3)", not urgent')

    rui.msg(4, "ana: are you there?")
    rui.expect("OK")
    wait(cw, lambda o: icon_name(o) == "xchat (4)" and urgent(o),
         'a mention: "xchat (4)" and the urgency hint')
    print('3. a mention: "xchat (4)" and the urgency hint')

    subprocess.run(["xdotool", "windowmap", cw], check=True)
    wait(cw, lambda o: "window state: Normal" in o and
         icon_name(o) == "xchat",
         'opened again: the icon name "xchat"')
    subprocess.run(["xdotool", "windowfocus", cw], check=True)
    wait(cw, lambda o: not urgent(o), "the focus ends the urgency")
    print("4. opened: icon name xchat; focused: no urgency")
    rui.close()

    # Names beyond Latin-1 in the title, whatever the locale: the
    # UTF8_STRING properties today's window managers read first.
    nick = "Zé日本"
    c.kill()
    c.wait()
    # Its window gone first (a new client may get the same window id).
    end = time.time() + 30
    while subprocess.run(["xprop", "-id", cw, "WM_NAME"],
                         capture_output=True).returncode == 0:
        xc.check(time.time() < end, "xchat's window outlived it")
        time.sleep(0.1)
    c2 = start([xc.XCHAT, "-port", str(srv.port), "-nick", nick], "xchat",
               LC_ALL="C")
    w2 = window("XChat", c2)
    u = dict(os.environ, LC_ALL="C.UTF-8")
    end = time.time() + 30
    while True:
        out = subprocess.run(["xprop", "-id", w2, "_NET_WM_NAME",
                              "_NET_WM_ICON_NAME"], capture_output=True,
                             text=True, env=u).stdout
        if ('_NET_WM_NAME(UTF8_STRING) = "xchat: #' in out and
                " %s on " % nick in out and
                '_NET_WM_ICON_NAME(UTF8_STRING) = "xchat"' in out):
            break
        if time.time() > end:
            xc.fail("no UTF-8 title with %s: %s" % (nick, out))
        time.sleep(0.1)
    print("5. _NET_WM_NAME and _NET_WM_ICON_NAME in UTF-8 in the C locale")
    find_focus(w2)


def find_focus(w):
    """A new user's report: under twm, with the pointer over the main
    window, Ctrl+F opened the Find dialog without the focus, so the
    words typed next went to the input line (and Enter to everyone).
    The dialog takes the focus when it is shown."""
    geo = subprocess.run(["xdotool", "getwindowgeometry", w],
                         capture_output=True, text=True).stdout
    h = int(geo.split("Geometry: ")[1].split("x")[1].split()[0])
    # The pointer on the main window's bottom left corner, where the
    # dialog (centred on the window) does not come.
    subprocess.run(["xdotool", "mousemove", "--window", w, "4",
                    str(h - 4)], check=True)
    subprocess.run(["xdotool", "windowfocus", "--sync", w], check=True)
    subprocess.run(["xdotool", "key", "ctrl+f"], check=True)
    end = time.time() + 30
    while True:
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                            "^xchat: find$"], capture_output=True,
                           text=True).stdout.split()
        f = subprocess.run(["xdotool", "getwindowfocus", "-f"],
                           capture_output=True, text=True).stdout.strip()
        if r and f in r:
            break
        if time.time() > end:
            xc.fail("the Find dialog %r has not the focus (%r)" % (r, f))
        time.sleep(0.1)
    subprocess.run(["import", "-window", "root",
                    os.path.join(T, "find-twm.png")], capture_output=True)
    print("6. under twm, the Find dialog takes the focus")


main()
