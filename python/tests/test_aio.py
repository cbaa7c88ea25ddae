"""The asyncio client and pool against the fake server."""

import asyncio
import time
import unittest

from proctor_client import (AsyncProctorClient, AsyncProctorPool, ConnectionClosed, EnvError,
                            InvalidParams, Overloaded)

from .fake_server import FakeProctor


class AsyncTestCase(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeProctor(unix=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    async def asyncSetUp(self):
        self.server.overload_next = 0
        self.client = await AsyncProctorClient(port=self.server.port, timeout=5).connect()

    async def asyncTearDown(self):
        await self.client.close()


class AsyncClientTest(AsyncTestCase):
    async def test_many_requests_in_flight_on_one_connection(self):
        first = len(self.server.log)
        delays = [(20 - i) * 15 for i in range(20)]  # the later asked, the sooner answered
        finished = []

        async def call(i, ms):
            value = (await self.client.call("test.sleep", {"ms": ms, "value": i}))["value"]
            finished.append(value)
            return value

        start = time.monotonic()
        values = await asyncio.gather(*(call(i, ms) for i, ms in enumerate(delays)))
        self.assertEqual(values, list(range(20)))
        self.assertLess(finished.index(19), finished.index(0))  # 15 ms against 300 ms
        self.assertLess(time.monotonic() - start, sum(delays) / 1000 / 2)  # concurrent
        self.assertEqual(len({conn for conn, _, _ in self.server.log[first:]}), 1)

    async def test_methods(self):
        self.assertEqual((await self.client.health())["status"], "ok")
        self.assertEqual(len(await self.client.list_tasks()), 3)
        session = await self.client.make("proctor/repair-v0", {"max_turns": 2})
        observation, _ = await self.client.reset(session, options={"task_id": "sub"})
        self.assertEqual(observation["task_id"], "sub")
        _, reward, terminated, truncated, info = await self.client.step(session, "FAIL")
        self.assertEqual((reward, terminated, truncated), (0.0, False, False))
        _, reward, terminated, truncated, _ = await self.client.step(session, "FAIL")
        self.assertEqual((reward, terminated, truncated), (0.0, False, True))
        with self.assertRaises(EnvError):
            await self.client.step(session, "PASS")
        await self.client.close_env(session)

    async def test_streamed_results(self):
        seen = []
        answer = await self.client.grade("add", ["SLOW PASS", "CRASH", "FAIL"], stream=True,
                                         on_result=lambda i, r: seen.append(i))
        self.assertEqual(sorted(seen), [0, 1, 2])
        self.assertEqual(seen[-1], 0)
        self.assertEqual(answer["group"]["rewards"], [1.0, None, 0.0])

    async def test_callback_failure_fails_its_call_only(self):
        def boom(i, r):
            raise RuntimeError("callback bug")

        with self.assertRaises(RuntimeError):
            await self.client.grade("add", ["PASS"], stream=True, on_result=boom)
        self.assertEqual((await self.client.health())["status"], "ok")

    async def test_unrelated_notification(self):
        got = []
        self.client.on_notification = lambda m, p: got.append(m)
        await self.client.call("test.notify", {"method": "server.note"})
        self.assertEqual(got, ["server.note"])

    async def test_overload_retry(self):
        self.server.overload_next, self.server.retry_after_ms = 2, 10
        client = await AsyncProctorClient(port=self.server.port, retry_overloaded=2).connect()
        try:
            self.assertEqual((await client.grade("add", ["PASS"]))["group"]["rewards"], [1.0])
            self.server.overload_next = 1
            with self.assertRaises(Overloaded):
                await self.client.health()
        finally:
            await client.close()

    async def test_errors(self):
        with self.assertRaises(InvalidParams):
            await self.client.grade("nope", ["PASS"])

    async def test_timeout_leaves_connection_usable(self):
        with self.assertRaises(TimeoutError):
            await self.client.call("test.sleep", {"ms": 100, "value": 1}, timeout=0.02)
        answer = await self.client.call("test.sleep", {"ms": 150, "value": 2})
        self.assertEqual(answer["value"], 2)

    async def test_lost_connection_fails_everything_pending(self):
        slow = asyncio.ensure_future(self.client.call("test.sleep", {"ms": 2000}))
        await asyncio.sleep(0.02)
        with self.assertRaises(ConnectionClosed):
            await self.client.call("test.drop")
        with self.assertRaises(ConnectionClosed):
            await slow
        self.assertTrue(self.client.closed)
        with self.assertRaises(ConnectionClosed):
            await self.client.health()

    async def test_unix_socket(self):
        async with AsyncProctorClient(unix_path=self.server.unix_path) as client:
            self.assertEqual((await client.health())["status"], "ok")


class PoolTest(AsyncTestCase):
    async def test_spreads_load_and_pins_sessions(self):
        first = len(self.server.log)
        async with AsyncProctorPool(port=self.server.port, size=3) as pool:
            values = await asyncio.gather(*(pool.call("test.sleep", {"ms": 50, "value": i})
                                            for i in range(9)))
            self.assertEqual([v["value"] for v in values], list(range(9)))
            used = [conn for conn, m, _ in self.server.log[first:] if m == "test.sleep"]
            self.assertEqual(len(set(used)), 3)

            session = await pool.make("proctor/codegen-v0")
            await asyncio.gather(*(pool.call("test.sleep", {"ms": 50}) for _ in range(5)))
            await pool.reset(session, seed=0)
            await pool.step(session, "PASS")
            await pool.close_env(session)
            conns = {conn for conn, m, p in self.server.log[first:]
                     if isinstance(p, dict) and (p.get("session_id") == session
                                                 or m == "env.make")}
            self.assertEqual(len(conns), 1)

    async def test_replaces_a_dead_connection(self):
        async with AsyncProctorPool(port=self.server.port, size=1) as pool:
            with self.assertRaises(ConnectionClosed):
                await pool.call("test.drop")
            self.assertEqual((await pool.health())["status"], "ok")


if __name__ == "__main__":
    unittest.main()
