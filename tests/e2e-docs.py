"""e2e-docs.py -- every option of xchatd and xchat (from their -help)
is described in the OPTIONS section of the program's man page, and
every resource (each ("name", "Class") pair of string literals in the
program's sources, the way XtResource rows spell them, and each row of
its src/*_res.def tables) in its
RESOURCES section and in its app-defaults file (a commented-out
"!XChatd.name: value" line counts: it documents the default)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import xc
from xc import check

SRC = xc.SRCDIR
PAIR = re.compile(r'"([a-z][A-Za-z0-9]*)",\s*"([A-Z][A-Za-z0-9]*)"')
# A row of a resource table file (src/*_res.def): RES_S(name, Class, ...
DEFROW = re.compile(r'^RES_[A-Z]\(([a-z][A-Za-z0-9]*),\s*([A-Z][A-Za-z0-9]*),',
                    re.M)
FLAG = re.compile(r'^  (-[A-Za-z]+)\b', re.M)
PROGRAMS = [("xchatd", "XChatd", xc.XCHATD), ("xchat", "XChat", xc.XCHAT)]


def sources(prog):
    """The .c and .def files Makefile.am builds prog from."""
    with open(os.path.join(SRC, "Makefile.am")) as f:
        text = f.read().replace("\\\n", " ")
    m = re.search(r'^src_%s_SOURCES\s*=(.*)$' % prog, text, re.M)
    check(m is not None, "no src_%s_SOURCES in Makefile.am" % prog)
    return [p for p in m.group(1).split() if p.endswith((".c", ".def"))]


def resources(prog, cls):
    """Every resource name in prog's sources (not the program's own
    name/class pair given to Xt)."""
    names = set()
    for path in sources(prog):
        with open(os.path.join(SRC, path), encoding="utf-8") as f:
            text = f.read()
            for name, klass in PAIR.findall(text) + DEFROW.findall(text):
                if (name, klass) not in (("xchat", "XChat"),
                                         ("xchatd", "XChatd")):
                    names.add(name)
    check(names, "no resources found for " + prog)
    return names


def section(man, title):
    """The text of one .SH section, with font escapes removed."""
    m = re.search(r'^\.SH "?%s"?\n(.*?)(?=^\.SH )' % title, man,
                  re.M | re.S)
    check(m is not None, "no %s section" % title)
    return re.sub(r'\\f[BIRP]', '', m.group(1)).replace("\\-", "-")


def options(path):
    r = subprocess.run([path, "-help"], capture_output=True, timeout=10,
                       env=dict(os.environ, DISPLAY=""))
    check(r.returncode == 0, path + " -help exits 0")
    flags = FLAG.findall(r.stdout.decode())
    check(len(flags) > 5, "too few options in %s -help" % path)
    return flags


bad = []
for prog, cls, path in PROGRAMS:
    with open(os.path.join(SRC, "man", prog + ".1.in"),
              encoding="utf-8") as f:
        man = f.read()
    opts = section(man, "OPTIONS")
    res = section(man, "RESOURCES")
    with open(os.path.join(SRC, "resources", cls), encoding="utf-8") as f:
        ad = f.read()
    syn = section(man, "SYNOPSIS")
    for flag in options(path):
        if not re.search(r'(^|[\s"])%s\b' % re.escape(flag), opts, re.M):
            bad.append("%s(1) OPTIONS lacks %s" % (prog, flag))
        if not re.search(r'(^|[\s"\[|])%s\b' % re.escape(flag), syn,
                         re.M):
            bad.append("%s(1) SYNOPSIS lacks %s" % (prog, flag))
    for name in sorted(resources(prog, cls)):
        if not re.search(r'\b%s\b' % name, res):
            bad.append("%s(1) RESOURCES lacks %s" % (prog, name))
        if not re.search(r'^!?\s*(%s|%s)?[.*]([\w.*]*[.*])?%s\s*:'
                         % (cls, prog, name), ad, re.M):
            bad.append("resources/%s lacks %s" % (cls, name))
for b in bad:
    print(b)
check(not bad, "%d thing(s) undocumented" % len(bad))
print("e2e-docs: ok")
