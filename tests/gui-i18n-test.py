#!/usr/bin/env python3
"""gui-i18n-test.py -- no label of the Portuguese windows is English
(issue 13, item 2), run by gui-i18n.sh under a private Xvfb (DISPLAY
set).

Both windows, xchatd's and xchat's, run uninstalled the way the README
says (XAPPLRESDIR=resources/, nothing else), once under C.UTF-8 and
once under pt_BR.UTF-8.  Every dialog that exists is opened with
xdotool clicks on the menus, as a person would (About, Server key,
Verify log, Accounts, Bans, Kick, Kick and ban, Quit; About,
Connection, Save transcript with its file selection box, Find, the
user dialog), and closed again.  Then
SIGUSR1 makes each program write, next to its state dump, every label,
mnemonic and shell title of its whole widget tree, menus and dialogs
included (DUMP.labels, xmu_dump_labels).  The test fails if:

- a label or title that would be on the screen with its menu or dialog
  up reads the same in Portuguese as in English, unless it is a name
  or a symbol (no word in it, or one of NAMES);
- a menu has two items with the same mnemonic, or a mnemonic that is
  not a letter of its label (in either language);
- the Portuguese texts the windows write are not Portuguese: a refused
  connection, a leave line with its reason code, the plural of a
  departed client's message count, the verify summary, the start-up
  error of a port in use (whose dialog is checked like the others).

With XC_SHOTS set to a directory, screenshots of the Portuguese
windows and dialogs are saved there (i13l-*.png) for a person to look
at.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import xc  # noqa: E402

T = os.environ["T"]
RES = os.path.join(xc.SRCDIR, "resources") + "/"
SHOTS = os.environ.get("XC_SHOTS")
PROCS = []

# Labels that are the same in both languages on purpose: names and
# symbols (a label with no word in it is a symbol and passes anyway).
NAMES = {"OK", "xchat", "xchatd", "TLS", "TLS/2"}
# Motif's tool-tip shell: its label is set when a tip shows.
IGNORED = re.compile(r"\.TipShell\b")


def log(*a):
    print("gui-i18n:", *a, file=sys.stderr, flush=True)


def xdo(*args):
    r = subprocess.run(["xdotool"] + [str(a) for a in args],
                       capture_output=True, timeout=30)
    if r.returncode != 0:
        xc.fail("xdotool %s: %s" % (" ".join(map(str, args)),
                                   r.stderr.decode(errors="replace")))
    return r.stdout.decode().split()


def shot(name):
    if SHOTS:
        subprocess.run(["import", "-window", "root",
                        os.path.join(SHOTS, "i13l-%s.png" % name)],
                       check=True)


def parse_labels(path):
    """(kind, widget path) -> entry of a DUMP.labels file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line:
                continue
            kind, wpath, shown, view, geo, text = line.split("\t", 5)
            x, y, w, h = (int(v) for v in geo.split())
            # Without the program's -name: the same widget, whatever
            # the run calls it.
            wpath = "." + wpath.split(".", 2)[2] if wpath.count(".") > 1 \
                else "."
            out[(kind, wpath)] = {"shown": shown == "shown",
                                  "viewable": view == "viewable",
                                  "x": x, "y": y, "w": w, "h": h,
                                  "text": text}
    return out


class Prog:
    """A windowed xchatd or xchat with its dump file (-dumpfile)."""

    def __init__(self, name, argv, dump, lang, winname=None):
        self.name, self.dump, self.winname = name, dump, winname
        env = dict(os.environ, LANG=lang, LC_ALL=lang, XAPPLRESDIR=RES,
                   HOME=os.path.join(T, "home-" + lang))
        env.pop("XFILESEARCHPATH", None)
        os.makedirs(env["HOME"], exist_ok=True)
        self.err = os.path.join(T, name + ".err")
        self.proc = subprocess.Popen(argv, env=env,
                                     stdout=open(self.err, "ab"),
                                     stderr=subprocess.STDOUT)
        PROCS.append(self.proc)
        # No SIGUSR1 before the window is up (and its handler set).
        end = time.time() + 60
        while True:
            if self.proc.poll() is not None:
                xc.fail("%s exited: %s" % (name, open(self.err).read()))
            r = subprocess.run(["xdotool", "search", "--onlyvisible",
                                "--classname", self.winname or name],
                               capture_output=True, text=True)
            if r.stdout.strip():
                break
            xc.check(time.time() < end, "no window for " + name)
            time.sleep(0.1)

    def state(self):
        """Ask for a dump; return (labels, the state dump's text)."""
        for p in (self.dump, self.dump + ".labels"):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        self.proc.send_signal(signal.SIGUSR1)
        end = time.time() + 20
        # The labels are written first: the state dump means both.
        while not os.path.exists(self.dump):
            if self.proc.poll() is not None:
                xc.fail("%s exited: %s" % (self.name, open(self.err).read()))
            xc.check(time.time() < end, self.name + ": no dump")
            time.sleep(0.02)
        xc.check(os.path.exists(self.dump + ".labels"),
                 self.name + ": no labels dump")
        with open(self.dump, encoding="utf-8") as f:
            text = f.read()
        return parse_labels(self.dump + ".labels"), text

    def wait(self, pred, what, timeout=40):
        end = time.time() + timeout
        while True:
            lab, text = self.state()
            if pred(lab, text):
                return lab, text
            if time.time() > end:
                xc.fail("%s: timed out waiting for %s; labels:\n%s" % (
                    self.name, what, open(self.dump + ".labels").read()))
            time.sleep(0.1)

    def click(self, suffix, viewable=True):
        """Click the middle of the label whose path ends with suffix,
        once it is on the screen."""
        lab, _ = self.wait(lambda lab, t: find(lab, suffix) is not None
                           and (find(lab, suffix)["viewable"] or
                                not viewable), suffix + " on the screen")
        e = find(lab, suffix)
        xdo("mousemove", "--sync", e["x"] + e["w"] // 2, e["y"] + e["h"] // 2)
        xdo("click", 1)

    def menu(self, cascade, item):
        self.click("menuBar." + cascade)
        self.click("." + item)

    def dialog(self, cascade, item, close, ready=None, name=None):
        """Open a dialog from the menus, wait for it, shoot, close it."""
        self.menu(cascade, item)
        self.wait(lambda lab, t: (find(lab, close) or {}).get("viewable")
                  and (ready is None or ready(lab)), item + " dialog")
        shot(name or self.name + "-" + item)
        self.click(close)
        self.wait(lambda lab, t: not find(lab, close)["viewable"],
                  item + " dialog closed")


def transcript(text):
    """The transcript of a client's dump, continuation rows joined to
    the line above them."""
    return text.partition("transcript:\n")[2].replace("\n  \u21b3 ", " ")


def find(lab, suffix):
    for (kind, path), e in lab.items():
        if kind == "label" and path.endswith(suffix):
            return e
    return None


def wait_port(port, proc):
    end = time.time() + 30
    while time.time() < end:
        xc.check(proc.poll() is None, "xchatd exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    xc.fail("xchatd did not listen")


def run(lang):
    """Both windows under lang, every dialog opened once: the labels of
    both, and their state dumps."""
    tag = lang.split(".")[0]
    port = xc.free_port()
    srv = Prog("xchatd-" + tag, [
        xc.XCHATD, "-port", str(port), "-tlsport", str(xc.free_port()),
        "-logfile", os.path.join(T, tag + ".log"),
        "-statedir", os.path.join(T, tag + "-state"),
        "-geometry", "1000x520+0+0",
        "-xrm", "*dumpFile: " + os.path.join(T, tag + "-srv.dump")],
        os.path.join(T, tag + "-srv.dump"), lang, winname="xchatd")
    wait_port(port, srv.proc)
    # The probe above was a client: let its LEAVE pass.
    srv.wait(lambda lab, t: "\nclients 0\n" in t, "probe gone")
    bob = xc.Client(port, timeout=30)
    bob.sendline("NICK bob")
    bob.expect("NICK %d bob" % bob.id, skip=("LEAVE", "JOIN"))
    name = "xchatI18n" + tag.replace("_", "")
    cli = Prog(name, [
        xc.XCHAT, "-name", name, "-port", str(port), "-nick", "ana",
        "-geometry", "700x440+0+560",
        "-logfile", os.path.join(T, tag + "-cli.log"),
        "-dumpfile", os.path.join(T, tag + "-cli.dump")],
        os.path.join(T, tag + "-cli.dump"), lang)
    cli.wait(lambda lab, t: "\nnick: ana\n" in t and "bob #%d" % bob.id
             in t, "the client connected, bob in its list")
    shot(tag + "-windows")

    # xchatd: its dialogs.
    srv.dialog("help", "helpMenu.about", "aboutDialog.OK")
    srv.dialog("file", "fileMenu.serverKey", "serverKeyDialog.OK")
    srv.dialog("file", "fileMenu.verify", "verifyDialog.OK",
               ready=lambda lab: find(lab, "verifyDialog.Message")["text"])
    srv.dialog("clients", "clientsMenu.accounts", "closeAccounts")
    srv.dialog("clients", "clientsMenu.bans", "closeBans")
    # Kick... and Kick and ban... ask first, about bob selected.
    select_client(srv, "bob")
    srv.dialog("clients", "clientsMenu.kick", "kickDialog.Cancel")
    srv.dialog("clients", "clientsMenu.kickBan", "kickBanDialog.Cancel")
    srv.dialog("file", "fileMenu.quit", "quitDialog.Cancel")
    # xchat: its dialogs, the user dialog by a double click on bob.
    cli.dialog("helpMenu", "about", "aboutDialog.OK")
    cli.dialog("fileMenu", "connection", "connectionDialog.OK")
    cli.dialog("fileMenu", "save", "saveDialog.Cancel")
    cli.dialog("editMenu", "find", "findDialog.Cancel")
    dclick_user(cli, "bob #%d" % bob.id)
    # A double click opens the private window; its Key button the
    # user dialog.
    cli.click("privateWho")
    cli.wait(lambda lab, t: (find(lab, "userButtons.close") or {}).get(
        "viewable"), "user dialog")
    shot(tag + "-user")
    cli.click("userButtons.close")

    # Texts the windows write: a message and a quit from bob.
    bob.msg(1, "oi")
    bob.expect("OK 1 ", skip=("LEAVE", "JOIN", "NICK", "PING"))
    bob.sendline("QUIT")
    bob.expect("BYE quit", skip=("JOIN", "LEAVE", "NICK", "PING", "MSG"))
    _, stext = srv.wait(lambda lab, t: "\nclients 1\n" in t, "bob gone")
    # (Ids are shown only where nicks look alike: "bob", not "bob#2".)
    _, ctext = cli.wait(lambda lab, t: "\u2190 bob" in
                        t.partition("transcript:\n")[2].split("oi")[-1],
                        "bob's leave line")
    # A refused connection: a port nobody listens on.
    dead = xc.free_port()
    rname = "xchatRefused" + tag.replace("_", "")
    ref = Prog(rname, [
        xc.XCHAT, "-name", rname, "-port", str(dead), "-nick", "rui",
        "-geometry", "600x300+700+560",
        "-logfile", os.path.join(T, tag + "-ref.log"),
        "-dumpfile", os.path.join(T, tag + "-ref.dump")],
        os.path.join(T, tag + "-ref.dump"), lang)
    _, rtext = ref.wait(lambda lab, t: "127.0.0.1" in
                        t.partition("transcript:\n")[2], "a refusal")
    shot(tag + "-refused")
    out = {"srv": srv.state()[0], "cli": cli.state()[0],
           "ref": ref.state()[0], "srvtext": stext, "clitext": ctext,
           "reftext": rtext, "bob": bob.id, "port": dead}
    for p in (srv, cli, ref):
        p.proc.kill()
        p.proc.wait()
    # A start-up error: a port another program holds.
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    out["held"] = held.getsockname()[1]
    bad = Prog("xchatd-busy-" + tag, [
        xc.XCHATD, "-port", str(out["held"]), "-tlsport", "0",
        "-logfile", os.path.join(T, tag + "-busy.log"),
        "-statedir", os.path.join(T, tag + "-state"),
        "-xrm", "*dumpFile: " + os.path.join(T, tag + "-busy.dump")],
        os.path.join(T, tag + "-busy.dump"), lang, winname="xchatd")
    out["busy"], _ = bad.wait(lambda lab, t: (find(
        lab, "errorDialog.OK") or {}).get("viewable"), "start-up error")
    shot(tag + "-busy")
    bad.proc.kill()
    bad.proc.wait()
    held.close()
    return out


def select_client(p, nick):
    """Click nick's row in xchatd's client list."""
    _, text = p.state()
    items, rows = {}, []
    for l in text.split("\n"):
        f = l.split()
        if f[:1] == ["item"]:
            items[int(f[1])] = [int(v) for v in f[2:6]]
        elif f[:1] == ["client"]:
            rows.append(f[1:])
    i = [r[1:2] for r in rows].index([nick]) + 1
    x, y, w, h = items[i]
    xdo("mousemove", "--sync", x + w // 2, y + h // 2)
    xdo("click", 1)


def dclick_user(p, item):
    """Double-click the user list's item (its text), as a person."""
    _, text = p.state()
    items, names = {}, []
    for l in text.split("\n"):
        f = l.split()
        if f[:1] == ["item"]:
            items[int(f[1])] = [int(v) for v in f[2:6]]
        elif l.startswith("useritem "):
            names.append(l.split(" ", 1)[1].strip())
    xc.check(item in names, "no %r in the list: %r" % (item, names))
    x, y, w, h = items[names.index(item) + 1]
    xdo("mousemove", "--sync", x + w // 2, y + h // 2)
    xdo("click", "--repeat", 2, "--delay", 60, 1)


def english_left(en, pt, who):
    """Labels and titles that read the same in both languages."""
    bad, n, seen = [], 0, 0
    for key, p in sorted(pt.items()):
        kind, path = key
        if kind not in ("label", "title") or not p["shown"] or \
                IGNORED.search(path):
            continue
        n += 1
        e = en.get(key)
        if e is None:
            continue
        seen += 1
        if e["text"] != p["text"]:
            continue
        if re.search(r"[A-Za-z]{2}", p["text"]) and \
                p["text"].strip() not in NAMES:
            bad.append("%s %s %s: %r" % (who, kind, path, p["text"]))
    # Every widget of one run is in the other (the same tree): a test
    # that compared nothing would pass for nothing.
    xc.check(n > 0 and seen == n, "%s: %d of %d labels found in the "
             "English run" % (who, seen, n))
    return bad


def mnemonic_clashes(lab, who):
    """Two items of one menu with one mnemonic, or a mnemonic that is
    not in its label."""
    bad, menus = [], {}
    for (kind, path), e in lab.items():
        if kind != "mnemonic" or IGNORED.search(path):
            continue
        m = e["text"].lower()
        label = lab[("label", path)]["text"]
        if m not in label.lower():
            bad.append("%s %s: mnemonic %r not in %r" % (who, path, m, label))
        menus.setdefault((path.rsplit(".", 1)[0], m), []).append(path)
    for (menu, m), items in sorted(menus.items()):
        if len(items) > 1:
            bad.append("%s: mnemonic %r for %s" % (who, m, ", ".join(items)))
    return bad


def covered(lab, who, suffixes):
    """The dialogs were opened: their labels are in the dump."""
    for s in suffixes:
        xc.check(find(lab, s) is not None, "%s: no %s in the labels "
                 "dump: the dialog was never made" % (who, s))


def main():
    locales = subprocess.run(["locale", "-a"], capture_output=True,
                             text=True).stdout.lower().split()
    if "pt_br.utf8" not in locales:
        log("SKIP: no pt_BR.UTF-8 locale (tools/deps.sh makes it)")
        sys.exit(77)
    en = run("C.UTF-8")
    pt = run("pt_BR.UTF-8")
    srv_dialogs = ["aboutDialog.OK", "serverKeyDialog.OK", "verifyDialog.OK",
                   "closeAccounts", "quitDialog.Cancel", "menuBar.file",
                   "closeBans", "kickDialog.Cancel", "kickBanDialog.Cancel"]
    cli_dialogs = ["aboutDialog.OK", "connectionDialog.OK",
                   "saveDialog.Cancel", "saveDialog.Apply",
                   "saveDialog.FilterLabel", "saveDialog.Items",
                   "saveDialog.Selection", "userButtons.close",
                   "findDialog.Cancel",
                   "menuBar.fileMenu"]
    for r in (en, pt):
        covered(r["srv"], "xchatd", srv_dialogs)
        covered(r["cli"], "xchat", cli_dialogs)
    bad = (english_left(en["srv"], pt["srv"], "xchatd") +
           english_left(en["cli"], pt["cli"], "xchat") +
           english_left(en["ref"], pt["ref"], "xchat (refused)") +
           english_left(en["busy"], pt["busy"], "xchatd (port in use)"))
    for r, lang in ((en, "C.UTF-8"), (pt, "pt_BR.UTF-8")):
        bad += mnemonic_clashes(r["srv"], "xchatd " + lang)
        bad += mnemonic_clashes(r["cli"], "xchat " + lang)
    if bad:
        xc.fail("English left in the pt_BR windows, or mnemonics that "
                "clash:\n  " + "\n  ".join(bad))
    n = sum(1 for k, e in pt["srv"].items() if k[0] != "mnemonic" and
            e["shown"]) + sum(1 for k, e in pt["cli"].items()
                               if k[0] != "mnemonic" and e["shown"])
    log("ok: %d labels and titles of both pt_BR windows, none English; "
        "mnemonics unique" % n)

    # What the windows write.
    ev = pt["srvtext"]
    want = "- #%d bob desconectou-se (motivo: quit), 1 mensagem enviada" % \
        pt["bob"]
    xc.check(want in ev, "no %r in xchatd's events:\n%s" % (want, ev))
    xc.check("- #%d bob disconnected (quit), 1 message sent" % en["bob"]
             in en["srvtext"], "English singular: " + en["srvtext"])
    tr = transcript(pt["clitext"])
    xc.check("\u2190 bob saiu (motivo: quit)" in tr,
             "no Portuguese leave line:\n" + tr)
    tr = transcript(pt["reftext"])
    want = "não foi possível conectar a 127.0.0.1 porta %d: " % pt["port"]
    xc.check(want in tr and "cannot connect" not in tr,
             "no %r in the refused client's transcript:\n%s" % (want, tr))
    tr = transcript(en["reftext"])
    xc.check("cannot connect to 127.0.0.1 port %d: " % en["port"] in tr,
             "English refusal: " + tr)
    m = find(pt["srv"], "verifyDialog.Message")["text"]
    xc.check(re.search(r"íntegro\.\|*Registros: \d+ \(íntegros \d+, "
                       r"inválidos 0\)\.\|*Mensagens assinadas", m),
             "verify summary %r" % m)
    m = find(en["srv"], "verifyDialog.Message")["text"]
    xc.check(re.search(r"intact\.\|*Records: \d+ \(good \d+, bad 0\)", m),
             "verify summary %r" % m)
    m = find(pt["busy"], "errorDialog.Message")["text"]
    want = "não é possível escutar em 127.0.0.1 na porta %d: a porta já " \
        "está em uso" % pt["held"]
    xc.check(want in m, "start-up error %r" % m)
    log("ok: leave reasons, the plural, a refused connection, the verify "
        "summary, a port in use in pt_BR")


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
