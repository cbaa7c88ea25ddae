#!/usr/bin/env python3
"""Writes deploy/haproxy.cfg for another list of `proctor serve` instances and frontends.

    python3 deploy/haproxy_render.py --jsonrpc 0.0.0.0:7000 --http 0.0.0.0:7001 \\
        10.0.0.1:7070:7071 10.0.0.2:7070:7071 ... > /etc/haproxy/haproxy.cfg

Each server is HOST:JSONRPC_PORT:HTTP_PORT (the `--port` and `--http-port` of its `proctor
serve`). In each backend, the template's first `server` line is repeated once per server
(name, address and health-check port replaced, every other option kept) and the other
`server` lines are dropped; the frontends' `bind` addresses become --jsonrpc and --http.
Standard library only; `render()` is what the HAProxy test calls.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import List, Optional, Sequence, Tuple

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "haproxy.cfg")

Server = Tuple[str, int, int]  # host, JSON-RPC port, HTTP port

_SECTION = re.compile(r"^(global|defaults|frontend|backend|listen)\b\s*(\S*)")
_SERVER = re.compile(r"^(\s+)server\s+(\S+)\s+(\S+)(.*)$")


def parse_server(text: str) -> Server:
    host, sep, ports = text.rpartition(":")
    host, sep2, rpc = host.rpartition(":")
    if not (sep and sep2 and host and rpc.isdigit() and ports.isdigit()):
        raise ValueError(f"a server is HOST:JSONRPC_PORT:HTTP_PORT, not {text!r}")
    return host, int(rpc), int(ports)


def render(servers: Sequence[Server], jsonrpc_bind: str, http_bind: str,
           template: Optional[str] = None) -> str:
    """The config for `servers` with the frontends bound to `jsonrpc_bind` and `http_bind`."""
    if not servers:
        raise ValueError("at least one server is needed")
    with open(template or TEMPLATE, encoding="utf-8") as f:
        lines = f.read().splitlines()
    out: List[str] = []
    section, name, seen_server = "", "", False
    for line in lines:
        header = _SECTION.match(line)
        if header:
            section, name, seen_server = header.group(1), header.group(2), False
            out.append(line)
            continue
        if section == "frontend" and line.strip().startswith("bind "):
            indent = line[:len(line) - len(line.lstrip())]
            bind = {"proctor_jsonrpc": jsonrpc_bind, "proctor_http": http_bind}.get(name)
            if bind is None:
                raise ValueError(f"{TEMPLATE}: unknown frontend {name!r}")
            out.append(f"{indent}bind {bind}")
            continue
        server = _SERVER.match(line)
        if section == "backend" and server:
            if seen_server:
                continue
            seen_server = True
            indent, _, _, options = server.groups()
            for i, (host, rpc, http) in enumerate(servers, 1):
                if name == "proctor_jsonrpc":
                    address = f"{host}:{rpc}"
                    opts = re.sub(r"\bport\s+\d+", f"port {http}", options)
                elif name == "proctor_http":
                    address, opts = f"{host}:{http}", options
                else:
                    raise ValueError(f"{TEMPLATE}: unknown backend {name!r}")
                out.append(f"{indent}server proctor{i} {address}{opts}")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jsonrpc", default="127.0.0.1:7000", help="JSON-RPC frontend bind")
    parser.add_argument("--http", default="127.0.0.1:7001", help="HTTP frontend bind")
    parser.add_argument("servers", nargs="+", help="HOST:JSONRPC_PORT:HTTP_PORT")
    args = parser.parse_args(argv)
    try:
        servers = [parse_server(s) for s in args.servers]
    except ValueError as error:
        parser.error(str(error))
    sys.stdout.write(render(servers, args.jsonrpc, args.http))
    return 0


if __name__ == "__main__":
    sys.exit(main())
