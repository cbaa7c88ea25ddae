"""proctor_client.verl (veRL's custom_reward_function) against the fake server."""

import importlib.util
import json
import os
import unittest
from unittest import mock

import proctor_client
from proctor_client import InvalidParams, SetupError, Ungradeable, verl
from proctor_client.protocol import Endpoint, endpoint_from_env, parse_endpoint

from .fake_server import FakeProctor


class TaskOfTest(unittest.TestCase):
    def test_the_data_preprocessing_shapes(self):
        self.assertEqual(verl.task_of(json.dumps({"task_id": "add", "pack": "fake"})),
                         ("add", "fake"))
        self.assertEqual(verl.task_of({"task_id": "add", "pack": "fake"}), ("add", "fake"))
        self.assertEqual(verl.task_of("HumanEval/0"), ("HumanEval/0", None))
        self.assertEqual(verl.task_of("unused", {"task_id": "unused", "pack": "p"}),
                         ("unused", "p"))
        self.assertEqual(verl.task_of(None, {"task_id": "add"}), ("add", None))
        with mock.patch.dict(os.environ, {verl.PACK_ENV: "fake"}):
            self.assertEqual(verl.task_of("add"), ("add", "fake"))

    def test_missing_or_contradicting_task_ids_are_setup_errors(self):
        with self.assertRaisesRegex(SetupError, "no task id"):
            verl.task_of("", {"index": 3})
        with self.assertRaisesRegex(SetupError, "extra_info names task 'a'"):
            verl.task_of("b", {"task_id": "a"})
        with self.assertRaisesRegex(SetupError, "looks like JSON"):
            verl.task_of("{task_id: add}")


class EndpointTest(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(parse_endpoint("10.0.0.2:7070"), Endpoint("10.0.0.2", 7070))
        self.assertEqual(parse_endpoint("tcp://[::1]:8000"), Endpoint("::1", 8000))
        self.assertEqual(parse_endpoint("unix:/run/p.sock"), Endpoint(unix_path="/run/p.sock"))
        self.assertEqual(endpoint_from_env({}), Endpoint("127.0.0.1", 7070))
        for bad in ("localhost", "host:http", "h:0", "unix:"):
            with self.assertRaises(ValueError, msg=bad):
                parse_endpoint(bad)


class ComputeScoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = FakeProctor().start()
        cls.env = mock.patch.dict(os.environ, {"PROCTOR_ENDPOINT": f"127.0.0.1:{cls.server.port}",
                                               verl.PACK_ENV: ""})
        cls.env.start()

    @classmethod
    def tearDownClass(cls):
        verl.close()
        cls.env.stop()
        cls.server.stop()

    def setUp(self):
        self.first = len(self.server.log)

    def grades(self):
        return [p for _, m, p in self.server.log[self.first:] if m == "grade"]

    def test_one_sample(self):
        truth = json.dumps({"task_id": "add", "pack": "fake"})
        score = verl.compute_score("humaneval", "PASS", truth, extra_info={"index": 0})
        self.assertIs(type(score), float)
        self.assertEqual(score, 1.0)
        self.assertEqual(verl.compute_score(data_source="x", solution_str="FAIL",
                                            ground_truth="add"), 0.0)

    def test_a_batch_is_one_request_per_task_group(self):
        truths = [json.dumps({"task_id": t, "pack": "fake"}) for t in ("add",) * 3 + ("sub",) * 2]
        scores = verl.compute_score_batch(data_sources=["d"] * 5,
                                          solution_strs=["PASS", "FAIL", "PASS", "FAIL", "PASS"],
                                          ground_truths=truths, extra_infos=[{}] * 5)
        self.assertEqual(scores, [1.0, 0.0, 1.0, 0.0, 1.0])
        self.assertEqual(sorted((g["task_id"], len(g["submissions"]), g["pack"])
                                for g in self.grades()), [("add", 3, "fake"), ("sub", 2, "fake")])

    def test_ungradeable_raises_and_setup_mistakes_raise(self):
        with self.assertRaisesRegex(Ungradeable, "#1 add: ungradeable"):
            verl.compute_score_batch(["d"] * 2, ["PASS", "CRASH"], ["add", "add"], None)
        with self.assertRaises(InvalidParams):
            verl.compute_score("d", "PASS", "no-such-task")
        with self.assertRaises(SetupError):
            verl.compute_score_batch(["d"], ["PASS", "PASS"], ["add"], None)

    def test_loaded_by_path_as_verl_does(self):
        # veRL imports the file by path under its own module name, not as part of the package.
        path = os.path.join(os.path.dirname(proctor_client.__file__), "verl.py")
        spec = importlib.util.spec_from_file_location("custom_module", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            self.assertEqual(module.compute_score("d", "PASS", "add"), 1.0)
        finally:
            module.close()


if __name__ == "__main__":
    unittest.main()
