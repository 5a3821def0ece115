#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the seed inputs of tests/fuzz/corpus that are derived from
elsewhere.  Run by hand (not by the build); its output is committed.

  tests/fuzz/make-seeds.py [CIPHERPROBE]

  wire/     the RFC 8448 server records of tests/vectors/*.hex, flights of a
            real OpenSSL server (Python's ssl over memory BIOs), and a few
            hand-made answers (alerts, SSLv2, not TLS), each behind the
            harness's 2+k option bytes (see fuzz_wire.c)
  cert/     DER certificates made with the openssl command line
  profile/  copies of tests/profile fixtures behind a --profile-name byte
  hello/    hello parameters in fuzz_hello.c's layout
  chello/   captured ClientHellos (RFC 8448's, a real OpenSSL client's, as
            records, re-cut records, a bare message, a hex dump) behind
            fuzz_chello.c's record-size and server-name bytes
  json/     `CIPHERPROBE demo --json` when the path of a built cipherprobe
            is given
Seeds written by hand (target/, json/ documents) are not touched.
"""
import glob
import json
import os
import shutil
import ssl
import struct
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(TOP, "tests", "fuzz", "corpus")


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def hexfile(path):
    out = []
    for line in open(path):
        line = line.split("#", 1)[0]
        out.append(line.strip().replace(" ", ""))
    return bytes.fromhex("".join(out))


# fuzz_wire.c option bytes: whole stream one byte at a time, or chunks of
# 7, 1 and 64 bytes with the decoder reused through cp_wire_reset.
BYTEWISE = b"\x00\x00"
CHUNKED = b"\x04\x03\x07\x01\x40"


def rerecord(stream, size):
    """The handshake records of stream cut again into records of size bytes."""
    hs, rest, off = b"", b"", 0
    while off + 5 <= len(stream):
        typ, ver, n = stream[off], stream[off + 1:off + 3], struct.unpack(">H", stream[off + 3:off + 5])[0]
        if typ != 22:
            rest = stream[off:]
            break
        hs += stream[off + 5:off + 5 + n]
        off += 5 + n
    out = b""
    for i in range(0, len(hs), size):
        frag = hs[i:i + size]
        out += b"\x16" + ver + struct.pack(">H", len(frag)) + frag
    return out + rest


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(tmp):
    """PEM files for the flights and DER seeds for the cert harness."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key",
            "-out", "rsa.pem", "-days", "3650", "-subj", "/CN=rsa.example/O=Fuzz Seeds",
            "-addext", "subjectAltName=DNS:rsa.example,DNS:*.rsa.example,IP:192.0.2.1,IP:2001:db8::1",
            cwd=tmp)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=Fuzz CA",
            cwd=tmp)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ec.key", "-out", "ec.csr", "-subj", "/CN=ec.example", cwd=tmp)
    with open(os.path.join(tmp, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:ec.example,DNS:www.ec.example\n")
    openssl("x509", "-req", "-in", "ec.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", "ext.cnf", "-out", "ec.pem", cwd=tmp)
    openssl("req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key",
            "-out", "ed.pem", "-days", "30", "-subj", "/CN=ed25519.example", cwd=tmp)
    openssl("req", "-x509", "-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048", "-nodes",
            "-keyout", "pss.key", "-out", "pss.pem", "-days", "30",
            "-utf8", "-subj", "/CN=pss.example/C=DE/L=M\u00fcnchen", cwd=tmp)
    for name in ("rsa", "ca", "ec", "ed", "pss"):
        openssl("x509", "-in", name + ".pem", "-outform", "DER", "-out", name + ".der", cwd=tmp)
        with open(os.path.join(tmp, name + ".der"), "rb") as f:
            put("cert", name + ".der", f.read())
    openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
            "-out", "dh.pem", cwd=tmp)


def flight(tmp, cert, key, cipher=None, maxv=ssl.TLSVersion.TLSv1_2,
           minv=ssl.TLSVersion.TLSv1, dh=False):
    """What an OpenSSL server sends back to one ClientHello."""
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(os.path.join(tmp, cert), os.path.join(tmp, key))
    sctx.minimum_version = ssl.TLSVersion.TLSv1
    if dh:
        sctx.load_dh_params(os.path.join(tmp, "dh.pem"))
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    cctx.minimum_version = minv
    cctx.maximum_version = maxv
    if cipher:
        sctx.set_ciphers(cipher + ":@SECLEVEL=0")
        cctx.set_ciphers(cipher + ":@SECLEVEL=0")
    cin, cout, sin, sout = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = cctx.wrap_bio(cin, cout, server_hostname="seed.example")
    server = sctx.wrap_bio(sin, sout, server_side=True)
    try:
        client.do_handshake()
    except ssl.SSLWantReadError:
        pass
    sin.write(cout.read())
    try:
        server.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return sout.read()


def wire_seeds():
    for i, path in enumerate(sorted(glob.glob(os.path.join(TOP, "tests", "vectors", "*.hex")))):
        name = os.path.basename(path)[:-4]
        put("wire", name, (BYTEWISE if i % 2 == 0 else CHUNKED) + hexfile(path))
    with tempfile.TemporaryDirectory() as tmp:
        make_certs(tmp)
        ecdhe = flight(tmp, "rsa.pem", "rsa.key", "ECDHE-RSA-AES128-GCM-SHA256")
        put("wire", "tls12-ecdhe-rsa", BYTEWISE + ecdhe)
        put("wire", "tls12-ecdhe-rsa-100", CHUNKED + rerecord(ecdhe, 100))
        put("wire", "tls12-dhe-rsa", CHUNKED + flight(tmp, "rsa.pem", "rsa.key",
                                                      "DHE-RSA-AES128-GCM-SHA256", dh=True))
        put("wire", "tls12-ecdhe-ecdsa", BYTEWISE + flight(tmp, "ec.pem", "ec.key",
                                                           "ECDHE-ECDSA-AES256-GCM-SHA384"))
        put("wire", "tls11-ecdhe-rsa", CHUNKED + flight(tmp, "rsa.pem", "rsa.key",
                                                        "ECDHE-RSA-AES128-SHA",
                                                        maxv=ssl.TLSVersion.TLSv1_1))
        put("wire", "tls12-rsa", BYTEWISE + flight(tmp, "rsa.pem", "rsa.key", "AES128-SHA"))
        put("wire", "tls13", CHUNKED + flight(tmp, "ed.pem", "ed.key",
                                              maxv=ssl.TLSVersion.TLSv1_3,
                                              minv=ssl.TLSVersion.TLSv1_3))
    # hand-made answers
    put("wire", "alert-handshake-failure", BYTEWISE + bytes.fromhex("1503030002022815"))
    put("wire", "alert-unrecognized-name-then-hello",
        CHUNKED + bytes.fromhex("15030100020170") +
        hexfile(os.path.join(TOP, "tests", "vectors", "rfc8448-s3-server-hello.hex")))
    cert = open(os.path.join(CORPUS, "cert", "ed.der"), "rb").read()
    body = (b"\x04\x00\x01\x00\x02" + struct.pack(">HHH", len(cert), 6, 16) + cert +
            bytes.fromhex("010080 0700c0") + bytes(range(16)))
    put("wire", "sslv2-server-hello", BYTEWISE + struct.pack(">H", 0x8000 | len(body)) + body)
    put("wire", "sslv2-error", BYTEWISE + bytes.fromhex("8003000001"))
    put("wire", "http", BYTEWISE + b"HTTP/1.1 400 Bad Request\r\n\r\n")


def profile_seeds():
    src = os.path.join(TOP, "tests", "profile")
    for f in ("running-config.xml", "running-single.xml", "entry.xml", "bare.xml",
              "api-success.xml", "xxe.xml", "bad-chacha.xml", "set-vsys.txt",
              "set-quoted.txt", "set-shared.txt", "scm.json", "scm-list.json"):
        put("profile", f, b"\x00" + open(os.path.join(src, f), "rb").read())
    for f, name in (("running-config.xml", b"vsys1/Corp"), ("running-config.xml", b"shared/Strict"),
                    ("set-dg.txt", b"DG1/Lab"), ("scm-list.json", b"SCM-B")):
        put("profile", f.split(".")[0] + "-" + name.decode().replace("/", "_") + "." +
            f.split(".")[1], bytes([len(name) + 1]) + name + open(os.path.join(src, f), "rb").read())


def hello(fmt=0, legacy=3, record=0, flags=0, pad_to=0, frag=0, challenge=0, opts=1,
          sni=b"", suites=(), groups=(), sigalgs=(), versions=(), shares=(), alpn=(),
          kinds=()):
    """fuzz_hello.c's layout: see params_from() there."""
    if not sni:
        opts |= 4   # no SNI at all (an empty one is refused)
    # one byte already in the caller's buffer, the default cap
    b = bytes([1, 0, fmt, legacy, record]) + struct.pack(">HHH", flags, pad_to, frag)
    b += bytes([challenge, opts, len(sni)]) + sni
    b += struct.pack(">H", len(suites)) + b"".join(struct.pack(">H", s) for s in suites)
    for lst in (groups, sigalgs, versions):
        b += bytes([len(lst)]) + b"".join(struct.pack(">H", x) for x in lst)
    b += bytes([len(shares)]) + bytes(shares)
    b += bytes([len(alpn)]) + b"".join(bytes([len(a)]) + a for a in alpn)
    b += bytes([len(kinds)]) + b"".join(struct.pack(">I", k)[1:] for k in kinds)
    if opts & 1:
        b += bytes(range(32))
    if opts & 2:
        b += bytes(range(32, 64))
    return b


def hello_seeds():
    suites12 = [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014,
                0x009C, 0x009D, 0x002F, 0x0035, 0x000A, 0x009E, 0x0033]
    groups = [0x001D, 0x0017, 0x0018, 0x0100]
    sigalgs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201]
    put("hello", "tls12", hello(sni=b"www.example.com", suites=suites12, groups=groups,
                                sigalgs=sigalgs, flags=0x0013))
    put("hello", "tls13", hello(sni=b"example.com.", suites=[0x1301, 0x1302, 0x1303],
                                groups=groups, sigalgs=sigalgs, versions=[0x0304, 0x0303],
                                shares=[0], flags=0x0051, alpn=[b"h2", b"http/1.1"], opts=3))
    put("hello", "tls13-hrr-probe", hello(suites=[0x1301], groups=[0x11EC], sigalgs=sigalgs,
                                          versions=[0x0304], flags=0x00C0))
    put("hello", "window-256", hello(sni=b"a" * 60 + b".example", suites=list(range(1, 90)),
                                     groups=groups, sigalgs=sigalgs, flags=0x0001))
    put("hello", "fragmented", hello(suites=suites12 * 4, frag=100, pad_to=700, record=0x81))
    put("hello", "sslv3", hello(legacy=0, suites=list(range(1, 140)), flags=0x0004))
    put("hello", "sslv2", hello(fmt=7, legacy=2, suites=[0x0035, 0x002F], challenge=32,
                                kinds=[0x010080, 0x0700C0, 0x030080]))
    put("hello", "ip-sni", hello(sni=b"192.0.2.1", suites=suites12, groups=groups))


def openssl_client_hello():
    """The first flight of Python's ssl (OpenSSL) client, over memory BIOs."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = ctx.wrap_bio(inc, out, server_hostname="www.example.test")
    try:
        c.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def chello_seeds():
    rfc = hexfile(os.path.join(TOP, "tests", "vectors", "rfc8448-s3-client-hello.hex"))
    name = b"example.com"
    put("chello", "rfc8448-record", b"\x00\x00" + rfc)
    put("chello", "rfc8448-record-refrag-sni", b"\x07" + bytes([len(name)]) + name + rfc)
    put("chello", "rfc8448-bare", b"\x00\x00" + rfc[5:])
    put("chello", "rfc8448-three-records", b"\x01\x00" + rerecord(rfc, 70))
    put("chello", "rfc8448-hex", b"\x00\x00" + (" ".join("%02x" % b for b in rfc) + "\n").encode())
    ch = openssl_client_hello()
    put("chello", "openssl-client", b"\x00\x00" + ch)
    put("chello", "openssl-client-sni", b"\x10" + bytes([len(name)]) + name + ch)


def json_seeds(cipherprobe):
    out = subprocess.run([cipherprobe, "demo", "--json"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout
    if out:
        # compact: the fuzzer mutates content, not indentation
        doc = json.loads(out)
        put("json", "demo.json", (json.dumps(doc, separators=(",", ":")) + "\n").encode())


def main():
    if not shutil.which("openssl"):
        sys.exit("make-seeds.py: needs the openssl command")
    wire_seeds()
    profile_seeds()
    hello_seeds()
    chello_seeds()
    if len(sys.argv) > 1:
        json_seeds(sys.argv[1])


if __name__ == "__main__":
    main()
