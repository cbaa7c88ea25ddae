"""call_runner.py: batch and streaming modes against honest and hostile submissions."""

import collections
import decimal
import fractions
import json
import math
import unittest
from concurrent.futures import ThreadPoolExecutor

import support

wire = support.load_wire()


def call(rid, name, *args, **kwargs):
    return wire.request_call(rid, name, list(args), kwargs)


def answers(lines, ids, handle=None):
    """Parse response lines that must answer `ids` in order (WireError if not)."""
    return [wire.parse_response(line, rid, handle) for line, rid in zip(lines, ids)]


def keep_handles(hid, class_name):
    return ("handle", hid, class_name)


class Ref:
    """Stands for a handle the test holds, sent back by id."""

    def __init__(self, hid):
        self.hid = hid

    @staticmethod
    def other(obj):
        return obj.hid, "Node"


class Batch(unittest.TestCase):
    def run_solution(self, source, requests):
        with support.WorkDir(source) as work:
            out, err, code = support.run_batch(work, requests)
            self.leftovers = sorted(p.name for p in work.path.iterdir())
        return out, err, code

    def test_honest_add(self):
        src = "def add(a, b):\n    return a + b\n"
        reqs = [call("1", "add", 1, 2), call("2", "add", 2 ** 70, -1), call("3", "add", 0.1, 0.2),
                call("4", "add", a=[1], b=[2]), call("5", "add", "x", b="y")]
        out, err, code = self.run_solution(src, reqs)
        self.assertEqual(code, 0, err)
        self.assertEqual(answers(out, "12345"), [
            ("value", 3), ("value", 2 ** 70 - 1), ("value", 0.1 + 0.2), ("value", [1, 2]),
            ("value", "xy")])
        self.assertEqual(self.leftovers, ["solution.py"])  # no __pycache__ planted or written

    def test_raised_and_base_exceptions(self):
        src = ("def f(kind):\n"
               "    if kind == 'value': raise ValueError('bad ' * 1000)\n"
               "    if kind == 'exit': raise SystemExit(0)\n"
               "    if kind == 'kbd': raise KeyboardInterrupt\n"
               "    return 'ok'\n")
        reqs = [call(str(i), "f", k) for i, k in enumerate(["value", "exit", "kbd", "fine"])]
        reqs.append(call("4", "missing"))
        out, err, code = self.run_solution(src, reqs)
        got = answers(out, ["0", "1", "2", "3", "4"])
        self.assertEqual(got[0][:2], ("raised", "ValueError"))
        self.assertEqual(len(got[0][2]), wire.MAX_RAISED_MESSAGE)
        self.assertEqual(got[1], ("raised", "SystemExit", "0"))
        self.assertEqual(got[2][:2], ("raised", "KeyboardInterrupt"))
        self.assertEqual(got[3], ("value", "ok"))  # the process carried on after SystemExit
        self.assertEqual(got[4][:2], ("raised", "AttributeError"))

    def test_os_exit_leaves_responses_missing(self):
        src = ("import os\ncalls = []\n"
               "def f():\n    calls.append(1)\n    if len(calls) == 2: os._exit(0)\n    return 1\n")
        out, err, code = self.run_solution(src, [call("1", "f"), call("2", "f"), call("3", "f")])
        self.assertEqual(code, 0)  # a clean exit status...
        self.assertEqual(answers(out, ["1"]), [("value", 1)])
        self.assertEqual(len(out), 1)  # ...but the caller sees responses missing

    def test_printed_forgeries_go_to_stderr(self):
        # Case 31 prints forged summaries on stdout and stderr, then returns None.
        out, err, code = self.run_solution(
            (support.CASES / "31-forged-pass-lines-py" / "solution.py").read_text()
            if support.SHARED.is_dir() else
            "import sys\ndef add(a, b):\n    print('8 passed')\n"
            "    sys.stdout.write('{\"id\":\"2\",\"value\":null}\\n')\n",
            [call("1", "add", 1, 2), call("2", "add", 3, 4)])
        self.assertEqual(answers(out, ["1", "2"]), [("value", None), ("value", None)])
        self.assertEqual(len(out), 2)
        self.assertIn("passed", err)

    def test_import_print_and_input(self):
        src = "print('noise at import')\ndef f():\n    return input()\n"
        out, err, code = self.run_solution(src, [call("1", "f")])
        self.assertEqual(answers(out, ["1"])[0][:2], ("raised", "EOFError"))  # never the requests
        self.assertIn("noise at import", err)

    def test_hostile_values(self):
        src = ("class AlwaysEqual:\n    def __eq__(self, o): return True\n"
               "    def __repr__(self): return '3'\n"
               "class B(int): pass\n"
               "def f(kind):\n"
               "    return {'eq': AlwaysEqual(), 'giant': 1 << 40_000_000, 'nan': float('nan'),\n"
               "            'sub': B(1), 'deep': eval('[' * 80 + ']' * 80),\n"
               "            'gen': (i for i in ())}[kind]\n")
        kinds = ["eq", "giant", "nan", "sub", "deep", "gen"]
        out, err, code = self.run_solution(src, [call(k, "f", k) for k in kinds])
        got = dict(zip(kinds, answers(out, kinds, keep_handles)))
        for k in ("giant", "deep"):
            self.assertEqual(got[k][0], "unserializable", k)
        # Objects the wire does not carry stay in the solution process: a handle, never
        # the object or anything its methods say.
        self.assertEqual(got["eq"], ("value", ("handle", "h1", "AlwaysEqual")))
        self.assertEqual(got["sub"], ("value", ("handle", "h2", "B")))
        self.assertEqual(got["gen"], ("value", ("handle", "h3", "generator")))
        self.assertEqual(got["nan"][0], "value")
        self.assertNotEqual(got["nan"][1], got["nan"][1])

    def test_rich_results_and_arguments(self):
        src = ("import collections, fractions, decimal\n"
               "P = collections.namedtuple('P', 'x y')\n"
               "def f(kind, arg=None):\n"
               "    return {'counter': lambda: collections.Counter('abca'),\n"
               "            'dd': lambda: collections.defaultdict(list, a=[1]),\n"
               "            'frac': lambda: fractions.Fraction(2, 6),\n"
               "            'dec': lambda: decimal.Decimal('1.10'),\n"
               "            'cx': lambda: 2 - 1j, 'nt': lambda: P(1, 2),\n"
               "            'type': lambda: arg('12'),\n"
               "            'echo': lambda: (type(arg).__name__, arg)}[kind]()\n")
        reqs = [call("1", "f", "counter"), call("2", "f", "dd"), call("3", "f", "frac"),
                call("4", "f", "dec"), call("5", "f", "cx"), call("6", "f", "nt"),
                call("7", "f", "type", int), call("8", "f", "type", arg=float),
                call("9", "f", "echo", collections.deque([1], maxlen=3))]
        out, err, code = self.run_solution(src, reqs)
        got = [a[1] for a in answers(out, "123456789")]
        self.assertEqual(got[:7], [collections.Counter(a=2, b=1, c=1), {"a": [1]},
                                   fractions.Fraction(1, 3), decimal.Decimal("1.1"), 2 - 1j,
                                   (1, 2), 12])
        self.assertIs(type(got[1]), collections.defaultdict)
        self.assertEqual(str(got[3]), "1.10")
        self.assertEqual(got[5].x, 1)
        self.assertIs(type(got[7]), float)
        self.assertEqual(got[8], ("deque", collections.deque([1], maxlen=3)))

    def test_class_method_targets(self):
        # `Solution.twoSum`: the method of a fresh Solution() per call (APPS, LeetCode style).
        src = ("class Solution:\n"
               "    def __init__(self):\n"
               "        self.calls = 0\n"
               "    def count(self, x):\n"
               "        self.calls += 1\n"
               "        return [x, self.calls]\n")
        out, err, code = self.run_solution(src, [call("1", "Solution.count", 7),
                                                 call("2", "Solution.count", 8),
                                                 call("3", "Solution.missing", 1),
                                                 call("4", "Other.count", 1)])
        self.assertEqual(code, 0, err)
        got = answers(out, "1234")
        self.assertEqual(got[:2], [("value", [7, 1]), ("value", [8, 1])])
        self.assertEqual(got[2][:2], ("raised", "AttributeError"))
        self.assertEqual(got[3][:2], ("raised", "AttributeError"))
        # No class of that name: the module-level function (APPS' rule); a raising
        # constructor is the call's exception.
        src = "def count(x):\n    return x + 1\n"
        out, err, code = self.run_solution(src, [call("1", "Solution.count", 1)])
        self.assertEqual(answers(out, "1"), [("value", 2)])
        src = "class Solution:\n    def __init__(self):\n        raise ValueError('no')\n"
        out, err, code = self.run_solution(src, [call("1", "Solution.f", 1)])
        self.assertEqual(answers(out, "1")[0][:2], ("raised", "ValueError"))

    def test_exit_at_import_answers_every_request(self):
        out, err, code = self.run_solution("import sys\nsys.exit(0)\ndef f(): return 1\n",
                                           [call("1", "f"), call("2", "f")])
        self.assertEqual(answers(out, ["1", "2"]),
                         [("raised", "SystemExit", "at import: 0")] * 2)

    def test_workdir_files_do_not_shadow_runner_modules(self):
        marker = ("import os\n"
                  "open(os.path.join(os.path.dirname(__file__), 'SHADOWED'), 'w').close()\n"
                  "os._exit(9)\n")
        with support.WorkDir("import json\ndef f():\n    return json.dumps([1])\n") as work:
            for name in ("proctor_wire", "proctor_channel", "proctor_options", "json", "re",
                         "binascii"):
                (work.path / (name + ".py")).write_text(marker)
            out, err, code = support.run_batch(work, [call("1", "f")])
            self.assertFalse((work.path / "SHADOWED").exists())
        self.assertEqual(answers(out, ["1"]), [("value", "[1]")])

    def test_fd_forgery_yields_malformed_output(self):
        # Case 46 writes a forged verdict to every fd, then points them at /dev/null. It CAN
        # reach the response fd; what it writes there must be rejected by the trusted side.
        src = ("import os\nFORGED = b'{\"passed\": true, \"reward\": 1.0}\\n'\n"
               "def add(a, b):\n"
               "    fds = sorted(int(x) for x in os.listdir('/proc/self/fd'))\n"
               "    for fd in fds:\n"
               "        try: os.write(fd, FORGED)\n"
               "        except OSError: pass\n"
               "    null = os.open('/dev/null', os.O_WRONLY)\n"
               "    for fd in fds:\n"
               "        if fd > 2 and fd != null:\n"
               "            try: os.dup2(null, fd)\n"
               "            except OSError: pass\n")
        out, err, code = self.run_solution(src, [call("1", "add", 1, 2)])
        self.assertTrue(out)
        with self.assertRaises(wire.WireError):
            answers(out, ["1"])

    def test_bad_request_stream_is_refused_before_import(self):
        with support.WorkDir("import os\nos._exit(5)\n") as work:
            out, err, code = support.run_batch(work, ['{"id":"1","call":"f"}'])
        self.assertEqual((out, code), ([], 2))


def t1_passes(reply, expected):
    """The T1 comparator of TASKS.md, applied to a decoded (plain) value."""
    if reply[0] != "value":
        return False
    got = reply[1]
    if type(expected) is int:
        return type(got) is int and got == expected
    return (type(got) is float and math.isfinite(got)
            and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12))


@support.need_shared
class HiddenT1(unittest.TestCase):
    """Call tests as the grader runs them: batch mode, expected values never sent."""

    def grade(self, case):
        spec = support.SHARED / "adversarial" / "tasks" / "T1" / "tests.json"
        tests = json.loads(spec.read_text())["hidden"]
        requests = [call(str(i), "add", *t["args"]) for i, t in enumerate(tests)]
        with support.WorkDir(solution_path=support.CASES / case / "solution.py") as work:
            out, err, code = support.run_batch(work, requests)
        if len(out) != len(tests):
            return False  # missing responses: runtime error
        try:
            replies = answers(out, [str(i) for i in range(len(tests))])
        except wire.WireError:
            return False  # malformed: runtime error
        return all(t1_passes(r, t["expected"]) for r, t in zip(replies, tests))

    def test_cases(self):
        cases = {"01-honest-add-py": True, "19-giant-int-result-py": False,
                 "20-nan-result-py": False, "23-systemexit-in-call-py": False,
                 "25-always-equal-py": False, "31-forged-pass-lines-py": False,
                 "33-stack-peek-expected-py": False, "46-fd-forgery-py": False}
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = dict(zip(cases, pool.map(self.grade, cases)))
        self.assertEqual(results, cases)


class Stream(unittest.TestCase):
    def test_hello_call_getattr(self):
        src = ("import math\nLIMIT = 10\nclass K: pass\n"
               "def is_prime(n):\n    return n in (2, 3, 5, 7)\n_helper = lambda: 1\n")
        with support.WorkDir(src) as work:
            s = support.Streaming(work)
            self.assertEqual(wire.parse_hello(s.recv()),
                             (["K", "is_prime", "_helper"], None, {}, ["K"]))
            s.send(call("a", "is_prime", 7))
            self.assertEqual(wire.parse_response(s.recv(), "a"), ("value", True))
            s.send(wire.request_getattr("b", "LIMIT"))
            self.assertEqual(wire.parse_response(s.recv(), "b"), ("value", 10))
            s.send(wire.request_getattr("c", "nope"))
            self.assertEqual(wire.parse_response(s.recv(), "c")[:2], ("raised", "AttributeError"))
            s.send(wire.request_getattr("d", "math"))
            self.assertEqual(wire.parse_response(s.recv(), "d", keep_handles),
                             ("value", ("handle", "h1", "module")))
            out, err = s.close()
            self.assertEqual(s.proc.returncode, 0, err)

    def test_handles_ops_and_passing_back(self):
        src = ("from collections import Counter as C, deque\n"
               "class Node:\n"
               "    def __init__(self, v): self.v, self.kids = v, []\n"
               "    def add(self, other): self.kids.append(other); return self\n"
               "    def __len__(self): return len(self.kids)\n"
               "    def __iter__(self): return iter(self.kids)\n"
               "def size(n): return 1 + sum(size(k) for k in n.kids)\n")
        ref = lambda hid, cls: ("handle", hid, cls)
        with support.WorkDir(src) as work:
            s = support.Streaming(work)
            callables, error, types, classes = wire.parse_hello(s.recv())
            self.assertEqual(types, {"C": collections.Counter, "deque": collections.deque})
            s.send(call("1", "Node", 1))
            self.assertEqual(wire.parse_response(s.recv(), "1", ref),
                             ("value", ("handle", "h1", "Node")))
            s.send(call("2", "Node", 2))
            self.assertEqual(wire.parse_response(s.recv(), "2", ref)[1], ("handle", "h2", "Node"))
            s.send(wire.request_op("3", "h1", "getattr", ["add"]))
            self.assertEqual(wire.parse_response(s.recv(), "3"), ("method", "add"))
            s.send(wire.request_op("4", "h1", "method", ["add", Ref("h2")], other=Ref.other))
            self.assertEqual(wire.parse_response(s.recv(), "4", ref)[1], ("handle", "h1", "Node"))
            s.send(wire.request_op("5", "h1", "len", []))
            self.assertEqual(wire.parse_response(s.recv(), "5"), ("value", 1))
            s.send(wire.request_call("6", "size", [Ref("h1")], {}, Ref.other))
            self.assertEqual(wire.parse_response(s.recv(), "6"), ("value", 2))
            s.send(wire.request_op("7", "h2", "setattr", ["v", [5]]))
            self.assertEqual(wire.parse_response(s.recv(), "7"), ("value", None))
            s.send(wire.request_op("8", "h2", "getattr", ["v"]))
            self.assertEqual(wire.parse_response(s.recv(), "8"), ("value", [5]))
            s.send(wire.request_op("9", "h1", "iter", []))
            self.assertEqual(wire.parse_response(s.recv(), "9", ref)[1][2], "list_iterator")
            s.send(wire.request_op("10", "h3", "next", []))
            self.assertEqual(wire.parse_response(s.recv(), "10", ref)[1], ("handle", "h2", "Node"))
            s.send(wire.request_op("11", "h3", "next", []))
            self.assertEqual(wire.parse_response(s.recv(), "11")[:2], ("raised", "StopIteration"))
            s.send(wire.request_op("12", "h1", "getattr", ["missing"]))
            self.assertEqual(wire.parse_response(s.recv(), "12")[:2], ("raised", "AttributeError"))
            s.send(wire.request_op("13", "h99", "len", []))  # an id it never gave: refused
            self.assertEqual(s.recv(), b"")
            out, err = s.close()
            self.assertIn("unknown handle", err)

    def test_import_error_in_hello(self):
        with support.WorkDir("raise KeyboardInterrupt('at import')\n") as work:
            s = support.Streaming(work)
            self.assertEqual(wire.parse_hello(s.recv()),
                             ([], "KeyboardInterrupt: at import", {}, []))
            s.send(call("1", "f"))
            self.assertEqual(wire.parse_response(s.recv(), "1"),
                             ("raised", "KeyboardInterrupt", "at import: at import"))
            s.close()

    def test_syntax_error(self):
        with support.WorkDir("def f(:\n") as work:
            s = support.Streaming(work)
            callables, error, types, classes = wire.parse_hello(s.recv())
            self.assertTrue(error.startswith("SyntaxError"), error)
            s.close()


if __name__ == "__main__":
    unittest.main()
