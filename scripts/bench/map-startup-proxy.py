#!/usr/bin/env python3
"""A counting proxy for the Engine API, for scripts/bench/map-startup.sh.

    map-startup-proxy.py LISTEN_SOCKET ENGINE_SOCKET LOG     forward, and log one line per request
    map-startup-proxy.py --summary LOG N                     print the count per request kind, and per container

Listens on the unix socket LISTEN_SOCKET and forwards every connection, byte for byte, to ENGINE_SOCKET. On the way
to the engine it reads each HTTP/1.1 request's head (and skips its body, by Content-Length or chunked), and appends
"CONNECTION METHOD PATH" to LOG, flushed at once (LOG is opened for appending, so truncating it between two
commands starts a new count). Runs until killed.
"""
import asyncio
import collections
import os
import re
import sys


class RequestCounter:
    """Reads the client's side of one connection and reports each request's method and target."""

    def __init__(self, conn, log):
        self.conn, self.log = conn, log
        self.buf = b""
        self.state = "head"  # head, body (need `left` bytes), chunk-size, chunk-data, chunk-trailer
        self.left = 0

    def feed(self, data):
        self.buf += data
        while True:
            if self.state == "head":
                end = self.buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head, self.buf = self.buf[:end].decode("latin-1"), self.buf[end + 4:]
                lines = head.split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) >= 2:
                    self.log.write(f"{self.conn} {parts[0]} {parts[1]}\n")
                    self.log.flush()
                headers = {}
                for line in lines[1:]:
                    key, _, value = line.partition(":")
                    headers[key.strip().lower()] = value.strip()
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    self.state = "chunk-size"
                else:
                    self.left = int(headers.get("content-length", "0") or 0)
                    self.state = "body"
            elif self.state == "body":
                take = min(self.left, len(self.buf))
                self.buf, self.left = self.buf[take:], self.left - take
                if self.left:
                    return
                self.state = "head"
            elif self.state == "chunk-size":
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return
                size = int(self.buf[:end].split(b";")[0].strip() or b"0", 16)
                self.buf = self.buf[end + 2:]
                if size == 0:
                    self.state = "chunk-trailer"
                else:
                    self.left, self.state = size + 2, "chunk-data"  # the data and its CRLF
            elif self.state == "chunk-data":
                take = min(self.left, len(self.buf))
                self.buf, self.left = self.buf[take:], self.left - take
                if self.left:
                    return
                self.state = "chunk-size"
            elif self.state == "chunk-trailer":
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return
                line, self.buf = self.buf[:end], self.buf[end + 2:]
                if not line:
                    self.state = "head"


async def pump(reader, writer, counter=None):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if counter:
                counter.feed(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            pass


async def serve(listen, engine, log_path):
    log = open(log_path, "a", buffering=1)
    connections = 0

    async def handle(client_reader, client_writer):
        nonlocal connections
        connections += 1
        counter = RequestCounter(connections, log)
        try:
            engine_reader, engine_writer = await asyncio.open_unix_connection(engine)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, engine_writer, counter), pump(engine_reader, client_writer))
        for w in (engine_writer, client_writer):
            w.close()

    if os.path.exists(listen):
        os.unlink(listen)
    server = await asyncio.start_unix_server(handle, path=listen)
    async with server:
        await server.serve_forever()


# /v1.41/containers/mbdmap.app1/start?x=1 -> /containers/{}/start
NAMED = {"containers": {"json", "create", "prune"}, "networks": {"create", "prune"},
         "volumes": {"create", "prune"}, "images": {"json", "create", "prune", "search", "load", "get"},
         "exec": set()}


def kind(method, target):
    path = re.sub(r"^/v[0-9.]+(?=/)", "", target.split("?")[0])
    parts = path.split("/")
    if len(parts) >= 3 and parts[1] in NAMED and parts[2] not in NAMED[parts[1]]:
        parts[2] = "{}"
    return f"{method} {'/'.join(parts)}"


def summary(log_path, n):
    counts = collections.Counter()
    conns = set()
    with open(log_path) as f:
        for line in f:
            conn, method, target = line.split(" ", 2)
            conns.add(conn)
            counts[kind(method, target.strip())] += 1
    total = sum(counts.values())
    detail = ", ".join(f"{c} {k}" for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    print(f"{total} {total / n:.2f} {len(conns)} {detail}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--summary":
        summary(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4:
        try:
            asyncio.run(serve(*sys.argv[1:]))
        except KeyboardInterrupt:
            pass
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
