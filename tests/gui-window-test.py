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
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import xc  # noqa: E402
import xgui  # noqa: E402

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


class Win(gc.XChat):
    """gc.XChat, and the links of the dump: (x, y, text) each."""

    def state(self):
        st = super().state()
        st["links"] = []
        with open(self.dump, encoding="utf-8") as f:
            for l in f:
                if l.startswith("link "):
                    x, y, text = l[5:].rstrip("\n").split(" ", 2)
                    st["links"].append((int(x), int(y), text))
        return st


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
    wheel(st, 4, 2)
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
        xgui.bind_keys(text)
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
                  shown(s, "bob: linha 4"), "found, and in view")
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
    third = selection(st)
    in_dialog("xchat: find", "shift+F3")
    ana.wait(lambda s: selection(s)[0] == second[0], "Shift+F3 in it")
    in_dialog("xchat: find", "F3")
    ana.wait(lambda s: selection(s)[0] == third[0], "F3 in the dialog")
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


URLARGS = os.path.join(T, "urlargs.txt")
PWNED = os.path.join(T, "pwned")


def url_script():
    """The test's urlCommand: writes its arguments (JSON) to URLARGS."""
    path = os.path.join(T, "open-url.py")
    with open(path, "w") as f:
        f.write("#!%s\nimport json, sys\n"
                "with open(%r, 'a') as f:\n"
                "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
                % (sys.executable, URLARGS))
    os.chmod(path, 0o755)
    return path


def links(ana, bob):
    """A click on a link runs urlCommand with the link as one argument,
    whatever it holds; a drag (a selection) or a click elsewhere does
    not."""
    ana.xdo("key", "End")
    hostile = [
        ("veja https://example.com/a?b=1&c=2;touch${IFS}%s; agora" % PWNED,
         "https://example.com/a?b=1&c=2;touch${IFS}%s" % PWNED),
        ("http://x.test/'$(touch${IFS}%s)'\"fim" % PWNED,
         "http://x.test/'$(touch${IFS}%s)" % PWNED),
        ("--output=/tmp/evil -rf http://y.test/`id`$HOME|cat&&ls.",
         "http://y.test/`id`$HOME|cat&&ls"),
        ("(ver http://z.test/wiki/A_(b)) e " + "x" * 40 +
         " http://after.test/" + "a" * 120,
         "http://z.test/wiki/A_(b)"),
    ]
    for k, (text, _) in enumerate(hostile):
        bob.msg(500 + k, text)
        bob.expect("OK %d " % (500 + k), skip=("JOIN", "NICK", "LEAVE",
                                               "PING", "MSG"))
    want = [u for _, u in hostile] + ["http://after.test/" + "a" * 120]
    st = ana.wait(lambda s: sum(1 for l in s.get("links", [])) >= 5,
                  "the links on the screen")
    shot("links")
    done = 0
    for k, url in enumerate(want):
        st = ana.state()
        pos = [l for l in st["links"] if url.startswith(l[2].split()[0])
               or l[2].startswith(url[:30])]
        xc.check(pos, "link %r not on the screen: %r" % (url,
                                                         st["links"]))
        x, y = pos[0][0], pos[0][1]
        xdo("mousemove", "--sync", x + 20, y - 4)
        xdo("click", "1")
        done += 1
        end = time.time() + 30
        while True:
            got = open(URLARGS).read().splitlines() \
                if os.path.exists(URLARGS) else []
            if len(got) >= done:
                break
            xc.check(time.time() < end, "urlCommand did not run for %r"
                     % url)
            time.sleep(0.05)
        args = json.loads(got[done - 1])
        xc.check(args == ["--open", url], "argv %r for %r" % (args, url))
    # The long link wrapped over rows: a click on its second row.
    st = ana.state()
    rows = [r for r in st["screen"] if "aaaa" in r]
    xc.check(len(rows) >= 2, "the long link is on one row: %r" % rows)
    xc.check(not os.path.exists(PWNED), "a shell ran the link")
    # A click on text that is no link, and a drag over a link: nothing.
    _, tx, ty, tw, th, _ = widget(st, "*transcript")
    pos = [l for l in st["links"] if l[2].startswith("https://example")]
    x, y = pos[0][0], pos[0][1]
    xdo("mousemove", "--sync", tx + 12, y - 4)
    xdo("click", "1")
    xdo("mousemove", "--sync", x + 5, y - 4, "mousedown", "1",
        "mousemove", "--sync", x + 80, y - 4, "mouseup", "1")
    ana.type_line("depois dos cliques")
    ana.wait(lambda s: "depois dos cliques" in s["transcript"], "a line")
    got = open(URLARGS).read().splitlines()
    xc.check(len(got) == done, "ran for a click off a link or a drag: %r"
             % got[done:])
    log("ok: links run urlCommand with the link as one argument (%d, "
        "hostile ones too); nothing for a drag or other text" % done)


def panes(ana, srv):
    """The user list keeps its width with a 32-byte nick, the window at
    300 px still shows the transcript, and back at full width the list
    is as narrow as before; the count and the case-insensitive order."""
    st = ana.state()
    w0 = widget(st, "*userPane")[3]
    t0 = widget(st, "*transcriptPane")[3]
    others = []
    for nick in ("W" * 32, "Zed", "alice", "Bruno"):
        c = srv.client()
        c.sendline("NICK " + nick)
        c.expect("NICK %d %s" % (c.id, nick), skip=("LEAVE", "JOIN", "MSG"))
        others.append(c)
    st = ana.wait(lambda s: "6 users" in widget(s, "*userCount")[5] and
                  "Bruno #" in s["users"], "the count")
    order = [i.split(" #")[0] for i in st["users"].split(" | ")]
    xc.check(order == ["ana", "alice", "bob", "Bruno", "W" * 32, "Zed"],
             "order: %r" % order)
    xc.check(widget(st, "*userPane")[3] == w0, "the list widened to %d "
             "from %d" % (widget(st, "*userPane")[3], w0))
    xc.check(widget(st, "*transcriptPane")[3] == t0, "transcript narrower")
    shot("long-nick")
    log("ok: 6 users counted, sorted without case; a 32-byte nick keeps "
        "the list %d px wide" % w0)
    ana.xdo("windowsize", "--sync", ana.win, "300", "520")
    st = ana.wait(lambda s: widget(s, "*panes")[3] <= 300 and
                  widget(s, "*transcriptPane")[3] +
                  widget(s, "*userPane")[3] <= widget(s, "*panes")[3],
                  "both panes in 300 px")
    tw, uw = widget(st, "*transcriptPane")[3], widget(st, "*userPane")[3]
    xc.check(tw >= 150 and widget(st, "*transcript")[3] >= 120,
             "the transcript at 300 px: %d" % tw)
    xc.check(uw >= 50, "the list at 300 px: %d" % uw)
    uw300 = uw
    shot("300px")
    ana.xdo("windowsize", "--sync", ana.win, "860", "520")
    st = ana.wait(lambda s: widget(s, "*panes")[3] >= 850 and
                  widget(s, "*userPane")[3] == w0, "860 px again, the "
                  "list as wide as before")
    uw = widget(st, "*userPane")[3]
    xc.check(uw <= w0 + 2, "the list did not shrink back: %d" % uw)
    xc.check(widget(st, "*transcriptPane")[3] >= t0 - 2, "transcript")
    shot("860px")
    log("ok: at 300 px the transcript %d px, the list %d; back to %d" %
        (tw, uw300, uw))
    for c in others:
        c.close()


def open_save(ana):
    """File > Save transcript..., by mouse; returns the dump."""
    st = ana.state()
    ana.click(st, "*fileMenu")
    st = ana.wait(lambda s: widget(s, "*save")[0] and widget(s, "*save")[3]
                  > 0 and widget(s, "*save")[1] > 0, "the File menu")
    ana.click(st, "*save")
    return ana.wait(lambda s: widget(s, "*saveDialog")[0] and
                    s.get("saveselection") is not None, "the save dialog")


def save(ana, work):
    """OK on a directory opens it (no "Is a directory"); the proposed
    name is selected (typing replaces it); an existing file is replaced
    only when the user says so."""
    sub = os.path.join(work, "sub")
    os.makedirs(sub)
    st = open_save(ana)
    text = st["savetext"]
    a, b = (int(v) for v in st["saveselection"].split())
    name = "xchat-127.0.0.1-%s.txt" % text.rsplit("-", 1)[1][:-4]
    xc.check(text == os.path.join(work, name), "proposed %r" % text)
    xc.check(text[a:b] == name, "selected %r of %r" % (text[a:b], text))
    shot("save-proposed")
    # Typing replaces the name: "sub" is a directory.
    in_dialog("Save transcript", "Return", text="sub")
    st = ana.wait(lambda s: s.get("savetext", "").startswith(sub + "/"),
                  "the directory opened")
    xc.check(widget(st, "*saveDialog")[0], "the dialog closed")
    xc.check("directory" not in st["transcript"], "a note on it")
    a, b = (int(v) for v in st["saveselection"].split())
    xc.check(st["savetext"][a:b] == name, "selected in sub: %r" %
             st["savetext"])
    shot("save-directory")
    in_dialog("Save transcript", "Return", text="out.txt")
    target = os.path.join(sub, "out.txt")
    st = ana.wait(lambda s: not widget(s, "*saveDialog")[0] and
                  "Transcript saved to " + target in s["transcript"],
                  "saved")
    xc.check("linha 100" in open(target).read(), "the file's text")
    # Again, onto the same file: asked; Cancel keeps it and the dialog.
    with open(target, "w") as f:
        f.write("o que havia\n")
    open_save(ana)
    in_dialog("Save transcript", "Return", text="out.txt")
    st = ana.wait(lambda s: s["dialogs"].get("*overwriteDialog") ==
                  "managed", "the question")
    xc.check(target in st["messages"]["*overwriteDialog"], "question: %r"
             % st["messages"]["*overwriteDialog"])
    shot("save-overwrite")
    ana.click(st, "*overwriteDialog.Cancel")
    st = ana.wait(lambda s: s["dialogs"].get("*overwriteDialog") ==
                  "unmanaged", "not replaced")
    xc.check(widget(st, "*saveDialog")[0], "the save dialog went away")
    xc.check(open(target).read() == "o que havia\n", "replaced anyway")
    in_dialog("Save transcript", "Return")
    st = ana.wait(lambda s: s["dialogs"].get("*overwriteDialog") ==
                  "managed", "asked again")
    ana.click(st, "*overwriteDialog.OK")
    ana.wait(lambda s: not widget(s, "*saveDialog")[0] and
             s["transcript"].count("Transcript saved to " + target) == 2,
             "replaced")
    xc.check("linha 100" in open(target).read(), "not replaced")
    log("ok: save: a directory opened, the name selected, replacing "
        "asked (Cancel keeps the file)")


def mention(ana, bob):
    """A mention is underlined, the selection in reverse video: both
    on the screen at once, to be looked at."""
    ana.xdo("key", "End")
    bob.msg(900, "ana, olha a linha seguinte")
    bob.msg(901, "esta linha vai ser selecionada")
    bob.expect("OK 901 ", skip=("JOIN", "NICK", "LEAVE", "PING", "MSG",
                                "OK 900 "))
    ana.wait(lambda s: shown(s, "vai ser selecionada"), "the lines")
    ana.xdo("key", "ctrl+f")
    in_dialog("xchat: find", "Return", "Escape", text="vai ser")
    ana.wait(lambda s: (selection(s) or (0, 0, ""))[2] == "vai ser",
             "selected")
    shot("mention-and-selection")
    # What the font cannot draw is its code point, not an empty box; a
    # variation selector (no width) is left out; the log keeps them.
    text = "sorriso \U0001F600\uFE0F fim"
    bob.msg(902, text)
    st = ana.wait(lambda s: shown(s, "sorriso [U+1F600] fim"),
                  "the code point shown")
    xc.check(text in ana.logtext(), "the log lost the emoji")
    shot("no-glyph")
    log("ok: a mention underlined beside the selection; a character "
        "the font lacks shown as [U+1F600]")


def narrow_bar(srv, bob):
    """A new user's report: at 560 pixels, the Portuguese bar of new
    lines below was cut.  Its whole text fits in both languages."""
    langs = ["C.UTF-8"]
    if b"pt_BR.utf8" in subprocess.run(["locale", "-a"],
                                       capture_output=True).stdout:
        langs.append("pt_BR.UTF-8")
    # The answer to mention()'s last message, still unread.
    bob.expect("OK 902 ", skip=("JOIN", "NICK", "LEAVE", "PING", "MSG"))
    for lang in langs:
        tag = lang.split(".")[0].replace("_", "")
        w = Win("xchatN" + tag, srv.port, "n" + tag, "-geometry",
                "560x520", lang=lang)
        w.wait(lambda s: s["nick"] == "n" + tag, "connection")
        # bob's message numbers (seq) go on from the steps before.
        first = 5000 if tag == "C" else 6000
        send_lines(bob, first, 60, fmt="estreita %d")
        st = w.wait(lambda s: shown(s, "estreita %d" % (first + 59)),
                    "at the end")
        wheel(st, 4, 6)
        w.wait(lambda s: not shown(s, "estreita %d" % (first + 59)),
               "scrolled back")
        send_lines(bob, first + 60, 100, fmt="estreita %d")
        st = w.wait(lambda s: widget(s, "*newMessages")[0] and
                    "100" in widget(s, "*newMessages")[5], "the bar")
        shot("narrow-bar-" + tag)
        bar = widget(st, "*newMessages")
        xc.check(int(st["barwant"]) <= bar[3], "%s: the bar needs %s "
                 "pixels, has %d: %r" % (lang, st["barwant"], bar[3],
                                         bar[5]))
        w.proc.kill()
        w.proc.wait()
    log("ok: the bar's text fits at 560 pixels")


def main():
    work = os.path.join(T, "work")
    os.makedirs(work)
    os.chdir(work)
    srv = xc.Server("-floodrate", "0", tls=False)
    bob = srv.client()
    bob.sendline("NICK bob")
    bob.expect("NICK %d bob" % bob.id, skip=("LEAVE", "JOIN"))
    ana = Win("xchatW", srv.port, "ana", "-geometry", "860x520",
                   "-xrm", "XChat.urlCommand: %s --open %%u" % url_script())
    ana.wait(lambda s: s["status"].startswith("Connected to") and
             s["nick"] == "ana", "connection")
    scrollback(ana, bob)
    draft(ana)
    find(ana)
    links(ana, bob)
    panes(ana, srv)
    save(ana, work)
    mention(ana, bob)
    narrow_bar(srv, bob)
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
