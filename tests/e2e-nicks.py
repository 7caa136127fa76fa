"""e2e-nicks.py -- look-alike and invisible nicks against a real
headless xchatd (issue 10, item 6): every nick rule of doc/PROTOCOL.md
(the <nick> paragraph) tried as an attacker would.  With "ana" taken,
its look-alikes (case, Cyrillic a, full width, fullwidth-plus-Cyrillic)
get "ERR nickinuse"; nicks with invisible, format, separator, C1,
unassigned, private-use or noncharacter code points, Hangul fillers or
a leading combining mark get "ERR badnick"; "userl" is in use while
"user1" is connected; "joão" is in use beside "João" but "JOÃO" is
not; the holder may change the case of its own nick.  No refused NICK
reaches anyone: the others see only the NICK frames of accepted
changes, in order."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

# -floodrate 0: NICK counts against the flood bucket, and this test
# sends many in a row on purpose.
with xc.Server("-floodrate", "0") as srv:
    a = srv.client()                    # user1
    b = srv.client()                    # user2, the attacker
    a.expect("JOIN 2 user2")
    c = srv.client()                    # user3, a witness
    a.expect("JOIN 3 user3")
    b.expect("JOIN 3 user3")

    def refused(cl, nick, code):
        cl.sendline("NICK " + nick)
        got = cl.expect("ERR ")
        want = ("ERR nickinuse " + nick) if code == "nickinuse" \
            else "ERR badnick"
        check(got == want.encode(),
              "NICK %r: got %r, want %r" % (nick, got, want))

    def accepted(cl, nick, others):
        cl.sendline("NICK " + nick)
        f = ("NICK %d %s" % (cl.id, nick)).encode()
        check(cl.expect("NICK ") == f, "NICK %r refused" % nick)
        for o in others:
            got = o.expect("NICK ")
            check(got == f, "others saw %r, want %r" % (got, f))

    # With user1 connected, userl (and its other look-alikes) is in use.
    refused(b, "userl", "nickinuse")
    refused(b, "USERl", "nickinuse")
    refused(b, "ｕｓｅｒ1", "nickinuse")

    accepted(a, "ana", [b, c])
    for look in ["ANA", "Ana",
                 "\u0430na",            # Cyrillic a
                 "\uff41\uff4e\uff41",  # full width
                 "\uff21\uff2e\uff21",  # full width, capitals
                 "\u0430n\u0430",       # two Cyrillic a
                 "an\u0251"]:           # Latin alpha
        refused(b, look, "nickinuse")

    invisible = [
        "an\u200ba",            # ZERO WIDTH SPACE
        "an\u200da",            # ZERO WIDTH JOINER
        "an\u200ca",            # ZERO WIDTH NON-JOINER
        "\u2060ana",            # WORD JOINER
        "\ufeffana",            # BOM / ZWNBSP
        "\u202enimda",          # RIGHT-TO-LEFT OVERRIDE
        "ana\u202c",            # POP DIRECTIONAL FORMATTING
        "\u2066ana",            # LEFT-TO-RIGHT ISOLATE
        "\u200fana",            # RIGHT-TO-LEFT MARK
        "ana\u00adx",           # SOFT HYPHEN
        "ana\u00a0x",           # NO-BREAK SPACE
        "ana\u2028x",           # LINE SEPARATOR
        "ana\u2029x",           # PARAGRAPH SEPARATOR
        "ana\u3000x",           # IDEOGRAPHIC SPACE
        "ana\u2009x",           # THIN SPACE
        "ana\u0085x",           # C1: NEXT LINE
        "ana\u009bx",           # C1: CSI
        "ana\U000e0041",        # TAG LATIN CAPITAL LETTER A
        "ana\U000e0001",        # LANGUAGE TAG
        "ana\uffff",            # noncharacter
        "ana\ufdd0",            # noncharacter
        "ana\U0010fffe",        # noncharacter
        "ana\ue000",            # private use
        "ana\U000f0000",        # private use (plane 15)
        "ana\u0378",            # unassigned
        "ana\U000e0080",        # unassigned
        "\u115fana",            # HANGUL CHOSEONG FILLER
        "\u1160ana",            # HANGUL JUNGSEONG FILLER
        "\u3164",               # HANGUL FILLER
        "ana\uffa0",            # HALFWIDTH HANGUL FILLER
        "\u0301ana",            # combining mark at the start
        "\u20ddana",            # enclosing mark at the start
        "ana\ufe0f",            # VARIATION SELECTOR-16 (invisible)
        "\u034fana",            # COMBINING GRAPHEME JOINER
    ]
    for bad in invisible:
        refused(b, bad, "badnick")

    # Accented letters: only ASCII letters fold.
    accepted(c, "João", [a, b])
    refused(b, "joão", "nickinuse")
    refused(b, "Jo\u0061\u0303o", "nickinuse")   # decomposed, same NFKC
    accepted(b, "JOÃO", [a, c])

    # The holder may change the case of its own nick.
    accepted(a, "Ana", [b, c])
    accepted(a, "ANA", [b, c])
    # user<digits> stays reserved, look-alikes included.
    refused(b, "user3", "nickinuse")
    refused(b, "ｕｓｅｒ3", "nickinuse")
    # Letters and marks inside a nick are fine.
    accepted(b, "ma\u0301rio", [a, c])
    accepted(b, "Ελένη", [a, c])
    # Nothing was sent that is not accounted for.
    a.sendline("PING end")
    a.expect("PONG end")
    b.sendline("PING end")
    b.expect("PONG end")
    c.sendline("PING end")
    c.expect("PONG end")
print("e2e-nicks: ok")
