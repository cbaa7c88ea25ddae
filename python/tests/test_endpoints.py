"""Several endpoints: spreading by task, failover, idempotency keys (fake servers)."""

import asyncio
import json
import os
import socket
import unittest

from proctor_client import (AsyncProctorPool, ConnectionClosed, Overloaded, ProctorClient,
                            Unreachable, make_reward_fn, verl)
from proctor_client import protocol as p

from .fake_server import FakeProctor

KEYS = [("fake", "add"), ("fake", "sub"), ("fake", "slow"), (None, "add"), (None, "sub"),
        (None, "slow")]


def _dead_endpoint() -> str:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def _first_for(names, pack, task) -> int:
    """The index of the endpoint a grade of (pack, task) goes to first."""
    key = p.route_key("grade", {"pack": pack, "task_id": task})
    return p.endpoint_order(p.parse_endpoints(names), key)[0]


class EndpointParsing(unittest.TestCase):
    def test_lists_and_comma_separated_strings(self):
        want = [p.Endpoint("a", 1), p.Endpoint(unix_path="/run/p.sock"), p.Endpoint("::1", 3)]
        self.assertEqual(p.parse_endpoints("a:1, unix:/run/p.sock,[::1]:3,a:1"), want)
        self.assertEqual(p.parse_endpoints(["a:1", "unix:/run/p.sock", "[::1]:3"]), want)
        self.assertEqual(p.endpoints_from_env({p.ENDPOINT_ENV: "a:1,b:2"}),
                         [p.Endpoint("a", 1), p.Endpoint("b", 2)])
        self.assertEqual(p.endpoints_from_env({}), [p.Endpoint()])
        with self.assertRaisesRegex(ValueError, "HOST:PORT"):
            p.parse_endpoints("a:1,nope")
        with self.assertRaisesRegex(ValueError, "no endpoint"):
            p.parse_endpoints(" , ")

    def test_a_task_maps_to_the_same_endpoint_and_losing_one_moves_only_its_tasks(self):
        three = p.parse_endpoints("h:1,h:2,h:3")
        two = [three[0], three[2]]
        moved = 0
        for task in range(200):
            key = p.route_key("grade", {"pack": "basics", "task_id": f"t{task}"})
            order = p.endpoint_order(three, key)
            self.assertEqual(sorted(order), [0, 1, 2])
            self.assertEqual(order, p.endpoint_order(list(three), key))  # stable
            first = three[order[0]]
            second_choice = [three[i] for i in order if three[i] != three[1]][0]
            survivor = two[p.endpoint_order(two, key)[0]]
            # Without h:2, a task stays where it was, or goes to its own next choice.
            self.assertEqual(survivor, first if first != three[1] else second_choice)
            moved += first == three[1]
        self.assertTrue(20 < moved < 120, moved)  # roughly a third of the tasks lived on h:2
        self.assertIsNone(p.route_key("health", None))


class BlockingEndpoints(unittest.TestCase):
    def setUp(self):
        self.servers = [FakeProctor().start(), FakeProctor().start()]
        self.names = [f"127.0.0.1:{s.port}" for s in self.servers]

    def tearDown(self):
        for server in self.servers:
            server.stop()

    def grades_on(self, server: FakeProctor):
        return [(params.get("pack"), params["task_id"]) for params in server.methods("grade")]

    def test_grades_spread_by_task_each_task_on_its_hashed_server(self):
        endpoints = p.parse_endpoints(self.names)
        with ProctorClient(endpoints=self.names, timeout=5) as client:
            for _ in range(3):
                for pack, task in KEYS:
                    out = client.grade(task, ["PASS"], pack=pack)
                    self.assertEqual(out["results"][0]["reward"], 1.0)
        for pack, task in KEYS:
            want = p.endpoint_order(endpoints, p.route_key("grade",
                                                           {"pack": pack, "task_id": task}))[0]
            self.assertEqual(self.grades_on(self.servers[want]).count((pack, task)), 3)
            self.assertEqual(self.grades_on(self.servers[1 - want]).count((pack, task)), 0)

    def test_every_grade_carries_a_fresh_idempotency_key_unless_turned_off(self):
        with ProctorClient(endpoints=self.names, timeout=5) as client:
            for _ in range(4):
                client.grade("add", ["PASS"])
        keys = [params["idempotency_key"] for s in self.servers for params in s.methods("grade")]
        self.assertEqual(len(set(keys)), 4)
        with ProctorClient(endpoints=self.names, timeout=5, idempotency=False) as client:
            client.grade("sub", ["PASS"])
        self.assertTrue(all("idempotency_key" not in params for s in self.servers
                            for params in s.methods("grade") if params["task_id"] == "sub"))

    def test_an_unreachable_endpoint_is_skipped(self):
        with ProctorClient(endpoints=[_dead_endpoint(), self.names[1]], timeout=5) as client:
            for pack, task in KEYS:
                self.assertEqual(client.grade(task, ["PASS"], pack=pack)["group"]["rewards"],
                                 [1.0])
            self.assertEqual(client.health()["status"], "ok")
            self.assertGreater(client.endpoint_stats["failed_over"], 0)
        self.assertEqual(len(self.servers[1].methods("grade")), len(KEYS))

    def test_no_reachable_endpoint_raises_unreachable(self):
        with ProctorClient(endpoints=[_dead_endpoint(), _dead_endpoint()], timeout=5) as client:
            with self.assertRaises(Unreachable):
                client.health()

    def test_overload_fails_over_with_the_same_key(self):
        first = _first_for(self.names, None, "add")
        self.servers[first].overload_next = 1
        with ProctorClient(endpoints=self.names, timeout=5) as client:
            self.assertEqual(client.grade("add", ["PASS"])["group"]["rewards"], [1.0])
            self.assertEqual(client.endpoint_stats["failed_over"], 1)
        self.assertEqual(len(self.servers[1 - first].methods("grade")), 1)
        keys = [params["idempotency_key"] for s in self.servers for params in s.methods("grade")]
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])
        self.assertEqual(self.servers[1 - first].graded_keys, {keys[0]: 1})

    def test_everyone_overloaded_waits_then_gives_up_per_the_policy(self):
        for server in self.servers:
            server.overload_next = 100
        with ProctorClient(endpoints=self.names, timeout=5, retry_overloaded=2) as client:
            with self.assertRaises(Overloaded):
                client.grade("add", ["PASS"])
            self.assertEqual(client.endpoint_stats["attempts"], 6)  # 3 rounds of 2

    def test_a_server_dying_mid_request_is_retried_graded_once_answered_once(self):
        server = self.servers[0]
        server.drop_after_grade = 1
        seen = []
        # One endpoint (as a load balancer is): the retry reconnects to it.
        with ProctorClient(endpoints=[self.names[0]], timeout=5) as client:
            out = client.grade("add", ["PASS", "FAIL"], stream=True,
                               on_result=lambda i, r: seen.append(i))
            self.assertEqual(out["group"]["rewards"], [1.0, 0.0])
            self.assertEqual(client.endpoint_stats["retried"], 1)
            self.assertEqual(client.endpoint_stats["reconnects"], 1)
        keys = [params["idempotency_key"] for params in server.methods("grade")]
        self.assertEqual(len(keys), 2)
        self.assertEqual(len(set(keys)), 1)
        self.assertEqual(server.graded_keys, {keys[0]: 1})  # the retry did not grade again
        self.assertEqual(sorted(seen), [0, 1])  # each streamed index heard once

    def test_sessions_stay_on_their_server(self):
        with ProctorClient(endpoints=self.names, timeout=5) as client:
            sid = client.make("proctor/codegen-v0")
            owner = [s for s in self.servers if sid in s.sessions][0]
            client.reset(sid, options={"task_id": "add"})
            self.assertEqual(client.step(sid, "PASS")[1], 1.0)
            self.assertEqual(len(owner.methods("env.step")), 1)
            for writer in list(owner._writers):  # the server's side goes away
                owner._loop.call_soon_threadsafe(writer.close)
            with self.assertRaisesRegex(ConnectionClosed, "lived on"):
                client.reset(sid)


class AsyncEndpoints(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.servers = [FakeProctor().start(), FakeProctor().start()]
        self.names = [f"127.0.0.1:{s.port}" for s in self.servers]

    def tearDown(self):
        for server in self.servers:
            server.stop()

    async def test_spreads_by_task_and_fails_over_from_an_overloaded_or_dead_server(self):
        endpoints = p.parse_endpoints(self.names)
        async with AsyncProctorPool(endpoints=self.names, size=2, timeout=5) as pool:
            outs = await asyncio.gather(*(pool.grade(t, ["PASS"], pack=pk) for pk, t in KEYS))
            self.assertEqual([o["group"]["rewards"] for o in outs], [[1.0]] * len(KEYS))
            for pack, task in KEYS:
                want = p.endpoint_order(endpoints, p.route_key(
                    "grade", {"pack": pack, "task_id": task}))[0]
                grades = [(x.get("pack"), x["task_id"]) for x in
                          self.servers[want].methods("grade")]
                self.assertIn((pack, task), grades)
            self.servers[_first_for(self.names, None, "add")].overload_next = 1
            self.assertEqual((await pool.grade("add", ["FAIL"]))["group"]["rewards"], [0.0])
            self.assertEqual(pool.stats["failed_over"], 1)
            self.servers[0].drop_after_grade = self.servers[1].drop_after_grade = 1
            out = await pool.grade("sub", ["PASS"])
            self.assertEqual(out["group"]["rewards"], [1.0])
        sub = [x for s in self.servers for x in s.methods("grade")
               if x["task_id"] == "sub" and x.get("pack") is None]
        last_key = sub[-1]["idempotency_key"]
        attempts = [x for x in sub if x["idempotency_key"] == last_key]
        self.assertGreaterEqual(len(attempts), 2)  # retried, always with the same key
        for server in self.servers:
            self.assertLessEqual(server.graded_keys.get(last_key, 0), 1)

    async def test_an_unreachable_endpoint_at_connect_is_tolerated(self):
        async with AsyncProctorPool(endpoints=[_dead_endpoint(), self.names[0]], size=1,
                                    timeout=5) as pool:
            self.assertEqual((await pool.grade("add", ["PASS"]))["group"]["rewards"], [1.0])
            self.assertEqual((await pool.health())["status"], "ok")
        with self.assertRaises(Unreachable):
            await AsyncProctorPool(endpoints=[_dead_endpoint()], size=1).connect()


class RewardFunctionsOverEndpoints(unittest.TestCase):
    def setUp(self):
        self.server = FakeProctor().start()
        self.names = [_dead_endpoint(), f"127.0.0.1:{self.server.port}"]

    def tearDown(self):
        self.server.stop()

    def test_trl_reward_fn_and_verl_take_several_endpoints(self):
        with make_reward_fn(endpoints=self.names, connections=1, pack="fake") as reward:
            self.assertEqual(reward(completions=["PASS", "FAIL", "PASS"],
                                    task_id=["add", "add", "sub"]), [1.0, 0.0, 1.0])
        os.environ[p.ENDPOINT_ENV] = ",".join(self.names)
        try:
            self.assertEqual(verl.compute_score("d", "PASS", json.dumps(
                {"task_id": "sub", "pack": "fake"})), 1.0)
        finally:
            verl.close()
            del os.environ[p.ENDPOINT_ENV]
        self.assertTrue(all(params.get("idempotency_key")
                            for params in self.server.methods("grade")))


if __name__ == "__main__":
    unittest.main()
