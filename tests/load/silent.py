#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Listeners that accept TCP connections and never say a word.

  silent.py COUNT PORT-FILE [MAX-SECONDS]

Listens on COUNT ephemeral ports of 127.0.0.1, writes them (one a line) to
PORT-FILE once all listen (temporary name, then rename), then accepts every
connection, reads and discards what the client sends, and closes when the
client does, so the accept queue never fills and the client only ever sees
silence.  Exits on SIGTERM or after MAX-SECONDS (default 600).  Binds
127.0.0.1 only.
"""

import os
import selectors
import signal
import socket
import sys
import time


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 64
    count, port_file = int(argv[0]), argv[1]
    deadline = time.monotonic() + (float(argv[2]) if len(argv) == 3 else 600)
    sel = selectors.DefaultSelector()
    ports = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(1024)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, "listener")
        ports.append(s.getsockname()[1])
    with open(port_file + ".tmp", "w") as f:
        f.write("".join("%d\n" % p for p in ports))
    os.rename(port_file + ".tmp", port_file)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    open_now = peak = total = 0
    while not stop and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            if key.data == "listener":
                while True:
                    try:
                        c, _ = key.fileobj.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:  # out of descriptors: the queue keeps it
                        break
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "conn")
                    open_now += 1
                    total += 1
                    peak = max(peak, open_now)
                continue
            try:
                data = key.fileobj.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                open_now -= 1
    sys.stderr.write("silent.py: %d connections, at most %d at once\n" % (total, peak))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
