"""The blocking client against the fake server."""

import threading
import time
import unittest

from proctor_client import (ConnectionClosed, DeadlineExceeded, EnvError, InvalidParams,
                            MessageTooLarge, MethodNotFound, Overloaded, ProctorClient,
                            UnknownSession)

from .fake_server import SLOW_SECONDS, FakeProctor


class ClientTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeProctor(unix=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.server.overload_next = 0
        self.client = ProctorClient("127.0.0.1", self.server.port, timeout=5)

    def tearDown(self):
        self.client.close()


class BasicsTest(ClientTestCase):
    def test_discovery_methods(self):
        self.assertEqual(self.client.health()["status"], "ok")
        self.assertIn("queue_depth", self.client.stats())
        self.assertEqual([e["id"] for e in self.client.list_envs()],
                         ["proctor/codegen-v0", "proctor/repair-v0"])
        self.assertEqual(len(self.client.list_tasks(pack="fake")), 3)
        self.assertEqual(self.server.methods("tasks.list")[-1], {"pack": "fake"})

    def test_grade_returns_results_and_group(self):
        answer = self.client.grade("add", ["PASS", {"completion": "FAIL"}, "CRASH"], pack="fake")
        self.assertEqual([r["reward"] for r in answer["results"]], [1.0, 0.0, None])
        self.assertEqual(answer["group"]["ungradeable"], 1)
        self.assertEqual(self.server.methods("grade")[-1]["submissions"],
                         [{"code": "PASS"}, {"completion": "FAIL"}, {"code": "CRASH"}])

    def test_grade_with_an_extract_mode_and_a_chat(self):
        chat = [{"role": "user", "content": "add"},
                {"role": "assistant", "content": "```python\nPASS\n```"}]
        answer = self.client.grade("add", [chat, "FAIL"], pack="fake", extract="fenced")
        self.assertEqual([r["reward"] for r in answer["results"]], [1.0, 0.0])
        sent = self.server.methods("grade")[-1]
        self.assertEqual(sent["extract"], "fenced")
        self.assertEqual(sent["submissions"], [{"messages": chat}, {"code": "FAIL"}])

    def test_env_session_round_trip(self):
        session = self.client.make("proctor/codegen-v0", {"pack": "fake"})
        observation, info = self.client.reset(session, seed=1)
        self.assertEqual(observation["task_id"], info["task_id"])
        obs, reward, terminated, truncated, info = self.client.step(session, "PASS")
        self.assertEqual((reward, terminated, truncated), (1.0, True, False))
        self.assertEqual(info["action"], {"code": "PASS"})
        self.client.close_env(session)
        session = self.client.make("proctor/codegen-v0", {"pack": "fake"})
        self.client.reset(session, seed=1)
        _, reward, _, _, info = self.client.step(session, "PASS", extract="raw")
        self.assertEqual(info["action"], {"code": "PASS", "extract": "raw"})
        self.client.close_env(session)

    def test_unix_socket(self):
        with ProctorClient(unix_path=self.server.unix_path, timeout=5) as client:
            self.assertEqual(client.health()["status"], "ok")


class OutOfOrderTest(ClientTestCase):
    def test_threads_sharing_one_connection_get_their_own_answers(self):
        results = {}

        def call(i, ms):
            results[i] = (self.client.call("test.sleep", {"ms": ms, "value": i})["value"],
                          time.monotonic())

        delays = [120, 10, 80, 0, 40, 100, 20, 60]  # answered in a different order than asked
        threads = [threading.Thread(target=call, args=(i, ms)) for i, ms in enumerate(delays)]
        for t in threads:
            t.start()
            time.sleep(0.002)
        for t in threads:
            t.join(5)
        self.assertEqual({i: v for i, (v, _) in results.items()}, {i: i for i in range(8)})
        self.assertLess(results[3][1], results[0][1])  # the fast one did not wait for the slow
        self.assertEqual(len({conn for conn, _, _ in self.server.log[-8:]}), 1)

    def test_late_answer_to_a_timed_out_call_is_dropped(self):
        with self.assertRaises(TimeoutError):
            self.client.call("test.sleep", {"ms": 150, "value": "late"}, timeout=0.03)
        # The next call must get its own answer, not the stale one arriving meanwhile.
        self.assertEqual(self.client.call("test.sleep", {"ms": 200, "value": "mine"})["value"],
                         "mine")
        self.assertEqual(self.client.call("test.sleep", {"value": "next"})["value"], "next")


class NotificationTest(ClientTestCase):
    def test_streamed_results_arrive_before_the_response(self):
        seen = []
        answer = self.client.grade("add", ["SLOW PASS", "FAIL", "PASS"], stream=True,
                                   on_result=lambda i, r: seen.append((i, r["reward"])))
        self.assertEqual(sorted(seen), [(0, 1.0), (1, 0.0), (2, 1.0)])
        self.assertEqual(seen[-1][0], 0)  # the slow one finished last
        self.assertEqual([r["reward"] for r in answer["results"]], [1.0, 0.0, 1.0])
        self.assertTrue(self.server.methods("grade")[-1]["stream"])

    def test_stream_results_go_to_the_right_thread(self):
        seen = {"a": [], "b": []}

        def grade(name, subs):
            self.client.grade("add", subs, stream=True,
                              on_result=lambda i, r: seen[name].append((threading.get_ident(), i)))

        a = threading.Thread(target=grade, args=("a", ["SLOW PASS"] * 3))
        b = threading.Thread(target=grade, args=("b", ["PASS", "SLOW FAIL"]))
        a.start()
        b.start()
        a.join(5)
        b.join(5)
        self.assertEqual(sorted(i for _, i in seen["a"]), [0, 1, 2])
        self.assertEqual(sorted(i for _, i in seen["b"]), [0, 1])
        self.assertEqual({t for t, _ in seen["a"]}, {a.ident})
        self.assertEqual({t for t, _ in seen["b"]}, {b.ident})

    def test_unrelated_notifications_go_to_on_notification(self):
        got = []
        self.client.on_notification = lambda method, params: got.append((method, params))
        self.client.call("test.notify", {"method": "server.note", "params": {"x": 1}})
        self.assertEqual(got, [("server.note", {"x": 1})])


class OverloadTest(ClientTestCase):
    def test_retries_honouring_retry_after(self):
        self.server.overload_next, self.server.retry_after_ms = 2, 30
        client = ProctorClient(port=self.server.port, timeout=5, retry_overloaded=3)
        try:
            before = len(self.server.methods("grade"))
            start = time.monotonic()
            answer = client.grade("add", ["PASS"])
            self.assertEqual(answer["results"][0]["reward"], 1.0)
            self.assertEqual(len(self.server.methods("grade")) - before, 3)
            self.assertGreaterEqual(time.monotonic() - start, 0.06)
        finally:
            client.close()

    def test_gives_up_after_the_bound(self):
        self.server.overload_next, self.server.retry_after_ms = 5, 5
        client = ProctorClient(port=self.server.port, timeout=5, retry_overloaded=1)
        try:
            with self.assertRaises(Overloaded) as caught:
                client.health()
            self.assertEqual(caught.exception.retry_after_ms, 5)
        finally:
            self.server.overload_next = 0
            client.close()

    def test_no_retry_by_default(self):
        self.server.overload_next = 1
        with self.assertRaises(Overloaded):
            self.client.health()
        self.assertEqual(self.client.health()["status"], "ok")


class ErrorTest(ClientTestCase):
    def test_server_errors_map_to_exceptions(self):
        with self.assertRaises(MethodNotFound) as caught:
            self.client.call("no.such")
        self.assertEqual(caught.exception.data, {"method": "no.such"})
        with self.assertRaises(InvalidParams) as caught:
            self.client.grade("nope", ["PASS"])
        self.assertEqual(caught.exception.data, {"param": "task_id"})
        with self.assertRaises(DeadlineExceeded):
            self.client.grade("slow", ["PASS"], deadline_ms=int(SLOW_SECONDS * 1000 / 3))
        session = self.client.make("proctor/repair-v0")
        with self.assertRaises(EnvError):
            self.client.step(session, "PASS")  # before reset
        self.client.close_env(session)
        with self.assertRaises(UnknownSession) as caught:
            self.client.reset(session)
        self.assertEqual(caught.exception.session_id, session)

    def test_dropped_connection_fails_the_call_and_the_client(self):
        with self.assertRaises(ConnectionClosed):
            self.client.call("test.drop")
        with self.assertRaises(ConnectionClosed):
            self.client.health()
        self.assertTrue(self.client.closed)

    def test_oversized_request_fails_locally(self):
        self.client.max_message_bytes = 1000
        with self.assertRaises(MessageTooLarge):
            self.client.grade("add", ["x" * 2000])
        self.assertEqual(self.client.health()["status"], "ok")

    def test_connect_failure(self):
        with self.assertRaises(ConnectionClosed):
            ProctorClient(unix_path="/nonexistent/proctor.sock")


if __name__ == "__main__":
    unittest.main()
