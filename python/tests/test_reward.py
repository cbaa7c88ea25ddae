"""make_reward_fn / make_async_reward_fn against the fake server."""

import asyncio
import time
import unittest

from proctor_client import make_async_reward_fn, make_reward_fn
from proctor_client.reward import chat_messages, completion_text, group_batch

from .fake_server import FakeProctor


class GroupingTest(unittest.TestCase):
    def test_groups_by_pack_and_task_keeping_batch_indices(self):
        batch = group_batch(["a", "b", "c", None, "d"], ["t1", "t2", "t1", "t1", None],
                            packs=["p", "p", "p", "p", "p"], languages="python")
        self.assertEqual(batch.size, 5)
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
        self.assertEqual(self.fn.last_stats, {"samples": 6, "groups": 2, "ungradeable": 0})

    def test_ungradeable_samples_are_none_never_zero(self):
        with self.assertLogs("proctor_client", "WARNING") as logs:
            rewards = self.fn(completions=["PASS", "CRASH", "PASS", "FAIL", [], "PASS"],
                              task_ids=["add", "add", "unknown-task", "sub", "sub", None])
        self.assertIn("unknown-task", logs.output[0])
        self.assertEqual(rewards, [1.0, None, None, 0.0, None, None])
        self.assertEqual(self.fn.last_stats["ungradeable"], 4)

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

    def test_async_variant(self):
        async def run():
            fn = make_async_reward_fn(port=self.server.port, pack="fake", field="code",
                                      connections=2)
            try:
                return await fn(completions=["PASS", "FAIL", "CRASH"],
                                task_ids=["add", "add", "sub"])
            finally:
                await fn.aclose()

        self.assertEqual(asyncio.run(run()), [1.0, 0.0, None])
        self.assertEqual(self.grades()[0]["submissions"][0], {"code": "PASS"})

    def test_groups_run_concurrently(self):
        start = time.monotonic()
        rewards = self.fn(completions=["SLOW PASS"] * 4, task_ids=["add", "sub", "slow", "add"])
        self.assertEqual(rewards, [1.0] * 4)
        self.assertLess(time.monotonic() - start, 0.4)  # not 3 x 0.15 s one after another


if __name__ == "__main__":
    unittest.main()
