"""check-source.py -- rules of doc/HACKING that a machine can check in
src/: no C function is longer than 80 lines, no main() than 60 (from
the return type's line to the closing brace); no line is wider than
80 columns (TABs every 8); no file but protocol.c spells a frame (a
string literal that starts with a verb of the wire protocol and a
space or newline, or a verb compared by hand); no static function has the
name of a function in another file; no file but nickrules.c includes
an ICU header (<unicode/...>).  Prints each offence; exit 1 if any.
"""
import os
import re
import sys

MAX_LINES = 80
MAX_MAIN = 60           # main() only wires the modules together
MAX_COLS = 80
VERBS = ("WELCOME USER READY MSG OK NAK JOIN LEAVE NICK PING PONG QUIT "
         "ERR BYE HELLO DM AWAY BACK KEY").split()
FRAME = re.compile(r'"(%s)[ \\]' % "|".join(VERBS))
# A verb compared by hand is a frame read outside protocol.c.
VERB_CMP = re.compile(r'\b(memcmp|strn?cmp|strn?casecmp)\(.*"(%s)"'
                      % "|".join(VERBS))
COMMENT = re.compile(r'^\s*\*')
# Diagnostics on stderr may name a frame; they are not frames.
DIAG = re.compile(r'\b(log_(warnx?|info|debug)|fatalx?)\(')
# ICU is nickrules.c's alone (STYLE.md).
ICU = re.compile(r'^\s*#\s*include\s*<unicode/')
# tmux style: the return type on one line, "name(" at column 0.
DEF = re.compile(r'^([a-z_][a-z0-9_]*)\(')


def functions(lines):
    """Yield (name, first line, length, static) of each definition."""
    i = 0
    while i < len(lines):
        m = DEF.match(lines[i])
        if m and not lines[i].rstrip().endswith(";"):
            j = i
            while j < len(lines) and lines[j].rstrip() != "{":
                if lines[j].rstrip().endswith(";"):
                    break
                j += 1
            if j < len(lines) and lines[j].rstrip() == "{":
                k = j
                while k < len(lines) and lines[k].rstrip() != "}":
                    k += 1
                static = i > 0 and lines[i - 1].startswith("static")
                first = i - 1 if i > 0 and lines[i - 1].strip() else i
                yield m.group(1), first + 1, k - first + 1, static
                i = k
        i += 1


def main():
    src = os.path.join(os.environ.get("srcdir", "."), "src")
    bad = 0
    owner = {}
    statics = []
    for name in sorted(os.listdir(src)):
        if name.endswith((".c", ".h")):
            with open(os.path.join(src, name), encoding="utf-8") as f:
                for n, text in enumerate(f, 1):
                    cols = len(text.rstrip("\n").expandtabs(8))
                    if cols > MAX_COLS:
                        print("%s:%d: %d columns (at most %d)"
                              % (name, n, cols, MAX_COLS))
                        bad += 1
                    if ICU.match(text) and name != "nickrules.c":
                        print("%s:%d: ICU included outside nickrules.c"
                              % (name, n))
                        bad += 1
        if not name.endswith(".c"):
            continue
        path = os.path.join(src, name)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for fn, line, length, static in functions(lines):
            limit = MAX_MAIN if fn == "main" else MAX_LINES
            if length > limit:
                print("%s:%d: %s is %d lines (at most %d)"
                      % (name, line, fn, length, limit))
                bad += 1
            if static:
                statics.append((fn, name, line))
            owner.setdefault(fn, []).append(name)
        if name == "protocol.c":
            continue
        for n, text in enumerate(lines, 1):
            code = text.split("/*")[0]
            if COMMENT.match(text) or DIAG.search(code):
                continue
            if FRAME.search(code) or VERB_CMP.search(code):
                print("%s:%d: a frame spelled outside protocol.c: %s"
                      % (name, n, text.strip()))
                bad += 1
    for fn, name, line in statics:
        others = [o for o in owner[fn] if o != name]
        if others:
            print("%s:%d: static %s also defined in %s"
                  % (name, line, fn, ", ".join(sorted(set(others)))))
            bad += 1
    print("check-source: %d problem(s)" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
