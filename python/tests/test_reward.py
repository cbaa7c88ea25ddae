"""make_reward_fn / make_async_reward_fn against the fake server: the ungradeable policy,
setup mistakes, and TRL's exact call shape and NaN handling (tests/trl_shim.py)."""

import asyncio
import math
import socket
import time
import unittest

from proctor_client import (InvalidParams, SetupError, Ungradeable, Unreachable,
                            make_async_reward_fn, make_reward_fn)
from proctor_client.reward import chat_messages, completion_text, group_batch

from . import trl_shim
from .fake_server import FakeProctor


class GroupingTest(unittest.TestCase):
    def test_groups_by_pack_and_task_keeping_batch_indices(self):
        batch = group_batch(["a", "b", "c"], ["t1", "t2", "t1"], packs=["p", "p", "p"],
                            languages="python")
        self.assertEqual(batch.size, 3)
        self.assertEqual(batch.groups, {
            ("p", "t1"): [(0, {"completion": "a", "language": "python"}),
                          (2, {"completion": "c", "language": "python"})],
            ("p", "t2"): [(1, {"completion": "b", "language": "python"})]})

    def test_conversational_completions(self):
        self.assertEqual(completion_text([{"role": "assistant", "content": "x"}]), "x")
        self.assertEqual(completion_text({"content": "y"}), "y")
        self.assertIsNone(completion_text([]))
        self.assertIsNone(completion_text(7))

    def test_chats_are_sent_as_messages_and_other_shapes_as_text(self):
        chat = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "```a```"}]
        batch = group_batch([chat, [{"content": "no role"}], "plain"], "t", extract="auto")
        self.assertEqual(batch.groups[(None, "t")], [
            (0, {"messages": chat, "extract": "auto"}),
            (1, {"completion": "no role", "extract": "auto"}),
            (2, {"completion": "plain", "extract": "auto"})])
        self.assertIsNone(chat_messages("text"))
        self.assertIsNone(chat_messages([{"role": "user", "content": "only the prompt"}]))

    def test_mismatched_columns_are_a_caller_error(self):
        with self.assertRaises(ValueError):
            group_batch(["a", "b"], ["t1"])

    def test_holes_in_the_batch_are_setup_errors_naming_the_sample(self):
        with self.assertRaisesRegex(SetupError, "sample 1 has no task id"):
            group_batch(["a", "b"], ["t1", None])
        with self.assertRaisesRegex(SetupError, "sample 0 .t1.: the completion is neither"):
            group_batch([7], ["t1"])


class RewardFnTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeProctor().start()
        cls.fn = make_reward_fn("127.0.0.1", cls.server.port, pack="fake", connections=2)

    @classmethod
    def tearDownClass(cls):
        cls.fn.close()
        cls.server.stop()

    def setUp(self):
        self.server.overload_next = 0
        self.server.flaky_failures = 1
        self.first = len(self.server.log)

    def grades(self):
        return [p for _, m, p in self.server.log[self.first:] if m == "grade"]

    def test_grpo_groups_become_one_grade_request_each(self):
        completions = ["PASS", "FAIL", "PASS", "SLOW PASS", "FAIL", "PASS"]
        task_ids = ["add", "add", "add", "sub", "sub", "sub"]
        rewards = self.fn(prompts=["p"] * 6, completions=completions, task_ids=task_ids)
        self.assertEqual(rewards, [1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
        self.assertEqual(sorted((g["task_id"], len(g["submissions"])) for g in self.grades()),
                         [("add", 3), ("sub", 3)])
        self.assertEqual(self.grades()[0]["pack"], "fake")
        self.assertEqual(self.fn.last_stats, {"samples": 6, "groups": 2, "ungradeable": 0,
                                             "attempts": 1})

    def test_an_ungradeable_sample_raises_with_its_reason_after_the_retries(self):
        with self.assertRaises(Ungradeable) as caught:
            self.fn(completions=["PASS", "CRASH", "FAIL"], task_ids=["add", "add", "sub"])
        self.assertEqual(caught.exception.samples, [(1, "add", "ungradeable: infra_error twice")])
        self.assertEqual(caught.exception.attempts, 3)
        self.assertIn("#1 add: ungradeable: infra_error twice", str(caught.exception))
        # The first request graded all three; each retry re-sent only the ungradeable one.
        self.assertEqual([len(g["submissions"]) for g in self.grades() if g["task_id"] == "add"],
                         [2, 1, 1])
        self.assertEqual(self.fn.last_stats["ungradeable"], 1)

    def test_a_sample_that_grades_on_a_retry_gets_its_reward(self):
        rewards = self.fn(completions=["FLAKY PASS 1", "FAIL", "FLAKY FAIL 1"],
                          task_ids=["add", "add", "add"])
        self.assertEqual(rewards, [1.0, 0.0, 0.0])
        self.assertEqual(self.fn.last_stats["attempts"], 2)

    def test_opting_into_none(self):
        fn = make_reward_fn("127.0.0.1", self.server.port, pack="fake", connections=1,
                            on_ungradeable="none", ungradeable_retries=0)
        try:
            with self.assertLogs("proctor_client", "WARNING") as logs:
                self.assertEqual(fn(completions=["PASS", "CRASH"], task_ids=["add", "add"]),
                                 [1.0, None])
        finally:
            fn.close()
        self.assertIn("infra_error twice", logs.output[-1])
        with self.assertRaises(SetupError):
            make_reward_fn(port=self.server.port, on_ungradeable="zero")

    def test_setup_mistakes_raise_at_once(self):
        with self.assertRaisesRegex(InvalidParams, "unknown task"):
            self.fn(completions=["PASS", "PASS"], task_ids=["add", "no-such-task"])
        with self.assertRaisesRegex(InvalidParams, "unknown pack"):
            self.fn(completions=["PASS"], task_ids=["add"], pack=["no-such-pack"])
        self.assertEqual([g["task_id"] for g in self.grades()].count("no-such-task"), 1)
        with self.assertRaisesRegex(SetupError, "task_id.*columns passed: prompt_id"):
            self.fn(completions=["PASS"], prompt_id=[3])
        with self.assertRaises(SetupError):
            self.fn(completions=["PASS", None], task_ids=["add", "add"])

    def test_an_unreachable_server_raises_at_once(self):
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        fn = make_reward_fn("127.0.0.1", port, connections=1)
        try:
            start = time.monotonic()
            with self.assertRaisesRegex(Unreachable, f"127.0.0.1:{port}"):
                fn(completions=["PASS"], task_ids=["add"])
            self.assertLess(time.monotonic() - start, 5)
        finally:
            fn.close()

    def test_a_failing_request_is_retried_then_raised_never_scored(self):
        self.server.overload_next = 100  # beyond the client's own overload retries
        fn = make_reward_fn("127.0.0.1", self.server.port, pack="fake", connections=1,
                            retry_overloaded=1, ungradeable_retries=1, retry_delay=0.01)
        try:
            with self.assertRaisesRegex(Ungradeable, "request failed: .-32000. overloaded"), \
                    self.assertLogs("proctor_client", "WARNING") as logs:
                fn(completions=["PASS"], task_ids=["add"])
            self.assertIn("attempt 2", logs.output[-1])
            self.server.overload_next = 3  # 2 overloads use the first attempt, 1 the retry's
            with self.assertLogs("proctor_client", "WARNING"):
                self.assertEqual(fn(completions=["PASS"], task_ids=["add"]), [1.0])
        finally:
            fn.close()

    def test_overload_is_retried_not_scored(self):
        self.server.overload_next, self.server.retry_after_ms = 2, 5
        self.assertEqual(self.fn(completions=["PASS"], task_ids=["add"]), [1.0])

    def test_trl_style_keyword_columns(self):
        # TRL passes dataset columns by their names: task_id, not task_ids.
        conversations = [[{"role": "assistant", "content": "PASS"}],
                         [{"role": "assistant", "content": "FAIL"}]]
        rewards = self.fn(prompts=["p", "p"], completions=conversations,
                          task_id=["add", "add"], completion_ids=[[1], [2]])
        self.assertEqual(rewards, [1.0, 0.0])
        # Conversations go as chats: the server extracts the code of the assistant's answer.
        self.assertEqual(self.grades()[-1]["submissions"],
                         [{"messages": conversations[0]}, {"messages": conversations[1]}])
        self.assertEqual(self.fn.__name__, "proctor_reward")

    def test_extract_mode_goes_with_every_submission(self):
        fn = make_reward_fn("127.0.0.1", self.server.port, pack="fake", connections=1,
                            extract="fenced")
        try:
            self.assertEqual(fn(completions=["```python\nPASS\n```", "FAIL"],
                                task_ids=["add", "add"]), [1.0, 0.0])
        finally:
            fn.close()
        self.assertEqual([s["extract"] for s in self.grades()[-1]["submissions"]],
                         ["fenced", "fenced"])
        with self.assertRaises(ValueError):
            make_reward_fn("127.0.0.1", self.server.port, extract="fences")

    def test_works_inside_a_running_event_loop(self):
        async def inside():
            return self.fn(completions=["PASS", "FAIL"], task_ids=["add", "sub"])

        self.assertEqual(asyncio.run(inside()), [1.0, 0.0])

    def test_async_variant_is_a_coroutine_function(self):
        fn = make_async_reward_fn(port=self.server.port, pack="fake", field="code",
                                  connections=2)
        self.assertTrue(asyncio.iscoroutinefunction(fn))  # what TRL checks
        self.assertEqual(fn.__name__, "proctor_reward")

        async def run():
            try:
                good = await fn(completions=["PASS", "FAIL"], task_ids=["add", "add"])
                with self.assertRaises(Ungradeable):
                    await fn(completions=["PASS", "CRASH"], task_ids=["add", "sub"])
                return good
            finally:
                await fn.aclose()

        self.assertEqual(asyncio.run(run()), [1.0, 0.0])
        self.assertEqual(self.grades()[0]["submissions"][0], {"code": "PASS"})
        self.assertEqual(fn.last_stats["ungradeable"], 1)

    def test_groups_run_concurrently(self):
        start = time.monotonic()
        rewards = self.fn(completions=["SLOW PASS"] * 4, task_ids=["add", "sub", "slow", "add"])
        self.assertEqual(rewards, [1.0] * 4)
        self.assertLess(time.monotonic() - start, 0.4)  # not 3 x 0.15 s one after another


class TrlTest(unittest.TestCase):
    """The reward functions under TRL's exact call shape and reward combination."""

    INPUTS = [{"prompt": "p-add", "task_id": "add", "pack": "fake"},
              {"prompt": "p-add", "task_id": "add", "pack": "fake"},
              {"prompt": "p-sub", "task_id": "sub", "pack": "fake"},
              {"prompt": "p-sub", "task_id": "sub", "pack": "fake"}]

    @classmethod
    def setUpClass(cls):
        cls.server = FakeProctor().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def chats(self, *answers):
        return [[{"role": "assistant", "content": a}] for a in answers]

    def assert_never_zero_for_ungradeable(self, funcs, completions, ungradeable_index):
        """Fails if TRL's NaN-then-nansum can give the ungradeable sample 0.0: either the
        reward call raises (nothing is trained on), or the sample's reward is not 0.0."""
        try:
            rewards = trl_shim.grpo_rewards(funcs, self.INPUTS, completions)
        except Ungradeable as error:
            self.assertEqual([s[0] for s in error.samples], [ungradeable_index])
            return
        self.assertNotEqual(rewards[ungradeable_index], 0.0,
                            "an ungradeable sample became the reward 0.0 under TRL")

    def test_blocking_function_in_trl(self):
        fn = make_reward_fn("127.0.0.1", self.server.port, connections=2)
        try:
            completions = self.chats("PASS", "FAIL", "PASS", "FAIL")
            self.assertEqual(trl_shim.grpo_rewards([fn], self.INPUTS, completions,
                                                   trainer_state=object()),
                             [1.0, 0.0, 1.0, 0.0])
            self.assert_never_zero_for_ungradeable([fn], self.chats("PASS", "FAIL", "CRASH",
                                                                    "PASS"), 2)
        finally:
            fn.close()

    def test_async_function_in_trl(self):
        fn = make_async_reward_fn(port=self.server.port, connections=2)
        # grpo_rewards awaits it only because it is a coroutine function, as TRL does.
        self.assertEqual(trl_shim.grpo_rewards([fn], self.INPUTS,
                                               ["PASS", "PASS", "FAIL", "PASS"]),
                         [1.0, 1.0, 0.0, 1.0])
        self.assert_never_zero_for_ungradeable([fn], ["CRASH", "PASS", "FAIL", "PASS"], 0)

    def test_the_shim_is_trl_opting_into_none_does_give_zero(self):
        # Why "none" is not the default: with one reward function TRL scores the hole 0.0.
        fn = make_reward_fn("127.0.0.1", self.server.port, connections=1,
                            on_ungradeable="none", ungradeable_retries=0)
        try:
            with self.assertLogs("proctor_client", "WARNING"):
                rewards = trl_shim.grpo_rewards([fn], self.INPUTS,
                                                ["PASS", "FAIL", "CRASH", "PASS"])
        finally:
            fn.close()
        self.assertEqual(rewards, [1.0, 0.0, 0.0, 1.0])
        with self.assertRaises(AssertionError):
            self.assert_never_zero_for_ungradeable([lambda **kw: [1.0, 0.0, None, 1.0]],
                                                   ["PASS"] * 4, 2)
        self.assertTrue(math.isnan(trl_shim.call_reward_func(
            lambda **kw: [None], self.INPUTS[:1], ["x"], [[1]])[0]))


if __name__ == "__main__":
    unittest.main()
