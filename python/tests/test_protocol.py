"""Error mapping and retry policy: pure functions, no server."""

import unittest

from proctor_client import errors, protocol
from proctor_client.errors import (DeadlineExceeded, EnvError, Overloaded, ProctorError,
                                   UnknownSession, error_from_wire)


class ErrorMappingTest(unittest.TestCase):
    def test_each_documented_code_has_its_class(self):
        expected = {
            -32700: errors.ParseError, -32600: errors.InvalidRequest,
            -32601: errors.MethodNotFound, -32602: errors.InvalidParams,
            -32000: Overloaded, -32001: DeadlineExceeded, -32002: UnknownSession,
            -32003: errors.MessageTooLarge, -32004: EnvError, -32005: errors.ShuttingDown,
            -32603: errors.InternalError,
        }
        for code, cls in expected.items():
            error = error_from_wire({"code": code, "message": "m", "data": {"x": 1}})
            self.assertIs(type(error), cls)
            self.assertIsInstance(error, ProctorError)
            self.assertEqual((error.code, error.message, error.data), (code, "m", {"x": 1}))

    def test_unknown_code_is_a_plain_proctor_error(self):
        error = error_from_wire({"code": -31999, "message": "new"})
        self.assertIs(type(error), ProctorError)
        self.assertEqual(error.code, -31999)

    def test_malformed_error_object_does_not_crash(self):
        self.assertIsInstance(error_from_wire("boom"), ProctorError)
        self.assertIsInstance(error_from_wire({"code": "x"}), ProctorError)

    def test_data_accessors(self):
        self.assertEqual(error_from_wire({"code": -32000, "message": "",
                                         "data": {"retry_after_ms": 250}}).retry_after_ms, 250)
        self.assertIsNone(error_from_wire({"code": -32000, "message": ""}).retry_after_ms)
        self.assertEqual(error_from_wire({"code": -32002, "message": "",
                                         "data": {"session_id": "s-9"}}).session_id, "s-9")

    def test_connection_closed_is_also_a_connection_error(self):
        error = errors.ConnectionClosed()
        self.assertIsInstance(error, ConnectionError)
        self.assertIsNone(error.code)


class RetryPolicyTest(unittest.TestCase):
    overloaded = Overloaded(-32000, "full", {"retry_after_ms": 100})

    def test_honours_retry_after_with_bounded_jitter(self):
        wait = protocol.RetryPolicy(retries=3).delay(self.overloaded, 0)
        self.assertGreaterEqual(wait, 0.1)
        self.assertLessEqual(wait, 0.12 + 1e-9)

    def test_bounded_number_of_retries(self):
        policy = protocol.RetryPolicy(retries=2)
        self.assertIsNotNone(policy.delay(self.overloaded, 1))
        self.assertIsNone(policy.delay(self.overloaded, 2))

    def test_only_overload_is_retried(self):
        policy = protocol.RetryPolicy(retries=5)
        self.assertIsNone(policy.delay(DeadlineExceeded(-32001, "late"), 0))

    def test_cap_and_fallback_backoff(self):
        policy = protocol.RetryPolicy(retries=9, base_delay=0.01, max_delay=0.5)
        huge = Overloaded(-32000, "", {"retry_after_ms": 60000})
        self.assertLessEqual(policy.delay(huge, 0), 0.6)
        self.assertAlmostEqual(policy.delay(Overloaded(-32000, ""), 2), 0.04, delta=0.009)


class SubmissionTest(unittest.TestCase):
    def test_str_is_shorthand_and_dicts_pass_through(self):
        self.assertEqual(protocol.as_submission("x"), {"code": "x"})
        self.assertEqual(protocol.as_submission("x", "completion"), {"completion": "x"})
        self.assertEqual(protocol.as_submission({"completion": "y", "language": "cpp"}),
                         {"completion": "y", "language": "cpp"})
        with self.assertRaises(TypeError):
            protocol.as_submission(3)

    def test_a_list_of_messages_is_a_chat(self):
        chat = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]
        self.assertEqual(protocol.as_submission(chat), {"messages": chat})
        with self.assertRaises(TypeError):
            protocol.as_submission(["not", "messages"])

    def test_extract_is_checked_and_added_unless_the_submission_names_its_own(self):
        self.assertEqual(protocol.as_submission("x", extract="fenced"),
                         {"code": "x", "extract": "fenced"})
        self.assertEqual(protocol.as_submission({"code": "x", "extract": "raw"}, extract="auto"),
                         {"code": "x", "extract": "raw"})
        with self.assertRaises(ValueError):
            protocol.as_submission("x", extract="fence")
        params = protocol.grade_params("t", ["x"], None, None, False, extract="raw")
        self.assertEqual(params, {"task_id": "t", "submissions": [{"code": "x"}],
                                  "extract": "raw"})
        self.assertNotIn("extract", protocol.grade_params("t", ["x"], None, None, False))
        self.assertEqual(protocol.step_params("s-1", "x", None, "fenced")["action"],
                         {"code": "x", "extract": "fenced"})


if __name__ == "__main__":
    unittest.main()
