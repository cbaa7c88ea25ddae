"""pack.yaml `python_packages` through the real `proctor` binary and the real sandbox.

A pack that declares python3-numpy grades a numpy reference 1.0 and names the package with its
dpkg version in every result; the same pack without the key cannot import numpy; a package
that is not installed, or a name that is not a python3-* package, is a load error at its
file:line:col; `proctor pack deps` lists what a pack needs.

usage: python3 python_packages_test.py PROCTOR_BINARY
"""

import json
import os
import subprocess
import sys
import unittest

PROCTOR = sys.argv[1] if len(sys.argv) > 1 else "proctor"
HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = ("import sys\nimport numpy as np\n\ndef dot(a, b):\n"
             "    return int(np.dot(np.array(a), np.array(b)))\n\n"
             "if __name__ == \"__main__\":\n"
             "    rows = [list(map(int, l.split())) for l in sys.stdin.read().splitlines()]\n"
             "    print(dot(rows[0], rows[1]))\n")


def pack(name):
    return os.path.join(HERE, name)


def run(*args, stdin=""):
    return subprocess.run([PROCTOR, *args], input=stdin, capture_output=True, text=True,
                          timeout=300, check=False)


def grade(pack_name, code):
    line = json.dumps({"task_id": "dot", "language": "python", "code": code}) + "\n"
    out = run("grade", "--pack", pack(pack_name), "--submissions", "-", "--no-progress",
              stdin=line)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[0])


def dpkg_version(package):
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True,
                          text=True, check=True).stdout


class PythonPackagesTest(unittest.TestCase):

    def test_declared_numpy_is_importable_and_listed_in_the_result(self):
        result = grade("numpy_pack", REFERENCE)
        self.assertEqual(result["reward"], 1.0, result)
        self.assertEqual([t["verdict"] for t in result["tests"]], ["passed", "passed", "passed"])
        packages = {p["name"]: p["version"] for p in result["pack"]["python_packages"]}
        self.assertEqual(packages["python3-numpy"], dpkg_version("python3-numpy"))

    def test_pack_check_proves_the_numpy_pack(self):
        out = run("pack", "check", pack("numpy_pack"), "--runs", "1")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_without_the_key_numpy_cannot_be_imported(self):
        result = grade("stdlib_pack", REFERENCE)
        self.assertEqual(result["reward"], 0.0, result)
        self.assertNotIn("python_packages", result["pack"])
        stdio = result["tests"][0]
        self.assertEqual(stdio["verdict"], "runtime_error", result)
        # python3-numpy also puts one folder under /usr/lib/python3.11/dist-packages, which
        # the interpreter's own bind shows: there `import numpy` finds an empty namespace
        # package, and the first use of numpy fails instead of the import.
        self.assertRegex(stdio["feedback"]["stderr_tail"],
                         "ModuleNotFoundError: No module named 'numpy'|"
                         "AttributeError: module 'numpy' has no attribute 'dot'")

    def test_the_pack_sees_its_packages_and_nothing_else_of_dist_packages(self):
        probe = grade("numpy_pack", "import os\nprint(sorted(os.listdir("
                      "'/usr/lib/python3/dist-packages')))\n")
        self.assertEqual(probe["tests"][0]["feedback"]["got"],
                         "['numpy', 'numpy-1.24.2.egg-info', 'pkg_resources']\n")

    def test_a_package_not_installed_is_a_load_error_at_its_position(self):
        out = run("pack", "check", pack("absent_pack"))
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn(pack("absent_pack") + "/pack.yaml:4:34: python package "
                      "\"python3-proctor-never-installed\" is not installed; install it with: "
                      "apt-get install --no-install-recommends python3-proctor-never-installed",
                      out.stderr + out.stdout)

    def test_a_name_that_is_not_a_python3_package_is_a_load_error_at_its_position(self):
        out = run("pack", "check", pack("bad_name_pack"))
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn(pack("bad_name_pack") + "/pack.yaml:5:5: python_packages item \"numpy\" "
                      "is not a Debian Python 3 package name", out.stderr + out.stdout)

    def test_pack_deps_lists_the_packages_and_the_missing_ones(self):
        out = run("pack", "deps", pack("numpy_pack"))
        self.assertEqual((out.returncode, out.stdout), (0, "python3-numpy\n"), out.stderr)
        out = run("pack", "deps", pack("absent_pack"))
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stdout, "python3-numpy\npython3-proctor-never-installed\n")
        self.assertIn("not installed: python3-proctor-never-installed", out.stderr)
        self.assertEqual(run("pack", "deps", pack("stdlib_pack")).stdout, "")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
