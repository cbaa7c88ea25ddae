"""The Python client against the real `proctor serve` (started here on a free loopback port):
blocking and asyncio clients, the reward function, and ProctorEnv.

Run by CTest with PROCTOR_BINARY, PROCTOR_TASKS_DIR and PYTHONPATH (the client package) set.
"""
import asyncio
import os
import signal
import subprocess
import unittest

from proctor_client import AsyncProctorClient, ProctorClient, ProctorEnv, make_reward_fn
from proctor_client import EnvError, InvalidParams

ADD = "def add(a, b):\n    return a + b\n"
WRONG = "def add(a, b):\n    return a - b\n"
GCD = ("def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
       "    return a\n")
CHAT_GCD = "Sure! Here is gcd:\n\n```python\n" + GCD + "```\n\nIt is Euclid's algorithm.\n"
RUNNING_MAX_BODY = ("    result, best = [], None\n    for n in numbers:\n"
                    "        best = n if best is None else max(best, n)\n"
                    "        result.append(best)\n    return result\n")


class RealServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        tasks = os.environ["PROCTOR_TASKS_DIR"]
        cls.server = subprocess.Popen(
            [os.environ["PROCTOR_BINARY"], "serve", "--port", "0", "--http-port", "-1",
             "--pack", os.path.join(tasks, "adversarial"), "--pack", os.path.join(tasks, "basics")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = cls.server.stdout.readline().split()
        assert line and line[0] == "listening", "server did not start"
        cls.port = int(line[1])

    @classmethod
    def tearDownClass(cls):
        cls.server.send_signal(signal.SIGTERM)
        cls.server.wait(timeout=60)

    def test_blocking_client_grades_a_group(self):
        with ProctorClient(port=self.port) as client:
            self.assertEqual(client.health()["status"], "ok")
            result = client.grade("T1", [ADD, WRONG, ADD], pack="adversarial")
            self.assertEqual(result["group"]["rewards"], [1.0, 0.0, 1.0])
            with self.assertRaises(InvalidParams):
                client.grade("no-such-task", [ADD], pack="adversarial")

    def test_async_client_many_in_flight(self):
        async def run():
            async with AsyncProctorClient(port=self.port) as client:
                calls = [client.grade("T1", [ADD if i % 2 == 0 else WRONG], pack="adversarial")
                         for i in range(8)]
                return await asyncio.gather(*calls)
        results = asyncio.run(run())
        self.assertEqual([r["group"]["rewards"][0] for r in results], [1.0, 0.0] * 4)

    def test_reward_function_marks_nothing_ungradeable_for_real_code(self):
        reward = make_reward_fn("127.0.0.1", self.port, pack="adversarial", connections=2)
        try:
            rewards = reward(completions=[ADD, WRONG, ADD], task_ids=["T1", "T1", "T1"])
        finally:
            reward.close()
        self.assertEqual(rewards, [1.0, 0.0, 1.0])

    def test_reward_function_grades_answers_as_models_write_them(self):
        # The default field is "completion": bare and fenced code, chats (TRL's conversational
        # form) and starter completions all score what the code deserves.
        completions = [GCD, CHAT_GCD, [{"role": "assistant", "content": CHAT_GCD}],
                       "I don't know.", RUNNING_MAX_BODY]
        task_ids = ["gcd", "gcd", "gcd", "gcd", "running-max"]
        reward = make_reward_fn("127.0.0.1", self.port, pack="basics", connections=2)
        strict = make_reward_fn("127.0.0.1", self.port, pack="basics", extract="fenced")
        try:
            self.assertEqual(reward(completions=completions, task_ids=task_ids),
                             [1.0, 1.0, 1.0, 0.0, 1.0])
            # fenced: only the fenced answers count.
            self.assertEqual(strict(completions=completions, task_ids=task_ids),
                             [0.0, 1.0, 1.0, 0.0, 0.0])
        finally:
            reward.close()
            strict.close()

    def test_grade_reports_which_code_was_graded(self):
        with ProctorClient(port=self.port) as client:
            chat = [{"role": "user", "content": "gcd please"},
                    {"role": "assistant", "content": CHAT_GCD}]
            result = client.grade("gcd", [chat, {"code": GCD}], pack="basics", extract="fenced")
            self.assertEqual(result["group"]["rewards"], [1.0, 0.0])
            first, second = result["results"]
            self.assertEqual(first["extraction"]["source"], "messages[1]: fence 1 of 1 (python)")
            self.assertEqual(first["extraction"]["graded_code"], GCD)
            self.assertEqual({t["verdict"] for t in second["tests"]}, {"no_code"})
            with self.assertRaises(ValueError):
                client.grade("gcd", [GCD], pack="basics", extract="fences")

    def test_env_episode_with_gymnasium_api(self):
        env = ProctorEnv("proctor/repair-v0", {"pack": "adversarial", "max_turns": 2},
                         port=self.port)
        try:
            with self.assertRaises(EnvError):
                env.step(ADD)  # step before reset
            obs, info = env.reset(seed=3, options={"task_id": "T1"})
            self.assertIn("add", obs)
            _, reward, terminated, truncated, _ = env.step(WRONG)
            self.assertEqual((reward, terminated, truncated), (0.0, False, False))
            _, reward, terminated, truncated, _ = env.step(WRONG)
            self.assertTrue(truncated)
            env.reset(options={"task_id": "T1"})
            _, reward, terminated, _, info = env.step(ADD)
            self.assertEqual((reward, terminated), (1.0, True))
        finally:
            env.close()


if __name__ == "__main__":
    unittest.main()
