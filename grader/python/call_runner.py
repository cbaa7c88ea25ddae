"""SOLUTION process: import an untrusted submission and answer call requests for it.

Usage (run as `/usr/bin/python3 -I -S call_runner.py ...`, cwd = the work dir):
  call_runner.py --solution solution.py
      Batch mode. Reads ALL request lines from stdin first, then imports the submission
      and writes one response line per request to a private duplicate of the original
      stdout.
  call_runner.py --solution solution.py --requests-fd N --responses-fd M
      Streaming mode (the test harness lives in another process/sandbox): READS requests
      from fd N and WRITES responses to fd M. After the import, writes
      {"hello": {"callables": [...], "import_error": null | "Type: msg"}} to fd M, then
      answers requests one at a time until end of stream on fd N.
Exit status: 0 done, 2 bad usage or bad request stream (read before the import in batch
mode), 3 a channel failed mid-way. Callers must not rely on it: a submission can exit with
any status; only complete, well-formed responses count.
Messages are those of proctor_wire (docs/wire-format.md); a request may also be
{"id": ID, "getattr": NAME}, answered with the attribute's value.

Threat model: this process is UNTRUSTED from the moment the submission is imported; it
may die (os._exit, exit_group), patch anything here, or write forged lines to the response
fd (it can find it in /proc/self/fd). That is acceptable because a forged line can only
carry values the submission could have returned anyway: the trusted peer decodes strictly
(plain values only), checks ids, and treats missing or malformed responses as failure.
What this runner does guarantee for honest submissions: print() output goes to stderr and
never mixes with responses, input() sees EOF, every call is isolated with
`except BaseException` (SystemExit/KeyboardInterrupt are reported as "raised"), and in
batch mode the submission cannot consume pending requests from stdin (it may still see
their arguments in memory, which is harmless: no expected value is ever sent here).
"""

import importlib.util
import os
import sys

sys.dont_write_bytecode = True  # no .pyc next to the submission, none read from there


def _load_sibling(name):
    # By absolute path: a file called proctor_wire.py in the work dir can never shadow ours.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    # Under the fork server: its copy, executed once from these very bytes (checked there).
    zygote = sys.modules.get("_proctor_zygote")
    module = zygote.preloaded_module(path) if zygote is not None else None
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location("_proctor_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load_sibling("proctor_wire")
channel = _load_sibling("proctor_channel")
options = _load_sibling("proctor_options")
_MISSING = object()


def _describe(exc):
    """(type name, message) of an exception whose __str__ may be hostile."""
    try:
        text = str(exc)
    except BaseException:
        text = "<str() of the exception failed>"
    return wire.type_name(type(exc)) or "?", text if type(text) is str else "?"


def _import_submission(path):
    """-> (module namespace, import error "Type: msg" or None)."""
    module = type(sys)("solution")
    module.__file__ = os.path.abspath(path)
    module.__spec__ = importlib.util.spec_from_file_location("solution", module.__file__)
    module.__loader__ = getattr(module.__spec__, "loader", None)
    sys.modules["solution"] = module  # dataclasses, pickle etc. look the module up
    sys.argv = [module.__file__]      # as if run directly; our options are none of its business
    try:
        with open(path, "rb") as f:
            source = f.read()
        # compile+exec rather than a loader: no bytecode cache a previous run could plant.
        exec(compile(source, path, "exec", dont_inherit=True), module.__dict__)
    except BaseException as exc:  # SystemExit / KeyboardInterrupt at import included
        return module.__dict__, "%s: %s" % _describe(exc)
    return module.__dict__, None


def _callables(namespace):
    return [k for k, v in list(namespace.items())
            if type(k) is str and not k.startswith("__") and callable(v)]


def _answer(rid, kind, name, args, kwargs, namespace, import_error):
    if import_error is not None:
        exc_type, _, text = import_error.partition(": ")
        return wire.response_raised(rid, exc_type, "at import: " + text)
    target = namespace.get(name, _MISSING)
    if target is _MISSING:
        return wire.response_raised(rid, "AttributeError", "solution has no attribute %r" % name)
    if kind == "getattr":
        return wire.response_value(rid, target)
    if not callable(target):
        return wire.response_raised(rid, "TypeError", "solution.%s is not callable" % name)
    try:
        result = target(*args, **kwargs)
    except BaseException as exc:
        return wire.response_raised(rid, *_describe(exc))
    return wire.response_value(rid, result)


def main(argv):
    usage = "call_runner.py --solution FILE [--requests-fd N --responses-fd M]"
    args = options.parse(argv, {"--solution": (str, True, None),
                                "--requests-fd": (int, False, None),
                                "--responses-fd": (int, False, None)}, usage)
    streaming = args.requests_fd is not None
    if streaming != (args.responses_fd is not None):
        sys.stderr.write("usage: %s\nerror: the two fds go together\n" % usage)
        return 2
    req_fd, resp_fd = channel.take_private_fds(
        args.requests_fd if streaming else 0, args.responses_fd if streaming else 1)
    reader = channel.LineReader(req_fd)

    try:
        if not streaming:  # read everything before the submission can touch stdin
            requests = [wire.parse_request(line) for line in iter(reader.readline, None)]
            os.close(req_fd)
    except (wire.WireError, channel.ChannelClosed) as exc:
        sys.stderr.write("call_runner: bad request stream: %s\n" % exc)
        return 2

    namespace, import_error = _import_submission(args.solution)
    if streaming:
        requests = _stream(reader)
    try:
        if streaming:
            channel.write_line(resp_fd, wire.hello([] if import_error else _callables(namespace),
                                                   import_error))
        for request in requests:
            channel.write_line(resp_fd, _answer(*request, namespace, import_error))
    except (wire.WireError, channel.ChannelClosed) as exc:
        # Bad request from the peer, or the peer (or the submission) closed our fds.
        sys.stderr.write("call_runner: stopped: %s\n" % exc)
        return 3
    return 0


def _stream(reader):
    while (line := reader.readline()) is not None:
        yield wire.parse_request(line)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code)  # skip atexit hooks and non-daemon threads the submission left behind
