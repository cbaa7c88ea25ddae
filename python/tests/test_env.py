"""ProctorEnv against the fake server, with and without (a stand-in for) gymnasium."""

import importlib
import importlib.util
import math
import os
import sys
import tomllib
import types
import unittest

import proctor_client
from proctor_client import (EnvError, ProctorClient, ProctorEnv, SetupError, Ungradeable,
                            UnknownSession)
from proctor_client import env as env_module

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

    def test_an_ungradeable_step_raises_with_the_reason_by_default(self):
        with ProctorEnv(port=self.server.port, action_field="completion") as env:
            env.reset(seed=0)
            with self.assertRaisesRegex(Ungradeable, "infra_error twice"):
                env.step("CRASH")
            self.assertEqual(self.server.methods("env.step")[-1]["action"], {"completion": "CRASH"})
        with self.assertRaises(SetupError):
            ProctorEnv(port=self.server.port, on_ungradeable="none")

    def test_an_ungradeable_step_can_be_a_nan_reward_never_none(self):
        with ProctorEnv("proctor/repair-v0", port=self.server.port, on_ungradeable="nan") as env:
            env.reset(seed=0)
            with self.assertLogs("proctor_client", "WARNING"):
                _, reward, _, _, info = env.step("CRASH")
            self.assertIsInstance(reward, float)
            self.assertTrue(math.isnan(reward))
            self.assertTrue(info["ungradeable"])
            self.assertEqual(info["ungradeable_reason"], "infra_error twice")
            _, reward, _, _, _ = env.step("PASS")
            self.assertIs(type(reward), float)
            self.assertEqual(reward, 1.0)

    def test_unseeded_envs_draw_different_tasks_seeded_ones_repeat(self):
        def seeds_sent(seed_first, resets=4):
            with ProctorEnv(port=self.server.port) as env:
                env.reset(seed=seed_first)
                for _ in range(resets - 1):
                    env.reset()
                mine = [q for q in self.server.methods("env.reset")
                        if q["session_id"] == env.session_id]
            self.assertTrue(all(isinstance(q["seed"], int) and 0 <= q["seed"] < 2 ** 63
                                for q in mine))
            return [q["seed"] for q in mine]

        unseeded = [tuple(seeds_sent(None)) for _ in range(3)]
        self.assertEqual(len(set(unseeded)), 3)  # fresh entropy each env (2^-63 to collide)
        self.assertEqual(len(set(unseeded[0])), 4)  # and a new draw at every reset
        seeded = seeds_sent(7)
        self.assertEqual(seeded[0], 7)  # the seed the caller gave goes to the server as it is
        self.assertEqual(seeds_sent(7), seeded)  # and the resets after it are deterministic
        self.assertNotEqual(seeds_sent(8), seeded)

    def test_observations_stay_in_the_declared_space(self):
        with ProctorEnv("proctor/repair-v0", port=self.server.port) as env:
            texts = [env.reset(seed=0)[0]]
            texts += [env.step(a)[0] for a in ("FAIL", "HIDDENFAIL")]
            for text in texts:
                self.assertTrue(env.observation_space.contains(text), repr(text))
            self.assertIn("na\\u00efve \\u2713 \\U0001f600", texts[0])  # escaped, not lost
            self.assertIn("na\u00efve", env.observation["text"])  # the structured one as sent
        wide = env_module.DEFAULT_CHARSET + "\u2014\u00ef\u2713\U0001f600"
        with ProctorEnv(port=self.server.port, charset=wide, max_length=20) as env:
            text, _ = env.reset(seed=0)
            self.assertEqual(text, "Task add: Add two nu")  # cut to max_length
            self.assertTrue(env.observation_space.contains(text))

    def test_repair_feedback_does_not_claim_public_tests_passed_when_there_are_none(self):
        with ProctorEnv("proctor/repair-v0", port=self.server.port) as env:
            env.reset(seed=0)
            text, reward, _, _, info = env.step("HIDDENFAIL")
            self.assertEqual(reward, 0.0)
            self.assertEqual(info["observation"]["public_tests"], [])
            self.assertNotIn("Every public test passed", text)
            self.assertIn("This task has no public tests", text)
            self.assertIn("1 hidden test(s) failed", text)

    def test_without_gymnasium_the_api_is_the_same(self):
        if "gymnasium" in sys.modules:
            self.skipTest("gymnasium is installed")
        with ProctorEnv(port=self.server.port) as env:
            self.assertIsInstance(env.observation_space, env_module.TextSpace)
            self.assertEqual(env.observation_space.charset, env_module.DEFAULT_CHARSET)
            self.assertEqual(env.metadata["render_modes"], ["ansi"])
        with self.assertWarnsRegex(RuntimeWarning, "gymnasium is not installed"):
            self.assertFalse(proctor_client.env.register())

    def test_entry_points_resolve(self):
        module_name, _, attr = env_module.ENTRY_POINT.partition(":")
        self.assertIs(getattr(importlib.import_module(module_name), attr), ProctorEnv)
        pyproject = os.path.join(os.path.dirname(os.path.dirname(proctor_client.__file__)),
                                 "pyproject.toml")
        with open(pyproject, "rb") as f:
            plugins = tomllib.load(f)["project"]["entry-points"]["gymnasium.envs"]
        module_name, _, attr = plugins["proctor"].partition(":")
        self.assertIs(getattr(importlib.import_module(module_name), attr), env_module.register)

    def test_with_gymnasium_it_is_a_gymnasium_env(self):
        module = _env_module_with_stub_gymnasium()
        with module.ProctorEnv(port=self.server.port) as env:
            self.assertIsInstance(env, module._gymnasium.Env)
            self.assertEqual(env.observation_space.max_length, module.DEFAULT_MAX_LENGTH)
            self.assertIn("\n", env.action_space.charset)
            text, _ = env.reset(seed=3)
            self.assertEqual(env.seeded_with, 3)  # gymnasium's reset ran
            self.assertIsInstance(text, str)
            self.assertEqual(env.observation_space.min_length, 0)
        # Importing the module registered both ids with the entry point; again is a no-op.
        self.assertEqual(module._gymnasium.registry, {
            env_id: {"entry_point": "proctor_client.env:ProctorEnv", "kwargs": {"env_id": env_id}}
            for env_id in ("proctor/codegen-v0", "proctor/repair-v0")})
        self.assertTrue(module.register())
        self.assertEqual(len(module._gymnasium.registry), 2)

    def test_registration_while_gymnasium_loads_its_plugins(self):
        module = _env_module_with_stub_gymnasium(mid_import=True)
        self.assertFalse(hasattr(module._gymnasium, "register"))
        self.assertEqual(sorted(module._gymnasium.envs.registration.registry),
                         ["proctor/codegen-v0", "proctor/repair-v0"])


def _env_module_with_stub_gymnasium(mid_import=False):
    """Loads a private copy of proctor_client.env while a minimal `gymnasium` is importable,
    leaving the real module (and sys.modules) as they were. `mid_import`: gymnasium as it is
    while it loads its plugins (it is still importing itself): `register` and `registry` only
    in `gymnasium.envs.registration`, not yet at its top level."""

    class Env:
        def reset(self, *, seed=None, options=None):
            self.seeded_with = seed

    class Text:
        def __init__(self, max_length, *, min_length=1, charset=None):
            self.max_length, self.min_length, self.charset = max_length, min_length, charset

    registry = {}

    def register(id, entry_point, kwargs=None):
        if id in registry:
            raise ValueError(f"{id} registered twice")
        registry[id] = {"entry_point": entry_point, "kwargs": kwargs}

    gymnasium = types.ModuleType("gymnasium")
    spaces = types.ModuleType("gymnasium.spaces")
    gymnasium.Env, spaces.Text, gymnasium.spaces = Env, Text, spaces
    modules = {"gymnasium": gymnasium, "gymnasium.spaces": spaces}
    if mid_import:
        envs = types.ModuleType("gymnasium.envs")
        registration = types.ModuleType("gymnasium.envs.registration")
        registration.register, registration.registry = register, registry
        gymnasium.envs, envs.registration = envs, registration
        modules.update({"gymnasium.envs": envs, "gymnasium.envs.registration": registration})
    else:
        gymnasium.register = register
    gymnasium.registry = registry
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
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
