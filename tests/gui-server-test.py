#!/usr/bin/env python3
"""gui-server-test.py -- the GUI tests of xchatd's window, run by
gui-server.sh under a private Xvfb (DISPLAY set).  xchatd runs with its
window; scripted protocol clients (xc.py; keyed ones over TLS with a
client certificate, xc.Key) talk to it; the window is
driven with xdotool clicks and tests/gui-server-wmdelete, and its state
is read back through the test hook: SIGUSR1 makes xchatd write the
widget state (title, list items and their positions, status line,
labels, dialogs, the Accounts dialog's lists, the last event lines) to
the file named by the dumpFile resource.  With XC_SHOTS set to a
directory, screenshots of the main window and the dialogs are saved
there (i12w-*.png) for a person to look at.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import xc  # noqa: E402
import xgui  # noqa: E402

T = os.environ["T"]
SRCDIR = os.environ.get("srcdir", HERE + "/..")
BUILDDIR = os.environ.get("builddir", ".")
RES = os.path.join(SRCDIR, "resources")
WMDELETE = os.path.join(BUILDDIR, "tests", "gui-server-wmdelete")
PROCS = []


# The continuationMark resource: the start of every continued row.
CONT = "  \u21b3 "
SHOTS = os.environ.get("XC_SHOTS")


def log(*a):
    print("gui-server:", *a, file=sys.stderr, flush=True)


def xdo(*args, check=True, timeout=15):
    r = subprocess.run(["xdotool"] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if check and r.returncode != 0:
        xc.fail("xdotool %s: %s" % (" ".join(map(str, args)),
                                   r.stderr.decode(errors="replace")))
    return r.stdout.decode().split()


def find_window(*how, timeout=60):
    """Window ids that xdotool search finds (waits up to timeout)."""
    r = subprocess.run(["timeout", str(timeout), "xdotool", "search",
                        "--sync", "--onlyvisible"] + list(how),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.stdout.decode().split()


def shot(name):
    """With XC_SHOTS set, save the screen as XC_SHOTS/i12w-name.png."""
    if not SHOTS:
        return
    subprocess.run(["import", "-window", "root",
                    os.path.join(SHOTS, "i12w-%s.png" % name)], check=True)


def click(x, y):
    xdo("mousemove", "--sync", x, y)
    time.sleep(0.05)
    xdo("click", 1)
    time.sleep(0.15)


class Window:
    """A windowed xchatd on a free port, with its dump file."""
    count = 0

    def __init__(self, *args, env=None, logfile=None, wait=True):
        Window.count += 1
        self.port = xc.free_port()
        self.log = logfile or os.path.join(T, "log-%d.txt" % Window.count)
        self.dumpfile = os.path.join(T, "dump-%d" % Window.count)
        self.errfile = os.path.join(T, "xchatd-%d.err" % Window.count)
        e = dict(os.environ)
        e.setdefault("LANG", "C.UTF-8")
        if env:
            e.update(env)
        for k in [k for k, v in e.items() if v is None]:
            del e[k]
        self.tlsport = xc.free_port()
        self.statedir = os.path.join(T, "state-%d" % Window.count)
        cmd = [xc.XCHATD, "-port", str(self.port), "-logfile", self.log,
               "-tlsport", str(self.tlsport), "-statedir", self.statedir,
               "-xrm", "*dumpFile: " + self.dumpfile] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=open(self.errfile, "wb"),
                                     stderr=subprocess.STDOUT, env=e)
        PROCS.append(self.proc)
        if not wait:
            return
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                xc.fail("xchatd exited at start: " + self.stderr())
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            xc.fail("windowed xchatd did not start listening")
        # The connection above was a client too; let it go: once a
        # client of our own has seen its LEAVE (or joined after it),
        # no later client can.
        # (The probe connected first, so it was accepted first.)
        c = xc.Client(self.port, timeout=30)
        if c.users:
            c.expect("LEAVE", skip=("JOIN",))
        c.sendline("QUIT")
        c.expect("BYE quit", skip=("JOIN", "LEAVE"))
        c.close()
        self.wait_for(lambda d: d["nclients"] == 0, "probe gone")

    def stderr(self):
        with open(self.errfile, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def dump(self):
        try:
            os.unlink(self.dumpfile)
        except FileNotFoundError:
            pass
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.time() + 15
        while not os.path.exists(self.dumpfile):
            if time.time() > deadline or self.proc.poll() is not None:
                xc.fail("no state dump from xchatd: " + self.stderr())
            time.sleep(0.02)
        d = {"clients": [], "items": {}, "widgets": {}, "dialogs": {},
             "messages": {}, "events": [], "rows": [], "screen": []}
        with open(self.dumpfile, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                key, _, rest = line.partition(" ")
                if key == "client":
                    d["clients"].append(rest)
                elif key == "item":
                    p = rest.split()
                    d["items"][int(p[0])] = tuple(map(int, p[1:]))
                elif key == "widget":
                    p = rest.split(" ", 7)
                    if p[1] == "missing":
                        d["widgets"][p[0]] = None
                        continue
                    d["widgets"][p[0]] = {
                        "managed": p[1] == "managed",
                        "sensitive": p[2] == "sensitive",
                        "x": int(p[3]), "y": int(p[4]),
                        "w": int(p[5]), "h": int(p[6]),
                        "label": p[7] if len(p) > 7 else ""}
                elif key == "dialog":
                    name, _, state = rest.partition(" ")
                    d["dialogs"][name] = state
                elif key == "message":
                    name, _, m = rest.partition(" ")
                    d["messages"][name] = m
                elif key == "row":
                    d["screen"].append(rest)
                elif key == "event":
                    # A continuation row (it begins with the mark)
                    # belongs to the event line above it.
                    d["rows"].append(rest)
                    if rest.startswith(CONT) and d["events"]:
                        d["events"][-1] += " " + rest[len(CONT):]
                    else:
                        d["events"].append(rest)
                elif key in ("title", "status"):
                    d[key] = rest
                elif key in ("paused", "held", "lines", "statuswant",
                             "statuswidth"):
                    d[key] = int(rest)
                elif key == "clients":
                    d["nclients"] = int(rest)
                elif key == "bansitem":
                    d.setdefault("bansitems", []).append(rest)
                elif key == "bansitempos":
                    p = rest.split()
                    d.setdefault(key, {})[int(p[0])] = tuple(
                        map(int, p[1:]))
                elif key == "bansfile":
                    d[key] = int(rest)
                elif key in ("account", "ban"):
                    d.setdefault(key + "s", []).append(rest)
                elif key in ("accountpos", "banpos"):
                    p = rest.split()
                    d.setdefault(key, {})[int(p[0])] = tuple(
                        map(int, p[1:]))
                elif key == "selectedkey":
                    d[key] = rest
        return d

    def wait_for(self, pred, what, timeout=40):
        deadline = time.time() + timeout
        while True:
            d = self.dump()
            if pred(d):
                return d
            if time.time() > deadline:
                xc.fail("timed out waiting for %s; state:\n%s" %
                        (what, open(self.dumpfile, encoding="utf-8").read()))
            time.sleep(0.1)

    def center(self, d, path):
        w = d["widgets"][path]
        xc.check(w is not None and w["managed"], "%s not shown" % path)
        return w["x"] + w["w"] // 2, w["y"] + w["h"] // 2

    def menu(self, cascade, item):
        """Pick a menu item with two clicks, as a person would."""
        d = self.dump()
        click(*self.center(d, "*menuBar." + cascade))
        d = self.wait_for(lambda d: d["widgets"][item]["x"] > 0,
                          "menu %s posted" % cascade)
        click(*self.center(d, item))

    def window(self):
        w = find_window("--class", "XChatd")
        xc.check(len(w) >= 1, "no visible window of class XChatd")
        return w[0]

    def exit_status(self, timeout=10):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            xc.fail("xchatd did not exit; state: %r" % self.dump())

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def client_row(d, nick):
    for i, c in enumerate(d["clients"]):
        if c.split()[1:2] == [nick]:
            return i + 1, c
    return None, None


def test_main():
    """Window, client list, counters, event lines, trimming, Kick,
    selection kept across updates, pause, verify log, quit dialog."""
    w = Window("-geometry", "1000x600+0+0", "-savelines", "40",
               "-floodrate", "0")
    win = w.window()
    name = xdo("getwindowname", win)
    xc.check(name == ["xchatd"], "title %r, expected xchatd" % name)
    geo = " ".join(xdo("getwindowgeometry", win))
    xc.check("1000x600" in geo, "-geometry ignored: %s" % geo)
    d = w.dump()
    xc.check(d["title"] == "xchatd", "dumped title %r" % d["title"])
    xc.check(any("listening on 127.0.0.1:%d" % w.port in e
                 for e in d["events"]), "no start-up line: %r" % d["events"])
    xc.check(d["events"][0].startswith("--- "), "no date line first")

    ana = xc.Client(w.port)
    ana.sendline("NICK ana")
    ana.expect("NICK")
    joao = xc.Client(w.port)
    joao.sendline("NICK joão")
    joao.expect("NICK", skip=("JOIN", "NICK"))
    rui = xc.Client(w.port)
    rui.sendline("NICK rui")
    rui.expect("NICK %d" % rui.id, skip=("JOIN", "NICK"))
    ana.msg(1, "Olá a todos, tudo bem?")
    ana.expect("OK 1", skip=("JOIN", "NICK"))
    joao.msg(1, "Tudo ótimo! Coração, ação, pão.")
    joao.expect("OK 1", skip=("JOIN", "NICK", "MSG"))
    rui.msg(7, "este resumo está errado", digest="0" * 32)
    rui.expect("NAK 7 badhash", skip=("JOIN", "NICK", "MSG"))

    d = w.wait_for(lambda d: d["nclients"] == 3 and "Rejected: 1"
                   in d["status"], "3 clients and 1 rejection")
    xc.check("Clients: 3" in d["status"] and "Accepted: 2" in d["status"]
             and "127.0.0.1:%d" % w.port in d["status"],
             "status line: %r" % d["status"])
    # Both addresses: the TLS one is where remote users connect.
    xc.check(d["status"].startswith(
        "Listening on 127.0.0.1:%d, TLS on 127.0.0.1:%d|" %
        (w.port, w.tlsport)), "status line's addresses: %r" % d["status"])
    for nick, msgs in (("ana", "1"), ("joão", "1"), ("rui", "0")):
        pos, row = client_row(d, nick)
        xc.check(pos is not None, "%s not in the list: %r" %
                 (nick, d["clients"]))
        f = row.split()
        xc.check(f[2] == "-" and f[3].startswith("127.0.0.1:") and
                 f[4] == msgs and f[5] == "0" and f[6] == "plain",
                 "row %r: want no key, address, %s messages, 0 DMs, plain" %
                 (row, msgs))
    ev = "\n".join(d["events"])
    for want in ("connected from 127.0.0.1:", "#%d user%d is now joão" %
                 (joao.id, joao.id), "<ana> Olá a todos, tudo bem?",
                 "<joão> Tudo ótimo! Coração, ação, pão.",
                 "rejected: badhash (received " + "0" * 32 +
                 ", computed " + xc.md5("este resumo está errado")):
        xc.check(want in ev, "no event line with %r in:\n%s" % (want, ev))
    xc.check(all(e[2] == ":" and e[5] == ":" for e in d["events"][1:]),
             "lines without HH:MM:SS: %r" % d["events"])

    # A character the event view's font lacks is [U+XXXX], as in the
    # client's transcript (it was an empty box).
    joao.msg(2, "Bom dia 日本 \U0001F389")
    joao.expect("OK 2", skip=("JOIN", "NICK", "MSG"))
    shown = "<joão> Bom dia"
    for c in ("65e5", "672c", "1f389"):
        has = subprocess.run(["fc-list", ":family=DejaVu Sans Mono:"
                              "charset=" + c, "family"], capture_output=True,
                             text=True).stdout.strip() != ""
        shown += (" " if c != "672c" else "") + (
            chr(int(c, 16)) if has else "[U+%04X]" % int(c, 16))
    d = w.wait_for(lambda d: any(shown in e for e in d["events"]),
                   "the line shown as %r" % shown)

    # Kick rui by clicking his row, then the Kick button.
    pos, _ = client_row(d, "rui")
    xc.check(not d["widgets"]["*clientsPanel.kick"]["sensitive"],
             "Kick is active with nothing selected")
    x, y, iw, ih = d["items"][pos]
    click(x + iw // 2, y + ih // 2)
    d = w.wait_for(lambda d: client_row(d, "rui")[1].endswith("[selected]"),
                   "rui selected")
    xc.check(d["widgets"]["*clientsPanel.kick"]["sensitive"],
             "Kick inactive with a selection")
    # Kick asks first (issue 13): Cancel keeps rui; then with a reason.
    click(*w.center(d, "*clientsPanel.kick"))
    d = w.wait_for(lambda d: d["dialogs"].get("*kickDialog") == "managed",
                   "the kick question")
    xc.check(d["messages"]["*kickDialog"].startswith(
        "Kick #%d rui (127.0.0.1:" % rui.id) and
        d["widgets"]["*kickDialog.OK"]["label"] == "Kick",
        "kick question %r" % d["messages"]["*kickDialog"])
    click(*w.center(d, "*kickDialog.Cancel"))
    w.wait_for(lambda d: d["dialogs"]["*kickDialog"] == "unmanaged",
               "kick question cancelled")
    rui.sendline("PING still")
    rui.expect("PONG still", skip=("JOIN", "NICK", "MSG", "LEAVE"))
    click(*w.center(w.dump(), "*clientsPanel.kick"))
    d = w.wait_for(lambda d: d["dialogs"].get("*kickDialog") == "managed",
                   "the kick question again")
    click(*w.center(d, "*kickDialog*reason"))
    xgui.bind_keys("  spam de links, não ")
    xdo("type", "--delay", "20", "  spam de links, não ")
    shot("kick")
    click(*w.center(d, "*kickDialog.OK"))
    l = rui.expect("BYE kicked", skip=("JOIN", "NICK", "MSG", "LEAVE"))
    xc.check(l == "BYE kicked spam de links, não".encode(),
             "kick with a reason: %r" % l)
    xc.check(rui.closed(3), "kicked client not disconnected")
    ana.expect("LEAVE %d rui kicked" % rui.id, skip=("MSG", "JOIN", "NICK"))
    d = w.wait_for(lambda d: d["nclients"] == 2, "kicked row removed")
    xc.check(client_row(d, "rui")[0] is None, "rui still listed")
    xc.check("Clients: 2" in d["status"], "status: %r" % d["status"])
    xc.check(any("disconnected (kicked)" in e for e in d["events"]),
             "no kicked line: %r" % d["events"][-5:])

    # Fake lines through wrapping (issue 10): a client pads its text so
    # that, with the toolkit's word wrap, a row of its own read
    # "mallory disconnected (kicked)" while mallory was connected.
    # Every row the window shows must begin with a time, the date line
    # or the continuation mark.
    mal = xc.Client(w.port)
    mal.sendline("NICK mallory")
    mal.expect("NICK %d" % mal.id, skip=("JOIN", "NICK", "MSG"))
    fake = "15:33:24 - #%d mallory disconnected (kicked), 0 messages" \
        % mal.id
    for k, pad in enumerate((" " * 70, "\t" * 300, "x" * 90)):
        mal.msg(k + 1, "ok" + pad + fake)
        mal.expect("OK %d" % (k + 1), skip=("JOIN", "NICK", "MSG"))
    d = w.wait_for(lambda d: sum(fake in e for e in d["events"]) == 3,
                   "the padded messages")
    rows = [r for r in d["screen"] if r]
    xc.check(sum("mallory disconnected" in r for r in rows) == 3,
             "padded messages not on screen: %r" % rows)
    bad = [r for r in rows if not (re.match(r"\d\d:\d\d:\d\d |--- ", r)
                                   or r.startswith(CONT))]
    xc.check(not bad and not any(r.startswith("15:33:24") for r in rows),
             "rows that are neither a line nor a marked continuation: %r"
             % bad)
    mal.close()

    # The selection stays on a row whose counter changes in place.
    pos, _ = client_row(d, "ana")
    x, y, iw, ih = d["items"][pos]
    click(x + iw // 2, y + ih // 2)
    w.wait_for(lambda d: client_row(d, "ana")[1].endswith("[selected]"),
               "ana selected")
    for i in range(2, 5):
        ana.msg(i, "mensagem número %d" % i)
        ana.expect("OK %d" % i, skip=("MSG", "JOIN", "NICK", "LEAVE"))
    d = w.wait_for(lambda d: client_row(d, "ana")[1].split()[4] == "4",
                   "ana's counter at 4")
    xc.check(client_row(d, "ana")[1].endswith("[selected]"),
             "selection lost on update: %r" % d["clients"])

    # saveLines 40: the view never holds more.
    for i in range(5, 105):
        ana.msg(i, "linha %d" % i)
    ana.expect("OK 104", skip=("OK", "MSG", "JOIN", "NICK", "LEAVE"))
    d = w.wait_for(lambda d: any("linha 104" in e for e in d["events"]),
                   "the last line shown")
    xc.check(0 < d["lines"] <= 40, "%d lines kept, saveLines 40" %
             d["lines"])
    xc.check(not any(e.endswith("<ana> linha 5") for e in d["events"]),
             "oldest line not trimmed")

    # View > Pause display holds lines; Resume shows them.
    w.menu("view", "*viewMenu.pause")
    d = w.wait_for(lambda d: d["paused"] == 1, "paused")
    xc.check(d["widgets"]["*viewMenu.pause"]["label"] == "Resume display",
             "pause item label %r" % d["widgets"]["*viewMenu.pause"])
    ana.msg(200, "retida durante a pausa")
    ana.expect("OK 200", skip=("MSG", "JOIN", "NICK", "LEAVE"))
    d = w.wait_for(lambda d: d["held"] >= 1, "a held line")
    xc.check(not any("retida" in e for e in d["events"]),
             "line shown while paused")
    xc.check("paused" in d["status"], "status: %r" % d["status"])
    w.menu("view", "*viewMenu.pause")
    d = w.wait_for(lambda d: any("retida" in e for e in d["events"]),
                   "held line shown on resume")
    xc.check(d["widgets"]["*viewMenu.pause"]["label"] == "Pause display",
             "label not restored")

    # File > Verify log shows the verifier's verdict.
    w.menu("file", "*fileMenu.verify")
    d = w.wait_for(lambda d: d["dialogs"].get("*verifyDialog") ==
                   "managed", "the verify dialog")
    xc.check("is intact" in d["messages"]["*verifyDialog"],
             "verify: %r" % d["messages"])
    click(*w.center(d, "*verifyDialog.OK"))
    w.wait_for(lambda d: d["dialogs"]["*verifyDialog"] == "unmanaged",
               "verify dialog closed")

    # Help > About names the version and the listen address.
    w.menu("help", "*helpMenu.about")
    d = w.wait_for(lambda d: d["dialogs"].get("*aboutDialog") ==
                   "managed", "the about dialog")
    m = d["messages"]["*aboutDialog"]
    xc.check("xchatd 1." in m and "127.0.0.1:%d" % w.port in m,
             "about: %r" % m)
    click(*w.center(d, "*aboutDialog.OK"))

    # WM_DELETE_WINDOW with clients asks first; OK shuts down.
    subprocess.run([WMDELETE, win], check=True)
    d = w.wait_for(lambda d: d["dialogs"].get("*quitDialog") == "managed",
                   "the quit question")
    xc.check("Clients connected: 2" in d["messages"]["*quitDialog"],
             "question: %r" % d["messages"]["*quitDialog"])
    xc.check(w.proc.poll() is None, "quit without asking")
    click(*w.center(d, "*quitDialog.OK"))
    ana.expect("BYE shutdown", skip=("MSG", "JOIN", "NICK", "LEAVE", "OK"))
    xc.check(w.exit_status() == 0, "exit status after Quit not 0")
    for c in (ana, joao, rui):
        c.close()


def norm(text):
    """Event text with runs of blanks made one (rows join with one)."""
    return " ".join(text.split())


def have_event(d, want):
    return any(want in norm(e) for e in d["events"])


def select_row(w, nick):
    """Click nick's row of the client list; returns the dump."""
    d = w.dump()
    pos, _ = client_row(d, nick)
    xc.check(pos is not None, "%s not listed: %r" % (nick, d["clients"]))
    x, y, iw, ih = d["items"][pos]
    click(x + iw // 2, y + ih // 2)
    return w.wait_for(lambda d: client_row(d, nick)[1].endswith(
        "[selected]"), "%s selected" % nick)


def accounts_open(w):
    w.menu("clients", "*clientsMenu.accounts")
    return w.wait_for(lambda d: d["dialogs"].get("*accountsDialog") ==
                      "managed", "the Accounts dialog")


def accounts_select(w, nick):
    """Click nick's line in the Accounts dialog; returns the dump."""
    d = w.dump()
    rows = [i + 1 for i, a in enumerate(d.get("accounts", []))
            if a.split()[0] == nick]
    xc.check(rows, "%s not in the Accounts dialog: %r" %
             (nick, d.get("accounts")))
    x, y, iw, ih = d["accountpos"][rows[0]]
    click(x + iw // 2, y + ih // 2)
    return w.wait_for(lambda d: d["accounts"][rows[0] - 1].endswith(
        "[selected]"), "%s selected in Accounts" % nick)


def dialog_ok(w, name, what):
    """Wait for the dialog name, check it says each of what, press OK."""
    d = w.wait_for(lambda d: d["dialogs"].get(name) == "managed", name)
    m = norm(d["messages"][name])
    for want in what:
        xc.check(want in m, "%s says %r, not %r" % (name, m, want))
    click(*w.center(d, name + ".OK"))
    w.wait_for(lambda d: d["dialogs"][name] == "unmanaged",
               name + " closed")
    return d


def read_file(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_keys():
    """Keyed clients (issue 12): the key column and TLS/2, the
    registration line, the Accounts dialog (refreshed while open,
    Remove), Ban key (a keyed client only; the file, BYE kicked banned,
    refused at HELLO after), and errors from an accounts file that
    cannot be written, shown and not lost."""
    if shutil.which("openssl") is None:
        log("SKIPPED test_keys: no openssl to make client keys")
        return
    acc = os.path.join(T, "accounts-keys.txt")
    w = Window("-accounts", acc, "-floodrate", "0")
    ana_key = xc.Key(T, "ana")
    ana_fp = ana_key.fingerprint
    ana = xc.Client(w.tlsport, v2=True, key=ana_key, timeout=10)
    xc.check(ana.key == ana_fp, "WELCOME key %r, not %r" % (ana.key, ana_fp))
    ana.sendline("NICK ana")
    ana.expect("NICK %d ana" % ana.id)
    xc.check("ana %s\n" % ana_fp in read_file(acc),
             "not registered: %r" % read_file(acc))
    rui = xc.Client(w.port)
    rui.sendline("NICK rui")
    rui.expect("NICK %d rui" % rui.id, skip=("JOIN", "NICK"))
    anon = xc.Client(w.tlsport, v2=True, timeout=10)
    xc.check(anon.key == "-", "anonymous WELCOME key %r" % anon.key)

    d = w.wait_for(lambda d: d["nclients"] == 3, "three clients")
    for nick, key, via in (("ana", ana_fp[7:15], "TLS/2"),
                           ("rui", "-", "plain"),
                           (anon.nick, "-", "TLS/2")):
        f = client_row(d, nick)[1].split()
        xc.check(f[2] == key and f[6] == via,
                 "row of %s: %r, want key %s via %s" % (nick, f, key, via))
    hdr = d["widgets"]["*clientsPanel.clientsHeader"]["label"].split()
    xc.check(hdr == ["id", "nick", "away", "key", "address", "msgs", "DMs",
                     "via"], "header %r" % hdr)
    # The columns line up: each row's key starts where the header's does.
    col = d["widgets"]["*clientsPanel.clientsHeader"]["label"].index("key")
    for c in d["clients"]:
        xc.check(c.index(" ", col - 1) == col - 1 and c[col] != " ",
                 "key column not under its header: %r" % c)
    # At the default size the whole panel is on a 1280-pixel screen.
    k = d["widgets"]["*clientsPanel.kick"]
    xc.check(k["x"] + k["w"] <= 1280, "Kick off screen: %r" % k)
    xc.check(have_event(d, "#%d user%d connected from 127.0.0.1:" %
                        (ana.id, ana.id)) and
             have_event(d, "key %s" % ana_fp[7:15]) and
             have_event(d, "#%d ana registered to key %s" % (ana.id,
                                                              ana_fp)),
             "keyed join or registration line missing:\n%s" %
             "\n".join(d["events"]))
    shot("main")

    # Accounts lists ana; a registration while it is open shows at once.
    d = accounts_open(w)
    xc.check(d["accounts"] == ["ana" + " " * 14 + ana_fp] and
             not d.get("bans"), "Accounts: %r" % d.get("accounts"))
    xc.check(acc in d["widgets"]["*accountsDialog.accountsPathLabel"]
             ["label"], "path label %r" %
             d["widgets"]["*accountsDialog.accountsPathLabel"])
    bia_key = xc.Key(T, "bia")
    bia_fp = bia_key.fingerprint
    bia = xc.Client(w.tlsport, v2=True, key=bia_key, timeout=10)
    bia.sendline("NICK bia")
    bia.expect("NICK %d bia" % bia.id, skip=("JOIN", "NICK"))
    w.wait_for(lambda d: len(d.get("accounts", [])) == 2 and
               d["accounts"][1].split() == ["bia", bia_fp],
               "bia's registration in the open dialog")
    d = accounts_select(w, "bia")
    xc.check(d["selectedkey"] == bia_fp, "selected key %r" %
             d["selectedkey"])
    xc.check(d["widgets"]["*accountsDialog.removeRegistration"]
             ["sensitive"], "Remove inactive with a selection")
    shot("accounts")
    click(*w.center(d, "*accountsDialog.removeRegistration"))
    w.wait_for(lambda d: d["dialogs"].get("*removeDialog") == "managed",
               "the remove question")
    shot("remove")
    dialog_ok(w, "*removeDialog", ("Remove the registration of bia?",
                                   bia_fp, acc))
    d = w.wait_for(lambda d: len(d.get("accounts", [])) == 1,
                   "bia removed from the dialog")
    xc.check("bia" not in read_file(acc) and "ana " + ana_fp in
             read_file(acc), "file after Remove: %r" % read_file(acc))
    xc.check(have_event(d, "the registration of bia (key %s) was removed"
                        % bia_fp[7:15]), "no removal line")
    click(*w.center(d, "*accountsDialog.closeAccounts"))
    w.wait_for(lambda d: d["dialogs"]["*accountsDialog"] == "unmanaged",
               "Accounts closed")

    # Ban key: not for an anonymous client, nor with nothing selected.
    d = w.dump()
    xc.check(not d["widgets"]["*clientsPanel.ban"]["sensitive"] and
             not d["widgets"]["*clientsMenu.ban"]["sensitive"],
             "Ban key active with nothing selected")
    d = select_row(w, "rui")
    xc.check(not d["widgets"]["*clientsPanel.ban"]["sensitive"] and
             d["widgets"]["*clientsPanel.kick"]["sensitive"],
             "Ban key active for an anonymous client")
    d = select_row(w, "ana")
    xc.check(d["widgets"]["*clientsPanel.ban"]["sensitive"],
             "Ban key inactive for a keyed client")
    click(*w.center(d, "*clientsPanel.ban"))
    w.wait_for(lambda d: d["dialogs"].get("*banDialog") == "managed",
               "the ban question")
    shot("ban")
    dialog_ok(w, "*banDialog", ("Ban the key of #%d ana?" % ana.id, ana_fp,
                                acc))
    ana.expect("BYE kicked banned", skip=("JOIN", "NICK", "LEAVE"))
    xc.check(ana.closed(), "banned client not disconnected")
    xc.check("!%s\n" % ana_fp in read_file(acc), "no ban line: %r" %
             read_file(acc))
    again = xc.Client(w.tlsport, v2=True, key=ana_key, handshake=False)
    again.sendline("HELLO 0")
    again.expect("BYE kicked banned")
    d = w.wait_for(lambda d: "Denied: 1" in d["status"] and
                   client_row(d, "ana")[0] is None, "ana gone, denied")
    xc.check(have_event(d, "banning the key of #%d ana: %s" %
                        (ana.id, ana_fp)), "no ban line")
    d = accounts_open(w)
    xc.check(d.get("bans") == [ana_fp + "  (ana)"], "bans %r" %
             d.get("bans"))
    click(*w.center(d, "*accountsDialog.closeAccounts"))

    # The file cannot be written (a directory now): a ban, a removal
    # and a reload fail, each said in a dialog that names the file and
    # in the event view; the client stays.
    os.unlink(acc)
    os.mkdir(acc)
    select_row(w, "bia")
    d = w.dump()
    click(*w.center(d, "*clientsPanel.ban"))
    dialog_ok(w, "*banDialog", ("#%d bia" % bia.id, bia_fp))
    dialog_ok(w, "*accountsErrorDialog", ("Cannot ban the key of #%d bia"
                                          % bia.id, acc, "Is a directory"))
    bia.msg(1, "ainda aqui")           # signed with bia's key
    bia.expect("OK 1", skip=("JOIN", "NICK", "LEAVE", "MSG"))
    w.wait_for(lambda d: "Signatures: 1, bad 0" in d["status"],
               "the signature counted")
    d = accounts_open(w)
    click(*w.center(d, "*accountsDialog.reloadAccounts"))
    dialog_ok(w, "*accountsErrorDialog", ("Cannot read the accounts file "
                                          + acc, "Is a directory"))
    accounts_select(w, "ana")
    d = w.dump()
    click(*w.center(d, "*accountsDialog.removeRegistration"))
    dialog_ok(w, "*removeDialog", ("ana",))
    shot("error")
    d = dialog_ok(w, "*accountsErrorDialog",
                  ("Cannot remove the registration of ana", acc))
    d = w.wait_for(lambda d: sum("!! accounts:" in e for e in d["events"])
                   == 3, "three error lines")
    xc.check(d["accounts"][0].startswith("ana "), "registry lost: %r" %
             d["accounts"])
    os.rmdir(acc)
    for c in (rui, anon, bia):
        c.close()
    w.kill()


def test_wm_delete_idle():
    """WM_DELETE_WINDOW with no client connected: exit 0 at once.
    (The window is opened with -display and no DISPLAY set.)"""
    w = Window("-display", os.environ["DISPLAY"], env={"DISPLAY": None})
    subprocess.run([WMDELETE, w.window()], check=True)
    rc = w.exit_status()
    xc.check(rc == 0, "WM_DELETE_WINDOW: exit status %r" % rc)


def test_summary():
    """Past summaryRate lines a second the view counts instead."""
    w = Window("-floodrate", "0", "-xrm", "*summaryRate: 5",
               "-xrm", "*dumpLines: 100")
    c = xc.Client(w.port)
    for i in range(1, 61):
        c.msg(i, "rajada %d" % i)
    # The start-up probe may still be leaving (a loaded machine).
    c.expect("OK 60", skip=("OK", "LEAVE", "JOIN"))

    def counted(d):
        shown = [e for e in d["events"] if "<user%d> rajada" % c.id in e]
        summ = [e for e in d["events"] if "more messages" in e]
        skipped = sum(int(e.split("... ")[1].split()[0].replace(",", ""))
                      for e in summ)
        return shown, summ, skipped

    # The summary line comes when its second is over: wait for it.
    d = w.wait_for(lambda d: "Accepted: 60" in d["status"] and
                   not d["events"][-1].startswith("  ") and
                   len(counted(d)[0]) + counted(d)[2] >= 60, "60 accepted")
    shown, summ, skipped = counted(d)
    xc.check(summ, "no summary line: %r" % d["events"])
    xc.check(len(shown) + skipped == 60 and len(shown) < 60,
             "%d shown + %d summarised != 60: %r" %
             (len(shown), skipped, d["events"]))
    c.close()
    w.kill()


def test_startup_errors():
    """Port in use, log not writable: a dialog, stderr, exit 1."""
    busy = socket.socket()
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    for what, args in (("port in use", ["-port", str(port)]),
                       ("log not writable",
                        ["-logfile", os.path.join(T, "no", "such", "log")])):
        w = Window(*args, wait=False)
        # Generous: a loaded CI machine may take a while to start Motif.
        found = find_window("--name", "^xchatd: error$", timeout=40)
        xc.check(found, "%s: no error dialog (stderr %r)" %
                 (what, w.stderr()))
        xc.check(w.proc.poll() is None, "%s: exited before the dialog "
                 "was dismissed" % what)
        xdo("windowfocus", "--sync", found[0])
        xdo("key", "Return")
        rc = w.exit_status()
        xc.check(rc == 1, "%s: exit status %r, expected 1" % (what, rc))
        err = w.stderr()
        xc.check(("in use" if what == "port in use" else "log") in err,
                 "%s: stderr %r" % (what, err))
    busy.close()


def bad_value_run(prog, args):
    """Run prog with a display; its exit status and output (None if it
    is still running after 60 s: the bad value was taken)."""
    e = dict(os.environ, HOME=T,
             XFILESEARCHPATH=os.path.join(xc.SRCDIR, "resources", "%N"))
    try:
        r = subprocess.run([prog] + args, capture_output=True, env=e,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return None, ""
    return r.returncode, (r.stdout + r.stderr).decode()


def test_bad_resources():
    """A bad resource value with a window: one line naming the
    resource (and its option), exit 2; no Xt converter warning."""
    port = str(xc.free_port())
    for prog, args, want in (
            (xc.XCHATD, ["-port", port, "-xrm", "xchatd*saveLines: zz"],
             "saveLines (-savelines)"),
            (xc.XCHATD, ["-port", port, "-xrm", "XChatd*saveLines: -1"],
             "saveLines (-savelines)"),
            (xc.XCHAT, ["-port", port, "-xrm", "XChat*userListMax: zz"],
             "userListMax"),
            (xc.XCHAT, ["-port", port, "-xrm", "XChat*flushInterval: -9"],
             "flushInterval"),
            (xc.XCHAT, ["-port", port, "-xrm", "XChat*connectTimeout: abc"],
             "connectTimeout"),
            (xc.XCHAT, ["-port", port, "-xrm", "XChat*saveLines: x"],
             "saveLines (-savelines)")):
        rc, out = bad_value_run(prog, args)
        what = "%s %s" % (os.path.basename(prog), " ".join(args))
        xc.check(rc == 2, "%s: exit status %r, expected 2 (%r)" %
                 (what, rc, out))
        xc.check(want in out and len(out.strip().splitlines()) == 1 and
                 "Warning" not in out, "%s: %r" % (what, out))


def test_log_failure():
    """A log that cannot be written (/dev/full): shown in the window."""
    if not os.access("/dev/full", os.W_OK):
        log("no /dev/full: log failure display not tested")
        return
    w = Window(logfile="/dev/full")
    c = xc.Client(w.port)
    c.msg(1, "não vai para o log")
    c.expect("NAK 1 nolog", skip=("LEAVE", "JOIN"))
    d = w.wait_for(lambda d: d["dialogs"].get("*logDialog") == "managed",
                   "the log error dialog")
    xc.check("No space left" in d["messages"]["*logDialog"],
             "log dialog: %r" % d["messages"]["*logDialog"])
    xc.check("LOG NOT WRITABLE" in d["status"], "status %r" % d["status"])
    xc.check(any("cannot write the log /dev/full" in e
                 for e in d["events"]), "no log failure line")
    c.close()
    w.kill()


def test_log_rotation():
    """SIGHUP keeps the window and its clients and says the log was
    reopened; a log renamed or truncated behind the server's back is
    shown too."""
    w = Window("-floodrate", "0")
    c = xc.Client(w.port)
    w.proc.send_signal(signal.SIGHUP)
    w.wait_for(lambda d: any("nothing to reopen" in e for e in d["events"]),
               "the SIGHUP line (same file)")
    os.rename(w.log, w.log + ".1")
    c.msg(1, "renomeado")
    c.expect("OK 1 1", skip=("JOIN", "LEAVE"))
    w.wait_for(lambda d: any("was renamed" in e for e in d["events"]),
               "the renamed line")
    w.proc.send_signal(signal.SIGHUP)
    w.wait_for(lambda d: any("was reopened" in e for e in d["events"]),
               "the SIGHUP line (new file)")
    os.truncate(w.log, 0)
    c.msg(2, "truncado")
    c.expect("OK 2 2", skip=("JOIN", "LEAVE"))
    d = w.wait_for(lambda d: any("shrank" in e for e in d["events"]),
                   "the shrank line")
    xc.check(w.proc.poll() is None and d["nclients"] == 1,
             "after SIGHUP: %r" % d["clients"])
    c.close()
    w.kill()


def test_portuguese():
    """Under LANG=pt_BR.UTF-8 the labels come from the pt_BR file."""
    try:
        have = subprocess.run(["locale", "-a"], stdout=subprocess.PIPE
                              ).stdout.decode().lower().split()
    except OSError:
        have = []
    if "pt_br.utf8" not in have:
        log("SKIPPED the pt_BR part: locale pt_BR.UTF-8 is not "
            "installed (locale -a)")
        return
    # The installed layout: <dir>/XChatd and <dir>/pt_BR.UTF-8/XChatd.
    ad = os.path.join(T, "app-defaults")
    os.makedirs(os.path.join(ad, "pt_BR.UTF-8"), exist_ok=True)
    shutil.copy(os.path.join(RES, "XChatd"), ad)
    shutil.copy(os.path.join(RES, "pt_BR", "XChatd"),
                os.path.join(ad, "pt_BR.UTF-8"))
    # -floodrate 2.5: numbers in options are read the C way even
    # though Xt set LC_NUMERIC from LANG (pt_BR writes 2,5).
    w = Window("-floodrate", "2.5", "-accounts",
               os.path.join(T, "accounts-pt.txt"),
               env={"LANG": "pt_BR.UTF-8", "LC_ALL": "",
                    "XAPPLRESDIR": ad + "/"})
    if shutil.which("openssl") is None:
        log("SKIPPED the keyed part of test_portuguese: no openssl")
        w.kill()
        return
    joana = xc.Key(T, "joana")
    fp = joana.fingerprint
    k = xc.Client(w.tlsport, v2=True, key=joana, timeout=10)
    k.sendline("NICK joana")
    k.expect("NICK %d joana" % k.id)
    c = xc.Client(w.port)
    c.sendline("NICK conceição")
    # The start-up probe may still be leaving (a slow, sanitized run).
    c.expect("NICK", skip=("LEAVE", "JOIN"))
    c.msg(1, "Olá! Atenção: não há ação sem coração.")
    c.expect("OK 1", skip=("LEAVE", "JOIN"))
    d = w.wait_for(lambda d: d["nclients"] == 2 and "Aceitas: 1"
                   in d["status"], "two clients in Portuguese")
    labels = {k: v["label"] for k, v in d["widgets"].items() if v}
    for path, want in (("*menuBar.file", "Arquivo"),
                       ("*fileMenu.verify", "Verificar o log..."),
                       ("*fileMenu.quit", "Sair"),
                       ("*menuBar.view", "Exibir"),
                       ("*viewMenu.pause", "Pausar a exibição"),
                       ("*menuBar.clients", "Clientes"),
                       ("*clientsMenu.kick", "Expulsar..."),
                       ("*clientsMenu.kickBan", "Expulsar e banir..."),
                       ("*clientsMenu.bans", "Banimentos..."),
                       ("*clientsPanel.kickBan", "Expulsar e banir..."),
                       ("*clientsMenu.ban", "Banir chave..."),
                       ("*clientsMenu.accounts", "Contas..."),
                       ("*clientsPanel.ban", "Banir chave..."),
                       ("*menuBar.help", "Ajuda"),
                       ("*helpMenu.about", "Sobre..."),
                       ("*clientsPanel.clientsTitle", "Clientes conectados"),
                       ("*clientsPanel.kick", "Expulsar...")):
        xc.check(labels.get(path) == want, "%s: %r, expected %r" %
                 (path, labels.get(path), want))
    xc.check(labels["*clientsPanel.clientsHeader"].split() ==
             ["id", "apelido", "ausente", "chave", "endereço", "msgs", "MPs",
              "via"],
             "header %r" % labels["*clientsPanel.clientsHeader"])
    xc.check(client_row(d, "conceição")[1].split()[2:] ==
             ["-", c.sock.getsockname()[0] + ":%d" % c.sock.getsockname()[1],
              "1", "0", "texto"] and
             client_row(d, "joana")[1].split()[6] == "TLS/2",
             "rows %r" % d["clients"])
    xc.check(have_event(d, "conectou-se de 127.0.0.1:%d, chave %s" %
                        (k.sock.getsockname()[1], fp[7:15])) and
             have_event(d, "#%d joana: apelido registrado para a chave %s" %
                        (k.id, fp)), "keyed lines in Portuguese:\n%s" %
             "\n".join(d["events"]))
    shot("pt-main")
    d = accounts_open(w)
    xc.check(d["accounts"][0].split() == ["joana", fp] and
             d["widgets"]["*accountsDialog.registrationsLabel"]["label"] ==
             "Apelidos registrados (1):" and
             d["widgets"]["*accountsDialog.closeAccounts"]["label"] ==
             "Fechar", "Accounts in Portuguese: %r" % d["widgets"])
    accounts_select(w, "joana")
    shot("pt-accounts")
    click(*w.center(w.dump(), "*accountsDialog.closeAccounts"))
    d = select_row(w, "joana")
    click(*w.center(d, "*clientsPanel.ban"))
    d = w.wait_for(lambda d: d["dialogs"].get("*banDialog") == "managed",
                   "the ban question in Portuguese")
    xc.check("Banir a chave de #%d joana?" % k.id in
             d["messages"]["*banDialog"] and
             d["widgets"]["*banDialog.OK"]["label"] == "Banir" and
             d["widgets"]["*banDialog.Cancel"]["label"] == "Cancelar",
             "ban question %r" % d["messages"]["*banDialog"])
    shot("pt-ban")
    click(*w.center(d, "*banDialog.Cancel"))
    w.wait_for(lambda d: d["dialogs"]["*banDialog"] == "unmanaged",
               "ban question closed")
    # Kick and ban in Portuguese: the question, its fields, Cancel.
    d = select_row(w, "joana")
    click(*w.center(d, "*clientsPanel.kickBan"))
    d = w.wait_for(lambda d: d["dialogs"].get("*kickBanDialog") ==
                   "managed", "kick and ban in Portuguese")
    xc.check(d["messages"]["*kickBanDialog"].startswith(
        "Expulsar e banir #%d joana?" % k.id) and
        d["widgets"]["*kickBanDialog.OK"]["label"] == "Expulsar e banir" and
        d["widgets"]["*kickBanDialog*reasonLabel"]["label"].startswith(
            "Motivo") and
        d["widgets"]["*kickBanDialog*OptionLabel"]["label"] == "Banir por:"
        and d["widgets"]["*kickBanDialog*OptionButton"]["label"] ==
        "1 dia",
        "kick and ban question %r %r" % (d["messages"]["*kickBanDialog"],
                                         d["widgets"]))
    shot("pt-kickban")
    click(*w.center(d, "*kickBanDialog.Cancel"))
    w.wait_for(lambda d: d["dialogs"]["*kickBanDialog"] == "unmanaged",
               "kick and ban closed")
    k.close()
    xc.check(d["title"] == "xchatd (servidor)", "title %r" % d["title"])
    win = w.window()
    subprocess.run([WMDELETE, win], check=True)
    d = w.wait_for(lambda d: d["dialogs"].get("*quitDialog") == "managed",
                   "the quit question")
    xc.check("Encerrar o servidor" in d["messages"]["*quitDialog"],
             "question %r" % d["messages"]["*quitDialog"])
    for b, want in (("*quitDialog.OK", "Sair"),
                    ("*quitDialog.Cancel", "Cancelar")):
        xc.check(d["widgets"][b]["label"] == want, "%s: %r" %
                 (b, d["widgets"][b]))
    xc.check(d["status"].startswith("Escutando em 127.0.0.1:%d" % w.port),
             "status %r" % d["status"])
    ev = "\n".join(d["events"])
    xc.check("conectou-se de 127.0.0.1:" in ev and "agora é conceição" in ev
             and "<conceição> Olá! Atenção: não há ação sem coração." in ev,
             "Portuguese event lines:\n%s" % ev)
    c.close()
    w.kill()


def test_fallbacks():
    """No app-defaults file: compiled-in fallbacks, marked in the title."""
    for d in ("/etc/X11/app-defaults", "/usr/share/X11/app-defaults"):
        if os.path.exists(os.path.join(d, "XChatd")):
            log("XChatd installed in %s: fallback test skipped" % d)
            return
    empty = os.path.join(T, "empty")
    os.makedirs(empty, exist_ok=True)
    w = Window(env={"XAPPLRESDIR": empty + "/"})
    d = w.dump()
    xc.check(d["title"] == "xchatd (no app-defaults)",
             "fallback title %r" % d["title"])
    xc.check(d["widgets"]["*menuBar.file"]["label"] == "File" and
             d["status"].startswith("Listening on"),
             "fallback labels: %r" % d["widgets"]["*menuBar.file"])
    xc.check(d["widgets"]["*clientsMenu.accounts"]["label"] ==
             "Accounts..." and d["widgets"]["*clientsPanel.ban"]["label"]
             == "Ban key...", "fallback labels: %r" % d["widgets"])
    xc.check(find_window("--name", "no app-defaults"), "title not shown")
    w.kill()


def test_cluster():
    """The cluster in the window (issue 14): this server's name and
    the store's state in the status line (up, UNREACHABLE while
    redis-server is stopped, up again when it is back), the servers
    alive, the other server's clients in the list with their server
    (@name, via "other"), gone with reason split when it is killed.
    Skipped without redis-server."""
    import xcluster
    if xcluster.REDIS is None:
        log("test_cluster: no redis-server, skipped")
        return
    r = xcluster.Redis()
    try:
        w = Window("-cluster", r.url(), "-clustertimeout", "2",
                   "-geometry", "1270x700+0+0", wait=False)
        deadline = time.time() + 30
        while "joined through" not in w.stderr():
            if time.time() > deadline or w.proc.poll() is not None:
                xc.fail("windowed xchatd did not join: " + w.stderr())
            time.sleep(0.05)
        d = w.wait_for(lambda d: ", store up, servers 1" in
                       d.get("status", ""), "cluster up")
        xc.check("Cluster: " in d["status"], "status: %r" % d["status"])
        # It fits a window 1270 pixels wide (it was cut there).
        xc.check(0 < d["statuswant"] <= d["statuswidth"] <= 1270,
                 "status line cut: wants %d, has %d: %r" %
                 (d["statuswant"], d["statuswidth"], d["status"]))
        ours = xc.Client(w.port, timeout=30)
        b = xcluster.member(r, timeout=2)
        theirs = b.client()
        name = re.search(r"as (\S+)\n", b.stderr()).group(1)
        d = w.wait_for(lambda d: client_row(d, theirs.nick)[0] is not None
                       and ", servers 2" in d["status"],
                       "the other server's client listed")
        row = client_row(d, theirs.nick)[1]
        xc.check("@" + name in row and row.split()[-1] == "other",
                 "remote row: %r" % row)
        row = client_row(d, ours.nick)[1]
        xc.check(row.split()[-1] == "plain", "local row: %r" % row)
        r.stop()
        w.wait_for(lambda d: "store UNREACHABLE" in d["status"],
                   "store shown unreachable")
        r.start()
        w.wait_for(lambda d: "store up" in d["status"], "store back")
        b.proc.kill()
        b.proc.wait()
        d = w.wait_for(lambda d: client_row(d, theirs.nick)[0] is None,
                       "the killed server's client gone")
        xc.check(any(theirs.nick in e and "split" in e
                     for e in d["events"]), "no split event line")
        ours.close()
        w.kill()
    finally:
        r.stop(signal.SIGKILL)


def test_kick_ban():
    """Issue 13: away marks and private-message counts in the list (never
    a DM's text), Kick and ban (reason, "1 hour", the address banned in
    bans.txt, every client from it dropped, BYE kicked banned at
    connect), the Bans dialog listing it and Lift letting clients in."""
    w = Window("-geometry", "1000x600+0+0", "-floodrate", "0")
    ana = xc.Client(w.port)
    ana.sendline("NICK ana")
    ana.expect("NICK %d ana" % ana.id)
    bia = xc.Client(w.port)
    bia.sendline("NICK bia")
    bia.expect("NICK %d bia" % bia.id, skip=("JOIN",))
    ana.expect("NICK %d bia" % bia.id, skip=("JOIN",))
    ana.sendline("AWAY a almoçar")
    ana.expect("AWAY %d a almoçar" % ana.id)
    for i in (1, 2):
        ana.dm(i, bia.id, "segredo número %d" % i)
        ana.expect("OK %d " % i, skip=("AWAY",))
    # The row: id, nick, the away mark and reason, key, address, msgs,
    # DMs, via.
    d = w.wait_for(lambda d: client_row(d, "ana")[1] is not None and
                   client_row(d, "ana")[1].split()[2:5] ==
                   ["(away)", "a", "almoçar"] and
                   client_row(d, "ana")[1].split()[8] == "2",
                   "ana away with 2 DMs")
    ev = "\n".join(d["events"])
    xc.check("#%d ana is away: a almoçar" % ana.id in ev and
             "#%d ana sent a private message to #%d bia (not shown)" %
             (ana.id, bia.id) in ev and "segredo" not in ev,
             "DM and away lines:\n%s" % ev)
    xc.check(d["widgets"]["*clientsPanel.clientsHeader"]["label"].split()
             == ["id", "nick", "away", "key", "address", "msgs", "DMs",
                 "via"], "header %r" %
             d["widgets"]["*clientsPanel.clientsHeader"]["label"])
    shot("away-dms")
    ana.sendline("AWAY")
    d = w.wait_for(lambda d: "(away)" not in client_row(d, "ana")[1],
                   "ana back")
    xc.check(client_row(d, "ana")[1].split()[2:] == ["-", "127.0.0.1:%d" %
             ana.sock.getsockname()[1], "0", "2", "plain"],
             "ana's row %r" % client_row(d, "ana")[1])
    xc.check(have_event(d, "#%d ana is back" % ana.id), "no back line")

    # Kick and ban bia for 1 hour with a reason.
    d = select_row(w, "bia")
    click(*w.center(d, "*clientsPanel.kickBan"))
    d = w.wait_for(lambda d: d["dialogs"].get("*kickBanDialog") ==
                   "managed", "the kick and ban question")
    xc.check(d["messages"]["*kickBanDialog"].startswith(
        "Kick and ban #%d bia?" % bia.id) and "Address: 127.0.0.1" in
        d["messages"]["*kickBanDialog"] and "127.0.0.1:" not in
        d["messages"]["*kickBanDialog"] and
        d["widgets"]["*kickBanDialog*OptionButton"]["label"] == "1 day",
        "question %r" % d["messages"]["*kickBanDialog"])
    # It names the bystander the ban drops too (ana, same address).
    xc.check(d["messages"]["*kickBanDialog"].endswith(
        "This ban also disconnects:|#%d ana (same address)" % ana.id),
        "bystander not named: %r" % d["messages"]["*kickBanDialog"])
    click(*w.center(d, "*kickBanDialog*OptionButton"))
    d = w.wait_for(lambda d: d["widgets"]["*banDurationMenu.banHour"]
                   ["x"] > 0, "the durations posted")
    click(*w.center(d, "*banDurationMenu.banHour"))
    d = w.wait_for(lambda d: d["widgets"]["*kickBanDialog*OptionButton"]
                   ["label"] == "1 hour", "1 hour chosen")
    click(*w.center(d, "*kickBanDialog*reason"))
    xdo("type", "--delay", "20", "flood")
    shot("kickban")
    before = int(time.time())
    click(*w.center(d, "*kickBanDialog.OK"))
    l = bia.expect("BYE", skip=("JOIN", "NICK", "DM", "AWAY"))
    xc.check(l == b"BYE kicked flood", "bia got %r" % l)
    l = ana.expect("BYE", skip=("JOIN", "NICK", "LEAVE", "AWAY"))
    xc.check(l == b"BYE kicked banned", "ana (same address) got %r" % l)
    with open(os.path.join(w.statedir, "bans.txt")) as f:
        lines = [x.split(" ", 2) for x in f.read().splitlines()]
    xc.check(len(lines) == 1 and lines[0][0] == "127.0.0.1" and
             lines[0][2] == "flood" and before + 3600 <= int(lines[0][1])
             <= int(time.time()) + 3600, "bans.txt %r" % lines)
    again = xc.Client(w.port, handshake=False)
    xc.check(again.expect("BYE") == b"BYE kicked banned", "banned at connect")
    d = w.wait_for(lambda d: d["nclients"] == 0 and have_event(
        d, "a connection from 127.0.0.1:"), "all gone, refusal shown")
    xc.check(have_event(d, "kicking #%d bia and banning its address "
                        "127.0.0.1 until " % bia.id), "no kick-ban line")
    xc.check(have_event(d, "- #%d ana disconnected too (banned: same "
                        "address as #%d bia)" % (ana.id, bia.id)),
             "no line saying why ana went")
    # ana's two private messages are counted when she leaves.
    xc.check(have_event(d, "- #%d ana disconnected (kicked), 0 "
                        "messages sent to all, private messages: 2" %
                        ana.id), "ana's private messages not counted:\n%s"
             % "\n".join(d["events"]))
    # The ban made here holds for a server restarted on this state
    # directory (headless, on ports of its own).
    with xc.Server("-statedir", w.statedir) as srv2:
        c = srv2.plain_client(handshake=False)
        xc.check(c.expect("BYE") == b"BYE kicked banned",
                 "the ban did not survive a restart")
        c.close()
        xc.check(srv2.stop() == 0, "headless xchatd exits 0")

    # Clients > Bans: the ban listed; Lift lets clients in again.
    w.menu("clients", "*clientsMenu.bans")
    d = w.wait_for(lambda d: d["dialogs"].get("*bansDialog") == "managed"
                   and d.get("bansfile") == 1, "the Bans dialog")
    xc.check(d["bansitems"][0].split()[0] == "127.0.0.1" and
             d["bansitems"][0].rstrip().endswith("flood") and
             d["widgets"]["*bansDialog.bansPathLabel"]["label"] ==
             "Bans file: %s (1 ban)" % os.path.join(w.statedir, "bans.txt"),
             "Bans dialog %r %r" % (d["bansitems"], d["widgets"]
             ["*bansDialog.bansPathLabel"]["label"]))
    xc.check(not d["widgets"]["*bansDialog.liftBan"]["sensitive"],
             "Lift active with nothing selected")
    x, y, iw, ih = d["bansitempos"][1]
    click(x + iw // 2, y + ih // 2)
    d = w.wait_for(lambda d: d["widgets"]["*bansDialog.liftBan"]
                   ["sensitive"], "a ban selected")
    shot("bans")
    click(*w.center(d, "*bansDialog.liftBan"))
    d = w.wait_for(lambda d: d.get("bansfile") == 0, "the ban lifted")
    xc.check(have_event(d, "the ban of 127.0.0.1 was lifted"),
             "no lift line")
    with open(os.path.join(w.statedir, "bans.txt")) as f:
        xc.check("127.0.0.1" not in f.read(), "ban still in the file")
    back = xc.Client(w.port)
    xc.check(back.id is not None, "not let in after the lift")
    click(*w.center(d, "*bansDialog.closeBans"))
    w.wait_for(lambda d: d["dialogs"]["*bansDialog"] == "unmanaged",
               "Bans closed")
    back.close()
    w.kill()


def main():
    xc.check(os.access(WMDELETE, os.X_OK), WMDELETE + " is not built")
    try:
        for t in (test_main, test_kick_ban, test_keys, test_summary, test_wm_delete_idle,
                  test_startup_errors, test_bad_resources,
                  test_log_failure, test_log_rotation, test_portuguese,
                  test_fallbacks, test_cluster):
            # XC_ONLY=test_keys,test_portuguese runs only those.
            if os.environ.get("XC_ONLY") and t.__name__ not in \
                    os.environ["XC_ONLY"].split(","):
                continue
            log(t.__name__)
            t()
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
    log("all passed")


if __name__ == "__main__":
    main()
