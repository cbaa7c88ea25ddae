#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ from the repository's own messages and
packs (docs/fuzzing.md). Standard library only; run from anywhere:

    python3 fuzz/make_seeds.py

Wire values are encoded by the real encoder (grader/python/proctor_wire.py); task files and
value literals come from tasks/; JSON-RPC lines and HTTP requests are the shapes of
docs/protocol.md; keeper messages are the fields EncodeRequest/EncodeReply write
(sandbox/keeper_protocol.cc), a request in CBOR as nlohmann::json::to_cbor writes it.
Existing seed files are replaced; files the fuzzer added elsewhere are not touched.
"""

import collections
import dataclasses
import decimal
import fractions
import hashlib
import json
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
sys.path.insert(0, os.path.join(ROOT, "grader", "python"))
import proctor_wire  # noqa: E402


def write(target, seeds):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.startswith("seed-"):
            os.remove(os.path.join(folder, old))
    for data in seeds:
        if isinstance(data, str):
            data = data.encode("utf-8")
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print("%-24s %3d seeds" % (target, len(seeds)))


Point = collections.namedtuple("Point", "x y")


@dataclasses.dataclass(frozen=True, order=True)
class Pair:
    a: int
    b: str


WIRE_VALUES = [
    None, True, False, 0, -12, 2 ** 200, -(3 ** 90), 0.1, -0.0, 1e300, float("nan"),
    float("inf"), float("-inf"), "", "héllo\n\"wörld\"\t\u2603", "\x00\x7f", b"", b"\x00\xff",
    [], [1, [2, [3, []]]], (), (1, "a"), {1, 2}, set(), frozenset({"x"}), {},
    {"a": 1, (1, 2): [3], None: {True: b"x"}}, bytearray(b"ab"), complex(1, -2),
    fractions.Fraction(-1, 2), decimal.Decimal("1.10"), decimal.Decimal("-Infinity"),
    decimal.Decimal("NaN"), decimal.Decimal("-1E+5"), collections.Counter("abca"),
    collections.OrderedDict([("b", 1), ("a", 2)]), collections.defaultdict(list, {1: [2]}),
    collections.defaultdict(None), collections.deque([1, 2], maxlen=3),
    collections.deque(["x"]), Point(1, 2), Pair(1, "b"), int, ValueError,
    collections.Counter, [[[[[[[[[[1]]]]]]]]]], list(range(20)),
]


def wire_seeds():
    seeds = [proctor_wire.encode(v) for v in WIRE_VALUES]
    seeds.append('{"handle": {"id": "h1", "class": "Tree"}}')
    seeds.append('{"list": [{"handle": {"id": "h2", "class": "Node"}}, {"int": "1"}]}\n')
    return seeds


def python_wire_seeds():
    """Every message the Python side decodes: values, call requests, responses, hellos, and
    the server lines the client reads."""
    seeds = wire_seeds()
    seeds.append(proctor_wire.request_call("1", "add", [1, (2, 3)], {"k": "v"}))
    seeds.append(proctor_wire.request_op("2", "h1", "len", [], {}))
    seeds.append(proctor_wire.request_getattr("3", "name"))
    seeds.append(proctor_wire.response_value("1", {"a": [1, 2]}))
    seeds.append(proctor_wire.response_raised("1", "ValueError", "bad input", ("Exception",)))
    seeds.append(proctor_wire.response_unserializable("1", "a generator"))
    seeds.append(proctor_wire.response_method("1", "push"))
    seeds.append(proctor_wire.hello(["add", "Solution"], None, [["Counter", "collections.Counter"]],
                                    ["Tree"]))
    seeds.append(proctor_wire.hello([], "ModuleNotFoundError: x", [], []))
    seeds += [line.replace("...", "0") for line in JSONRPC_LINES]
    seeds.append('{"jsonrpc":"2.0","id":4,"error":{"code":-32006,"message":"ungradeable",'
                 '"data":{"index":0,"retry_after_ms":1000}}}')
    seeds.append('{"jsonrpc":"2.0","id":5,"error":{"code":-32000,"message":"overloaded",'
                 '"data":{"retry_after_ms":250}}}')
    return [s if isinstance(s, str) else s.decode() for s in seeds]


def task_files():
    out = []
    for pack in sorted(os.listdir(os.path.join(ROOT, "tasks"))):
        tasks = os.path.join(ROOT, "tasks", pack, "tasks")
        if not os.path.isdir(tasks):
            continue
        with open(os.path.join(ROOT, "tasks", pack, "pack.yaml"), encoding="utf-8") as f:
            pack_yaml = f.read()
        for name in sorted(os.listdir(tasks)):
            path = os.path.join(tasks, name)
            if name.endswith(".yaml") and os.path.getsize(path) <= 6000:
                with open(path, encoding="utf-8") as f:
                    out.append((f.read(), pack_yaml))
    return out


def pack_seeds():
    seeds = []
    for i, (task, pack_yaml) in enumerate(task_files()):
        seeds.append(task + "\0" + pack_yaml)
        if i % 8 == 0:
            seeds.append(task)
    seeds.append(
        "id: add\nprompt: Add.\nentry_point: f\nreference_solutions:\n"
        "  - {language: python, file: files/solution.py}\n"
        "tests:\n  - {call: {args: [1], expected: 1}}\n"
        "  - {stdio: {stdin_file: files/input.txt, expected_file: files/output.txt}}\n"
        "\0name: fuzz\nversion: \"1\"\n"
        "\0tasks:\n  \"add\": {cpu_seconds: 1, wall_seconds: 3}\n")
    return seeds


def literal_seeds():
    seeds = set()
    for task, _ in task_files():
        for m in re.finditer(r"(?:expected|args|kwargs): (.+)", task):
            text = m.group(1).strip()
            if text and len(text) < 400:
                seeds.add(text)
    seeds.update([
        '{"$tuple": [1, 2]}', '{"$set": []}', '{"$bytes": "AP8="}', '{"$int": "-123456789012345678901234567890"}',
        '{"$float": "nan"}', '{"$dict": [[[1, 2], "x"]]}', '{"$fraction": "-2/4"}', '{"$decimal": "1.10"}',
        '{"$complex": [1.5, -2]}', '{"$counter": {"a": 2}}', '{"$ordereddict": [["b", 1]]}',
        '{"$defaultdict": {"factory": "list", "items": {"a": [1]}}}',
        '{"$deque": {"items": [1, 2], "maxlen": 3}}',
        '{"$namedtuple": {"name": "Point", "fields": ["x", "y"], "values": [1, 2]}}',
        '{"$dataclass": {"name": "P", "fields": ["a"], "values": [1], "frozen": true, "order": false}}',
        '{"$type": "collections.Counter"}', '{"$frozenset": [1]}', '{"$bytearray": ""}',
        '{"$str": "$tuple"}', '{"$list": [{"$tuple": []}]}',
        "[1, 2.5, .inf, -.nan, ~, true, 'x', {1: a}]", "{$tuple: [1, {$set: [2]}]}",
    ])
    return sorted(seeds)


JSONRPC_LINES = [
    '{"jsonrpc":"2.0","id":1,"method":"health"}',
    '{"jsonrpc":"2.0","id":"a","method":"tasks.list","params":{"pack":"basics"}}',
    '{"jsonrpc":"2.0","id":1,"method":"env.make","params":{"env_id":"proctor/codegen-v0"}}',
    '{"jsonrpc":"2.0","id":2,"method":"env.reset","params":{"session_id":"s-1","seed":7}}',
    '{"jsonrpc":"2.0","id":3,"method":"env.step","params":{"session_id":"s-1","action":{"code":"..."}}}',
    '{"jsonrpc":"2.0","id":1,"result":{"session_id":"s-1"}}',
    '{"jsonrpc":"2.0","id":3,"result":{"observation":{},"reward":1.0,"terminated":true,'
    '"truncated":false,"info":{}}}',
    '{"jsonrpc":"2.0","method":"grade.result","params":{"request_id":7,"index":0,"result":{}}}',
]


def jsonrpc_seeds():
    grade = {"jsonrpc": "2.0", "id": 7, "method": "grade", "params": {
        "pack": "basics", "task_id": "gcd", "extract": "fenced", "stream": True,
        "deadline_ms": 5000, "idempotency_key": "k-1",
        "submissions": [
            {"code": "def gcd(a, b):\n    return a"},
            {"completion": "    return a", "extract": "raw", "id": 3, "meta": {"x": 1}},
            {"messages": [{"role": "user", "content": "gcd?"},
                          {"role": "assistant", "content": [
                              {"type": "text", "text": "```python\ndef gcd(a, b): ...\n```"}]}],
             "language": "python"}]}}
    seeds = list(JSONRPC_LINES) + [json.dumps(grade), json.dumps([grade, grade["params"]])]
    seeds += [
        '[{"jsonrpc":"2.0","method":"health"},{"jsonrpc":"2.0","id":2,"method":"stats"}]',
        '{"jsonrpc":"2.0","id":9,"method":"grade","params":[1,2]}',
        '{"jsonrpc":"2.0","id":null,"method":"x","params":"s"}', "[]", "{nope",
        '{"jsonrpc":"2.0","id":1,"method":"openrlhf.reward","params":{"query":["q"],'
        '"prompts":[""],"labels":["basics:gcd"]}}',
    ]
    return seeds


def http_seeds():
    body = json.dumps({"task_id": "gcd", "submissions": [{"code": "x"}]})
    rlhf = json.dumps({"query": ["PROMPT def f(): pass"], "prompts": ["PROMPT "],
                       "labels": ['{"pack": "basics", "task_id": "gcd"}']})
    return [
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /metrics HTTP/1.0\r\n\r\n",
        "GET /v1/tasks?pack=basics&x=a%20b+c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /v1/envs HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/grade HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: %d\r\n\r\n%s" % (len(body), body),
        "POST /v1/openrlhf/reward HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
        % (len(rlhf), rlhf),
        "POST /v1/grade HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "%x\r\n%s\r\n0\r\n\r\n" % (len(body), body),
        "DELETE /v1/grade HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/grade HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n{",
    ]


def cbor(value):
    """nlohmann::json::to_cbor's encoding of the JSON-like `value` (bytes as a byte string)."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for code, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | code]) + struct.pack(fmt, n)
        raise ValueError(n)
    if value is None:
        return b"\xf6"
    if value is True or value is False:
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    return head(5, len(value)) + b"".join(cbor(k) + cbor(value[k]) for k in sorted(value))


def keeper_request(**changes):
    request = {
        "run_id": "run-1", "argv": ["/usr/bin/python3", "-c", "print(1)"],
        "limits": {"wall_seconds": 10.0, "cpu_seconds": 5.0, "memory_bytes": 256 << 20,
                   "max_processes": 64, "stdout_bytes": 1 << 20, "stderr_bytes": 1 << 20,
                   "disk_bytes": 16 << 20, "disk_inodes": 1024, "open_files": 64,
                   "stack_bytes": 64 << 20},
        "readonly_paths": ["/usr", "/lib"],
        "binds": [{"source": "/tmp/x", "target": "/box/x", "writable": False}],
        "env": {"PATH": "/usr/bin", "HOME": "/box"}, "stdin": b"1 2\n", "workdir": "/box",
        "files": [{"name": "main.py", "contents": b"print(1)\n", "executable": False}],
        "outputs": [{"name": "a.out", "host_path": "/tmp/a.out", "max_bytes": 1 << 20}],
        "hostname": "sandbox",
        "layers": {"user_ns": True, "pid_ns": True, "mount_ns": True, "net_ns": True,
                   "ipc_ns": True, "uts_ns": True, "seccomp": True, "cgroup_version": "v2",
                   "cgroup_v2_parent": "/sys/fs/cgroup/proctor"},
        "pass_fds": 0, "sandbox_uid": 1000, "host_uid_base": 1000000,
    }
    request.update(changes)
    return request


def keeper_reply(**changes):
    reply = {"started": True, "error": "", "exec_error": "", "exited": True, "exit_code": 0,
             "term_signal": 0, "kill_cause": "", "kill_at": 0.0, "violation_at": -1.0,
             "oom_killed": False, "pids_limit_hit": False, "disk_full": False,
             "wall_seconds": 0.05, "cpu_seconds": 0.02, "peak_memory_bytes": 9 << 20,
             "warm_slot": 3, "warm_slot_run": 12}
    reply.update(changes)
    return reply


def keeper_seeds():
    seeds = [b"\x00" + cbor(keeper_request()),
             b"\x00" + cbor(keeper_request(outputs=[], files=[], binds=[], pass_fds=2)),
             b"\x00" + cbor(keeper_request(layers=dict(keeper_request()["layers"],
                                                       cgroup_version=""))),
             b"\x01" + json.dumps(keeper_reply()).encode(),
             b"\x01" + json.dumps(keeper_reply(started=False, error="mounts: EPERM",
                                               kill_cause="wall", kill_at=2.5)).encode(),
             b"\x01" + json.dumps(keeper_reply(kill_cause="cpu", exit_code=-1,
                                               term_signal=9)).encode()]
    return seeds


def main():
    write("wire_decode_fuzz", wire_seeds())
    write("value_literal_fuzz", literal_seeds())
    write("pack_load_fuzz", pack_seeds())
    write("json_rpc_fuzz", jsonrpc_seeds())
    write("http_request_fuzz", http_seeds())
    write("keeper_protocol_fuzz", keeper_seeds())
    write("python_wire_fuzz", python_wire_seeds())


if __name__ == "__main__":
    main()
