"""xgui.py -- helpers shared by the GUI tests (tests/gui-*-test.py,
run under a private Xvfb with DISPLAY set): typing text that has
characters the keyboard lacks without racing the client.

    sys.path.insert(0, srcdir/tests); import xgui
"""
import subprocess

import xc

BOUND = set()


def bind_keys(text):
    """Give each character of text that the keyboard lacks (ç, ã, í) a
    keycode of its own, for good.  Otherwise xdotool binds a spare
    keycode for the key press and unbinds it right after; the client
    reads the keyboard mapping only when it comes to the event, and a
    client slow to get there (loaded, under ASan) reads the mapping
    without the character, which is then lost.  A mapping that stays
    is the one the client reads, whenever it reads it (the change's
    MappingNotify comes before the key events)."""
    need = sorted(set(ch for ch in text if ord(ch) > 127) - BOUND)
    if not need:
        return
    keymap = subprocess.run(["xmodmap", "-pke"], capture_output=True,
                            text=True, check=True).stdout
    # Keycodes without symbols, past 8 (which xdotool takes for its own
    # spare one).
    free = [int(l.split()[1]) for l in keymap.splitlines()
            if len(l.split()) == 3 and int(l.split()[1]) > 8]
    xc.check(len(free) >= len(need), "no free keycodes for %r" % need)
    for ch, kc in zip(need, free):
        subprocess.run(["xmodmap", "-e", "keycode %d = U%04X U%04X" %
                        (kc, ord(ch), ord(ch.upper()))], check=True)
        BOUND.add(ch)


def type_text(text, *opts, delay=2):
    """Type text with xdotool into the focused window, every character
    the keyboard lacks bound first (bind_keys); opts go before the text
    (e.g. "--window", id)."""
    bind_keys(text)
    subprocess.run(["xdotool", "type", "--delay", str(delay)] +
                   [str(o) for o in opts] + [text], check=True)
