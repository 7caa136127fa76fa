#!/usr/bin/env python3
"""gui-window-test.py -- the GUI tests of xchat's window layout (issue
13), run by gui-window.sh under a private Xvfb (DISPLAY set): scrolled
back, the view stays put while a server sends; Up/Down keep the draft;
Edit > Find; a click on a link runs urlCommand (a test script that
writes its arguments), also for hostile links; the panes at 300 px and
with a 32-byte nick; the user count and order; Save transcript on a
directory and over an existing file.  The window's state is read back
through its test hook (SIGUSR1 writes -dumpfile), as in
gui-client-test.py, whose helpers this file uses.
"""
import importlib.util
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import xc  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "guiclient", os.path.join(HERE, "gui-client-test.py"))
gc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gc)

T = os.environ["T"]
SHOTS = os.environ.get("XC_SHOTS", T)


def log(*a):
    print("gui-window:", *a, file=sys.stderr, flush=True)


def shot(name):
    """A screenshot of the whole screen, to be looked at."""
    path = os.path.join(SHOTS, "i13w-%s.png" % name)
    subprocess.run(["import", "-window", "root", path], check=False,
                   capture_output=True)
    log("screenshot " + path)


def widget(st, path):
    """(managed, x, y, w, h, label) of a widget of the last dump."""
    f = st.get("widgets", {}).get(path)
    xc.check(f is not None, "%s not in the dump" % path)
    return (f[0] == "managed", int(f[2]), int(f[3]), int(f[4]), int(f[5]),
            " ".join(f[6:]))


def xdo(*args):
    subprocess.run(["xdotool"] + [str(a) for a in args], check=True)


def wheel(st, button, times):
    """Turn the mouse wheel over the transcript (4 up, 5 down)."""
    _, x, y, w, h, _ = widget(st, "*transcript")
    xdo("mousemove", "--sync", x + w // 2, y + h // 2)
    for _ in range(times):
        xdo("click", button)


def first_row(st):
    rows = [r for r in st["screen"] if r]
    return rows[0] if rows else ""


def shown(st, text):
    return any(text in r for r in st["screen"])


def send_lines(bob, first, n, fmt="linha %d"):
    for k in range(first, first + n):
        bob.msg(k, fmt % k)
    for k in range(first, first + n):
        bob.expect("OK %d " % k, skip=("JOIN", "NICK", "LEAVE", "PING",
                                        "MSG"))


def scrollback(ana, bob):
    """Scrolled back: the view stays put while lines arrive; the bar
    says how many came; a click on it, or End, follows again; at the
    end the view follows, also after the wheel went past the end."""
    send_lines(bob, 1, 80)
    st = ana.wait(lambda s: shown(s, "linha 80"), "80 lines, at the end")
    xc.check(not widget(st, "*newMessages")[0], "bar shown at the end")
    wheel(st, 4, 6)
    st = ana.wait(lambda s: not shown(s, "linha 80"), "scrolled back")
    top = first_row(st)
    send_lines(bob, 81, 20)
    st = ana.wait(lambda s: "linha 100" in s["transcript"] and
                  widget(s, "*newMessages")[0], "lines below, the bar")
    xc.check(first_row(st) == top, "the view moved: %r, was %r" %
             (first_row(st), top))
    xc.check(not shown(st, "linha 100"), "followed while scrolled back")
    bar = widget(st, "*newMessages")[5]
    xc.check("20 new lines below" in bar, "bar: %r" % bar)
    shot("scrolled-back")
    ana.click(st, "*newMessages")
    st = ana.wait(lambda s: shown(s, "linha 100") and
                  not widget(s, "*newMessages")[0], "the bar followed")
    log("ok: scrolled back stays put, the bar counts, a click follows")

    wheel(st, 4, 6)
    ana.wait(lambda s: not shown(s, "linha 100"), "scrolled back again")
    send_lines(bob, 101, 3)
    ana.wait(lambda s: widget(s, "*newMessages")[0] and
             "3 new lines" in widget(s, "*newMessages")[5], "bar again")
    ana.xdo("key", "End")
    st = ana.wait(lambda s: shown(s, "linha 103") and
                  not widget(s, "*newMessages")[0], "End followed")
    log("ok: End in the input line follows")

    # The wheel past the end: the view follows what comes next.
    wheel(st, 5, 15)
    send_lines(bob, 104, 5)
    st = ana.wait(lambda s: "linha 108" in s["transcript"], "5 more")
    st = ana.wait(lambda s: shown(s, "linha 108"),
                  "following after the wheel went past the end")
    xc.check(not widget(st, "*newMessages")[0], "bar after wheel down")
    shot("following")
    log("ok: past the end with the wheel, the view still follows")


def draft(ana):
    """Up and Down keep the line being typed."""
    ana.type_line("primeira linha")
    ana.wait(lambda s: s["input"] == "", "sent")
    ana.type_line("rascunho por terminar", enter=False)
    ana.wait(lambda s: s["input"] == "rascunho por terminar", "typed")
    ana.xdo("key", "Up")
    ana.wait(lambda s: s["input"] == "primeira linha", "Up recalls")
    ana.xdo("key", "Down")
    ana.wait(lambda s: s["input"] == "rascunho por terminar",
             "Down brings the draft back")
    ana.xdo("key", "Up", "Up", "Down")
    ana.wait(lambda s: s["input"] == "rascunho por terminar",
             "the draft after walking further")
    ana.xdo("key", "Down")
    ana.wait(lambda s: s["input"] == "", "Down at the bottom empties")
    ana.xdo("key", "Up")
    ana.wait(lambda s: s["input"] == "rascunho por terminar",
             "... into the history")
    ana.xdo("key", "Down")
    log("ok: the draft kept through Up and Down")


def dialog_window(title):
    """The window of a dialog, found by its title."""
    end = time.time() + 30
    while time.time() < end:
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                            "^%s$" % title], capture_output=True, text=True)
        if r.stdout.strip():
            return r.stdout.split()[0]
        time.sleep(0.1)
    xc.fail("no window titled %r" % title)


def in_dialog(title, *keys, text=None):
    """Focus the dialog titled title; type text, then press keys."""
    w = dialog_window(title)
    xdo("windowfocus", "--sync", w)
    if text is not None:
        xdo("type", "--delay", "5", text)
    if keys:
        xdo("key", *keys)


def selection(st):
    v = st.get("selection")
    if v is None:
        return None
    a, b, text = v.split(" ", 2)
    return int(a), int(b), text


def find(ana):
    """Ctrl+F and Edit > Find...: Find Next, Find Previous, round the
    end, not found."""
    ana.xdo("key", "ctrl+f")
    ana.wait(lambda s: widget(s, "*findDialog")[0], "Ctrl+F: the dialog")
    in_dialog("xchat: find", "Return", text="linha 4")
    st = ana.wait(lambda s: selection(s) is not None and
                  selection(s)[2] == "linha 4" and
                  shown(s, "bob#1: linha 4"), "found, and in view")
    first = selection(st)
    xc.check(not shown(st, "linha 108"), "the end still in view")
    shot("find")
    in_dialog("xchat: find", "Return")
    st = ana.wait(lambda s: selection(s) is not None and
                  selection(s)[0] > first[0], "Find Next")
    second = selection(st)
    xc.check(second[2] == "linha 4", "next: %r" % (second,))
    ana.xdo("key", "F3")
    st = ana.wait(lambda s: selection(s)[0] > second[0], "F3: next again")
    st = ana.click(ana.state(), "*findDialog*Apply") or ana.state()
    st = ana.wait(lambda s: selection(s)[0] == second[0], "Find Previous")
    # Find Previous from the first match goes round the end.
    ana.xdo("key", "shift+F3")
    ana.wait(lambda s: selection(s)[0] == first[0], "Shift+F3: previous")
    ana.xdo("key", "shift+F3")
    st = ana.wait(lambda s: selection(s)[0] > second[0], "round the top")
    # Ctrl+F again: the old text selected, typing replaces it.
    ana.xdo("key", "ctrl+f")
    in_dialog("xchat: find", "Return", text="nada disso")
    st = ana.wait(lambda s: "Not found: nada disso" in s.get("findlabel",
                                                              ""),
                  "not found said")
    shot("find-notfound")
    ana.click(st, "*findDialog*Cancel")
    ana.wait(lambda s: not widget(s, "*findDialog")[0], "closed")
    # The menu: Edit > Find... opens it again with the text selected.
    st = ana.state()
    ana.click(st, "*editMenu")
    st = ana.wait(lambda s: widget(s, "*find")[0] and widget(s, "*find")[3]
                  > 0, "the Edit menu")
    ana.click(st, "*find")
    ana.wait(lambda s: widget(s, "*findDialog")[0], "Edit > Find...")
    in_dialog("xchat: find", "Escape")
    log("ok: find (Ctrl+F, Edit > Find..., Next, Previous, round, none)")


def main():
    srv = xc.Server("-floodrate", "0", tls=False)
    bob = srv.client()
    bob.sendline("NICK bob")
    bob.expect("NICK %d bob" % bob.id, skip=("LEAVE", "JOIN"))
    ana = gc.XChat("xchatW", srv.port, "ana", "-geometry", "860x520")
    ana.wait(lambda s: s["status"].startswith("Connected to") and
             s["nick"] == "ana", "connection")
    scrollback(ana, bob)
    draft(ana)
    find(ana)
    srv.stop()
    return 0


if __name__ == "__main__":
    rc = 1
    try:
        rc = main()
    finally:
        for p in gc.PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
    sys.exit(rc)
