"""ProctorEnv against the fake server, with and without (a stand-in for) gymnasium."""

import importlib.util
import os
import sys
import types
import unittest

import proctor_client
from proctor_client import EnvError, ProctorClient, ProctorEnv, UnknownSession

from .fake_server import FakeProctor


class EnvTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeProctor().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_codegen_episode(self):
        with ProctorEnv("proctor/codegen-v0", {"pack": "fake"}, port=self.server.port,
                        render_mode="ansi") as env:
            self.assertEqual(self.server.methods("env.make")[-1],
                             {"env_id": "proctor/codegen-v0", "options": {"pack": "fake"}})
            text, info = env.reset(seed=1, options={"task_id": "add"})
            self.assertIsInstance(text, str)
            self.assertIn("add", text)
            self.assertEqual(info["observation"]["task_id"], "add")
            self.assertEqual(env.task_id, "add")
            self.assertEqual(env.render(), text)
            self.assertEqual(self.server.methods("env.reset")[-1],
                             {"session_id": env.session_id, "seed": 1,
                              "options": {"task_id": "add"}})

            text, reward, terminated, truncated, info = env.step("PASS")
            self.assertEqual((reward, terminated, truncated), (1.0, True, False))
            self.assertEqual(self.server.methods("env.step")[-1]["action"], {"code": "PASS"})
            self.assertIn("report", info)
            with self.assertRaises(EnvError):
                env.step("PASS")  # the episode ended
            session = env.session_id
        self.assertEqual(self.server.methods("env.close")[-1], {"session_id": session})
        self.assertTrue(env.client.closed)
        env.close()  # a second close is harmless

    def test_repair_episode_with_dict_actions_and_shared_client(self):
        with ProctorClient(port=self.server.port) as client:
            env = ProctorEnv("proctor/repair-v0", {"max_turns": 3}, client=client)
            env.reset(seed=0)
            action = {"completion": "FAIL", "language": "python"}
            steps = [env.step(action) for _ in range(3)]
            self.assertEqual([s[3] for s in steps], [False, False, True])  # truncated at the end
            self.assertEqual(steps[0][4]["observation"]["feedback"]["verdict"], "wrong_answer")
            self.assertEqual(self.server.methods("env.step")[-1]["action"], action)
            session = env.session_id
            env.close()
            self.assertFalse(client.closed)  # the env does not close a client it was given
            with self.assertRaises(UnknownSession):
                client.reset(session)

    def test_chat_actions_and_the_extract_option(self):
        with ProctorEnv(port=self.server.port, extract="fenced") as env:
            env.reset(seed=0)
            chat = [{"role": "assistant", "content": "```python\nPASS\n```"}]
            _, reward, _, _, _ = env.step(chat)
            self.assertEqual(reward, 1.0)
            self.assertEqual(self.server.methods("env.step")[-1]["action"],
                             {"messages": chat, "extract": "fenced"})
        with self.assertRaises(ValueError):
            ProctorEnv(port=self.server.port, extract="strict")

    def test_ungradeable_step_reward_is_none(self):
        with ProctorEnv(port=self.server.port, action_field="completion") as env:
            env.reset(seed=0)
            _, reward, _, _, info = env.step("CRASH")
            self.assertIsNone(reward)
            self.assertTrue(info["ungradeable"])
            self.assertEqual(self.server.methods("env.step")[-1]["action"], {"completion": "CRASH"})

    def test_without_gymnasium_the_api_is_the_same(self):
        if "gymnasium" in sys.modules:
            self.skipTest("gymnasium is installed")
        with ProctorEnv(port=self.server.port) as env:
            self.assertIsNone(env.observation_space)
            self.assertEqual(env.metadata["render_modes"], ["ansi"])

    def test_with_gymnasium_it_is_a_gymnasium_env(self):
        module = _env_module_with_stub_gymnasium()
        with module.ProctorEnv(port=self.server.port) as env:
            self.assertIsInstance(env, module._gymnasium.Env)
            self.assertEqual(env.observation_space.max_length, module.DEFAULT_MAX_LENGTH)
            self.assertIn("\n", env.action_space.charset)
            text, _ = env.reset(seed=3)
            self.assertEqual(env.seeded_with, 3)  # gymnasium's reset ran
            self.assertIsInstance(text, str)


def _env_module_with_stub_gymnasium():
    """Loads a private copy of proctor_client.env while a minimal `gymnasium` is importable,
    leaving the real module (and sys.modules) as they were."""

    class Env:
        def reset(self, *, seed=None, options=None):
            self.seeded_with = seed

    class Text:
        def __init__(self, max_length, *, min_length=1, charset=None):
            self.max_length, self.charset = max_length, charset

    gymnasium = types.ModuleType("gymnasium")
    spaces = types.ModuleType("gymnasium.spaces")
    gymnasium.Env, spaces.Text, gymnasium.spaces = Env, Text, spaces
    saved = {name: sys.modules.get(name) for name in ("gymnasium", "gymnasium.spaces")}
    sys.modules.update({"gymnasium": gymnasium, "gymnasium.spaces": spaces})
    try:
        path = os.path.join(os.path.dirname(proctor_client.__file__), "env.py")
        spec = importlib.util.spec_from_file_location("proctor_client._env_gym_test", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value


if __name__ == "__main__":
    unittest.main()
