#!/usr/bin/env python3
"""Measurement, not a test (ctest never runs it): compile time of N distinct programs that
include <bits/stdc++.h>, with and without the precompiled header.

    python3 tests/grading/pch_speed.py [--build build] [--n 10] [--kind small|stl]

1. g++ on the host, the sandboxed compile's flags: plain vs -I<pch dir> (the default store);
2. end to end: `proctor run --language cpp` (sandboxed compile, compile cache off) with
   PROCTOR_PCH_CACHE=off vs the default store; the compile's own wall and CPU seconds come
   from the run's JSON (CPU is the cgroup's, so a busy machine does not inflate it).
"""
import argparse, glob, json, os, random, resource, subprocess, sys, tempfile, time

FLAGS = ["-std=c++20", "-O2", "-pipe", "-pthread"]
# "small": the shape of most stdio solutions; "stl": sorting and containers (more templates
# to instantiate and optimize, which the PCH does not save).
SMALL = """#include <bits/stdc++.h>
using namespace std;
// distinct program %(i)d: %(r)d
int main() {
  long long a, b;
  cin >> a >> b;
  cout << a + b * %(i)d << "\\n";
}
"""
STL = """#include <bits/stdc++.h>
using namespace std;
// distinct program %(i)d: %(r)d
int main() {
  vector<long long> v;
  for (long long x; cin >> x;) v.push_back(x * %(i)d);
  sort(v.begin(), v.end());
  map<long long, int> seen; set<long long> s(v.begin(), v.end());
  for (auto x : v) seen[x %% %(m)d]++;
  cout << accumulate(v.begin(), v.end(), 0LL) << ' ' << seen.size() << ' ' << s.size() << '\\n';
}
"""


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def host(files, extra, out):
    t0, c0 = time.monotonic(), children_cpu()
    for i, f in enumerate(files):
        subprocess.run(["g++", *extra, *FLAGS, "-o", f"{out}{i}", f], check=True)
    return time.monotonic() - t0, children_cpu() - c0


def proctor(binary, files, stdin, env):
    wall = cpu = 0.0
    t0 = time.monotonic()
    for f in files:
        out = subprocess.run([binary, "run", "--language", "cpp", f, "--stdin", stdin],
                             env=env, capture_output=True, text=True)
        j = json.loads(out.stdout)
        assert j["status"] == "ok" and j["compile"]["status"] == "ok", out.stdout[:2000]
        wall += j["compile"]["wall_seconds"]
        cpu += j["compile"]["cpu_seconds"]
    return wall, cpu, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--kind", choices=["small", "stl"], default="stl")
    a = ap.parse_args()
    binary = os.path.join(a.build, "proctor")
    with tempfile.TemporaryDirectory(prefix="proctor-pch-speed-") as work:
        files = []
        for i in range(a.n):
            path = os.path.join(work, f"p{i}.cpp")
            with open(path, "w") as fh:
                fh.write((SMALL if a.kind == "small" else STL) % {"i": i + 1, "r": random.getrandbits(48), "m": i + 7})
            files.append(path)
        stdin = os.path.join(work, "in.txt")
        with open(stdin, "w") as fh:
            fh.write("3 1 2\n")
        env_off = dict(os.environ, PROCTOR_COMPILE_CACHE="off", PROCTOR_PCH_CACHE="off")
        env_on = dict(os.environ, PROCTOR_COMPILE_CACHE="off")
        env_on.pop("PROCTOR_PCH_CACHE", None)
        # Warm up: the first use builds the PCH (once).
        t0 = time.monotonic()
        proctor(binary, files[:1], stdin, env_on)
        print(f"first use (builds the PCH when absent): {time.monotonic() - t0:.1f} s")
        gch = glob.glob("/var/cache/proctor/pch/*/bits/stdc++.h.gch")
        assert gch, "no PCH was built"
        pch_dir = os.path.dirname(os.path.dirname(gch[0]))
        probe = subprocess.run(["g++", f"-I{pch_dir}", *FLAGS, "-H", "-Winvalid-pch", "-o",
                                os.path.join(work, "probe"), files[0]],
                               capture_output=True, text=True)
        print("g++ -H:", probe.stderr.splitlines()[0])
        with open("/proc/loadavg") as fh:
            load = " ".join(fh.read().split()[:3])
        print(f"load {load}, {os.cpu_count()} cores, {a.n} distinct {a.kind} programs\n")
        rows = {}
        rows["g++ plain (host)"] = host(files, [], os.path.join(work, "a"))
        rows["g++ with PCH (host)"] = host(files, [f"-I{pch_dir}"], os.path.join(work, "b"))
        w, c, _ = proctor(binary, files, stdin, env_off)
        rows["proctor run, PCH off"] = (w, c)
        w, c, _ = proctor(binary, files, stdin, env_on)
        rows["proctor run, PCH on"] = (w, c)
        print(f"{'per compile':28} {'wall s':>8} {'cpu s':>8}")
        for k, (w, c) in rows.items():
            print(f"{k:28} {w / a.n:8.3f} {c / a.n:8.3f}")
        for plain, pch in (("g++ plain (host)", "g++ with PCH (host)"),
                           ("proctor run, PCH off", "proctor run, PCH on")):
            print(f"speedup {pch:24} wall {rows[plain][0] / rows[pch][0]:5.2f}x"
                  f"  cpu {rows[plain][1] / rows[pch][1]:5.2f}x")


if __name__ == "__main__":
    sys.exit(main())
