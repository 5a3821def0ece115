#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Helpers for tests/integ/proxy-hello.sh, sharing no code with cipherprobe.

  tool.py recorder DIR PORTFILE     listen on 127.0.0.1:0, write the port to
                                    PORTFILE, save each connection's
                                    ClientHello records as DIR/N.bin, answer
                                    with a handshake_failure alert
  tool.py hello PCAP OUT            the first ClientHello records in a
                                    classic pcap (Ethernet, IPv4/IPv6, TCP),
                                    reassembled; prints its server_name
  tool.py pcapng PCAP OUT           the same packets as a pcapng file
  tool.py pcap BIN OUT [CUT|all [KIND]]
                                    a pcap holding BIN as one client->server
                                    TCP segment (its first CUT bytes only);
                                    KIND: eth4, eth6, eth6vlan, sll, sll6,
                                    split (out of order, retransmitted)
  tool.py hex BIN STYLE OUT         BIN as a hex dump: plain, colons, xxd,
                                    wireshark, hexdump (-C), bare (the
                                    handshake message without its record)
  tool.py sni BIN NAME OUT          BIN with its server_name set to NAME
  tool.py match DIR BIN             how many saved hellos equal BIN (exit 1
                                    when none)
  tool.py pick DIR IDS OUT          the saved hello whose cipher suites are
                                    exactly IDS ("0x1301,0xC02F,...")
"""
import os
import socket
import struct
import sys
import threading


def read_hello(conn):
    """Bytes of the records holding one ClientHello (or what came)."""
    buf = b""
    conn.settimeout(5)
    while True:
        off, hs = 0, b""
        while len(buf) - off >= 5:
            rlen = struct.unpack("!H", buf[off + 3:off + 5])[0]
            if len(buf) - off - 5 < rlen:
                break
            hs += buf[off + 5:off + 5 + rlen]
            off += 5 + rlen
            if len(hs) >= 4 and len(hs) >= 4 + int.from_bytes(hs[1:4], "big"):
                return buf[:off]
        try:
            d = conn.recv(65536)
        except OSError:
            return buf
        if not d:
            return buf
        buf += d


def recorder(d, portfile):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, portfile)
    n = [0]
    lock = threading.Lock()

    def serve(c):
        data = read_hello(c)
        with lock:
            n[0] += 1
            k = n[0]
        with open(os.path.join(d, "%d.bin" % k), "wb") as f:
            f.write(data)
        try:
            c.sendall(bytes([21, 3, 3, 0, 2, 2, 40]))  # alert handshake_failure
        except OSError:
            pass
        c.close()

    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        e = ">"
    else:
        raise SystemExit("%s: not a classic pcap" % path)
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        ts, tu, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        yield linktype, ts, tu, data[off + 16:off + 16 + incl], orig
        off += 16 + incl


def tcp_payload(link, p):
    if link == 1:  # Ethernet
        et, off = struct.unpack("!H", p[12:14])[0], 14
    elif link == 113:  # Linux cooked
        et, off = struct.unpack("!H", p[14:16])[0], 16
    else:
        return None
    if et == 0x0800:
        ihl = (p[off] & 15) * 4
        total = struct.unpack("!H", p[off + 2:off + 4])[0]
        if p[off + 9] != 6:
            return None
        key = p[off + 12:off + 20]
        end = off + total
        off += ihl
    elif et == 0x86DD:
        if p[off + 6] != 6:
            return None
        key = p[off + 8:off + 40]
        end = off + 40 + struct.unpack("!H", p[off + 4:off + 6])[0]
        off += 40
    else:
        return None
    sport, dport, seq = struct.unpack("!HHI", p[off:off + 8])
    doff = (p[off + 12] >> 4) * 4
    return (key, sport, dport), seq, p[off + doff:end]


def records_done(b):
    off, hs = 0, b""
    while len(b) - off >= 5:
        rlen = struct.unpack("!H", b[off + 3:off + 5])[0]
        if len(b) - off - 5 < rlen:
            return None
        hs += b[off + 5:off + 5 + rlen]
        off += 5 + rlen
        if len(hs) >= 4 and len(hs) >= 4 + int.from_bytes(hs[1:4], "big"):
            return b[:off]
    return None


def first_hello(path):
    flow, segs = None, {}
    for link, _, _, p, _ in packets(path):
        t = tcp_payload(link, p)
        if not t or not t[2]:
            continue
        key, seq, pl = t
        if flow is None:
            if len(pl) >= 6 and pl[0] == 22 and pl[1] == 3 and pl[5] == 1:
                flow, isn = key, seq
            else:
                continue
        if key != flow:
            continue
        segs[(seq - isn) & 0xFFFFFFFF] = pl
        buf = b""
        for rel in sorted(segs):
            if rel > len(buf):
                break
            buf += segs[rel][len(buf) - rel:]
        done = records_done(buf)
        if done:
            return done
    raise SystemExit("%s: no complete ClientHello" % path)


def parse_exts(msg):
    """(offset of the extensions block in msg, [(type, body)])"""
    off = 4 + 2 + 32
    off += 1 + msg[off]
    off += 2 + struct.unpack("!H", msg[off:off + 2])[0]
    off += 1 + msg[off]
    block = off
    end = off + 2 + struct.unpack("!H", msg[off:off + 2])[0]
    off += 2
    exts = []
    while off < end:
        t, n = struct.unpack("!HH", msg[off:off + 4])
        exts.append((t, msg[off + 4:off + 4 + n]))
        off += 4 + n
    return block, exts


def message(b):
    hs, off = b"", 0
    while off < len(b):
        rlen = struct.unpack("!H", b[off + 3:off + 5])[0]
        hs += b[off + 5:off + 5 + rlen]
        off += 5 + rlen
    return hs


def sni_of(b):
    for t, body in parse_exts(message(b))[1]:
        if t == 0:
            n = struct.unpack("!H", body[3:5])[0]
            return body[5:5 + n].decode()
    return None


def suites_of(b):
    msg = message(b)
    off = 4 + 2 + 32
    off += 1 + msg[off]
    n = struct.unpack("!H", msg[off:off + 2])[0]
    return [struct.unpack("!H", msg[off + 2 + i:off + 4 + i])[0] for i in range(0, n, 2)]


def with_sni(b, name):
    msg = message(b)
    block, exts = parse_exts(msg)
    name = name.encode()
    new_sni = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    old = dict(exts)[0]
    delta = len(new_sni) - len(old)
    out = b""
    for t, body in exts:
        if t == 0:
            body = new_sni
        elif t == 21 and delta and len(body) - delta >= 0:
            body = bytes(len(body) - delta)
        out += struct.pack("!HH", t, len(body)) + body
    body = msg[4:block] + struct.pack("!H", len(out)) + out
    msg = bytes([1]) + len(body).to_bytes(3, "big") + body
    recs = b""
    for i in range(0, len(msg), 16384):
        frag = msg[i:i + 16384]
        recs += bytes([22]) + b[1:3] + struct.pack("!H", len(frag)) + frag
    return recs


def hexdump(b, style):
    if style == "plain":
        return b.hex() + "\n"
    if style == "colons":
        return "\n".join(":".join("%02x" % x for x in b[i:i + 16]) for i in range(0, len(b), 16)) + "\n"
    if style == "bare":
        return " ".join("%02X" % x for x in message(b)) + "\n"
    lines = []
    for i in range(0, len(b), 16):
        c = b[i:i + 16]
        asc = "".join(chr(x) if 32 <= x < 127 else "." for x in c)
        if style == "xxd":
            h = " ".join(c[j:j + 2].hex() for j in range(0, len(c), 2))
            lines.append("%08x: %-39s  %s" % (i, h, asc))
        elif style == "wireshark":
            h = " ".join("%02x" % x for x in c)
            lines.append("%04x   %-47s   %s" % (i, h, asc))
        elif style == "hexdump":
            h = " ".join("%02x" % x for x in c[:8]) + "  " + " ".join("%02x" % x for x in c[8:])
            lines.append("%08x  %-48s |%s|" % (i, h, asc))
    return "\n".join(lines) + "\n"


def frame(b, seq, kind):
    """One client->server TCP segment carrying b, framed as kind."""
    tcp = struct.pack("!HHIIBBHHH", 50000, 443, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
    if kind.startswith("eth6") or kind == "sll6":
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp) + len(b), 6, 64,
                         bytes(15) + b"\x01", bytes(15) + b"\x02")
        et = b"\x86\xdd"
    else:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(b), 1, 0x4000, 64, 6, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        et = b"\x08\x00"
    if kind.startswith("sll"):
        return struct.pack("!HHH8s", 0, 1, 6, bytes(8)) + et + ip + tcp + b
    vlan = b"\x81\x00\x00\x64" if kind == "eth6vlan" else b""
    return bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + vlan + et + ip + tcp + b


def pcap_of(b, kind="eth4"):
    """A pcap of b sent 10.0.0.1:50000 -> 10.0.0.2:443 (or over IPv6), in one
    segment, or for kind "split" in three: the second half first, then the
    first half, then the first half again (a retransmission)."""
    link = 113 if kind.startswith("sll") else 1
    if kind == "split":
        h = len(b) // 2
        frames = [frame(b[h:], 1000 + h, "eth4"), frame(b[:h], 1000, "eth4"), frame(b[:h], 1000, "eth4")]
    else:
        frames = [frame(b, 1000, kind)]
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link)
    for f in frames:
        out += struct.pack("<IIII", 1, 0, len(f), len(f)) + f
    return out


def pcapng_of(path):
    def block(t, body):
        body += bytes(-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", t, n) + body + struct.pack("<I", n)

    pk = list(packets(path))
    link = pk[0][0] if pk else 1
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", link, 0, 262144))
    for _, ts, tu, p, orig in pk:
        t = ts * 1000000 + tu
        out += block(6, struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(p), orig) + p)
    return out


def main(a):
    cmd = a[0]
    if cmd == "recorder":
        recorder(a[1], a[2])
    elif cmd == "hello":
        h = first_hello(a[1])
        open(a[2], "wb").write(h)
        print(sni_of(h) or "")
    elif cmd == "pcapng":
        open(a[2], "wb").write(pcapng_of(a[1]))
    elif cmd == "pcap":
        b = open(a[1], "rb").read()
        if len(a) > 3 and a[3] != "all":
            b = b[:int(a[3])]
        open(a[2], "wb").write(pcap_of(b, a[4] if len(a) > 4 else "eth4"))
    elif cmd == "hex":
        open(a[3], "w").write(hexdump(open(a[1], "rb").read(), a[2]))
    elif cmd == "sni":
        open(a[3], "wb").write(with_sni(open(a[1], "rb").read(), a[2]))
    elif cmd == "match":
        want = open(a[2], "rb").read()
        n = sum(1 for f in os.listdir(a[1]) if open(os.path.join(a[1], f), "rb").read() == want)
        print(n)
        return 0 if n else 1
    elif cmd == "pick":
        want = [int(x, 16) for x in a[2].split(",")]
        for f in sorted(os.listdir(a[1])):
            b = open(os.path.join(a[1], f), "rb").read()
            try:
                if suites_of(b) == want:
                    open(a[3], "wb").write(b)
                    return 0
            except (IndexError, struct.error):
                pass
        return 1
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
