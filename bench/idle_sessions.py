"""What idle env sessions cost `proctor serve`: its RSS before and after opening N sessions.

  python3 bench/idle_sessions.py                        # starts build/proctor serve itself
  python3 bench/idle_sessions.py --binary /path/to/proctor [--sessions 10000]
  python3 bench/idle_sessions.py --port 7070 [--pid PID]  # a running server (PID found by port)
  python3 bench/idle_sessions.py --connection-per-session  # each session on its own connection

Opens --sessions sessions of --env (make + reset, a different seed each, so they hold
different tasks), leaves them idle, and reads the server's /proc/PID/status VmRSS and VmHWM
before (started, packs loaded, one request answered) and after; then closes the sessions and
reads VmRSS again; its children (the fork server, proctor-zygote) are listed apart, they do not
grow with sessions. Prints a table and one JSON line, and exits 1 when the server's peak
(VmHWM) or the sessions' cost (VmRSS after - before) reaches --limit-mb (default 200).

A server it starts gets a config made for the measurement: an idle timeout of an hour (the
sessions must stay alive while they are counted), max_sessions above --sessions, no HTTP port.
A running server keeps its own settings: check that its idle_timeout_seconds and max_sessions
allow the run. Standard library only (uses python/proctor_client).
"""
import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "python"))
from proctor_client import AsyncProctorClient, AsyncProctorPool  # noqa: E402

MB = 1024 * 1024


def memory(pid):
    """VmRSS and VmHWM of `pid`, in bytes."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    return out


def children_rss(pid):
    """{name: VmRSS bytes} of `pid`'s direct children (the fork server, proctor-zygote)."""
    out = {}
    for child in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{child}/stat") as f:
                stat = f.read()
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                out[f"{name}[{child}]"] = memory(int(child)).get("VmRSS", 0)
        except (OSError, ValueError):
            continue
    return out


def pid_listening_on(port):
    """The PID of the process with a TCP socket listening on `port` (this user's view of /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                        inodes.add(inode)
        except FileNotFoundError:
            pass
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                m = re.fullmatch(r"socket:\[(\d+)\]", link)
                if m and m.group(1) in inodes:
                    return int(pid)
        except OSError:
            continue
    return None


def start_server(binary, packs, sessions):
    """`proctor serve` on a free loopback port; returns (process, port, config file)."""
    config = tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix="idle-sessions-",
                                         delete=False)
    config.write(f"host: 127.0.0.1\nport: 0\nhttp_port: -1\nidle_timeout_seconds: 3600\n"
                 f"max_sessions: {max(sessions + 1000, 100000)}\n")
    if packs:
        config.write("packs:\n" + "".join(f"  - {os.path.abspath(p)}\n" for p in packs))
    config.close()
    proc = subprocess.Popen([binary, "serve", "--config", config.name],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening "):
        proc.kill()
        raise SystemExit(f"idle_sessions: the server did not start:\n{proc.stderr.read()}")
    return proc, int(line.split()[1]), config.name


async def open_sessions(port, env_id, options, count, connections, in_flight, one_each):
    """Returns ([(client, session_id)], seconds). `one_each`: a connection per session, as a
    `ProctorEnv` without a shared client has; else `connections` shared connections."""
    pool = None
    if not one_each:
        pool = AsyncProctorPool(port=port, size=connections, timeout=600)
        await pool.connect()
    sessions = []
    sem = asyncio.Semaphore(in_flight)

    async def one(i):
        async with sem:
            client = pool
            if client is None:
                client = await AsyncProctorClient(port=port, timeout=600).connect()
            sid = await client.make(env_id, options)
            await client.reset(sid, seed=i)
            sessions.append((client, sid))

    start = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(count)))
    return pool, sessions, time.monotonic() - start


async def run(args, port, pid):
    probe = AsyncProctorClient(port=port, timeout=60)
    await probe.connect()
    await probe.health()
    before = memory(pid)
    sessions_before = (await probe.stats()).get("sessions")

    options = {"pack": args.env_pack} if args.env_pack else None
    pool, sessions, seconds = await open_sessions(port, args.env, options, args.sessions,
                                                  args.connections, args.in_flight,
                                                  args.connection_per_session)
    await asyncio.sleep(0.5)  # let the server finish writing the last responses
    after = memory(pid)
    children = children_rss(pid)
    stats = await probe.stats()

    start = time.monotonic()
    sem = asyncio.Semaphore(args.in_flight)

    async def close(client, sid):
        async with sem:
            await client.close_env(sid)
            if client is not pool:
                await client.close()

    await asyncio.gather(*(close(c, s) for c, s in sessions))
    close_seconds = time.monotonic() - start
    await asyncio.sleep(0.5)
    closed = memory(pid)
    if pool is not None:
        await pool.close()
    await probe.close()
    return {
        "sessions": len(sessions),
        "connections": len(sessions) if pool is None else args.connections,
        "env": args.env,
        "env_pack": args.env_pack,
        "sessions_reported_before": sessions_before,
        "sessions_reported_after": stats.get("sessions"),
        "open_seconds": round(seconds, 2),
        "close_seconds": round(close_seconds, 2),
        "rss_before_bytes": before["VmRSS"],
        "rss_after_bytes": after["VmRSS"],
        "hwm_after_bytes": after["VmHWM"],
        "rss_after_close_bytes": closed["VmRSS"],
        "children_rss_after_bytes": children,
        "cost_bytes": after["VmRSS"] - before["VmRSS"],
        "cost_per_session_bytes": round((after["VmRSS"] - before["VmRSS"]) / max(1, len(sessions))),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "proctor"),
                    help="proctor binary to start (default: build/proctor)")
    ap.add_argument("--port", type=int, help="use the server already listening on this port")
    ap.add_argument("--pid", type=int, help="with --port: the server's PID (default: found by port)")
    ap.add_argument("--pack", action="append", default=[],
                    help="pack folder for a server it starts (repeatable; default: bundled)")
    ap.add_argument("--sessions", type=int, default=10000)
    ap.add_argument("--env", default="proctor/codegen-v0")
    ap.add_argument("--env-pack", help="env.make option pack (default: the server's first)")
    ap.add_argument("--connections", type=int, default=8,
                    help="shared connections the sessions are spread over (default 8)")
    ap.add_argument("--connection-per-session", action="store_true",
                    help="one connection per session, kept open (a ProctorEnv without a shared "
                         "client); needs an fd limit above --sessions for both processes")
    ap.add_argument("--in-flight", type=int, default=512, help="make+reset pairs at once")
    ap.add_argument("--limit-mb", type=float, default=200)
    args = ap.parse_args()

    proc = config = None
    if args.port is None:
        proc, port, config = start_server(args.binary, args.pack, args.sessions)
        pid = proc.pid
    else:
        port = args.port
        pid = args.pid or pid_listening_on(port)
        if pid is None:
            raise SystemExit(f"idle_sessions: no process of ours listens on port {port}; give --pid")
    try:
        r = asyncio.run(run(args, port, pid))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=120)
            os.unlink(config)
    r["pid"] = pid
    r["limit_mb"] = args.limit_mb
    r["ok"] = r["hwm_after_bytes"] < args.limit_mb * MB and r["cost_bytes"] < args.limit_mb * MB

    def mb(b):
        return f"{b / MB:8.1f} MB"

    print(f"{r['sessions']} idle {args.env} sessions (make + reset) on {r['connections']} "
          f"connections in {r['open_seconds']} s; server pid {pid} reports "
          f"{r['sessions_reported_after']} sessions")
    print(f"  VmRSS before        {mb(r['rss_before_bytes'])}")
    print(f"  VmRSS after         {mb(r['rss_after_bytes'])}")
    print(f"  VmHWM after         {mb(r['hwm_after_bytes'])}")
    print(f"  cost (after-before) {mb(r['cost_bytes'])}  ({r['cost_per_session_bytes']} bytes/session)")
    print(f"  VmRSS after closing {mb(r['rss_after_close_bytes'])}")
    for name, rss in r["children_rss_after_bytes"].items():
        print(f"  child {name}: VmRSS {mb(rss)} (not per session: a fixed cost)")
    print(("OK" if r["ok"] else "OVER") + f": limit {args.limit_mb:g} MB on VmHWM and on the cost")
    print(json.dumps(r))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
