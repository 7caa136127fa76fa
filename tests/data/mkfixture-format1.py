"""mkfixture-format1.py -- how tests/data/log-format1.1 and log-format1
(a rotated pair) were made: real logs of the old layout (log format 1,
ten fields) written by xchatd at commit 4eb2548, before log format 2:
start records, accepted messages (UTF-8, TAB, backslash), badhash, a
badtext cut to 200 bytes, flood, a rejects summary, a segment after
SIGHUP, and a second run numbered from 1 again.  Run from a build
directory of that commit: python3 ../tests/data/mkfixture-format1.py
../tests/data/log-format1 (it needs the old xchatd; kept for the record).
"""
import os, shutil, signal, sys, time
sys.path.insert(0, "../tests")
import xc
out = sys.argv[1]
with xc.Server("-floodrate", "2", "-floodkick", "1000") as srv:
    a = srv.client(); b = srv.client()
    a.sendline("NICK ana"); a.expect("NICK", skip=("JOIN",))
    b.sendline("NICK João"); b.expect("NICK 2", skip=("NICK 1",)); a.expect("NICK 2")
    a.msg(1, "Olá, tudo bem?"); a.expect("OK 1 1")
    b.msg(1, "tab\there and \\ backslash"); b.expect("OK 1 2", skip=("MSG",))
    a.msg(2, "forged", digest="0" * 32); a.expect("NAK 2 badhash", skip=("MSG",))
    time.sleep(1.1)
    a.msg(3, "x" * 3000 + "\x01"); a.expect("NAK 3 badtext")
    time.sleep(1.1)
    for i in range(4, 12):
        a.msg(i, "flood %d" % i)
    for i in range(4, 12):
        a.line()
    time.sleep(1.1)
    a.msg(12, "/me waves"); a.expect("OK 12")
    time.sleep(1.5)
    a.msg(13, "after the flood"); a.expect("OK 13")
    os.rename(srv.log, out + ".1")
    srv.proc.send_signal(signal.SIGHUP)
    while "SIGHUP" not in srv.stderr():
        time.sleep(0.02)
    b.msg(2, "no arquivo novo"); b.expect("OK 2", skip=("MSG",))
    xc.check(srv.stop() == 0, "stop")
with xc.Server(logfile=srv.log) as srv2:
    c = srv2.client()
    c.msg(1, "second run, numbered from 1 again"); c.expect("OK 1 1")
    c.msg(2, "emoji \U0001F600 and CJK 漢字"); c.expect("OK 2 2")
    xc.check(srv2.stop() == 0, "stop 2")
shutil.copyfile(srv.log, out)
