#!/usr/bin/env python3
"""The HTTP server the HTTP check tests probe.

    http_check_server.py <address> [<cert.pem> <key.pem>]

Listens on <address> at a port of the system's choosing (HTTPS with the
certificate and key when given) and prints
"port N" once it does. Each line read from standard input is a command:
"fail" makes /health answer 500 from then on, "pass" 200 again; the end of
standard input stops the server. The paths:

    /ok, /health       200 with a short body (/health: 500 after "fail")
    /busy              429 Too Many Requests
    /error             500 Internal Server Error
    /hang              nothing at all for 60 s
    /trickle           200 and a 1000-byte body, one byte a second
    /huge, /huge-error 200 (503) and a 1 GiB body, written 64 KiB at a time
                       (never built whole) until the client stops reading
    /loop              302 back to /loop, forever
    /moved             302 to /ok
    /to-ftp            302 to an ftp:// URL
    /echo              200 and "<method> <body> <X-Check header>"
"""
import http.server
import os
import ssl
import sys
import threading
import time

HEALTHY = True
GIB = 1 << 30


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stream(self, status, length, chunk, pause):
        self.send_response(status)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        sent = 0
        while sent < length:
            piece = chunk[: length - sent]
            self.wfile.write(piece)
            self.wfile.flush()
            sent += len(piece)
            if pause:
                time.sleep(pause)

    def route(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        path = self.path.split("?", 1)[0]
        if path == "/ok":
            self.answer(200, b"all good")
        elif path == "/health":
            self.answer(200, b"healthy") if HEALTHY else self.answer(500, b"failing")
        elif path == "/busy":
            self.answer(429, b"slow down")
        elif path == "/error":
            self.answer(500, b"broken")
        elif path == "/hang":
            time.sleep(60)
        elif path == "/trickle":
            self.stream(200, 1000, b"x", 1.0)
        elif path in ("/huge", "/huge-error"):
            self.stream(200 if path == "/huge" else 503, GIB, b"z" * 65536, 0)
        elif path == "/loop":
            self.answer(302, b"", [("Location", "/loop")])
        elif path == "/moved":
            self.answer(302, b"", [("Location", "/ok")])
        elif path == "/to-ftp":
            self.answer(302, b"", [("Location", "ftp://%s/ok" % self.server.server_address[0])])
        elif path == "/echo":
            text = "%s %s %s" % (self.command, body.decode(), self.headers.get("X-Check", "-"))
            self.answer(200, text.encode())
        else:
            self.answer(404, b"no such path")

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = route


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the listen backlog: many checks connect at once

    def handle_error(self, request, client_address):
        pass


def commands():
    global HEALTHY
    for line in sys.stdin:
        if line.strip() == "fail":
            HEALTHY = False
        elif line.strip() == "pass":
            HEALTHY = True
    os._exit(0)


def main():
    server = Server((sys.argv[1], 0), Handler)
    if len(sys.argv) == 4:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("port %d" % server.server_address[1], flush=True)
    threading.Thread(target=commands, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
