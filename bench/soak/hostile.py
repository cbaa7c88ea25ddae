"""Hostile submissions: the soak's own set (bench/soak/hostile/, graded against the soak pack's
tight limits) and, when present, the shared corpus (../shared/adversarial/cases, graded
against tasks/adversarial with the corpus' own limits).

Every hostile submission must score exactly 0.0 (the corpus' honest controls 1.0), never be
ungradeable, and for the soak's own set the first counted test that did not pass must have one
of the verdicts listed below.
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))

# file -> verdicts its first failing test may have (docs/results.md's verdict words).
OWN: Dict[str, FrozenSet[str]] = {
    "fork_bomb.py": frozenset({"time_limit", "runtime_error"}),
    "fork_bomb.cpp": frozenset({"time_limit", "runtime_error"}),
    "memory_bomb.py": frozenset({"memory_limit", "runtime_error"}),
    "memory_touch.cpp": frozenset({"memory_limit", "runtime_error"}),
    "stdout_flood.py": frozenset({"output_limit"}),
    "stderr_flood.py": frozenset({"output_limit"}),
    "infinite_loop.py": frozenset({"time_limit"}),
    "infinite_loop.cpp": frozenset({"time_limit"}),
    "thread_bomb.py": frozenset({"time_limit", "runtime_error"}),
    "survivor.py": frozenset({"wrong_answer", "time_limit"}),
    "kill_everything.py": frozenset({"wrong_answer", "runtime_error"}),
    "net_escape.py": frozenset({"wrong_answer"}),
    "file_escape.py": frozenset({"wrong_answer"}),
    "fd_and_disk.py": frozenset({"wrong_answer", "runtime_error"}),
}


@dataclass(frozen=True)
class Hostile:
    pack: str
    task_id: str
    language: str
    code: str
    reward: float
    label: str
    verdicts: Optional[FrozenSet[str]] = None  # None: the reward alone is checked
    slow: bool = False  # expected to run into a time limit of the corpus' limits (seconds)

    def submission(self) -> dict:
        return {"code": self.code, "language": self.language}


@dataclass
class Templates:
    """What the soak fills into its own hostile programs."""
    values: Dict[str, str] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        for key, value in self.values.items():
            text = text.replace(f"@{key}@", value)
        return text


def own_set(templates: Templates) -> List[Hostile]:
    out = []
    for name, verdicts in sorted(OWN.items()):
        path = os.path.join(HERE, "hostile", name)
        with open(path, encoding="utf-8") as f:
            code = templates.fill(f.read())
        left = re.search(r"@[A-Z_]+@", code)
        if left:
            raise SystemExit(f"{path}: {left.group(0)} is not filled in by the soak")
        language = "cpp" if name.endswith(".cpp") else "python"
        out.append(Hostile("soak", "sum", language, code, 0.0, f"hostile/{name}", verdicts))
    return out


def corpus_dir() -> str:
    shared = os.environ.get("PROCTOR_SHARED_DIR", os.path.join(SOURCE, "..", "shared"))
    return os.path.join(shared, "adversarial")


def corpus() -> List[Hostile]:
    """The shared corpus' cases (task T1-T4 of tasks/adversarial), or [] when it is absent."""
    out = []
    for case_dir in sorted(glob.glob(os.path.join(corpus_dir(), "cases", "*"))):
        try:
            with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
                case = json.load(f)
            language = case["language"]
            solution = os.path.join(case_dir,
                                    "solution.cpp" if language == "cpp" else "solution.py")
            with open(solution, encoding="utf-8") as f:
                code = f.read()
        except (OSError, KeyError, ValueError) as error:
            raise SystemExit(f"{case_dir}: unreadable corpus case: {error}")
        notes = case.get("expect", {}).get("notes", "")
        slow = "TIME_LIMIT" in notes and case.get("category") != "honest"
        out.append(Hostile("adversarial", case["task"], language, code,
                           float(case["expect"]["reward"]),
                           f"corpus/{os.path.basename(case_dir)}", None, slow))
    return out
