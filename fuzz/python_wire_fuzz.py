#!/usr/bin/env python3
"""A fuzz loop for the Python decoders of outside bytes, standard library only (docs/fuzzing.md).

Targets, each fed every input:
  grader/python/proctor_wire.py   decode(), parse_response(), parse_hello(), parse_request(): what
                                  the trusted side reads from a submission's process. The only
                                  failure they may raise is WireError; a decoded value must
                                  re-encode, and its encoding must decode to the same encoding.
  python/proctor_client/protocol.py  decode() of a server line (None for garbage), then route(),
                                  response_value() (may raise ProctorError, the documented
                                  error of a response) and dispatch_notification().

Inputs are seeds (fuzz/corpus/python_wire_fuzz/, fuzz/regressions/python_wire_fuzz/) mutated at
random: bit flips, inserted or deleted bytes, repeated and spliced ranges, JSON tokens, deep
nesting. An input that decodes joins the pool. The random seed is printed; the same --seed and
corpus repeat a run exactly. Any other exception, or an input that takes over --slow seconds, is
a failure: the input is saved under --artifacts and the run exits 1.

    python3 fuzz/python_wire_fuzz.py --seconds 45 --corpus fuzz/corpus/python_wire_fuzz
    python3 fuzz/python_wire_fuzz.py --runs 0 --corpus fuzz/regressions/python_wire_fuzz
"""

import argparse
import hashlib
import os
import random
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grader", "python"))
sys.path.insert(0, os.path.join(ROOT, "python"))
import proctor_wire  # noqa: E402
from proctor_client import protocol  # noqa: E402
from proctor_client.errors import ProctorError  # noqa: E402

TOKENS = [b'{"int": "', b'{"float": "', b'{"list": [', b'{"tuple": [', b'{"dict": [[', b'{"set": [',
          b'{"bytes": "', b'{"decimal": "', b'{"fraction": [', b'{"complex": [', b'{"deque": ',
          b'{"namedtuple": ', b'{"dataclass": ', b'{"type": "', b'{"handle": ', b'{"object": "',
          b'"nan"', b'"-inf"', b"1e999", b"-0", b"[", b"]", b"{", b"}", b",", b":", b'"', b"null",
          b"true", b'"\\ud800"', b'"\\u0000"', b"\xff", b"\xc3\x28", b'"id"', b'"jsonrpc"',
          b'"error"', b'"result"', b'"method"', b'"params"', b'"grade.result"', b'"code"',
          b"-32006", b'"index"', b"9" * 5000, b'"' + b"7" * 700 + b'"', b'{"int": "' + b"9" * 31000 + b'"}']


class Handle:
    def __init__(self, hid, cls):
        self.hid, self.cls = hid, cls


def handle(hid, cls):
    return Handle(hid, cls)


def make_object(cls):
    return type(cls, (), {})()


def check_value_round_trip(value):
    """A decoded value re-encodes, and the encoding is a fixed point."""
    try:
        text = proctor_wire.encode(value, other=lambda x: ("h", "C"))
    except proctor_wire.WireError:
        return  # e.g. a value whose encoding is over the caps (only in huge inputs)
    again = proctor_wire.decode(text, handle)
    if proctor_wire.encode(again, other=lambda x: ("h", "C")) != text:
        raise AssertionError("re-encoding changed a decoded value: %r" % text[:200])


def run_wire(data):
    decoded = False
    for attempt in (
            lambda: proctor_wire.decode(data),
            lambda: proctor_wire.parse_response(data, "1", handle),
            lambda: proctor_wire.parse_hello(data),
            lambda: proctor_wire.parse_request(data, handle, make_object)):
        try:
            result = attempt()
        except proctor_wire.WireError:
            continue
        decoded = True
        if attempt is not None and result is not None and not isinstance(result, tuple):
            check_value_round_trip(result)
    return decoded


def run_client(data):
    message = protocol.decode(data)
    if message is None:
        return False
    if not isinstance(message, dict):
        raise AssertionError("decode gave a %s" % type(message).__name__)
    protocol.route(message)
    try:
        protocol.response_value(message)
    except ProctorError:
        pass
    protocol.dispatch_notification(message, lambda index, result: None,
                                   lambda method, params: None)
    return True


def one(data):
    """True when some decoder accepted `data`; raises for a failure."""
    wire = run_wire(data)
    client = run_client(data)
    return wire or client


def mutate(rng, pool):
    data = bytearray(rng.choice(pool))
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
        op = rng.randrange(9)
        n = len(data)
        i = rng.randrange(n + 1)
        if op == 0 and n:
            data[min(i, n - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[i:i] = bytes([rng.randrange(256)])
        elif op == 2 and n:
            del data[i:i + rng.randrange(1, 16)]
        elif op == 3 and n:
            j = rng.randrange(n + 1)
            a, b = min(i, j), max(i, j)
            data[b:b] = data[a:b] * rng.randrange(1, 4)
        elif op == 4:
            data[i:i] = rng.choice(TOKENS)
        elif op == 5:
            other = rng.choice(pool)
            j = rng.randrange(len(other) + 1)
            data = data[:i] + other[j:]
        elif op == 6:
            depth = rng.choice((10, 63, 64, 65, 200, 5000))
            data = bytearray(b"[" * depth + bytes(data) + b"]" * depth)
        elif op == 7:
            depth = rng.choice((63, 64, 65, 100))
            data = bytearray(b'{"list": [' * depth + bytes(data) + b"]}" * depth)
        elif op == 8 and n:
            data[i:] = data[i:][::-1] if rng.random() < 0.1 else data[i:]
            del data[rng.randrange(n + 1):]
    return bytes(data[:1 << 20])


def save(artifacts, data):
    os.makedirs(artifacts, exist_ok=True)
    path = os.path.join(artifacts, "crash-" + hashlib.sha1(data).hexdigest())
    with open(path, "wb") as f:
        f.write(data)
    return path


def read_corpus(folders):
    inputs = []
    for folder in folders:
        if os.path.isfile(folder):
            paths = [folder]
        elif os.path.isdir(folder):
            paths = [os.path.join(folder, n) for n in sorted(os.listdir(folder))]
        else:
            continue
        for path in paths:
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    inputs.append((path, f.read()))
    return inputs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=45.0, help="fuzz this long")
    parser.add_argument("--runs", type=int, default=None,
                        help="mutated inputs to try (0: only the corpus)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--slow", type=float, default=20.0, help="seconds one input may take")
    parser.add_argument("--corpus", nargs="*", default=[
        os.path.join(ROOT, "fuzz", "corpus", "python_wire_fuzz"),
        os.path.join(ROOT, "fuzz", "regressions", "python_wire_fuzz")])
    parser.add_argument("--artifacts", default=os.path.join(ROOT, "build", "fuzz-build",
                                                            "artifacts", "python_wire_fuzz"))
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time() * 1000) % (1 << 32)
    print("python_wire_fuzz: seed %d (repeat with --seed %d)" % (seed, seed), flush=True)
    rng = random.Random(seed)

    def attempt(data, origin):
        start = time.monotonic()
        try:
            accepted = one(data)
        except Exception:  # everything but the documented errors is a failure
            path = save(args.artifacts, data)
            print("python_wire_fuzz: FAILED on %s (saved as %s):" % (origin, path))
            traceback.print_exc(file=sys.stdout)
            sys.exit(1)
        spent = time.monotonic() - start
        if spent > args.slow:
            path = save(args.artifacts, data)
            print("python_wire_fuzz: FAILED: %s took %.1f s (saved as %s)" % (origin, spent, path))
            sys.exit(1)
        return accepted

    corpus = read_corpus(args.corpus)
    if not corpus:
        print("python_wire_fuzz: no inputs in %s" % args.corpus)
        return 1
    pool = []
    for path, data in corpus:
        attempt(data, path)
        pool.append(data)
    runs, accepted = 0, 0
    deadline = time.monotonic() + args.seconds
    while (runs < args.runs) if args.runs is not None else (time.monotonic() < deadline):
        data = mutate(rng, pool)
        runs += 1
        if attempt(data, "mutated input #%d" % runs):
            accepted += 1
            if len(pool) < 5000 and len(data) < 65536:
                pool.append(data)
    print("python_wire_fuzz: done: %d corpus inputs, %d mutated (%d decoded), pool %d, seed %d"
          % (len(corpus), runs, accepted, len(pool), seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
