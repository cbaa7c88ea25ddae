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
