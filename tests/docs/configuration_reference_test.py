"""docs/configuration.md documents every key `proctor serve --config` accepts and every flag
`proctor serve --help` lists, and nothing that does not exist: the reference cannot silently
fall behind harness/config.cc or the command line."""

import os
import pathlib
import re
import subprocess
import tempfile
import unittest

SOURCE = pathlib.Path(__file__).resolve().parents[2]
PROCTOR = os.environ["PROCTOR_BINARY"]
DOC = (SOURCE / "docs" / "configuration.md").read_text()


def section(title):
    """The text of the '## title' section of the reference."""
    start = DOC.index("## " + title + "\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end if end != -1 else len(DOC)]


def first_column(text, pattern):
    """The first cells of table rows, matched with `pattern` (one group)."""
    return {m.group(1) for m in re.finditer(r"^\| " + pattern + r" \|", text, re.M)}


class ConfigurationReference(unittest.TestCase):
    def test_every_config_key_the_server_accepts_is_documented(self):
        with tempfile.TemporaryDirectory() as d:
            config = pathlib.Path(d, "server.yaml")
            config.write_text("no_such_key: 1\n")
            run = subprocess.run([PROCTOR, "serve", "--config", str(config)],
                                 capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 2, run.stderr)
        expected = re.search(r"unknown key 'no_such_key' \(expected ([^)]*)\)", run.stderr)
        self.assertIsNotNone(expected, run.stderr)
        accepted = {k.strip() for k in expected.group(1).split(",")}
        self.assertGreaterEqual(len(accepted), 10, accepted)
        documented = first_column(section("The config file"), r"`([a-z_]+)`")
        self.assertEqual(documented, accepted)

    def test_every_serve_flag_is_documented(self):
        run = subprocess.run([PROCTOR, "serve", "--help"], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        flags = set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", run.stdout, re.M))
        self.assertIn("--config", flags)
        self.assertIn("--pack", flags)
        documented = first_column(section("The flags"), r"`(--[a-z-]+)[^`]*`")
        self.assertEqual(documented, flags)


if __name__ == "__main__":
    unittest.main()
