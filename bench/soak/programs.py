"""The honest and wrong programs the soak sends, each with the reward it must get.

Honest programs are the packs' reference solutions (copied here, or read from the pack's own
files), so they must score 1.0. Wrong programs must score exactly 0.0: for packs scored
`all_or_nothing` a plausible wrong solution of the pack (it fails one hidden test); for tasks
scored by `fraction` one that fails every test (a plausible one would get a partial reward).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@dataclass(frozen=True)
class Program:
    pack: str
    task_id: str
    language: str
    code: str
    reward: float  # the exact reward it must get
    label: str     # for messages: "basics/gcd honest"

    def submission(self) -> dict:
        return {"code": self.code, "language": self.language}

    def variant(self, tag: str) -> "Program":
        """The same program made distinct by a trailing comment (a compile-cache miss for C++,
        a distinct submission for deduplication); the reward is unchanged."""
        comment = "// " if self.language == "cpp" else "# "
        return Program(self.pack, self.task_id, self.language,
                       self.code + f"\n{comment}soak variant {tag}\n", self.reward,
                       f"{self.label} variant")


def _read(*parts: str) -> str:
    with open(os.path.join(SOURCE, *parts), encoding="utf-8") as f:
        return f.read()


def _honest(pack, task, language, code):
    return Program(pack, task, language, code, 1.0, f"{pack}/{task} {language} honest")


def _wrong(pack, task, language, code):
    return Program(pack, task, language, code, 0.0, f"{pack}/{task} {language} wrong")


SUM_PY = "import sys\n\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n"
SUM_CPP = ("#include <cstdio>\n\nint main() {\n    long long a, b;\n"
           "    if (std::scanf(\"%lld %lld\", &a, &b) != 2) return 1;\n"
           "    std::printf(\"%lld\\n\", a + b);\n    return 0;\n}\n")


def python_programs() -> List[Program]:
    """(honest, wrong) pairs flattened: Python tasks of basics, adversarial and soak."""
    return [
        _honest("basics", "gcd", "python",
                "def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n"
                "        a, b = b, a % b\n    return a\n"),
        _wrong("basics", "gcd", "python", "def gcd(a, b):\n    return None\n"),
        _honest("basics", "vowels", "python",
                "def vowels(s):\n    return set(s.lower()) & set(\"aeiou\")\n"),
        _wrong("basics", "vowels", "python", "def vowels(s):\n    return None\n"),
        _honest("basics", "leap-year", "python",
                "import sys\n\nfor token in sys.stdin.read().split():\n    y = int(token)\n"
                "    print(\"yes\" if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else \"no\")\n"),
        _wrong("basics", "leap-year", "python", "print(\"maybe\")\n"),
        _honest("basics", "fizzbuzz", "python",
                "n = int(input())\nfor i in range(1, n + 1):\n    if i % 15 == 0:\n"
                "        print(\"FizzBuzz\")\n    elif i % 3 == 0:\n        print(\"Fizz\")\n"
                "    elif i % 5 == 0:\n        print(\"Buzz\")\n    else:\n        print(i)\n"),
        _wrong("basics", "fizzbuzz", "python",  # all_or_nothing: stops one short
               "n = int(input())\nfor i in range(1, n):\n"
               "    print(\"FizzBuzz\" if i % 15 == 0 else \"Fizz\" if i % 3 == 0 else\n"
               "          \"Buzz\" if i % 5 == 0 else i)\n"),
        _honest("adversarial", "T1", "python", _read("tasks", "adversarial", "tasks", "T1",
                                                     "reference.py")),
        _wrong("adversarial", "T1", "python",  # all_or_nothing: truncates floats
               "def add(a, b):\n    return int(a) + int(b)\n"),
        _honest("adversarial", "T2", "python", _read("tasks", "adversarial", "tasks", "T2",
                                                     "reference.py")),
        _wrong("adversarial", "T2", "python",  # all_or_nothing: reads only the first line
               "a, b = map(int, input().split())\nprint(a + b)\n"),
        _honest("adversarial", "T3", "python", _read("tasks", "adversarial", "tasks", "T3",
                                                     "reference.py")),
        _wrong("adversarial", "T3", "python",  # all_or_nothing: 0 and 1 come out prime
               "def is_prime(n):\n    for i in range(2, int(n ** 0.5) + 1):\n"
               "        if n % i == 0:\n            return False\n    return True\n"),
        _honest("soak", "sum", "python", SUM_PY),
        _wrong("soak", "sum", "python",
               "import sys\n\na, b = map(int, sys.stdin.read().split())\nprint(a - b)\n"),
    ]


def cpp_programs() -> List[Program]:
    """C++ programs sent again and again: after their first grading, compile-cache hits."""
    return [
        _honest("basics", "count-bits", "cpp",
                "int popcount64(unsigned long long x) {\n    int count = 0;\n"
                "    while (x != 0) {\n        x &= x - 1;\n        ++count;\n    }\n"
                "    return count;\n}\n"),
        _wrong("basics", "count-bits", "cpp",  # all_or_nothing: the 32-bit builtin
               "int popcount64(unsigned long long x) { return __builtin_popcount(x); }\n"),
        _honest("adversarial", "T4", "cpp", _read("tasks", "adversarial", "tasks", "T4",
                                                  "reference.cpp")),
        _wrong("adversarial", "T4", "cpp",  # all_or_nothing: int overflows
               "#include <iostream>\n\nint main() {\n    int a, b;\n    std::cin >> a >> b;\n"
               "    std::cout << a + b << \"\\n\";\n    return 0;\n}\n"),
        _honest("soak", "sum", "cpp", SUM_CPP),
        _wrong("soak", "sum", "cpp",  # all_or_nothing: int overflows on the large test
               "#include <cstdio>\n\nint main() {\n    int a, b;\n"
               "    if (std::scanf(\"%d %d\", &a, &b) != 2) return 1;\n"
               "    std::printf(\"%d\\n\", a + b);\n    return 0;\n}\n"),
    ]


def cpp_miss_base() -> Program:
    """The program whose variants are compile-cache misses: the cheapest compile (<cstdio>)."""
    return _honest("soak", "sum", "cpp", SUM_CPP)


# Env episodes (codegen-v0 and repair-v0 over basics): (task, honest, wrong) in Python.
def env_tasks() -> List[tuple]:
    progs = {(p.task_id, p.reward): p for p in python_programs() if p.pack == "basics"}
    return [(task, progs[(task, 1.0)], progs[(task, 0.0)])
            for task in ("gcd", "vowels", "fizzbuzz", "leap-year")]


# What deadline-expired and cancelled requests grade: never finishes within its deadline.
SPIN = "while True:\n    pass\n"
