"""Helpers for the cluster tests: a private redis-server on a free
loopback port (its data in a temporary directory, append-only with
fsync always, so that a restart keeps what it acknowledged), and
xchatd servers that are members of a cluster through it."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xc import Server, fail, free_port, reap_at_exit  # noqa: E402

REDIS = shutil.which("redis-server")


def need_redis():
    """Exit 77 (skip) where redis-server is not installed."""
    if REDIS is None:
        print("SKIP: redis-server is not installed")
        sys.exit(77)


class Redis:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="xchat-redis.")
        self.proc = None
        # free_port() finds a port free now: another test may bind it
        # before redis-server does; then it exits and we try another.
        for _ in range(5):
            self.port = free_port()
            if self.start(first=True):
                return
        fail("redis-server found no free port: " + self.log())

    def start(self, first=False):
        """Start redis-server on self.port and wait until it accepts
        connections.  On the first start, False if the port was taken
        meanwhile (a restart must keep its port: the members know it)."""
        self.err = open(os.path.join(self.dir, "redis.log"), "ab")
        mark = len(self.log())
        self.proc = reap_at_exit(subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--appendfsync",
             "always", "--dir", self.dir, "--daemonize", "no"],
            stdout=self.err, stderr=self.err))
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                if first and "in use" in self.log()[mark:]:
                    self.proc = None
                    return False
                fail("redis-server exited at start: " + self.log())
            if "Ready to accept connections" in self.log()[mark:]:
                return True
            time.sleep(0.02)
        fail("redis-server did not start: " + self.log())

    def log(self):
        with open(os.path.join(self.dir, "redis.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def url(self):
        return "redis://127.0.0.1:%d" % self.port

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(20)
        self.proc = None

    def cli(self, *args):
        """A command through redis-cli (for checks, not for the servers);
        its output as text."""
        return subprocess.run(["redis-cli", "-p", str(self.port)] +
                              list(args), capture_output=True,
                              check=True).stdout.decode()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop(signal.SIGKILL)


def member(redis, *args, name="xchat", timeout=3, **kw):
    """An xchatd in the cluster of redis, once it has joined."""
    s = Server("-cluster", redis.url(), "-clustername", name,
               "-clustertimeout", str(timeout), *args, **kw)
    deadline = time.time() + 20
    while "joined through" not in s.stderr():
        if time.time() > deadline or s.proc.poll() is not None:
            fail("xchatd did not join the cluster: " + s.stderr())
        time.sleep(0.02)
    return s
