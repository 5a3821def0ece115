#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Small loopback socket helpers for tests/integ/lib.sh.

  netutil.py free-port          a TCP port on 127.0.0.1 nobody listens on now
  netutil.py refused-port       a port that refuses connections: bound, then
                                closed without listen(), and checked to refuse
  netutil.py wait PORT SECONDS  exit 0 once 127.0.0.1:PORT accepts a connection,
                                1 at the deadline
  netutil.py loopback-only PORT exit 0 when every listening socket on PORT is
                                bound to 127.0.0.1 or ::1 (and there is one);
                                1 and the offending addresses otherwise
Only ever connects to 127.0.0.1.
"""

import socket
import sys
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused_port():
    for _ in range(20):
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as c:
            c.settimeout(2)
            try:
                c.connect(("127.0.0.1", port))
            except ConnectionRefusedError:
                return port
            except OSError:
                pass
    raise SystemExit("netutil: no refusing port found")


def wait(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as c:
            c.settimeout(1)
            try:
                c.connect(("127.0.0.1", port))
                return 0
            except OSError:
                pass
        time.sleep(0.05)
    return 1


def listeners(port):
    """(family, address) of sockets in LISTEN state on port, from /proc/net."""
    out = []
    for fam, path in (("ipv4", "/proc/net/tcp"), ("ipv6", "/proc/net/tcp6")):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    addr, p = cols[1].split(":")
                    if cols[3] != "0A" or int(p, 16) != port:
                        continue
                    raw = bytes.fromhex(addr)
                    # /proc prints each 32-bit word in host (little-endian) order
                    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                    fam_id = socket.AF_INET if fam == "ipv4" else socket.AF_INET6
                    out.append((fam, socket.inet_ntop(fam_id, raw)))
        except FileNotFoundError:
            pass
    return out


def loopback_only(port):
    ls = listeners(port)
    bad = [a for _, a in ls if a not in ("127.0.0.1", "::1", "::ffff:127.0.0.1")]
    if not ls:
        print("nothing listens on port %d" % port)
        return 1
    if bad:
        print("listening beyond loopback: " + ", ".join(bad))
        return 1
    print("listening on " + ", ".join(a for _, a in ls))
    return 0


def main(argv):
    if argv[:1] == ["free-port"]:
        print(free_port())
        return 0
    if argv[:1] == ["refused-port"]:
        print(refused_port())
        return 0
    if argv[:1] == ["wait"] and len(argv) == 3:
        return wait(int(argv[1]), float(argv[2]))
    if argv[:1] == ["loopback-only"] and len(argv) == 2:
        return loopback_only(int(argv[1]))
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
