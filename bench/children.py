# SPDX-License-Identifier: MIT
"""bench/children.py: the child processes a bench script starts (servers,
relays, tools), each in its own process group, killed when the script ends
(also on a signal).  Shared by bench/run.py and bench/scale.py."""

import os
import signal
import subprocess
import sys
import time

CHILDREN = []     # Popen objects to kill at exit


def cleanup():
    """SIGTERM every child's group, then SIGKILL what is left after 5 s."""
    for p in reversed(CHILDREN):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except OSError:
                pass
    deadline = time.monotonic() + 5
    for p in reversed(CHILDREN):
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
    CHILDREN.clear()


def on_signals(log, what):
    """On SIGTERM, SIGINT and SIGHUP: log, clean up, exit 1; cleanup at exit too."""
    import atexit

    def handler(signo, frame):
        log("signal %d: %s" % (signo, what))
        cleanup()
        sys.exit(1)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, handler)
    atexit.register(cleanup)


def spawn(argv, out, err, env=None, lifetime=None):
    """Start a long-running child in its own process group, bounded by
    timeout(1) (lifetime seconds), recorded for cleanup."""
    if lifetime:
        argv = ["timeout", "-k", "5", str(int(lifetime))] + argv
    p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                         env=env, start_new_session=True)
    CHILDREN.append(p)
    return p


def stop(p, grace=5):
    """SIGTERM p's group; SIGKILL after grace seconds."""
    if p in CHILDREN:
        CHILDREN.remove(p)
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except OSError:
            pass
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
