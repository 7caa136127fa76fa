#!/usr/bin/env python3
"""mkcorpus.py -- (re)write the seed corpus of the fuzz targets,
tests/fuzz/corpus/<target>/, from the protocol's example frames and
the bad-input cases of the unit and end-to-end tests.  Files named
crash-* (inputs that once broke an invariant) are kept as they are.
Usage: python3 tests/fuzz/mkcorpus.py"""
import hashlib
import os

here = os.path.dirname(os.path.abspath(__file__))


def md5(b):
    return hashlib.md5(b).hexdigest().encode()


def put(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    if target == "logverify":         # logs are history's input too
        put("loghistory", name, data)


OLA = "Olá, tudo bem?".encode()
H = md5(OLA)

# Client frames (server side): doc/PROTOCOL.md, tests/e2e-protocol.py,
# tests/test_protocol.c.
client = [
    b"NICK rui", b"NICK ana", b"NICK ANA", b"NICK user1", b"NICK User2",
    b"NICK user007", b"NICK \xc3(", b"NICK", b"NICK ", b"NICK a b",
    b"NICK a:b", b"NICK " + b"n" * 33, b"NICK Jo\xc3\xa3o",
    b"MSG 1 " + H + b" " + OLA, b"MSG 007 " + H + b" " + OLA,
    b"MSG 1 " + H.upper() + b" " + OLA,
    b"MSG", b"MSG abc " + md5(b"hi") + b" hi",
    b"MSG 1234567890123456789 " + md5(b"hi") + b" hi", b"MSG 9",
    b"MSG 10 nothex hi", b"MSG 11 " + md5(b"x"), b"MSG 12 " + md5(b"x") + b" ",
    b"MSG 1 " + md5(b"a\tb") + b" a\tb", b"MSG 2 " + md5(b"a\x01b") + b" a\x01b",
    b"MSG 3 " + md5(b"\xff\xfe") + b" \xff\xfe",
    b"MSG 4 00000000000000000000000000000000 wrong digest",
    b"MSG 5 " + md5(b"k" * 4000) + b" " + b"k" * 4000,
    b"MSG 6 " + md5(b"k" * 4001) + b" " + b"k" * 4001,
    b"msg 1 2 3", b"H\xc3\xa9LLO world", b"A" * 40, b"WELCOME 1 x 1",
    b"OK 1 2", b" leading space", b"PING", b"PING one", b"PING " + b"t" * 64,
    b"PING " + b"t" * 65, b"PONG 1", b"PONG a b", b"QUIT", b"QUIT ",
    b"QUIT going home", b"\x00\x00\x00",
]
for i, c in enumerate(client):
    put("frames", "frame%02d" % i, c + b"\n")
# Framing cases: empty frames, CR, CR without LF, split, 4095/4096/4097
# bytes, 10000 bytes without LF, 1-byte pieces.
frames = {
    "empty": b"\n\r\nPING one\r\n",
    "cr-only": b"PING a\rPING b\r\r\rNICK x\r",
    "crlf": b"NICK rui\r\nMSG 1 " + H + b" " + OLA + b"\r\n",
    "4095": b"PING " + b"p" * (4095 - 6) + b"\n",
    "4096": b"PING " + b"p" * (4096 - 6) + b"\n",
    "4096crlf": b"PING " + b"p" * (4096 - 7) + b"\r\n",
    "4097": b"PING " + b"p" * (4097 - 6) + b"\nPING after\n",
    "10000": b"x" * 10000 + b"\nPING after\n",
    "nolf": b"y" * 5000,
    "tail": b"PING a\nPING spli",
    "many": b"".join(c + b"\n" for c in client[:20]),
}
for k, v in frames.items():
    put("frames", k, v)

# Server frames (client side): doc/PROTOCOL.md, tests/test_protocol.c,
# tests/test_netclient.c, tests/xchat-fakeserver.py.
server = [
    b"WELCOME 3 user3 1", b"USER 1 ana", b"READY 1", b"NICK 3 rui",
    b"OK 1 7", b"OK 001 7", b"NAK 1 badhash", b"NAK 1 BadHash",
    b"NAK 1 flood slow down please", b"NAK 2 nolog", b"JOIN 2 ana",
    b"LEAVE 2 ana quit", b"LEAVE 2 ana", b"LEAVE 2 ana slow",
    b"MSG 5 1 ana " + H + b" " + OLA, b"MSG 6 1 ana " + b"0" * 32 + b" forged",
    b"MSG 7 3 rui " + H + b" ", b"MSG 7 3 rui nothex hi", b"MSG x",
    b"MSG 8 1 ana " + md5(b"fuzzer: hi") + b" fuzzer: hi",
    b"PING 12345", b"PING a b", b"PONG 1", b"ERR nickinuse rui",
    b"ERR badnick", b"ERR unknown FOO", b"ERR toolong", b"BYE full",
    b"BYE slow", b"BYE kicked by the operator", b"WELCOME 3 user3",
    b"WELCOME 3 user3 1 x", b"WELCOME 01 a 1", b"READY 99999999999999999999",
    b"\xff\xfe garbage", b"MSG 1 2 " + b"n" * 40 + b" " + H + b" x",
]
for i, c in enumerate(server):
    put("server", "frame%02d" % i, c + b"\n")
put("server", "session",
    b"WELCOME 3 user3 1\nUSER 1 ana\nMSG 5 1 ana " + H + b" " + OLA +
    b"\nREADY 1\nNICK 3 fuzzer\nOK 1 8\nNAK 2 flood\nPING tok\n"
    b"JOIN 4 rui\nMSG 9 4 rui " + md5(b"x") + b" x\nLEAVE 4 rui quit\n"
    b"ERR nickinuse fuzzer\nBYE shutdown\n")
# A server that lets look-alikes in and renames us to a bidi override.
put("server", "session-nicks",
    "WELCOME 3 user3 1\nUSER 1 ana\nUSER 4 аna\nUSER 5 ana\n"
    "USER 6 an\u200ba\nMSG 5 4 аna {h} {t}\nMSG 6 2 ANA {h} {t}\n"
    "READY 4\nNICK 3 \u202enimda\nNICK 1 \u202enimda\nNICK 3 Ana\n"
    "JOIN 7 \u3164\nLEAVE 5 ana quit\nLEAVE 4 аna quit\n"
    "ERR nickinuse \u202enimda\n".format(h=H.decode(), t=OLA.decode())
    .encode())
put("server", "session-bad",
    b"WELCOME 3 user3 1\nREADY 0\nMSG 9 4 rui " + b"f" * 32 + b" x\n" +
    b"z" * 5000 + b"\nOK 77 1\nWELCOME 4 x 1\n\x00\x01\x02\n")

# Version 2 sessions (issue 12): the byte 0x02 first (fuzz_server.c).
# KA: RFC 8032's TEST 1 key; SIG_OLA its signature of OLA as version 2
# signs a MSG ("xchat/2 msg", NUL, text); SPKI_A its public key.
KA = (b"sha256:06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1"
      b"b792fa9")
KB = (b"sha256:deb2ded39dc26fce0e6085b6fc34bf6b5941913bbfe2ea614113cff9e"
      b"004c170")
SIG_OLA = (b"Q9SpBS1ltpJlqgqFPvkKqVZSGYLBixLeu2gt2bjU+dRF2GsmhWPgODcd2llRyF1b"
           b"EFKaP5WM+MHOq9TxGYsPCQ==")
SPKI_A = b"MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
T = b"2026-12-02T10:20:30.000Z"
put("server", "v2-session",
    b"\x02WELCOME 3 user3 2 " + KA + b"\nUSER 1 ana " + KA +
    b"\nUSER 2 bob -\nMSG 5 " + T + b" 1 ana " + H + b" " + SIG_OLA +
    b" " + OLA + b"\nMSG 6 " + T + b" 2 bob " + H + b" - " + OLA +
    b"\nMSG 7 " + T + b" 2 bob " + H + b" " + SIG_OLA + b" " + OLA +
    b"\nREADY 2\nKEY 1 " + KA + b" " + SPKI_A + b"\nJOIN 4 cid " + KB +
    b"\nMSG 8 " + T + b" 4 cid " + H + b" " + SIG_OLA + b" " + OLA +
    b"\nKEY 4 " + KA + b" " + SPKI_A + b"\nMSG 9 " + T + b" 9 old " + H +
    b" " + SIG_OLA + b" " + OLA + b"\nKEY 9 - -\nOK 1 10\nNAK 2 badsig\n"
    b"PING t\nNICK 1 anabela\nLEAVE 4 cid quit\n")
put("server", "v2-greeting-v1",
    b"\x02WELCOME 3 user3 1\nUSER 1 ana\nMSG 5 1 ana " + H + b" " + OLA +
    b"\nREADY 1\nERR unknown HELLO\nERR unknown HELLO\n")
put("server", "v2-bad",
    b"\x02WELCOME 3 user3 2 sha256:00\nUSER 1 ana " + KA + b" x\n"
    b"MSG 5 2026-13-02T10:20:30.000Z 1 ana " + H + b" " + SIG_OLA + b" " +
    OLA + b"\nMSG 6 " + T + b" 1 ana " + H + b" " + SIG_OLA[:87] + b" " +
    OLA + b"\nKEY 1 " + KA + b" AAAA\nKEY 1 " + KB + b" " + SPKI_A +
    b"\nKEY x\nREADY 0\nMSG 7 " + T + b" 1 ana " + H + b" " +
    SIG_OLA.replace(b"Q", b"R") + b" " + OLA + b"\n")

# Validators: texts, nicks, numbers, digests, bad UTF-8.
vals = [b"", b"a", OLA, b"a\tb", b"a\x01b", b"\x7f", b"\xff\xfe",
        b"\xc0\x80", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
        b"\xf0\x9f\x98\x80", b"\xc3(", b"user7", b"ana:", b"n" * 33,
        b"0", b"007", b"18446744073709551615", b"18446744073709551616",
        H, H.upper(), b"nothex", b"k" * 4000, b"k" * 4001, b"Ana" + b"ana",
        b"abcdef", b"t" * 64, b"t" * 65]
for i, v in enumerate(vals):
    put("validators", "v%02d" % i, v)
# Nick rules (issue 10, item 6): look-alikes, invisible and bidi code
# points, the Hangul fillers, a leading mark, the widest key.
nicks = ["аna", "ａｎａ", "ANA", "userl", "ｕｓｅｒ1", "João", "joão",
         "Jo\u0061\u0303o", "JOÃO", "an\u200ba", "an\u200da",
         "\u202enimda", "ana\u00a0", "a\u2028b", "a\u0085b",
         "ana\U000e0041", "ana\uffff", "ana\ue000", "\u115fa", "\u1160a",
         "\u3164", "a\uffa0", "\u0301ana", "ana\ufe0f", "\ufdfa" * 10,
         "a\\b{}", "user0", "userO", "rnary", "Ελένη", "ana0"]
for i, v in enumerate(nicks):
    put("validators", "nick%02d" % i, v.encode())

# Escape: texts with every class of byte.
esc = [b"", b"plain", OLA, b"a\tb\\c", b"\\x41", b"\\t\\\\", b"\\", b"\\q",
       b"\\x4", b"\\xzz", bytes(range(256)), b"\xc3", b"\xe2\x82", b"\n"]
for i, v in enumerate(esc):
    put("escape", "e%02d" % i, v)


# Log verifier: records as msglog.c writes them, a good chain, a
# tampered copy, a torn last line.
def chain(prev, body):
    return hashlib.sha256(prev + body).hexdigest().encode()


def rec(prev, n, text, verdict=b"accepted", recv=None):
    m = md5(text)
    esc_text = text.replace(b"\\", b"\\\\").replace(b"\t", b"\\t")
    body = b"\t".join([b"2026-11-27T09:01:02.345Z", n, b"1", b"ana",
                       b"127.0.0.1:5555", recv or m, m, verdict,
                       esc_text]) + b"\t"
    c = chain(prev, body)
    return body + c + b"\n", c


g = b"0" * 64
log = b""
r, c = rec(g, b"-", b"", b"start", b"-")
log += r
r, c = rec(c, b"1", OLA)
log += r
r, c = rec(c, b"2", b"a\tb\\c")
log += r
r, c = rec(c, b"-", b"x", b"badhash", b"0" * 32)
log += r
put("logverify", "good", log)
put("logverify", "tampered", log.replace("Olá".encode(), b"Ola!"))
put("logverify", "torn", log + log[:40])
put("logverify", "fields", b"a\tb\tc\n\n\t\t\t\t\t\t\t\t\t\n")


# The record kinds of issue 10: a rejection cut short (\c and its
# length), a "rejects" summary, "segment" records (a rotated file's
# first record, and one in the middle that follows), numbers that
# repeat within a run.
def srv(prev, verdict, text, n=b"-", recv=b"-", comp=None):
    body = b"\t".join([b"2026-12-02T10:00:00.000Z", n, b"3", b"eve",
                       b"127.0.0.1:6666", recv, comp or md5(text),
                       verdict, text]) + b"\t"
    c = chain(prev, body)
    return body + c + b"\n", c


r, c = rec(g, b"-", b"", b"start", b"-")
kinds = r
r, c = srv(c, b"badhash", b"AAAA\\c3900", recv=b"0" * 32,
           comp=md5(b"A" * 3900))
kinds += r
r, c = srv(c, b"rejects", b"count=7 bytes=900 badhash=5 flood=2")
kinds += r
r, c = rec(c, b"1", OLA)
kinds += r
last = c
seg = b"reason=shrank prev=" + c + b" size=0 expected=400"
r, c = srv(c, b"segment", seg)
kinds += r
r, c = rec(c, b"2", b"depois")
kinds += r
put("logverify", "kinds", kinds)
r, c = srv(b"9" * 64, b"segment", b"reason=reopen prev=" + b"9" * 64)
rotated = r
r, c = rec(c, b"7", b"rodado")
rotated += r
put("logverify", "rotated", rotated)
r, c = rec(last, b"1", OLA)
put("logverify", "renumbered", kinds[:kinds.index(b"\tsegment\t")]
    .rsplit(b"\n", 1)[0] + b"\n" + r)

# Version 2 frames, both ways (fuzz_v2): doc/PROTOCOL.md "Version 2".
K1 = b"sha256:" + b"bfed7961c5cc54c76dbc67f7532bea1bde2cfe8c6931dd46edd270fd017fa36b"
SIG = (b"Vs6er+fxyZbXN+fK52J7Hpa8F9nibDSFrZpnNbKBXmyZ8i8mTqjbmY7ScNcN2Ty9"
       b"vyJyFPoQ8GVunZDKhHDcDw==")
SPKI = b"MCowBQYDK2VwAyEAAtIWEkE3WNHaDHpZXqSAo5qF4csstsS3Je6PEFiYT/c="
T = b"2026-12-02T17:07:34.973Z"
v2 = [
    b"HELLO 0", b"HELLO 42", b"HELLO 007", b"HELLO", b"HELLO -1",
    b"KEY 1", b"KEY 0001", b"KEY x",
    b"MSG 1 " + H + b" " + SIG + b" " + OLA,
    b"MSG 1 " + H + b" - " + OLA,
    b"MSG 2 " + H + b" " + SIG[:-2] + b" " + OLA,
    b"DM 3 7 " + H + b" " + SIG + b" " + OLA,
    b"WELCOME 1 user1 2 " + K1, b"WELCOME 3 user3 2 -",
    b"USER 1 ana " + K1, b"JOIN 2 bia -", b"JOIN 2 bia",
    b"MSG 1 " + T + b" 1 ana " + H + b" " + SIG + b" " + OLA,
    b"MSG 9 " + T + b" 1 ana " + H + b" - " + OLA,
    b"DM 10 " + T + b" 1 ana " + H + b" " + SIG + b" " + OLA,
    b"KEY 1 " + K1 + b" " + SPKI, b"KEY 3 - -", b"KEY 3 " + K1 + b" -",
    b"AWAY 4 almo\xc3\xa7o", b"AWAY 4",
]
for i, f in enumerate(v2):
    put("v2", "frame%02d" % i, f + b"\n")
put("v2", "all", b"\n".join(v2) + b"\n")

# Accounts files (fuzz_accounts): tests/test_accounts.c's hostile lines.
K2 = b"sha256:" + b"2" * 64
put("accounts", "good", b"# accounts\nana " + K1 + b"\nbia\t" + K2 +
    b"  # laptop\n!" + K2 + b"\n")
put("accounts", "hostile", b"ANA " + K1 + b"\n\xd0\xb0na " + K2 +
    b"\ncaio " + K1 + b" extra\ncaio -\nbad\xff " + K1 + b"\n" +
    b"eva\x00 " + K1 + b"\n" + b"x" * 1500 + b" " + K1 + b"\n" +
    b"! notakey\r\nfabi " + K2)

# Bans files (fuzz_bans): tests/test_bans.c's hostile lines.
put("bans", "good", b"# bans\n127.0.0.1 forever spam\n::ffff:10.0.0.1 "
    b"4000000000 flood\n2001:DB8::1 forever\n" + K1.upper() +
    b" 4000000000\r\n")
put("bans", "hostile", b"10.0.0.2 100 over\n10.0.0.3 0\n10.0.0.4 -1\n"
    b"10.0.0.5 1e9\n10.0.0.6 99999999999999999999\n10.0.0.7 forever a\x01b"
    b"\n10.0.0.8\nbogus forever\n10.0.0.9 forever \xff\n" + b"x" * 1500 +
    b" 10.0.0.11 forever\n10.0.0.12 forever\x00 NUL\n10.0.0.1 forever\n"
    b"10.0.0.1 4000000000 later\nsha256:abc forever\n10.0.0.13 forever")

# Log format 2 (issue 12): fifteen fields, keys and signatures made with
# RFC 8032's TEST 1 key (Ed25519 is deterministic: these are the
# signatures keys.c and OpenSSL make for those bytes).
RFC_FP = (b"sha256:06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f"
          b"8e1b792fa9")
RFC_SPKI = b"MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
SIGS = {
    "Olá, assinado".encode(): b"zrHAheDj0gzlxILlYyV4QJeoijjLEjZPhHu5e99mNcp"
    b"L9hDyZGa8IlJR9XZIgQtLkfeutO/EvjDAtoA4z+yzAA==",
    "só para mim".encode(): b"9WV/HZq+fB/xc6KaVoqrvUDjnbwAQ/F3wFWcbg5q/rzW"
    b"BzXWRBwGF9aJRShzfqaYsqZshgjnYbb8Ytt5VQgMBA==",
    b"/me assina": b"30t3PtHh+qmmJSoEaeYKAl+fnT+gPexaMn331xfoDW30F8QHxF5saD9"
    b"2P3LWq3OvVUpeGj5FatLL3UQp+rIMDw==",
}


def rec2(prev, n, text, verdict=b"accepted", to=b"-", tokey=b"-",
         keyed=False, signed=False, recv=None, ident=b"1"):
    m = md5(text)
    esc_text = text.replace(b"\\", b"\\\\").replace(b"\t", b"\\t")
    body = b"\t".join([b"2026-12-02T09:01:02.345Z", n, ident, b"ana",
                       b"127.0.0.1:5555", recv or m, m, verdict, to, tokey,
                       RFC_FP if keyed else b"-",
                       RFC_SPKI if keyed else b"-",
                       SIGS[text] if signed else b"-", esc_text]) + b"\t"
    c = chain(prev, body)
    return body + c + b"\n", c


START2 = b"xchatd 1.1 started, log format 2, listening on 127.0.0.1:12345"
log2 = b""
r, c = rec2(g, b"-", START2, b"start", recv=b"-", ident=b"0")
log2 += r
r, c = rec2(c, b"1", "Olá, assinado".encode(), keyed=True, signed=True)
log2 += r
r, c = rec2(c, b"2", "só para mim".encode(), to=b"1", tokey=RFC_FP,
            keyed=True, signed=True)
log2 += r
r, c = rec2(c, b"3", b"/me assina", keyed=True, signed=True)
log2 += r
r, c = rec2(c, b"4", b"com chave, sem assinatura", keyed=True)
log2 += r
r, c = rec2(c, b"5", b"privada, anonima", to=b"2")
log2 += r
r, c = rec2(c, b"-", b"x", b"badsig", recv=b"-")
log2 += r
log2_first = log2
r, c = rec2(c, b"-", START2, b"start", recv=b"-", ident=b"0")
log2 += r
r, c = rec2(c, b"6", b"a numeracao continua")
log2 += r
seg = b"reason=reopen prev=" + c + b" last=6"
log2last = c
put("logverify", "format2", log2)
put("logverify", "format2-edited", log2.replace("assinado".encode(),
                                              "ASSINADO".encode()))
put("logverify", "format2-old-layout", log2 + log)
put("loghistory", "mixed", log + log2)
r, c = rec2(log2last, b"-", seg, b"segment", recv=b"-", ident=b"0")
put("loghistory", "segment-last", r)
put("loghistory", "dm-last", log2_first)
for name in ("log-format1", "log-format1.1"):
    with open(os.path.join(here, "..", "data", name), "rb") as f:
        put("logverify", name, f.read())

# The cluster store's replies (fuzz_cluster): RESP as Redis sends it.


def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def arr(items):
    return b"*%d\r\n" % len(items) + b"".join(items)


def entry(sid, kv):
    return arr([bulk(sid), arr([bulk(x) for x in kv])])


CMSG = [b"t", b"m", b"n", b"7", b"id", b"3", b"srv", b"vm:12", b"nick",
        b"ana", b"md5", b"5d41402abc4b2a76b9719d911017c592", b"sig", b"-",
        b"key", b"-", b"spki", b"-", b"time", b"2026-12-02T10:00:00.000Z",
        b"text", b"hello"]
CJOIN = [b"t", b"j", b"id", b"4", b"srv", b"vm:13", b"nick", b"rui",
         b"key", b"-", b"spki", b"-"]
CLEAVE = [b"t", b"l", b"id", b"4", b"srv", b"vm:13", b"nick", b"rui",
          b"reason", b"split"]
put("cluster", "xread", arr([arr([bulk(b"xchat:conv"), arr([
    entry(b"1-0", CMSG), entry(b"1-1", CJOIN), entry(b"1-2", CLEAVE)])])]))
put("cluster", "xread-nil", b"$-1\r\n*-1\r\n")
put("cluster", "join-reply", arr([bulk(b"1-2"), arr([bulk(b"4")]),
    arr([arr([bulk(b"vm:13"), arr([bulk(b"4"), bulk(b"- - rui")])])]),
    arr([entry(b"1-0", CMSG)])]))
put("cluster", "hostile", arr([arr([bulk(b"xchat:conv"), arr([
    entry(b"1-0", [x.replace(b"hello", b"two\nlines") for x in CMSG]),
    entry(b"1-1", [x.replace(b"7", b"0") for x in CMSG]),
    entry(b"9" * 60, CJOIN), entry(b"1-3", CJOIN[:3]),
    arr([bulk(b"1-4")]), b":5\r\n", b"-ERR x\r\n"])])]) +
    b"*3\r\n$1\r\nt\r\n")
