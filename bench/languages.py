#!/usr/bin/env python3
"""Per-language cost of grading (issue 14): first compile, cached compile and per-run cost of
every language defined in languages/, each against the plain toolchain run outside the
sandbox in the same run. Ratios, not absolute targets. Python standard library only.

    python3 bench/languages.py [--build-dir DIR] [--programs N] [--tests K] [--languages a,b]
                               [--markdown FILE]

For each language: N distinct honest programs (a sum of two numbers from stdin; distinct by a
comment, so every compile is a new compile-cache key) and one task with K stdio tests.

- plain: each program compiled by the definition's own command in a fresh folder (Go with an
  empty GOCACHE), then run K times with each test's stdin, no sandbox, one at a time;
- first: `proctor grade --jobs 1` of the N submissions with an empty compile cache
  ($PROCTOR_COMPILE_CACHE of its own): per submission, one compile and K sandboxed runs;
- cached: the same N submissions again, the cache now holding every binary;
- per run: what one more test costs, from two cached gradings with K and 1 tests:
  (cached(K) - cached(1)) / (K - 1) per submission.

Seconds of `proctor grade` are its own grading loop (the summary's `seconds`: without start-up
and pack loading). Prints a markdown table on stdout (and to --markdown FILE).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# A sum of two numbers from stdin per language; {n} makes each program distinct.
PROGRAMS = {
    "python": "# program {n}\na, b = map(int, input().split())\nprint(a + b)\n",
    "bash": "# program {n}\nread -r a b\necho $((a + b))\n",
    "c": "/* program {n} */\n#include <stdio.h>\nint main(void) {{ long long a, b;\n"
         "  if (scanf(\"%lld %lld\", &a, &b) != 2) return 1;\n  printf(\"%lld\\n\", a + b);\n"
         "  return 0; }}\n",
    "cpp": "// program {n}\n#include <iostream>\nint main() {{ long long a, b; std::cin >> a >> b;\n"
           "  std::cout << a + b << \"\\n\"; }}\n",
    "go": "// program {n}\npackage main\n\nimport \"fmt\"\n\nfunc main() {{\n\tvar a, b int64\n"
          "\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}}\n",
    "rust": "// program {n}\nuse std::io::Read;\nfn main() {{ let mut s = String::new();\n"
            "  std::io::stdin().read_to_string(&mut s).unwrap();\n"
            "  let v: i64 = s.split_whitespace().map(|x| x.parse::<i64>().unwrap()).sum();\n"
            "  println!(\"{{}}\", v); }}\n",
    "java": "// program {n}\nimport java.util.Scanner;\npublic class Main {{\n"
            "  public static void main(String[] args) {{ Scanner in = new Scanner(System.in);\n"
            "    long a = in.nextLong(), b = in.nextLong(); System.out.println(a + b); }} }}\n",
    "javascript": "// program {n}\nconst [a, b] = require('fs').readFileSync(0, 'utf8').trim()"
                  ".split(/\\s+/).map(BigInt);\nconsole.log((a + b).toString());\n",
    "typescript": "// program {n}\nimport * as fs from 'fs';\nconst [a, b]: bigint[] = fs.readFileSync(0, "
                  "'utf8').trim().split(/\\s+/).map((x: string) => BigInt(x));\n"
                  "console.log((a + b).toString());\n",
}

GO = "/usr/lib/go-1.19/bin/go"
JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"


def plain_steps(language, work):
    """(source file, compile argv or None, run argv, extra env): the definition's commands."""
    if language == "python":
        return "solution.py", None, ["/usr/bin/python3", "-I", "-B", "-X", "int_max_str_digits=0",
                                     "solution.py"], {}
    if language == "bash":
        return "solution.sh", None, ["/usr/bin/bash", "solution.sh"], {}
    if language == "c":
        return "solution.c", ["/usr/bin/gcc", "-std=c17", "-O2", "-pipe", "-pthread", "-o",
                              "solution", "solution.c", "-lm"], ["./solution"], {}
    if language == "cpp":
        return "solution.cpp", ["/usr/bin/g++", "-std=c++20", "-O2", "-pipe", "-pthread", "-o",
                                "solution", "solution.cpp"], ["./solution"], {}
    if language == "go":
        env = {"GO111MODULE": "off", "GOPATH": os.path.join(work, "gopath"),
               "GOCACHE": os.path.join(work, "gocache"), "HOME": work, "GOFLAGS": ""}
        return "main.go", [GO, "build", "-o", "main", "main.go"], ["./main"], env
    if language == "rust":
        return "main.rs", ["/usr/bin/rustc", "-O", "--edition", "2021", "-o", "main",
                           "main.rs"], ["./main"], {}
    if language == "java":
        return "Main.java", [JAVA_HOME + "/bin/javac", "-encoding", "UTF-8", "Main.java"], \
            [JAVA_HOME + "/bin/java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ".",
             "Main"], {}
    if language == "javascript":
        return "solution.js", None, ["/usr/bin/node", "solution.js"], {}
    if language == "typescript":
        tsc = os.path.join(ROOT, "tools", "typescript", "node_modules", "typescript", "bin", "tsc")
        return "solution.ts", ["/usr/bin/node", tsc, "--outDir", ".", "--target", "es2020",
                               "--module", "commonjs", "--types", "node", "--typeRoots",
                               os.path.join(ROOT, "tools", "typescript", "node_modules", "@types"),
                               "solution.ts"], ["/usr/bin/node", "solution.js"], {}
    return None


def defined_languages():
    names = []
    for f in sorted(os.listdir(os.path.join(ROOT, "languages"))):
        if f.endswith(".yaml"):
            names.append(f[:-5])
    return names


def p50(xs):
    return statistics.median(xs) if xs else float("nan")


def measure_plain(language, programs, tests):
    """Compile seconds and per-run seconds (lists) of the plain toolchain, no sandbox."""
    compiles, runs = [], []
    for i, code in enumerate(programs):
        work = tempfile.mkdtemp(prefix="proctor-bench-lang-")
        try:
            source, compile_argv, run_argv, env = plain_steps(language, work)
            full_env = dict(os.environ, PATH="/usr/bin:/bin", **env)
            with open(os.path.join(work, source), "w") as f:
                f.write(code)
            if compile_argv:
                t = time.monotonic()
                p = subprocess.run(compile_argv, cwd=work, env=full_env, capture_output=True)
                compiles.append(time.monotonic() - t)
                if p.returncode != 0:
                    raise SystemExit(f"plain {language} compile failed: {p.stderr.decode()[:2000]}")
            for a, b in tests:
                t = time.monotonic()
                p = subprocess.run(run_argv, cwd=work, env=full_env, input=f"{a} {b}\n".encode(),
                                   capture_output=True)
                runs.append(time.monotonic() - t)
                if p.stdout.decode().strip() != str(a + b):
                    raise SystemExit(f"plain {language} printed {p.stdout[:200]!r} for {a} {b}: "
                                     f"{p.stderr.decode()[:500]}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return compiles, runs


def write_pack(folder, language, tests):
    os.makedirs(os.path.join(folder, "tasks"), exist_ok=True)
    with open(os.path.join(folder, "pack.yaml"), "w") as f:
        f.write("name: bench-languages\nversion: \"1\"\n"
                "defaults:\n  limits: {wall_seconds: 10, cpu_seconds: 5, memory_mb: 512}\n")
    lines = ["id: sum", "prompt: Print the sum of two numbers.", f"languages: [{language}]",
             "tests:"]
    for a, b in tests:
        lines.append(f"  - {{stdio: {{stdin: \"{a} {b}\\n\", expected_stdout: \"{a + b}\\n\"}}}}")
    with open(os.path.join(folder, "tasks", "sum.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def grade(proctor, pack, submissions_file, cache_dir, expected):
    """The grading loop's seconds of `proctor grade --jobs 1`; every reward must be 1.0."""
    summary = submissions_file + ".summary.json"
    env = dict(os.environ, PROCTOR_COMPILE_CACHE=cache_dir)
    p = subprocess.run([proctor, "grade", "--pack", pack, "--submissions", submissions_file,
                        "--jobs", "1", "--summary-json", summary], capture_output=True, env=env)
    rewards = []
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        if "task_id" in r:
            rewards.append(r.get("reward"))
            if r.get("reward") != 1.0:
                raise SystemExit(f"wrong reward: {line[:3000]}")
    if len(rewards) != expected:
        raise SystemExit(f"{len(rewards)} results for {expected} submissions: "
                         f"{p.stderr.decode()[-3000:]}")
    with open(summary) as f:
        return json.load(f)["seconds"]


def measure_proctor(proctor, language, programs, tests, work):
    pack_k, pack_1 = os.path.join(work, "pack-k"), os.path.join(work, "pack-1")
    write_pack(pack_k, language, tests)
    write_pack(pack_1, language, tests[:1])
    subs = os.path.join(work, "submissions.jsonl")
    with open(subs, "w") as f:
        for code in programs:
            f.write(json.dumps({"task_id": "sum", "language": language, "code": code}) + "\n")
    cache = os.path.join(work, "cache")
    os.makedirs(cache)
    n = len(programs)
    first = grade(proctor, pack_k, subs, cache, n) / n
    cached_k = grade(proctor, pack_k, subs, cache, n) / n
    cached_1 = grade(proctor, pack_1, subs, cache, n) / n
    per_run = (cached_k - cached_1) / (len(tests) - 1)
    return first, cached_k, per_run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--programs", type=int, default=5)
    ap.add_argument("--tests", type=int, default=10)
    ap.add_argument("--languages", default="")
    ap.add_argument("--markdown", default="")
    args = ap.parse_args()
    proctor = os.path.join(args.build_dir, "proctor")
    languages = args.languages.split(",") if args.languages else defined_languages()
    tests = [(i * 7919 + 1, i * 104729 - 3) for i in range(args.tests)]
    rows, failed = [], []
    for language in languages:
        if language not in PROGRAMS:
            print(f"{language}: no benchmark program written, skipped", file=sys.stderr)
            continue
        programs = [PROGRAMS[language].format(n=f"{os.getpid()}-{time.time_ns()}-{i}")
                    for i in range(args.programs)]
        print(f"{language}: plain toolchain ...", file=sys.stderr, flush=True)
        work = tempfile.mkdtemp(prefix="proctor-bench-lang-")
        try:
            compiles, runs = measure_plain(language, programs, tests)
            print(f"{language}: proctor grade ...", file=sys.stderr, flush=True)
            first, cached, per_run = measure_proctor(proctor, language, programs, tests, work)
        except SystemExit as e:  # a wrong reward or a broken toolchain: no figures, said so
            print(f"{language}: FAILED: {e}", file=sys.stderr)
            failed.append((language, str(e).splitlines()[0][:300]))
            continue
        finally:
            shutil.rmtree(work, ignore_errors=True)
        plain_compile = p50(compiles) if compiles else 0.0
        plain_run = p50(runs)
        plain_sub = plain_compile + len(tests) * plain_run
        rows.append((language, plain_compile, plain_run, plain_sub, first, cached, per_run))

    k = len(tests)
    out = [f"{args.programs} distinct programs per language, {k} stdio tests each; `proctor grade "
           f"--jobs 1` (the grading loop's seconds), plain toolchain one at a time, same run.", "",
           f"| language | plain compile s (p50) | plain run ms (p50) | plain compile + {k} runs s "
           f"| first: compile + {k} tests s/sub | first / plain | cached: {k} tests s/sub | "
           f"cached / plain {k} runs | per run ms | per run / plain run |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for language, pc, pr, ps, first, cached, per_run in rows:
        plain_runs = k * pr
        out.append(f"| {language} | {pc:.2f} | {pr * 1000:.1f} | {ps:.2f} | {first:.2f} | "
                   f"{first / ps:.2f}x | {cached:.3f} | {cached / plain_runs:.2f}x | "
                   f"{per_run * 1000:.1f} | {per_run / pr:.2f}x |")
    for language, why in failed:
        out.append(f"| {language} | not measured: {why} |||||||||")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()}",
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
