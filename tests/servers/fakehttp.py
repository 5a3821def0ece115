#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fakehttp: a scripted HTTP(S) server for tests/test_fetch.c.

It plays the endpoints cipherprobe talks to over HTTP(S): a PAN-OS
firewall's XML API, a web server holding a target list, a chat webhook,
and the ways each can misbehave.  It binds 127.0.0.1 only, on a port the
kernel picks, and writes that port to --port-file once it listens.

Usage:
  fakehttp.py --port-file FILE [--cert PEM --key PEM] [--mode MODE]
              [--api-key KEY] [--config XML] [--record FILE] [--max-seconds N]

Without --cert it speaks plain HTTP.  --mode picks what every request gets
(the launch mode, default "panos"); a request whose first path segment
names a per-path mode gets that mode instead, so one server serves a test
group.

Launch modes (--mode):
  panos     GET /api/?type=config&action=show&xpath=X: the element of the
            --config fixture (a PAN-OS running config) that X selects, as
            an API reply (code 19), or code 7 when X selects nothing.  The
            X-PAN-KEY header must equal --api-key, else HTTP 403.
            GET /api/?type=log&log-type=decryption&nlogs=N&query=Q: a log
            query job, as PAN-OS runs it: the reply names job 1, 2, ...;
            type=log&action=get&job-id=J answers status ACT the first time,
            then FIN with the <entry> elements of --log-entries (an XML
            fragment); type=log&action=finish stops it.  --log-job-file
            holds what the next submit gets: "ok" (default), "error" (a
            status="error" reply, "Invalid query") or "never" (the job stays
            ACT).  A query without a "(receive_time geq 'YYYY/MM/DD
            HH:MM:SS')" clause, or nlogs above 5000, is an "Invalid query".
  error     every request: a status="error" reply with a <msg> of two lines
            (or the body in --error-file, raw bytes, for hostile messages)
  garbage   every request: a 200 whose body is not XML
  hang      accepts connections and never answers (not even TLS)
  list      every request: a target list (text/plain)
  webhook   every request: 200 "ok"
  fail500   every request: HTTP 500

Per-path modes (first path segment):
  /list  /webhook  /garbage  /error  /html (an HTML page)
  /fail500/N/...  the first N requests to that exact path get 500, then 200
  /status/CODE    always HTTP CODE
  /big/N          N bytes with a Content-Length
  /bigstream/N    N bytes without one (the end is the close)
  /hang           reads the request, never answers
  /redirect       302 to another host

--record appends one JSON object per request: method, path, headers,
body, and key_in_url (true when --api-key, raw or URL-encoded, or a key=
parameter appeared in the request target).
"""

import argparse
import json
import os
import re
import ssl
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn

PER_PATH = {"list", "webhook", "garbage", "error", "html", "fail500", "status",
            "big", "bigstream", "hang", "redirect"}

LIST_BODY = ("# targets for cipherprobe\n"
             "www.example.test\n"
             "mail.example.test:465   # smtps\n"
             "\n"
             "[2001:db8::1]:8443\n")

ERROR_REPLY = ('<response status="error" code="17"><msg>'
               '<line>show -&gt; decryption is unexpected</line>'
               '<line>config is locked by admin</line>'
               '</msg></response>\n')

DENIED_REPLY = ('<response status="error" code="403"><result><msg>'
                'Invalid Credential</msg></result></response>\n')

GARBAGE = "Service temporarily unavailable; try again later. {{{ <<\n"

STOP = threading.Event()


class Server(ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, opts, tls):
        self.opts = opts
        self.tls = tls
        self.lock = threading.Lock()
        self.counts = {}
        self.config = None
        self.jobs = {}
        if opts.config:
            self.config = ET.parse(opts.config).getroot()
        HTTPServer.__init__(self, ("127.0.0.1", 0), Handler)

    def finish_request(self, request, client_address):
        # Runs in the connection's own thread, so a TLS handshake that
        # never completes holds up nobody else.
        if self.opts.mode == "hang":
            STOP.wait(self.opts.max_seconds)
            return
        conn = request
        try:
            if self.tls is not None:
                request.settimeout(10)
                conn = self.tls.wrap_socket(request, server_side=True)
                conn.settimeout(None)
            self.RequestHandlerClass(conn, client_address, self)
        except (OSError, ssl.SSLError):
            pass
        finally:
            if conn is not request:
                try:
                    conn.close()
                except OSError:
                    pass

    def record(self, entry):
        if not self.opts.record:
            return
        with self.lock:
            with open(self.opts.record, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def count(self, key):
        with self.lock:
            n = self.counts.get(key, 0) + 1
            self.counts[key] = n
            return n


class Handler(BaseHTTPRequestHandler):
    server_version = "fakehttp/1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.dispatch(b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.dispatch(self.rfile.read(n) if n > 0 else b"")

    def key_in_url(self):
        key = self.server.opts.api_key
        target = self.path
        if key and (key in target or urllib.parse.quote(key, safe="") in target
                    or key in urllib.parse.unquote(target)):
            return True
        query = urllib.parse.urlsplit(target).query
        return "key" in urllib.parse.parse_qs(query)

    def send(self, code, body, ctype="text/plain", length=True):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def dispatch(self, body):
        srv = self.server
        srv.record({
            "method": self.command,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "key_in_url": self.key_in_url(),
        })
        parts = urllib.parse.urlsplit(self.path).path.strip("/").split("/")
        mode = parts[0] if parts and parts[0] in PER_PATH else srv.opts.mode
        arg = parts[1] if len(parts) > 1 and mode == parts[0] else None
        getattr(self, "mode_" + mode)(arg)

    # ---- modes ----

    def mode_panos(self, arg):
        srv = self.server
        if self.headers.get("X-PAN-KEY") != srv.opts.api_key:
            self.send(403, DENIED_REPLY, "application/xml")
            return
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if q.get("type") == ["log"]:
            self.log_job(q)
            return
        xpath = (q.get("xpath") or [""])[0]
        if (q.get("type") != ["config"] or q.get("action") not in (["show"], ["get"])
                or not xpath.startswith("/config/") or srv.config is None):
            self.send(200, '<response status="error" code="17"><msg><line>'
                      'bad request</line></msg></response>', "application/xml")
            return
        try:
            found = srv.config.find(xpath[len("/config/"):])
        except SyntaxError:
            self.send(200, '<response status="error" code="17"><msg><line>'
                      'Invalid xpath</line></msg></response>', "application/xml")
            return
        if found is None:
            self.send(200, '<response status="success" code="7"><result/></response>',
                      "application/xml")
            return
        inner = ET.tostring(found, encoding="unicode")
        self.send(200, '<response status="success" code="19">'
                  '<result total-count="1" count="1">' + inner + '</result></response>',
                  "application/xml")

    def log_job(self, q):
        srv = self.server
        xml = "application/xml"
        action = (q.get("action") or [""])[0]
        if action == "":
            mode = "ok"
            if srv.opts.log_job_file and os.path.exists(srv.opts.log_job_file):
                with open(srv.opts.log_job_file, encoding="ascii") as f:
                    mode = f.read().strip() or "ok"
            query = (q.get("query") or [""])[0]
            nlogs = (q.get("nlogs") or ["20"])[0]
            if (mode == "error" or q.get("log-type") != ["decryption"]
                    or not re.search(r"\(receive_time geq '\d{4}/\d\d/\d\d "
                                     r"\d\d:\d\d:\d\d'\)", query)
                    or not nlogs.isdigit() or int(nlogs) > 5000):
                self.send(200, '<response status="error"><msg><line>Invalid query'
                          '</line></msg></response>', xml)
                return
            with srv.lock:
                job = len(srv.jobs) + 1
                srv.jobs[job] = {"mode": mode, "polls": 0}
            self.send(200, '<response status="success"><result><msg><line>query job '
                      'enqueued with jobid %d</line></msg><job>%d</job></result>'
                      '</response>' % (job, job), xml)
            return
        jid = (q.get("job-id") or [""])[0]
        job = srv.jobs.get(int(jid)) if jid.isdigit() else None
        if job is None:
            self.send(200, '<response status="error"><msg><line>Invalid job id'
                      '</line></msg></response>', xml)
            return
        if action == "finish":
            job["mode"] = "finished"
            self.send(200, '<response status="success"><result>Job %s finished'
                      '</result></response>' % jid, xml)
            return
        with srv.lock:
            job["polls"] += 1
            polls = job["polls"]
        if job["mode"] != "ok" or polls < 2:
            self.send(200, '<response status="success"><result><job><tenq>x</tenq>'
                      '<id>%s</id><status>ACT</status><cached-logs>0</cached-logs>'
                      '</job><log><logs count="0" progress="10"/></log></result>'
                      '</response>' % jid, xml)
            return
        entries = ""
        if srv.opts.log_entries:
            with open(srv.opts.log_entries, encoding="utf-8") as f:
                entries = f.read()
        count = entries.count("<entry")
        self.send(200, '<response status="success"><result><job><tenq>x</tenq>'
                  '<id>%s</id><status>FIN</status><cached-logs>%d</cached-logs></job>'
                  '<log><logs count="%d" progress="100">%s</logs></log></result>'
                  '</response>' % (jid, count, count, entries), xml)

    def mode_error(self, arg):
        if self.server.opts.error_file:
            with open(self.server.opts.error_file, "rb") as f:
                body = f.read()
            self.send(200, body, "application/xml")
            return
        self.send(200, ERROR_REPLY, "application/xml")

    def mode_garbage(self, arg):
        self.send(200, GARBAGE, "text/plain")

    def mode_list(self, arg):
        body = LIST_BODY
        if self.server.opts.list_file:
            with open(self.server.opts.list_file, encoding="utf-8") as f:
                body = f.read()
        self.send(200, body, "text/plain; charset=utf-8")

    def mode_html(self, arg):
        self.send(200, "<!DOCTYPE html><html><body>Sign in</body></html>\n",
                  "Text/HTML; charset=UTF-8")

    def mode_webhook(self, arg):
        self.send(200, "ok")

    def mode_fail500(self, arg):
        limit = int(arg) if arg and arg.isdigit() else None
        n = self.server.count(urllib.parse.urlsplit(self.path).path)
        if limit is None or n <= limit:
            self.send(500, "internal error\n")
        else:
            self.send(200, "ok")

    def mode_status(self, arg):
        code = int(arg) if arg and arg.isdigit() else 500
        self.send(code, "status %d\n" % code)

    def mode_big(self, arg):
        self.send(200, b"a" * int(arg or 0))

    def mode_bigstream(self, arg):
        # HTTP/1.0 without Content-Length: the body ends when we close
        self.send(200, b"b" * int(arg or 0), length=False)

    def mode_hang(self, arg):
        STOP.wait(self.server.opts.max_seconds)

    def mode_redirect(self, arg):
        self.send_response(302)
        self.send_header("Location", "https://elsewhere.invalid/next")
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--mode", default="panos",
                    choices=["panos", "error", "garbage", "hang", "list", "webhook",
                             "fail500"])
    ap.add_argument("--api-key", default="")
    ap.add_argument("--config")
    ap.add_argument("--record")
    ap.add_argument("--max-seconds", type=float, default=120.0)
    # a list to serve instead of the built-in one: scans of a served list
    # must only ever name loopback targets
    ap.add_argument("--list-file")
    ap.add_argument("--error-file")
    ap.add_argument("--log-entries")
    ap.add_argument("--log-job-file")
    opts = ap.parse_args()

    tls = None
    if opts.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(opts.cert, opts.key)

    srv = Server(opts, tls)
    port = srv.server_address[1]
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.rename(tmp, opts.port_file)

    # never outlive a crashed test
    def bail():
        STOP.set()
        os._exit(0)
    timer = threading.Timer(opts.max_seconds, bail)
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
