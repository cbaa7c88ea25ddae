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

Objects: a result (or an attribute, or anything inside one) that is not a wire value is
kept here in a table and sent as a handle {"handle": {"id": "h7", "class": "Node"}}; the
same object always gets the same id. A request may name a handle as an argument (the
table's object is passed) or act on one: {"id", "on": "h7", "op": OP, "args", "kwargs"}
(proctor_wire.OPS: getattr, setattr, method call, len, iter, ...), run here, so the
harness can use the solution's objects without ever holding one. An op getattr that finds
a method bound to the object answers {"id", "method": NAME} instead of a handle per read.
The other way, a request may carry copies of the harness's own objects (a TreeNode the
test built): each becomes an instance of the solution's class of that name (ObjectMaker).

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

import abc
import importlib.util
import operator
import os
import sys
import types

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


_mro_of = type.__dict__["__mro__"].__get__


def _describe(exc):
    """(type name, message, base class names) of an exception whose __str__ may be hostile.
    The MRO is read from the type itself, never through an attribute the class could fake."""
    try:
        text = str(exc)
    except BaseException:
        text = "<str() of the exception failed>"
    try:
        bases = [wire.type_name(c) for c in _mro_of(type(exc))[1:]]
    except Exception:
        bases = []
    return (wire.type_name(type(exc)) or "?", text if type(text) is str else "?",
            [b for b in bases if b and b != "?" and b != "object"])


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
        return module.__dict__, "%s: %s" % _describe(exc)[:2]
    return module.__dict__, None


def _callables(namespace):
    return [k for k, v in list(namespace.items())
            if type(k) is str and not k.startswith("__") and callable(v)]


def _types(namespace):
    """(name, wire type name) of names bound to classes the wire carries (`from collections
    import Counter`): the harness binds them to its own class, not to a call proxy."""
    found = []
    for k, v in list(namespace.items()):
        if type(k) is str and not k.startswith("__") and type(v) in (type, abc.ABCMeta):
            try:
                (tag, name), = wire.parse_json(wire.encode(v))
            except wire.WireError:
                continue  # a class of the solution's own
            found.append((k, name))
    return found


class Handles:
    """The objects the peer holds handles to: id -> object, kept alive for the whole run."""
    MAX = 1_000_000

    def __init__(self):
        self.objects = {}  # "h<n>" -> object
        self.ids = {}      # id(object) -> "h<n>": the same object, the same handle

    def ref(self, obj):
        """(handle id, class name) for `obj`: proctor_wire.encode's `other`."""
        hid = self.ids.get(id(obj))
        if hid is None:
            if len(self.objects) >= self.MAX:
                raise wire.WireError("more than %d objects handed out" % self.MAX)
            hid = "h%d" % (len(self.objects) + 1)
            self.objects[hid] = obj
            self.ids[id(obj)] = hid
        return hid, wire.type_name(type(obj))

    def get(self, hid, class_name):
        """The object of a handle the peer sent back: proctor_wire.value_of's `handle`."""
        obj = self.objects.get(hid, _MISSING)
        if obj is _MISSING:
            raise wire.WireError("unknown handle %r" % hid)
        return obj


handles = Handles()


class ObjectMaker:
    """Instances for the harness's objects a request copies here (proctor_wire.parse_request's
    `make_object`): of the solution's own class of that name, else of a plain class of that
    name made here (attributes only), so that `node.val`, `node.next` work either way."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.made = {}

    def __call__(self, class_name):
        cls = self.namespace.get(class_name)
        if isinstance(cls, type):
            try:
                return object.__new__(cls)
            except TypeError:  # a built-in base: no plain instance of it
                pass
        if class_name not in self.made:
            self.made[class_name] = type(class_name, (), {"__module__": "harness"})
        return object.__new__(self.made[class_name])


def _names(args, count, op):
    if len(args) != count or any(type(a) is not str for a in args[:1]):
        raise TypeError("bad arguments for op %s" % op)
    return args


def _classes(namespace, types):
    """Names of the solution's own classes (`class Node:`), for isinstance in tests."""
    known = {name for name, _ in types}
    return [k for k, v in list(namespace.items())
            if type(k) is str and not k.startswith("__") and k not in known
            and isinstance(v, type)]


def _op(op, target, args, kwargs, namespace):
    """Runs one op on a handle's object; -> ("value", v) or ("method", name)."""
    if op == "getattr":
        (name,) = _names(args, 1, op)
        value = getattr(target, name)
        if type(value) is types.MethodType and value.__self__ is target:
            return "method", name
        return "value", value
    if op == "method":
        if not args or type(args[0]) is not str:
            raise TypeError("bad arguments for op method")
        return "value", getattr(target, args[0])(*args[1:], **kwargs)
    if op == "call":
        return "value", target(*args, **kwargs)
    if op == "isinstance" and len(args) == 1 and not kwargs:
        cls = namespace.get(args[0]) if type(args[0]) is str else None
        if not isinstance(cls, type):
            raise TypeError("solution has no class %r" % (args[0],))
        return "value", isinstance(target, cls)
    if op == "unary" and len(args) == 1 and args[0] in wire.UNARY and not kwargs:
        return "value", getattr(operator, args[0])(target)
    if op == "binary" and len(args) == 3 and args[0] in wire.BINARY and not kwargs:
        fn, other, reflected = getattr(operator, args[0]), args[1], args[2] is True
        return "value", fn(other, target) if reflected else fn(target, other)
    simple = {"setattr": (2, setattr), "delattr": (1, delattr), "bool": (0, bool),
              "len": (0, len), "iter": (0, iter), "next": (0, next), "str": (0, str),
              "repr": (0, repr), "getitem": (1, operator.getitem),
              "setitem": (2, operator.setitem), "delitem": (1, operator.delitem),
              "contains": (1, operator.contains), "int": (0, int), "float": (0, float)}
    if op not in simple:
        raise TypeError("bad arguments for op %s" % op)
    count, fn = simple[op]
    if op in ("setattr", "delattr"):
        _names(args, count, op)
    elif len(args) != count or kwargs:
        raise TypeError("bad arguments for op %s" % op)
    return "value", fn(target, *args)


def _resolve(name, namespace):
    """What a call names: a module-level name, or `Class.method` (docs/task-format.md, call):
    the method of a fresh instance of the solution's class, one instance per call, as APPS
    calls LeetCode-style `class Solution`; a solution that defines no `Class` is asked for
    its module-level `method` instead, as APPS does."""
    class_name, dot, method = name.partition(".")
    if not dot:
        return namespace.get(name, _MISSING)
    cls = namespace.get(class_name, _MISSING)
    if cls is _MISSING:
        return namespace.get(method, _MISSING)
    return getattr(cls(), method, _MISSING)


def _answer(rid, kind, name, args, kwargs, namespace, import_error):
    if import_error is not None:
        exc_type, _, text = import_error.partition(": ")
        return wire.response_raised(rid, exc_type, "at import: " + text)
    if kind == "op":
        try:
            how, result = _op(name, args[0], args[1:], kwargs, namespace)
        except BaseException as exc:
            return wire.response_raised(rid, *_describe(exc))
        if how == "method":
            return wire.response_method(rid, result)
        return wire.response_value(rid, result, handles.ref)
    try:
        target = _resolve(name, namespace)
    except BaseException as exc:  # the class's constructor raised
        return wire.response_raised(rid, *_describe(exc))
    if target is _MISSING:
        return wire.response_raised(rid, "AttributeError", "solution has no attribute %r" % name)
    if kind == "getattr":
        return wire.response_value(rid, target, handles.ref)
    if not callable(target):
        return wire.response_raised(rid, "TypeError", "solution.%s is not callable" % name)
    try:
        result = target(*args, **kwargs)
    except BaseException as exc:
        return wire.response_raised(rid, *_describe(exc))
    return wire.response_value(rid, result, handles.ref)


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
            requests = [wire.parse_request(line, handles.get)
                        for line in iter(reader.readline, None)]
            os.close(req_fd)
    except (wire.WireError, channel.ChannelClosed) as exc:
        sys.stderr.write("call_runner: bad request stream: %s\n" % exc)
        return 2

    namespace, import_error = _import_submission(args.solution)
    if streaming:
        requests = _stream(reader, ObjectMaker(namespace))
    try:
        if streaming:
            types = [] if import_error else _types(namespace)
            channel.write_line(resp_fd, wire.hello(
                [] if import_error else _callables(namespace), import_error, types,
                [] if import_error else _classes(namespace, types)))
        for request in requests:
            channel.write_line(resp_fd, _answer(*request, namespace, import_error))
    except (wire.WireError, channel.ChannelClosed) as exc:
        # Bad request from the peer, or the peer (or the submission) closed our fds.
        sys.stderr.write("call_runner: stopped: %s\n" % exc)
        return 3
    return 0


def _stream(reader, make_object):
    while (line := reader.readline()) is not None:
        yield wire.parse_request(line, handles.get, make_object)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(code)  # skip atexit hooks and non-daemon threads the submission left behind
