#!/usr/bin/env python3
"""xchat-fakeserver.py -- a small scripted xchat server for the client's
GUI tests (tests/gui-client.sh).  It speaks enough of doc/PROTOCOL.md
to host real clients (WELCOME/USER/READY, MSG relay with OK, NICK, PING,
QUIT) and can misbehave on purpose:

  --bad-digest     relay every message with a wrong MD5
  --deaf           never answer PING (and send nothing): a dead server
  --full           answer every connection with BYE full
  --nak CODE       answer every MSG with NAK <seq> CODE
  --rename HEX     answer every NICK by renaming the client to these
                   bytes (hex), e.g. a nick the client would refuse

Usage: xchat-fakeserver.py PORT [options]; it prints "ready" once
listening and logs frames to stderr.
"""
import hashlib
import selectors
import socket
import sys


def md5(b):
    return hashlib.md5(b).hexdigest()


def main():
    port = int(sys.argv[1])
    opts = sys.argv[2:]
    bad = "--bad-digest" in opts
    deaf = "--deaf" in opts
    full = "--full" in opts
    nak = opts[opts.index("--nak") + 1] if "--nak" in opts else None
    rename = bytes.fromhex(opts[opts.index("--rename") + 1]) \
        if "--rename" in opts else None
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    clients = {}   # sock -> dict(id, nick, buf)
    next_id = [1]
    n = [0]
    print("ready", flush=True)

    def send(s, line):
        try:
            s.sendall(line + b"\n")
        except OSError:
            pass

    def others(s):
        return [c for c in clients if c is not s]

    def drop(s, reason=b"closed"):
        c = clients.pop(s, None)
        sel.unregister(s)
        s.close()
        if c:
            for o in clients:
                send(o, b"LEAVE %d %s %s" % (c["id"], c["nick"], reason))

    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                cs, _ = ls.accept()
                if full:
                    cs.sendall(b"BYE full\n")
                    cs.close()
                    continue
                cid = next_id[0]
                next_id[0] += 1
                c = {"id": cid, "nick": b"user%d" % cid, "buf": b""}
                send(cs, b"WELCOME %d %s 1" % (cid, c["nick"]))
                for o, oc in clients.items():
                    send(cs, b"USER %d %s" % (oc["id"], oc["nick"]))
                send(cs, b"READY %d" % len(clients))
                for o in clients:
                    send(o, b"JOIN %d %s" % (cid, c["nick"]))
                clients[cs] = c
                sel.register(cs, selectors.EVENT_READ)
                continue
            c = clients[s]
            try:
                d = s.recv(65536)
            except OSError:
                d = b""
            if not d:
                drop(s)
                continue
            c["buf"] += d
            while b"\n" in c["buf"]:
                line, c["buf"] = c["buf"].split(b"\n", 1)
                line = line.rstrip(b"\r")
                sys.stderr.write("fake<- %r\n" % line)
                if deaf or not line:
                    continue
                f = line.split(b" ", 3)
                if f[0] == b"MSG" and len(f) == 4:
                    if nak:
                        send(s, b"NAK %s %s" % (f[1], nak.encode()))
                        continue
                    n[0] += 1
                    dig = f[2].lower()
                    if bad:
                        dig = md5(f[3] + b"x").encode()
                    for o in others(s):
                        send(o, b"MSG %d %d %s %s %s" %
                             (n[0], c["id"], c["nick"], dig, f[3]))
                    send(s, b"OK %s %d" % (f[1], n[0]))
                elif f[0] == b"NICK" and len(f) == 2:
                    c["nick"] = rename or f[1]
                    for o in clients:
                        send(o, b"NICK %d %s" % (c["id"], c["nick"]))
                elif f[0] == b"PING" and len(f) == 2:
                    send(s, b"PONG " + f[1])
                elif f[0] == b"PONG":
                    pass
                elif f[0] == b"QUIT":
                    send(s, b"BYE quit")
                    drop(s, b"quit")
                    break
                else:
                    send(s, b"ERR unknown " + f[0][:32])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
