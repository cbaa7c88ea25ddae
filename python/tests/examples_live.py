"""The trainer examples (examples/*.py) and the integrations against a real `proctor serve`.

Started here on free loopback ports with tasks/basics, tasks/realworld (non-ASCII prompts)
and build/packs/humaneval when it was imported. CTest's `python_examples` runs it with
PROCTOR_BUILD_DIR naming the build folder (python/CMakeLists.txt). Skipped, saying why, when
the binary is not built. Each test grades a few submissions.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import unittest
from typing import List, Optional

from proctor_client import InvalidParams, ProctorEnv, Ungradeable, verl
from proctor_client.protocol import ENDPOINT_ENV

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("PROCTOR_BUILD_DIR", os.path.join(SOURCE, "build"))
BINARY = os.path.join(BUILD, "proctor")
EXAMPLES = os.path.join(SOURCE, "examples")


def _floats(line: str) -> List[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", line.split(":", 1)[1])]


class LiveServerTest(unittest.TestCase):
    server: Optional[subprocess.Popen] = None

    @classmethod
    def setUpClass(cls):
        if not os.access(BINARY, os.X_OK):
            raise unittest.SkipTest(f"{BINARY} is not built (set PROCTOR_BUILD_DIR to the build "
                                    "folder holding proctor)")
        packs = ["--pack", os.path.join(SOURCE, "tasks", "basics"),  # the examples' tasks
                 "--pack", os.path.join(SOURCE, "tasks", "realworld")]  # non-ASCII prompts
        humaneval = os.path.join(BUILD, "packs", "humaneval")
        if os.path.isfile(os.path.join(humaneval, "pack.yaml")):
            packs += ["--pack", humaneval]
        cls.server = subprocess.Popen([BINARY, "serve", "--port", "0", "--http-port", "0", *packs],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = cls.server.stdout.readline().split()  # blocks until it listens or exits
        if not line or line[0] != "listening":
            cls.server.kill()
            raise AssertionError(f"proctor serve did not start: {cls.server.stderr.read()}")
        cls.port, cls.http_port = int(line[1]), int(line[2])
        cls.environ = dict(os.environ, **{ENDPOINT_ENV: f"127.0.0.1:{cls.port}",
                                          "PROCTOR_OPENRLHF_URL":
                                          f"http://127.0.0.1:{cls.http_port}/v1/openrlhf/reward",
                                          "PYTHONDONTWRITEBYTECODE": "1"})

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.send_signal(signal.SIGTERM)
            cls.server.wait(timeout=60)
            cls.server.stdout.close()
            cls.server.stderr.close()

    def run_example(self, name: str) -> "subprocess.CompletedProcess[str]":
        return subprocess.run([sys.executable, os.path.join(EXAMPLES, name)], env=self.environ,
                              capture_output=True, text=True, timeout=240)

    def lines(self, out: "subprocess.CompletedProcess[str]") -> dict:
        return {line.split(":", 1)[0]: line for line in out.stdout.splitlines() if ":" in line}

    def test_trl_example(self):
        out = self.run_example("trl_grpo_reward.py")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = self.lines(out)
        expected = [1.0, 0.6, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
        self.assertEqual(_floats(lines["rewards (sync)"]), expected)
        self.assertEqual(_floats(lines["rewards (async)"]), expected)
        self.assertIn("True", lines["async reward is a coroutine function"])
        self.assertIn("InvalidParams", lines["setup mistake raised InvalidParams"])

    def test_verl_example(self):
        out = self.run_example("verl_reward.py")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = self.lines(out)
        expected = [1.0, 0.2, 1.0, 1.0, 2 / 3]
        for key in ("scores (naive, compute_score)", "scores (batch, compute_score_batch)"):
            for got, want in zip(_floats(lines[key]), expected, strict=True):
                self.assertAlmostEqual(got, want)

    def test_openrlhf_example(self):
        out = self.run_example("openrlhf_remote_rm.py")
        if out.returncode == 3:
            self.skipTest(f"the server answers 404 on /v1/openrlhf/reward: {out.stdout.strip()}")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = self.lines(out)
        self.assertEqual(_floats(lines["rewards"]), [1.0, 0.2, 1.0])
        self.assertEqual(_floats(lines["scores"]), [1.0, 0.2, 1.0])
        self.assertEqual(json.loads(lines["extra_logs"].split(":", 1)[1])["compiled"],
                         [1.0, 1.0, 1.0])

    def test_gym_example(self):
        out = self.run_example("gym_episode.py")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        lines = self.lines(out)
        self.assertIn("reward 1.0 terminated True observation in space True",
                      lines["codegen gcd"])
        self.assertEqual(_floats(lines["repair gcd"]), [0.0, 1.0])

    def test_verl_module_bare_task_ids_and_unknown_tasks(self):
        os.environ[ENDPOINT_ENV] = self.environ[ENDPOINT_ENV]
        gcd = "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return abs(a)\n"
        try:
            # No pack: the server resolves an id unique across its packs.
            self.assertEqual(verl.compute_score("d", gcd, "gcd"), 1.0)
            with self.assertRaisesRegex(InvalidParams, "unknown task"):
                verl.compute_score("d", "x", json.dumps({"task_id": "nope", "pack": "basics"}))
        finally:
            verl.close()
            del os.environ[ENDPOINT_ENV]
        self.assertFalse(issubclass(Ungradeable, ValueError))  # a setup error is not ungradeable

    def test_real_observations_stay_in_the_charset_and_never_claim_missing_public_tests(self):
        with ProctorEnv("proctor/repair-v0", {"pack": "basics", "max_turns": 2},
                        port=self.port, timeout=120) as env:
            texts = []
            for task in ("running-max", "gcd", "word-frequency", "roman"):
                texts.append(env.reset(options={"task_id": task})[0])
            # running-max has no public tests: a wrong answer fails hidden tests only.
            env.reset(options={"task_id": "running-max"})
            text, reward, _, _, info = env.step({"completion": "    return numbers\n"})
            texts.append(text)
            self.assertEqual(info["observation"]["public_tests"], [])
            self.assertIs(type(reward), float)
            self.assertNotIn("Every public test passed", text)
            self.assertIn("This task has no public tests", text)
            for text in texts:
                self.assertTrue(env.observation_space.contains(text), text[:200])
        with ProctorEnv("proctor/codegen-v0", {"pack": "realworld"}, port=self.port,
                        timeout=120) as env:
            text, info = env.reset(options={"task_id": "non-ascii"})
            self.assertIn("\u2713", info["observation"]["text"])  # the server sent non-ASCII
            self.assertNotIn("\u2713", text)
            self.assertIn("\\u2713", text)  # escaped into the declared charset
            self.assertTrue(env.observation_space.contains(text))


if __name__ == "__main__":
    unittest.main()
