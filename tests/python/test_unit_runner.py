"""unit_runner.py + call_runner.py: the harness decides outcomes in its own process."""

import tempfile
import textwrap
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import support

T3_NAMES = ["test_small_primes", "test_small_composites", "test_below_two",
            "test_large_prime", "test_large_composite", "test_carmichael_numbers"]
# No sandbox here: case 32 writes fake reports at fixed paths, and only its "/tmp" is not
# already under the work dir (cwd, HOME and TMPDIR are), so that literal is redirected.
CONTAINED = {"32-forged-report-files-py": '"/tmp"'}


def case_work(case):
    source = (support.CASES / case / "solution.py").read_text()
    if case in CONTAINED:
        literal = CONTAINED[case]
        assert literal in source, "case %s changed; review its containment" % case
        work = support.WorkDir()
        source = source.replace(literal, repr(str(work.path)))
        (work.path / "solution.py").write_text(source)
        return work
    return support.WorkDir(source)


def parallel(fn, items):
    # Each item is two subprocesses that mostly wait on each other: run a few at once.
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


def write(dir_, name, text):
    path = Path(dir_) / name
    path.write_text(textwrap.dedent(text))
    return path


@support.need_shared
class HiddenT3(unittest.TestCase):
    HOSTILE = ["21-sys-exit-at-import-py", "22-os-exit-in-test-py", "24-keyboardinterrupt-py",
               "26-pytest-report-patch-py", "29-unittest-monkeypatch-py",
               "32-forged-report-files-py", "44-ctypes-exit-group-py", "48-proc-self-mem-exit-py"]

    @classmethod
    def setUpClass(cls):
        cases = ["03-honest-isprime-py"] + cls.HOSTILE
        cls.reports = dict(zip(cases, parallel(cls.run_case, cases)))

    @staticmethod
    def run_case(case):
        with case_work(case) as work:
            return support.run_unit(work, "pytest", support.T3_TESTS)

    def test_honest_control_passes(self):
        report = self.reports["03-honest-isprime-py"]
        self.assertEqual(report.collected, T3_NAMES, report)
        self.assertTrue(report.all_passed(), report)

    def test_hostile_cases_never_pass(self):
        for case in self.HOSTILE:
            with self.subTest(case=case):
                report = self.reports[case]
                self.assertTrue(report.done, report)  # the harness always completes its report
                self.assertEqual(report.collected, T3_NAMES, report)
                self.assertEqual(sorted(report.outcomes), sorted(T3_NAMES), report)
                self.assertFalse(report.all_passed(), report)

    def test_crash_marks_every_test_as_error(self):
        for case in ("22-os-exit-in-test-py", "44-ctypes-exit-group-py",
                     "32-forged-report-files-py"):
            report = self.reports[case]
            self.assertEqual(set(report.outcomes.values()), {"error"}, report)
            self.assertIn("crashed", report.messages["test_carmichael_numbers"])

    def test_import_exit_is_reported(self):
        report = self.reports["21-sys-exit-at-import-py"]
        self.assertEqual(set(report.outcomes.values()), {"error"}, report)
        self.assertIn("SystemExit", report.messages["test_small_primes"])

    def test_patching_frameworks_in_the_solution_changes_nothing(self):
        for case in ("26-pytest-report-patch-py", "29-unittest-monkeypatch-py"):
            report = self.reports[case]
            self.assertEqual(report.outcomes["test_small_primes"], "failed", report)
            self.assertIn("assert is_prime(p) is True", report.messages["test_small_primes"])
            self.assertEqual(report.outcomes["test_below_two"], "passed", report)


@support.need_shared
class HumanEval(unittest.TestCase):
    IDS = ["HumanEval/12", "HumanEval/32", "HumanEval/38", "HumanEval/107"]

    @classmethod
    def setUpClass(cls):
        cls.problems, cls.wrong = support.humaneval_problems()

    def test_canonical_passes_and_wrong_fails(self):
        p = self.problems
        good = parallel(lambda t: support.run_humaneval(p[t], p[t]["canonical_solution"]), self.IDS)
        bad = parallel(lambda t: support.run_humaneval(p[t], self.wrong[t]), self.IDS)
        for tid, report in zip(self.IDS, good):
            with self.subTest(task=tid, solution="canonical"):
                self.assertEqual(report.collected, ["check"], report)
                self.assertTrue(report.all_passed(), report)
        for tid, report in zip(self.IDS, bad):
            with self.subTest(task=tid, solution="wrong"):
                self.assertTrue(report.done, report)
                self.assertEqual(report.outcomes.get("check"), "failed", report)

    def test_prompt_helpers_stay_trusted(self):
        # A solution redefining poly() to make every root look right must still fail:
        # check() uses the prompt's poly, not the solution's.
        problem = self.problems["HumanEval/32"]
        completion = "    return 0.0\n\n\ndef poly(xs, x):\n    return 0.0\n"
        report = support.run_humaneval(problem, completion)
        self.assertEqual(report.outcomes.get("check"), "failed", report)


class Modes(unittest.TestCase):
    """Synthetic tests that need no shared corpus."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="proctor-tests-")
        self.dir = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    SOLUTION = textwrap.dedent("""\
        import os
        SCALE = 3
        def triple(x):
            return x * SCALE
        def check_positive(n):
            if n < 0:
                raise ValueError("negative")
            return n
        def oops():
            raise AssertionError("raised by the solution")
        def sneaky():
            class AlwaysEqual:
                def __eq__(self, other): return True
            return AlwaysEqual()
        def die():
            os._exit(0)
        def slow():
            import time
            time.sleep(30)
        """)

    def run_mode(self, mode, tests, extra=(), solution=None):
        path = write(self.dir, "tests.py", tests)
        with support.WorkDir(solution or self.SOLUTION) as work:
            return support.run_unit(work, mode, path, extra=extra)

    def test_pytest_mode_functions_classes_and_exception_mapping(self):
        report = self.run_mode("pytest", """\
            import solution
            from solution import triple, check_positive, oops, sneaky, SCALE

            def helper():
                return 1

            def test_value():
                assert triple(2) == 6 and SCALE == 3 and solution.SCALE == 3

            def test_wrong():
                assert triple(2) == 7, "two times three"

            def test_expected_exception():
                try:
                    check_positive(-1)
                except ValueError as exc:
                    assert "negative" in str(exc)
                else:
                    assert False, "no exception"

            def test_solution_assertion_is_an_error():
                oops()

            def test_always_equal():
                assert sneaky() == 1

            class TestGroup:
                def setup_method(self, method):
                    self.base = triple(1)

                def test_in_class(self):
                    assert self.base == 3

            class TestWithInit:
                def __init__(self, x):
                    pass

                def test_never_collected(self):
                    pass
            """)
        self.assertEqual(report.collected, [
            "test_value", "test_wrong", "test_expected_exception",
            "test_solution_assertion_is_an_error", "test_always_equal", "TestGroup::test_in_class"],
            report)
        self.assertEqual(report.outcomes, {
            "test_value": "passed", "test_wrong": "failed", "test_expected_exception": "passed",
            "test_solution_assertion_is_an_error": "error", "test_always_equal": "failed",
            "TestGroup::test_in_class": "passed"}, report)
        self.assertIn("two times three", report.messages["test_wrong"])
        # The AlwaysEqual object stayed in the solution; its handle equals only itself.
        self.assertIn("assert sneaky() == 1", report.messages["test_always_equal"])
        self.assertTrue(report.done)

    def test_solution_test_functions_are_not_collected(self):
        report = self.run_mode("pytest", """\
            from solution import *

            def test_real():
                assert triple(1) == 4
            """, solution=self.SOLUTION + "def test_forged():\n    return None\n")
        self.assertEqual(report.outcomes, {"test_real": "failed"}, report)

    def test_solution_cannot_shadow_builtins_used_by_tests(self):
        shadows = ("def abs(x):\n    return 0\n"
                   "def isinstance(*args):\n    return True\n")
        tests = """\
            # --- test: close
            assert abs(triple(1) - 4) < 1e-9
            # --- test: type
            assert isinstance(triple("a"), int)
            """
        report = self.run_mode("asserts", tests, solution=self.SOLUTION + shadows)
        self.assertEqual(report.outcomes, {"close": "failed", "type": "failed"}, report)
        report = self.run_mode("pytest", "from solution import *\n"
                               "def test_close():\n    assert abs(triple(1) - 4) < 1e-9\n",
                               solution=self.SOLUTION + shadows)
        self.assertEqual(report.outcomes, {"test_close": "failed"}, report)

    def test_missing_name_is_a_collection_error(self):
        report = self.run_mode("pytest", "from solution import nope\ndef test_x():\n    pass\n")
        self.assertEqual(report.collected, [], report)
        self.assertIn("nope", report.collect_error)
        self.assertTrue(report.done)

    def test_asserts_mode(self):
        report = self.run_mode("asserts", """\
            data = [1, 2]
            # --- test: doubles
            assert triple(data[0]) == 3
            data.append(99)  # must not leak into the next test
            # --- test: list
            assert triple(data) == [1, 2] * 3, triple(data)
            # --- test: fails
            assert triple(1) == 4
            # --- test: raises
            check_positive(-5)
            """)
        self.assertEqual(report.collected, ["doubles", "list", "fails", "raises"], report)
        self.assertEqual([report.outcomes[n] for n in report.collected],
                         ["passed", "passed", "failed", "error"], report)
        self.assertIn("tests.py:8: assert triple(1) == 4", report.messages["fails"])
        self.assertIn("ValueError: negative", report.messages["raises"])

    def test_crash_mid_run_even_if_a_test_swallows_it(self):
        report = self.run_mode("asserts", """\
            # --- test: before
            assert triple(1) == 3
            # --- test: swallowed
            try:
                die()
            except Exception:
                pass
            # --- test: after
            assert True
            """)
        self.assertEqual([report.outcomes[n] for n in report.collected],
                         ["passed", "error", "error"], report)
        self.assertIn("not run", report.messages["after"])

    def test_call_timeout(self):
        report = self.run_mode("asserts",
                               "# --- test: slow\nslow()\n# --- test: next\nassert True\n",
                               extra=["--call-timeout", "0.5"])
        self.assertEqual(report.outcomes, {"slow": "error", "next": "error"}, report)
        self.assertIn("no answer within", report.messages["slow"])

    def test_garbage_instead_of_hello(self):
        # Print a forged line on the response channel before hello: the harness must refuse it.
        solution = ("import os\nfor fd in sorted(int(x) for x in os.listdir('/proc/self/fd')):\n"
                    "    try: os.write(fd, b'{\"collected\": [\"check\"]}\\n')\n"
                    "    except OSError: pass\n"
                    "def triple(x):\n    return 3 * x\n")
        report = self.run_mode("asserts", "# --- test: t\nassert True\n", solution=solution)
        self.assertEqual(report.outcomes, {"t": "error"}, report)
        self.assertIn("bad hello", report.messages["t"])


if __name__ == "__main__":
    unittest.main()


class RichValuesAndHandles(unittest.TestCase):
    """Values beyond plain data reach the test as real standard-library objects, other
    objects of the solution as handles that the solution can never make compare equal."""

    SOLUTION = textwrap.dedent("""\
        import collections
        from collections import Counter, OrderedDict, defaultdict, deque, namedtuple
        from decimal import Decimal
        from fractions import Fraction

        Point = namedtuple("Point", "x y")

        def letters(s): return Counter(s)
        def by_length(words):
            d = defaultdict(list)
            for w in words:
                d[len(w)].append(w)
            return d
        def ordered(): return OrderedDict([("b", 1), ("a", 2)])
        def window(xs): return deque(xs, maxlen=2)
        def ratio(a, b): return Fraction(a, b)
        def price(): return Decimal("1.10")
        def root(): return 1j
        def point(): return Point(3, 4)
        def frozen(): return frozenset({1, 2})
        def raw(): return bytearray(b"ab")
        def convert(kind, text): return kind(text)
        def error_kind(): return ValueError

        class Node:
            def __init__(self, val, left=None, right=None):
                self.val, self.left, self.right = val, left, right
            def insert(self, v):
                side = "left" if v < self.val else "right"
                child = getattr(self, side)
                if child is None:
                    setattr(self, side, Node(v))
                else:
                    child.insert(v)
                return self
            def inorder(self):
                out = self.left.inorder() if self.left else []
                return out + [self.val] + (self.right.inorder() if self.right else [])
            def __len__(self):
                return len(self.inorder())
            def __iter__(self):
                return iter(self.inorder())

        def bst(values):
            root = Node(values[0])
            for v in values[1:]:
                root.insert(v)
            return root
        def depth(node):
            return 0 if node is None else 1 + max(depth(node.left), depth(node.right))
        """)

    HOSTILE = textwrap.dedent("""\
        import collections

        class Counter(dict):  # named like the real one
            def __eq__(self, other): return True
            __hash__ = None

        class AlwaysEqual:
            def __eq__(self, other): return True
            def __bool__(self): return True
            def passed(self): return AlwaysEqual()
            def verdict(self): return "passed"

        class Str(str):
            def __eq__(self, other): return True

        class Sub(collections.Counter):
            def __eq__(self, other): return True

        def letters(s): return Counter()
        def sub_letters(s): return Sub()
        def result(): return AlwaysEqual()
        def text(): return Str("nope")
        """)

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="proctor-tests-")
        self.dir = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def run_mode(self, mode, tests, solution, **kwargs):
        path = write(self.dir, "tests.py", tests)
        with support.WorkDir(solution) as work:
            return support.run_unit(work, mode, path, **kwargs)

    def test_every_type_compares_as_python_does(self):
        report = self.run_mode("pytest", """\
            import collections
            from decimal import Decimal
            from fractions import Fraction
            from solution import *

            def test_counter():
                assert letters("abca") == collections.Counter(a=2, b=1, c=1)
                assert letters("ab") == {"a": 1, "b": 1}
                assert letters("abca").most_common(1) == [("a", 2)]
            def test_defaultdict():
                d = by_length(["a", "bb", "c"])
                assert d == {1: ["a", "c"], 2: ["bb"]}
                assert isinstance(d, defaultdict) and d[7] == []
            def test_ordereddict():
                assert ordered() == collections.OrderedDict([("b", 1), ("a", 2)])
                assert ordered() != collections.OrderedDict([("a", 2), ("b", 1)])
            def test_deque():
                assert window([1, 2, 3]) == collections.deque([2, 3])
                assert window([]).maxlen == 2
            def test_numbers():
                assert ratio(2, 4) == Fraction(1, 2) == 0.5
                assert price() == Decimal("1.1") and str(price()) == "1.10"
                assert root() ** 2 == -1
            def test_namedtuple():
                p = point()
                assert p == (3, 4) and p.x == 3 and p._asdict() == {"x": 3, "y": 4}
            def test_frozenset_and_bytearray():
                assert frozen() == {1, 2} and type(frozen()) is frozenset
                assert raw() == b"ab" and type(raw()) is bytearray
            def test_types_as_arguments_and_results():
                assert convert(int, "5") == 5 and convert(float, "2") == 2.0
                assert error_kind() is ValueError
                assert convert(Decimal, "0.1") == Decimal("0.1")
            """, self.SOLUTION)
        self.assertTrue(report.all_passed(), report)
        self.assertEqual(len(report.collected), 8, report)

    def test_solution_objects_through_handles(self):
        report = self.run_mode("humaneval", """\
            def check(candidate):
                root = candidate([5, 3, 8, 1])
                assert root.val == 5 and root.left.val == 3 and root.left.left.val == 1
                assert root.inorder() == [1, 3, 5, 8]
                assert len(root) == 4 and list(root) == [1, 3, 5, 8] and 8 in list(root)
                assert depth(root) == 3              # a handle passed back as an argument
                root.right.right = Node(9)           # built by the test through the proxy
                assert root.inorder() == [1, 3, 5, 8, 9] and depth(root) == 3
                root.val = 4
                assert root.val == 4
                assert root.left == root.left and root.left != root.right  # ids, not __eq__
                assert {root: 1}[root] == 1
                assert root.right.left is None
            """, self.SOLUTION, entry="bst",
            prompt=write(self.dir, "prompt.py", "from solution import Node, depth\n"))
        self.assertTrue(report.all_passed(), report)

    def test_forgeries_fail(self):
        report = self.run_mode("pytest", """\
            import collections
            from solution import letters, sub_letters, result, text

            def test_class_named_counter():
                assert letters("aab") == collections.Counter(a=2, b=1)
            def test_counter_subclass_with_eq():
                assert sub_letters("aab") == collections.Counter(a=2, b=1)
            def test_handle_where_a_value_is_expected():
                assert result() == 42
            def test_reflected_comparison():
                assert collections.Counter(a=1) == letters("a")
            def test_lying_method():
                assert result().passed() == True
            def test_method_returning_the_right_plain_value():
                assert result().verdict() == "passed"   # a real str: this one may pass
            def test_str_subclass():
                assert text() == "yes"
            def test_never_an_object_here():
                r = result()
                assert type(r).__name__ == "Handle" and (r == r) and not (r == 1)
                assert r.__eq__(1) is False
            """, self.HOSTILE)
        self.assertTrue(report.done, report)
        self.assertEqual(report.outcomes, {
            "test_class_named_counter": "failed", "test_counter_subclass_with_eq": "failed",
            "test_handle_where_a_value_is_expected": "failed",
            "test_reflected_comparison": "failed", "test_lying_method": "failed",
            "test_method_returning_the_right_plain_value": "passed",
            "test_str_subclass": "failed", "test_never_an_object_here": "passed"}, report)

    def test_operators_run_in_the_solution_but_equality_never_does(self):
        report = self.run_mode("pytest", """\
            from solution import Vector

            def test_arithmetic_and_conversions():
                v = Vector(1, 2) + Vector(3, 4)
                assert (v.x, v.y) == (4, 6) and str(v) == "Vector(4, 6)"
                w = 2 * Vector(1, 5) - Vector(1, 1)
                assert (w.x, w.y) == (1, 9) and abs(Vector(3, 4)) == 5.0
                assert (-w).x == -1 and int(Vector(7, 0)) == 7 and float(Vector(2, 0)) == 2.0
            def test_equal_vectors_are_not_equal_handles():
                # Vector.__eq__ is the solution's: it is never asked.
                assert Vector(1, 2) == Vector(1, 2)
            def test_ordering_is_not_forwarded():
                try:
                    Vector(1, 2) < Vector(3, 4)
                except TypeError:
                    pass
                else:
                    assert False
            """, textwrap.dedent("""\
            class Vector:
                def __init__(self, x, y): self.x, self.y = x, y
                def __add__(self, o): return Vector(self.x + o.x, self.y + o.y)
                def __sub__(self, o): return Vector(self.x - o.x, self.y - o.y)
                def __rmul__(self, k): return Vector(k * self.x, k * self.y)
                def __neg__(self): return Vector(-self.x, -self.y)
                def __abs__(self): return (self.x ** 2 + self.y ** 2) ** 0.5
                def __int__(self): return self.x
                def __float__(self): return float(self.x)
                def __eq__(self, o): return True
                def __lt__(self, o): return True
                def __str__(self): return "Vector(%d, %d)" % (self.x, self.y)
            """))
        self.assertEqual(report.outcomes, {
            "test_arithmetic_and_conversions": "passed",
            "test_equal_vectors_are_not_equal_handles": "failed",
            "test_ordering_is_not_forwarded": "passed"}, report)

    def test_dataclass_results_compare_by_their_fields(self):
        report = self.run_mode("pytest", """\
            from solution import Person, parse, oldest

            def test_equal_fields():
                assert parse("Ada,36") == Person("Ada", 36)
                assert [p.name for p in sorted([Person("b", 1), Person("a", 2)])] == ["a", "b"]
                assert oldest([Person("a", 1), Person("b", 5)]) == Person("b", 5)
            def test_unequal_fields():
                assert parse("Ada,36") == Person("Ada", 37)
            """, textwrap.dedent("""\
            from dataclasses import dataclass

            @dataclass(order=True)
            class Person:
                name: str
                age: int

            def parse(text):
                name, age = text.split(",")
                return Person(name, int(age))

            def oldest(people):
                return max(people, key=lambda p: p.age)
            """))
        self.assertEqual(report.outcomes, {"test_equal_fields": "passed",
                                           "test_unequal_fields": "failed"}, report)

    def test_isinstance_with_the_solutions_classes(self):
        report = self.run_mode("asserts", """\
            from solution import Node, Leaf, make, VERSION
            n = make()
            assert isinstance(n, Node) and not isinstance(n, Leaf)
            assert isinstance(Leaf(), Node) and isinstance(Leaf(), (int, Leaf))
            assert not isinstance(3, Node) and Node.KIND == "node" and Node.describe() == "N"
            assert VERSION == 2 and repr(Node) == "<class Node of the solution>"
            """, textwrap.dedent("""\
            class Node:
                KIND = "node"
                @staticmethod
                def describe(): return "N"
            class Leaf(Node):
                pass
            def make(): return Node()
            VERSION = 2
            """))
        self.assertTrue(report.all_passed(), report)

    def test_handle_sent_where_the_solution_expects_a_value(self):
        # The handle arrives as the solution's own object: nothing for it to forge there.
        report = self.run_mode("asserts", """\
            # --- test: echo
            assert kind_of(make()) == "Thing"
            # --- test: test_objects_do_not_cross_to_the_solution
            try:
                kind_of(object())
            except Exception as exc:
                assert "cannot send" in str(exc)
            else:
                assert False
            """, "class Thing: pass\ndef make(): return Thing()\n"
                 "def kind_of(x): return type(x).__name__\n")
        self.assertTrue(report.all_passed(), report)


class ObjectsOfTheTestsClasses(unittest.TestCase):
    """LeetCode style: the prompt (trusted, run by the harness) defines ListNode and TreeNode
    and builds the inputs; they are copied into the solution process as instances of the
    solution's classes of those names, and the results come back as handles."""

    PROMPT = textwrap.dedent("""\
        class ListNode:
            def __init__(self, val=0, next=None):
                self.val, self.next = val, next

        class TreeNode:
            def __init__(self, val=0, left=None, right=None):
                self.val, self.left, self.right = val, left, right

        class GraphNode:
            def __init__(self, val, neighbors=None):
                self.val, self.neighbors = val, neighbors or []

        def list_node(values):
            head = None
            for v in reversed(values):
                head = ListNode(v, head)
            return head

        def to_list(node):
            out = []
            while node is not None:
                out.append(node.val)
                node = node.next
            return out

        def is_same_tree(p, q):
            if p is None or q is None:
                return p is None and q is None
            return p.val == q.val and is_same_tree(p.left, q.left) and is_same_tree(p.right, q.right)
        """)

    COMPLETION = textwrap.dedent("""\

        def reverse_list(head):
            prev = None
            while head:
                head.next, prev, head = prev, head, head.next
            return prev

        def mirror(root):
            if root is None:
                return None
            return TreeNode(root.val, mirror(root.right), mirror(root.left))

        def degree_sum(node):
            seen, stack, total = set(), [node], 0
            while stack:
                n = stack.pop()
                if id(n) in seen:
                    continue
                seen.add(id(n))
                total += len(n.neighbors)
                stack.extend(n.neighbors)
            return total

        def class_of(x):
            return type(x).__name__, type(x).__module__
        """)

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="proctor-tests-")
        self.dir = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def check(self, tests, entry, solution=None):
        prompt = write(self.dir, "prompt.py", self.PROMPT)
        path = write(self.dir, "tests.py", tests)
        with support.WorkDir(solution or self.PROMPT + self.COMPLETION) as work:
            return support.run_unit(work, "humaneval", path, prompt=prompt, entry=entry)

    def test_linked_list_of_any_length(self):
        report = self.check("""\
            def check(candidate):
                assert to_list(candidate(list_node([1, 2, 3]))) == [3, 2, 1]
                assert candidate(None) is None
                long = list(range(3000))  # far deeper than the wire's nesting cap
                assert to_list(candidate(list_node(long))) == long[::-1]
                head = list_node([1, 2])
                candidate(head)
                assert to_list(head) == [1, 2]  # a copy went: the harness's list is unchanged
            """, "reverse_list")
        self.assertTrue(report.all_passed(), report)

    def test_tree_results_compared_by_trusted_code(self):
        report = self.check("""\
            def check(candidate):
                t = TreeNode(1, TreeNode(2, TreeNode(4)), TreeNode(3))
                assert is_same_tree(candidate(t), TreeNode(1, TreeNode(3), TreeNode(2, None, TreeNode(4))))
                assert not is_same_tree(candidate(t), t)
            """, "mirror")
        self.assertTrue(report.all_passed(), report)

    def test_cycles_and_shared_nodes(self):
        report = self.check("""\
            from solution import class_of

            def check(candidate):
                a, b, c = GraphNode(1), GraphNode(2), GraphNode(3)
                a.neighbors, b.neighbors, c.neighbors = [b, c], [a, c], [a, b]
                assert candidate(a) == 6
                assert class_of(a) == ("GraphNode", "solution")
            """, "degree_sum")
        self.assertTrue(report.all_passed(), report)

    def test_without_the_class_the_solution_gets_a_plain_object_of_that_name(self):
        report = self.check("""\
            from solution import class_of

            def check(candidate):
                assert to_list(candidate(list_node([1, 2]))) == [2, 1]
                assert class_of(ListNode()) == ("ListNode", "harness")
            """, "reverse_list", solution=self.COMPLETION)
        self.assertTrue(report.all_passed(), report)

    def test_wrong_solution_fails(self):
        report = self.check("""\
            def check(candidate):
                assert to_list(candidate(list_node([1, 2, 3]))) == [3, 2, 1]
            """, "reverse_list", solution=self.PROMPT + "def reverse_list(head):\n    return head\n")
        self.assertEqual(report.outcomes, {"check": "failed"}, report)
