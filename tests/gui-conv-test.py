#!/usr/bin/env python3
"""gui-conv-test.py -- issue 13's conversation in the xchat window, run
by gui-conv.sh under a private Xvfb: private windows (a DM in, checked;
one typed back, signed for its recipient; a forged one failed; /msg and
a double-click open one), /away and the away mark in the list, /me as
an action, the kick dialog with no reconnect (File > Reconnect still
works), a long text sent in parts, and, against the real xchatd in
version 1, a reconnect's history shown once, one line per outage, one
line for a join and its rename, ids hidden, history without the time
of its replay; a host that does not exist stops the client.  Helpers
come from gui-client-test.py.  Screenshots go to /tmp/i13c-*.png.
"""
import importlib.util
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
_spec = importlib.util.spec_from_file_location(
    "guiclient", os.path.join(HERE, "gui-client-test.py"))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)
xc = g.xc
T = g.T
import xgui  # noqa: E402


def log(*a):
    print("gui-conv:", *a, file=sys.stderr, flush=True)


def shot(name):
    path = "/tmp/i13c-%s.png" % name
    subprocess.run(["import", "-window", "root", path], check=False,
                   capture_output=True)
    log("screenshot " + path)


def privlines(st_dump_path, uid):
    """The lines of the private window of uid, from the last dump."""
    out = []
    for line in open(st_dump_path, encoding="utf-8"):
        if line.startswith("privline %d " % uid):
            out.append(line.rstrip("\n").split(" ", 2)[2])
    return out


def private(x, uid):
    """(shown, lines) of the private window of uid, or (None, [])."""
    x.state()
    shown = None
    for line in open(x.dump, encoding="utf-8"):
        f = line.split(" ")
        if f[0] == "private" and f[1] == str(uid):
            shown = f[2] == "shown"
    return shown, privlines(x.dump, uid)


def wait_private(x, uid, pred, what, timeout=40):
    end = time.time() + timeout
    while True:
        shown, lines = private(x, uid)
        if pred(shown, lines):
            return lines
        if time.time() > end:
            log("private %d: %r" % (uid, lines))
            xc.fail("%s: timed out waiting for %s" % (x.name, what))
        time.sleep(0.2)


def window_named(part):
    end = time.time() + 30
    while time.time() < end:
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                            part], capture_output=True, text=True)
        if r.stdout.strip():
            return r.stdout.split()[0]
        time.sleep(0.1)
    xc.fail("no window named %r" % part)


def type_in(win, text):
    subprocess.run(["xdotool", "windowfocus", "--sync", win], check=True)
    xgui.type_text(text)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def fake_connections(srv):
    err = os.path.join(T, "fake2-%d.err" % srv.port)
    return open(err, "rb").read().count(b"fake2: connection ")


def fake_frames(srv, prefix):
    err = os.path.join(T, "fake2-%d.err" % srv.port)
    return [l for l in open(err, "rb").read().split(b"\n")
            if l.startswith(b"fake2<- " + repr(prefix)[:-1].encode())]


def click_user(x, name):
    """Click the user list's item that starts with name, as a person."""
    x.state()
    items, names = {}, []
    for l in open(x.dump, encoding="utf-8").read().split("\n"):
        f = l.split()
        if f[:1] == ["item"]:
            items[int(f[1])] = [int(v) for v in f[2:6]]
        elif l.startswith("useritem "):
            names.append(l.split(" ", 1)[1].strip())
    hit = [i for i, n in enumerate(names) if n.startswith(name)]
    xc.check(hit != [], "no %r in the list: %r" % (name, names))
    px, py, w, h = items[hit[0] + 1]
    subprocess.run(["xdotool", "mousemove", "--sync", str(px + w // 2),
                    str(py + h // 2)], check=True)
    subprocess.run(["xdotool", "click", "1"], check=True)


def away_status(srv, eva):
    """A new user's report: the status line kept "ana is away: almoço"
    after ana came back.  Cleared now."""
    srv.cmd("away 1 almoço")
    eva.wait(lambda s: "(away: almoço)" in s.get("users", ""),
             "ana away")
    click_user(eva, "ana")
    eva.wait(lambda s: s["status"] == "ana is away: almoço",
             "the away reason in the status line")
    srv.cmd("away 1")
    st = eva.wait(lambda s: "(away:" not in s.get("users", ""), "ana back")
    st = eva.wait(lambda s: "is away" not in s["status"],
                  "the status line without the away reason", timeout=10)
    xc.check(st["status"].startswith("Connected to"), st["status"])
    log("ok: the away reason leaves the status line when ana is back")


def v2_conversation():
    if not g.have_cryptography():
        log("python3 cryptography missing: version 2 steps skipped")
        return
    home = os.path.join(T, "home-conv")
    srv = g.FakeServer2("--trust-client", os.path.join(home, ".xchat",
                                                       "key.pem"))
    eva = g.XChat("xchatConv", srv.port, "eva", "-tls", "-trust", srv.fp,
                  home=home)
    eva.wait(lambda s: s["status"].startswith("Connected to") and
             "ana #1" in s.get("users", ""), "connected, ana listed")

    # /away, our echo once; another's away marked in the list.
    eva.type_line("/away almoço")
    st = eva.wait(lambda s: "You are marked away: almoço." in
                  s["transcript"], "our away noted")
    xc.check(any(l.startswith(b"fake2<- b'AWAY alm")
                 for l in fake_frames(srv, b"AWAY")), "AWAY sent")
    srv.cmd("away 1 numa reunião comprida demais para a lista")
    st = eva.wait(lambda s: "(away: numa reunião comprida de…)" in
                  s.get("users", ""), "ana marked away, reason cut")
    log("ok: /away echoed once; ana away in the list: " + st["users"])

    # /me: an action, confirmed quietly.
    eva.type_line("/me acena")
    st = eva.wait(lambda s: "» * eva acena  ✔" in s["transcript"],
                  "the action confirmed")
    xc.check("[confirmed" not in st["transcript"], "noisy confirmation")
    log("ok: /me shown as an action, a quiet confirmation mark")

    # A DM in: its own window, checked, marked private.
    srv.cmd("dm 1 segredo só para você")
    lines = wait_private(eva, 1, lambda sh, ls: sh and any(
        "✓ [private] ana: segredo só para você" in l for l in ls),
        "the DM window with the checked message")
    xc.check(any("* ana is away: numa reunião comprida demais para a lista"
                 in l for l in lines), "the window says ana is away")
    st = eva.state()
    xc.check("Private message from ana: shown in its own window." in
             st["transcript"], "main transcript note")
    xc.check("segredo só para você" not in st["transcript"],
             "the DM's text in the main transcript")
    xc.check("\tdm-in\t" in eva.logtext() and "segredo só para você" in
             eva.logtext(), "dm-in logged")
    win = window_named("private with ana")
    shot("dm-window")
    # Our answer: signed for ana's key (the fake server checks it).
    type_in(win, "oi ana, tudo bem?")
    wait_private(eva, 1, lambda sh, ls: any(
        "» [private] eva: oi ana, tudo bem?  ✔" in l for l in ls),
        "our DM confirmed")
    xc.check(any(b"DM " in l and b" 1 " in l for l in
                 fake_frames(srv, b"DM")), "DM frame sent to #1")
    xc.check("\tdm-out\t" in eva.logtext(), "dm-out logged")
    # A forged DM fails.
    srv.cmd("forgedm 1 sou a ana mesmo")
    wait_private(eva, 1, lambda sh, ls: any(
        "✗ [private] ana: sou a ana mesmo" in l and "FAILED" in l
        for l in ls), "the forged DM failed")
    log("ok: DM in (checked), DM out (signed, confirmed), forged DM failed")

    # /msg to an unsigned user opens its window; /msg alone: usage.
    eva.type_line("/msg bob olá bob")
    wait_private(eva, 2, lambda sh, ls: sh and any(
        "[private] eva: olá bob  ✔" in l for l in ls), "/msg bob")
    eva.type_line("/msg")
    st = eva.wait(lambda s: "Usage: /msg NICK text" in s["transcript"],
                  "/msg usage")
    xc.check(st["input"] == "/msg", "the command kept to complete")
    eva.xdo("key", "Down")              # Down at the end empties it
    eva.type_line("/msg ninguem oi")
    eva.wait(lambda s: "Nobody called ninguem is connected here." in
             s["transcript"], "/msg to nobody")
    eva.xdo("key", "Down")
    eva.type_line("/nick")
    eva.wait(lambda s: "Usage: /nick NAME" in s["transcript"],
             "/nick usage")
    eva.xdo("key", "Down")
    # A double-click on cid opens a private window.
    g.dclick_user(eva, [u for u in eva.state()["users"].split(" | ")
                        if u.startswith("cid #3")][0])
    wait_private(eva, 3, lambda sh, ls: sh is True, "cid's window")
    shot("dm-windows")
    # The list has the keyboard now: back to the input line, as a
    # person would click it.
    eva.click(eva.state(), "*work.input")
    log("ok: /msg and a double-click open private windows; usages")

    # /help: a list, one line each.
    eva.type_line("/help")
    st = eva.wait(lambda s: "/away [reason]" in s["transcript"], "help")
    xc.check(sum(1 for r in st["transcript"].split("\n")
                 if "* " in r and "/" in r) >= 7, "help as a list")

    # A long text: offered in parts, each confirmed.
    nmsg = len(fake_frames(srv, b"MSG "))
    words = ("palavra " * 540)[:4300]
    eva.xdo("type", "--delay", "1", words)
    eva.xdo("key", "Return")
    st = eva.wait(lambda s: s["dialogs"].get("*splitDialog") == "managed",
                  "the offer to split")
    m = st["messages"]["*splitDialog"]
    xc.check("4300 bytes" in m and "as 2 messages" in m, "offer: %r" % m)
    shot("split")
    eva.click(st, "*splitDialog.OK")
    st = eva.wait(lambda s: len(re.findall(r"» eva: palavra[^\n]*  ✔\n",
                                           s["transcript"])) == 2 and
                  s["input"] == "", "both parts confirmed")
    sent = len(fake_frames(srv, b"MSG ")) - nmsg
    xc.check(sent == 2, "two MSG frames: %d" % sent)
    log("ok: 4300 bytes offered and sent as 2 confirmed messages")

    # Closing a private window hides it (no window manager here: they
    # lie over the main window's menu bar).
    for who in ("ana", "bob", "cid"):
        g.wm_delete(window_named("private with " + who))
    for uid in (1, 2, 3):
        wait_private(eva, uid, lambda sh, ls: sh is False, "hidden")

    # Kicked: a dialog with the reason, no reconnect; Reconnect works.
    n = fake_connections(srv)
    srv.cmd("kick flood")
    st = eva.wait(lambda s: s["dialogs"].get("*kickedDialog") ==
                  "managed", "the kick dialog")
    xc.check("Reason: flood" in st["messages"]["*kickedDialog"],
             "kick reason: %r" % st["messages"]["*kickedDialog"])
    xc.check("kicked you out (flood)" in st["status"], st["status"])
    xc.check("The server says goodbye" not in st["transcript"],
             "a goodbye line besides the kick")
    shot("kicked")
    time.sleep(4)       # several backoffs: no new connection comes
    xc.check(fake_connections(srv) == n, "the client reconnected")
    eva.click(st, "*kickedDialog.OK")
    eva.click(eva.state(), "*menuBar.fileMenu")
    # Posted: the item lies under the menu bar.
    st = eva.wait(lambda s: int(s.get("widgets", {}).get(
        "*fileMenuPulldown.reconnect", "x x 0 0 0 0".split())[3]) > 20,
        "the File menu")
    eva.click(st, "*fileMenuPulldown.reconnect")
    eva.wait(lambda s: s["status"].startswith("Connected to") and
             fake_connections(srv) == n + 1, "File > Reconnect")
    log("ok: kicked: dialog with the reason, no retry, Reconnect works")
    # Last: the click leaves the keyboard in the user list.
    eva.wait(lambda s: "ana #1" in s.get("users", ""), "ana listed again")
    away_status(srv, eva)
    # A clean exit with private windows (under ASan: nothing leaked).
    g.wm_delete(eva.win)
    try:
        rc = eva.proc.wait(20)
    except subprocess.TimeoutExpired:
        xc.fail("xchat did not exit on WM_DELETE_WINDOW")
    xc.check(rc == 0, "exit status %d with private windows" % rc)
    srv.stop()


def v1_quiet():
    """The real xchatd over plain TCP (version 1)."""
    if not g.have_xchatd():
        log("xchatd not built: version 1 steps skipped")
        return
    srv = g.RealServer("state-conv")
    bob = srv.client()
    bob.sendline("NICK bob")
    bob.expect("NICK %d bob" % bob.id, skip=("LEAVE", "JOIN"))
    bob.msg(1, "antes de você")
    bob.expect("OK 1 ", skip=("LEAVE", "JOIN", "PING"))
    ana = g.XChat("xchatQuiet", srv.port, "ana")
    st = ana.wait(lambda s: s["status"].startswith("Connected to") and
                  s["nick"] == "ana", "connected")
    # Connected, then the nick asked for: one line that says both.
    st = ana.wait(lambda s: re.search(r"Connected to \S+ as #\d+ ana \(",
                                      s["transcript"]), "connected as ana")
    xc.check("is now known as ana" not in st["transcript"] and
             not re.search(r"as #\d+ user\d", st["transcript"]),
             "two lines for connecting: %r" % st["transcript"])
    r = g.row_with(st, "antes de você")
    xc.check(r is not None and r.startswith("--:--:-- - bob: "),
             "history row (no replay time, no id): %r" % r)
    # A join and its rename: one line.
    cid = srv.client()
    cid.sendline("NICK cid")
    st = ana.wait(lambda s: "→ cid joined" in s["transcript"], "cid")
    xc.check("is now known as cid" not in st["transcript"] and
             "user%d" % cid.id not in st["transcript"],
             "two lines for a join: %r" % st["transcript"])
    bob.msg(2, "ao vivo")
    st = ana.wait(lambda s: "- bob: ao vivo" in s["transcript"], "live")
    ana.type_line("minha")
    ana.wait(lambda s: "» ana: minha  ✔" in s["transcript"], "own")
    log("ok: history --:--:--, one join line, ids hidden, quiet mark")
    # An outage with several retries: one line; then history once.
    srv.stop()
    ana.wait(lambda s: "retrying in" in s["status"], "down")
    # Wait for at least two failed retries (1 s, 2 s backoff).
    time.sleep(4)
    srv.start()
    st = ana.wait(lambda s: s["transcript"].count("* Connected to") == 2
                  and s["status"].startswith("Connected to"), "back")
    t = st["transcript"]
    xc.check(t.count("Disconnected:") == 1, "lines per outage: %d" %
             t.count("Disconnected:"))
    xc.check("Disconnected: the server said goodbye (shutdown); retrying"
             in t, "the goodbye in the outage's line")
    for text in ("antes de você", "ao vivo", "minha"):
        xc.check(t.count(text) == 1, "%r shown %d times" % (text,
                 t.count(text)))
    shot("v1-reconnect")
    log("ok: one line for the outage; the history not shown twice")
    real_dm_v1(srv, ana, int(st["id"]))
    ana.proc.kill()
    ana.proc.wait()
    srv.stop()


def server_serves_dm(srv, c):
    """Whether the xchatd built here serves DM (issue 13's server)."""
    c.sendline("AWAY")
    while True:
        line = c.line(10)
        if line.startswith((b"AWAY ", b"ERR ")):
            return line.startswith(b"AWAY ")


def real_dm_v1(srv, ana, ana_id):
    """DM and AWAY through the real xchatd, version 1."""
    bob = srv.client()
    if not server_serves_dm(srv, bob):
        log("xchatd does not serve DM yet: real DM steps skipped")
        return
    bob.sendline("NICK bob")
    bob.expect("NICK %d bob" % bob.id, skip=("LEAVE", "JOIN", "AWAY"))
    ana.wait(lambda s: "bob #%d" % bob.id in s.get("users", ""), "bob")
    ana.type_line("/msg bob só para você")
    f = bob.expect("DM ", skip=("LEAVE", "JOIN", "NICK", "PING", "AWAY"))
    xc.check(f.split(b" ", 5)[5] == "só para você".encode() and
             int(f.split(b" ")[2]) == ana_id, "DM relayed: %r" % f)
    wait_private(ana, bob.id, lambda sh, ls: any(
        "» [private] ana: só para você  ✔" in l for l in ls),
        "our DM confirmed by the real server")
    bob.dm(7, ana_id, "resposta privada")
    bob.expect("OK 7 ", skip=("LEAVE", "JOIN", "NICK", "PING", "AWAY"))
    wait_private(ana, bob.id, lambda sh, ls: any(
        "- [private] bob: resposta privada" in l for l in ls),
        "bob's DM in the window")
    # A character the font lacks: [U+XXXX], as in the main transcript
    # (issue 13; the private window showed a box).
    bob.dm(8, ana_id, "festa \U0001F389")
    bob.expect("OK 8 ", skip=("LEAVE", "JOIN", "NICK", "PING", "AWAY"))
    has = subprocess.run(["fc-list", ":family=DejaVu Sans Mono:"
                          "charset=1f389", "family"], capture_output=True,
                         text=True).stdout.strip() != ""
    want = "festa \U0001F389" if has else "festa [U+1F389]"
    ana.wait(lambda s: any(l.startswith("privtext %d " % bob.id) and
                           want in l for l in open(ana.dump,
                                                   encoding="utf-8")),
             "the DM's emoji in the private window as %r" % want)
    st = ana.state()
    xc.check("resposta privada" not in st["transcript"], "DM in main")
    bob.sendline("AWAY no almoço")
    ana.wait(lambda s: "bob #%d (away: no almoço)" % bob.id in
             s.get("users", ""), "bob away in the list")
    ana.xdo("key", "Down")
    ana.type_line("/away fora")
    bob.expect("AWAY %d fora" % ana_id, skip=("LEAVE", "JOIN", "NICK",
                                              "PING", "AWAY %d no" % bob.id))
    ana.wait(lambda s: "You are marked away: fora." in s["transcript"],
             "our away echoed")
    shot("real-dm-v1")
    log("ok: the real xchatd: DM both ways, AWAY both ways (version 1)")


def real_dm_v2():
    """Two xchat windows with keys through the real xchatd over TLS: a
    DM signed for its recipient's key, accepted by the server (it
    checks the signature) and checked by the recipient."""
    if not g.server_speaks_v2():
        return
    srv = g.RealServer("state-dm2")
    probe = srv.client()
    if not server_serves_dm(srv, probe):
        log("xchatd does not serve DM yet: real v2 DM steps skipped")
        srv.stop()
        return
    probe.close()
    fp = g.server_key(srv.statedir)
    ra = g.XChat("xchatDmA", srv.tlsport, "rina", "-tls", "-trust", fp,
                 home=os.path.join(T, "home-dma"))
    rb = g.XChat("xchatDmB", srv.tlsport, "rubi", "-tls", "-trust", fp,
                 home=os.path.join(T, "home-dmb"))
    ra.wait(lambda s: "rubi #" in s.get("users", "") and
            "◆" in s.get("users", ""), "rubi listed, keyed")
    ra.type_line("/msg rubi assinado para a rubi")
    rb.wait(lambda s: any(l.startswith("private ") for l in
                               open(rb.dump, encoding="utf-8")), "a window")
    uid = [int(l.split()[1]) for l in open(rb.dump, encoding="utf-8")
           if l.startswith("private ")][0]
    wait_private(rb, uid, lambda sh, ls: any(
        "✓ [private] rina: assinado para a rubi" in l for l in ls),
        "the signed DM checked by its recipient")
    rid = int(rb.state()["id"])
    wait_private(ra, rid, lambda sh, ls: any(
        "» [private] rina: assinado para a rubi  ✔" in l for l in ls),
        "accepted by the server (signature checked)")
    shot("real-dm-v2")
    for x in (ra, rb):
        x.proc.kill()
        x.proc.wait()
    srv.stop()
    log("ok: the real xchatd over TLS: a signed DM accepted and checked")


def no_host():
    x = g.XChat("xchatNoHost", 12345, "ana", "-host",
                "no-such-host.invalid")
    st = x.wait(lambda s: "cannot find the host no-such-host.invalid" in
                s["transcript"] and "Reconnect" in s["status"],
                "a clear line, no retries")
    xc.check(st["transcript"].count("cannot find the host") == 1,
             "said more than once")
    xc.check("Not retrying" in st["transcript"], st["transcript"])
    shot("nohost")
    x.proc.kill()
    x.proc.wait()
    log("ok: a host that does not exist: one clear line, no retry")


def main():
    no_host()
    v1_quiet()
    v2_conversation()
    real_dm_v2()
    return 0


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        for p in g.PROCS:
            if p.poll() is None:
                p.kill()
                p.wait()
    sys.exit(rc)
