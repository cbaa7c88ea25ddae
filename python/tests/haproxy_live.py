"""Three `proctor serve` behind HAProxy (deploy/haproxy.cfg), one killed mid-load.

CTest's `python_haproxy` runs it (PROCTOR_BUILD_DIR names the build folder). It starts three
servers on free loopback ports with tasks/basics, renders deploy/haproxy.cfg for them
(deploy/haproxy_render.py) with free frontend ports, starts HAProxy, and drives 2000 gradings
of basics tasks from 12 threads, each with its own client: half through HAProxy's JSON-RPC
frontend (`endpoints=[haproxy]`: a dropped connection is retried through it, HAProxy sends the
new connection to a live server), half straight to the three servers (`endpoints=[s1, s2,
s3]`: spread by task, fail over on the client). Half the submissions are reference solutions
(reward 1.0), half wrong ones that fail every test (0.0). When a third of the gradings are
answered, one server is killed with SIGKILL. Every grading must then be answered exactly once
with its right reward, and the killed server's in-flight gradings must have been retried.
Skipped, saying why, without haproxy or the proctor binary.
"""

from __future__ import annotations

import collections
import concurrent.futures
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
from typing import Dict, List, Optional, Tuple

from proctor_client import ProctorClient
from proctor_client import protocol as p

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("PROCTOR_BUILD_DIR", os.path.join(SOURCE, "build"))
BINARY = os.path.join(BUILD, "proctor")
RENDER = os.path.join(SOURCE, "deploy", "haproxy_render.py")

GRADINGS = 2000
THREADS = 12
KILL_AFTER = GRADINGS // 3
IDEMPOTENCY = os.environ.get("PROCTOR_TEST_IDEMPOTENCY", "1") == "1"
# Extra `proctor serve` flags for the three servers (default: none, warm slots on).
EXTRA_SERVE_FLAGS = os.environ.get("PROCTOR_TEST_SERVE_FLAGS", "").split()

# (task, language, reference solution, wrong solution failing every test): rewards 1.0, 0.0.
CASES: List[Tuple[str, str, str, str]] = [
    ("gcd", "python",
     "def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
     "    return a\n",
     "def gcd(a, b):\n    return None\n"),
    ("vowels", "python",
     "def vowels(s):\n    return set(s.lower()) & set(\"aeiou\")\n",
     "def vowels(s):\n    return None\n"),
    ("leap-year", "python",
     "import sys\n\nfor token in sys.stdin.read().split():\n    y = int(token)\n"
     "    print(\"yes\" if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else \"no\")\n",
     "print(\"maybe\")\n"),
    ("count-bits", "cpp",
     "int popcount64(unsigned long long x) {\n  int count = 0;\n  while (x != 0) {\n"
     "    x &= x - 1;\n    ++count;\n  }\n  return count;\n}\n",
     "int popcount64(unsigned long long x) { return -1; }\n"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load_render():
    spec = importlib.util.spec_from_file_location("haproxy_render", RENDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _start_server() -> Tuple[subprocess.Popen, int, int]:
    server = subprocess.Popen(
        [BINARY, "serve", "--port", "0", "--http-port", "0", "--workers", "2", *EXTRA_SERVE_FLAGS,
         "--pack", os.path.join(SOURCE, "tasks", "basics")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline().split()  # blocks until it listens or exits
    if not line or line[0] != "listening":
        server.kill()
        raise AssertionError(f"proctor serve did not start: {server.stderr.read()}")
    return server, int(line[1]), int(line[2])


def _http_ok(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
            return reply.status == 200 and json.load(reply).get("status") == "ok"
    except OSError:
        return False


class HaproxyKillTest(unittest.TestCase):
    servers: List[Tuple[subprocess.Popen, int, int]] = []
    haproxy: Optional[subprocess.Popen] = None

    @classmethod
    def setUpClass(cls):
        if not os.access(BINARY, os.X_OK):
            raise unittest.SkipTest(f"{BINARY} is not built (set PROCTOR_BUILD_DIR to the build "
                                    "folder holding proctor)")
        if shutil.which("haproxy") is None:
            raise unittest.SkipTest("haproxy is not installed (Debian: apt-get install haproxy; "
                                    "scripts/setup.sh installs it)")
        cls.tmp = tempfile.mkdtemp(prefix="proctor-haproxy-")
        try:
            cls._start_all()
        except BaseException:
            cls.tearDownClass()  # unittest does not when setUpClass fails
            raise

    @classmethod
    def _start_all(cls):
        cls.servers = []
        for _ in range(3):
            cls.servers.append(_start_server())
        cls.rpc_port, cls.http_port = _free_port(), _free_port()
        config = _load_render().render([("127.0.0.1", rpc, http) for _, rpc, http in cls.servers],
                                       f"127.0.0.1:{cls.rpc_port}", f"127.0.0.1:{cls.http_port}")
        path = os.path.join(cls.tmp, "haproxy.cfg")
        with open(path, "w", encoding="utf-8") as f:
            f.write(config)
        check = subprocess.run(["haproxy", "-c", "-f", path], capture_output=True, text=True)
        if check.returncode != 0:
            raise AssertionError(f"haproxy rejects the rendered config: {check.stderr}")
        cls.haproxy = subprocess.Popen(["haproxy", "-db", "-f", path], stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        while not _http_ok(cls.http_port):  # polls a condition: HAProxy serves /healthz
            if cls.haproxy.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"haproxy did not come up: {cls.haproxy.stdout.read()}")
            time.sleep(0.05)

    @classmethod
    def tearDownClass(cls):
        if cls.haproxy is not None:
            cls.haproxy.terminate()
            cls.haproxy.wait(timeout=30)
            cls.haproxy.stdout.close()
        for server, _, _ in cls.servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            server.stdout.close()
            server.stderr.close()
        if getattr(cls, "tmp", None):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_grading_answered_once_with_its_reward_when_a_server_dies(self):
        through_haproxy = [f"127.0.0.1:{self.rpc_port}"]
        direct = [f"127.0.0.1:{rpc}" for _, rpc, _ in self.servers]
        clients = [ProctorClient(endpoints=through_haproxy if t % 2 == 0 else direct,
                                 timeout=120, retry_overloaded=20, failovers=4,
                                 idempotency=IDEMPOTENCY)
                   for t in range(THREADS)]
        answers: Dict[int, List[Optional[float]]] = collections.defaultdict(list)
        errors: Dict[int, str] = {}
        progress = threading.Condition()

        def expected(i: int) -> float:
            return 1.0 if (i // len(CASES)) % 2 == 0 else 0.0

        def grade(i: int) -> None:
            task, language, right, wrong = CASES[i % len(CASES)]
            code = right if expected(i) == 1.0 else wrong
            client = clients[i % THREADS]
            try:
                out = client.grade(task, [{"code": code, "language": language}], pack="basics")
                reward = out["results"][0]["reward"]
            except Exception as error:  # recorded: the test fails naming it
                reward, errors[i] = None, f"{type(error).__name__}: {error}"
            with progress:
                answers[i].append(reward)
                progress.notify_all()

        # The victim is the server that most of the direct clients' tasks hash to, so they lose
        # it too (client t grades i = t, t + THREADS, ...: only some of CASES when THREADS and
        # len(CASES) share a factor, and the victim must own one of those).
        direct_tasks = sorted({CASES[i % len(CASES)][0] for i in range(GRADINGS)
                               if (i % THREADS) % 2 == 1})
        owners = [p.endpoint_order(p.parse_endpoints(direct),
                                   p.route_key("grade", {"pack": "basics", "task_id": task}))[0]
                  for task in direct_tasks]
        victim, _, _ = self.servers[max(range(3), key=owners.count)]
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(grade, i) for i in range(GRADINGS)]
            with progress:
                progress.wait_for(lambda: len(answers) >= KILL_AFTER, timeout=120)
            victim.send_signal(signal.SIGKILL)
            killed_at = len(answers)
            for future in futures:
                future.result()
        seconds = time.monotonic() - started
        stats = [c.endpoint_stats for c in clients]
        for c in clients:
            c.close()

        def total(name: str, which: range) -> int:
            return sum(stats[t][name] for t in which)

        via_lb, via_direct = range(0, THREADS, 2), range(1, THREADS, 2)
        wrong = {i: r for i, r in answers.items() if r != [expected(i)]}
        print(f"\nhaproxy kill test: sent {GRADINGS}, answered {len(answers)} "
              f"(exactly once: {sum(len(r) == 1 for r in answers.values())}), "
              f"right reward {GRADINGS - len(wrong)}, failed {len(errors)}; server killed "
              f"after {killed_at} answers; in {seconds:.1f} s")
        print(f"  through haproxy: requests {total('requests', via_lb)}, "
              f"retried {total('retried', via_lb)}, reconnects {total('reconnects', via_lb)}")
        print(f"  direct endpoints: requests {total('requests', via_direct)}, "
              f"retried {total('retried', via_direct)}, "
              f"failed over {total('failed_over', via_direct)}, "
              f"reconnects {total('reconnects', via_direct)}")
        self.assertEqual(errors, {})
        self.assertEqual(sorted(answers), list(range(GRADINGS)))  # none lost
        self.assertEqual(wrong, {})  # each answered once, 1.0 or 0.0 as expected
        self.assertLess(killed_at, GRADINGS)  # the kill happened mid-load
        self.assertIsNotNone(victim.poll())
        # Connections to the victim were cut: clients on both paths had to reconnect or fail
        # over, and still got every answer.
        self.assertGreater(total("reconnects", via_lb) + total("retried", via_lb), 0)
        self.assertGreater(total("failed_over", via_direct), 0)

    def test_a_retried_idempotency_key_is_graded_once(self):
        _, rpc, _ = [s for s in self.servers if s[0].poll() is None][0]
        task, language, right, _ = CASES[0]
        with ProctorClient(endpoints=[f"127.0.0.1:{rpc}"], timeout=60) as client:
            key = p.new_idempotency_key()
            first = client.grade(task, [{"code": right, "language": language}], pack="basics",
                                 idempotency_key=key)
            before = client.stats()["gradings"]
            again = client.grade(task, [{"code": right, "language": language}], pack="basics",
                                 idempotency_key=key)
            self.assertEqual(again, first)  # the same answer, from the first grading
            self.assertEqual(client.stats()["gradings"], before)


if __name__ == "__main__":
    unittest.main()
