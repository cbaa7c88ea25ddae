"""Harness side of the solution connection: proxies that call the solution over pipes.

Runs in the TRUSTED test-harness process (unit_runner.py); the submission is not in this
process. Every call is encoded with proctor_wire, answered by call_runner.py in the
solution process, and decoded strictly, so only standard-library values built here come
back, or Handle proxies for the solution's other objects. The solution can therefore
influence a test only through the values it returns or the exceptions it reports; it
cannot patch the test code, the asserts or the report.

Handle (an object of the solution, e.g. a tree Node or a Counter subclass it defines):
attribute reads and writes, method calls, calling it, len/bool/iter/next/str/int/float,
[] and `in`, and arithmetic (+ - * / // % ** @ & | ^ << >>, unary - + ~ abs) are forwarded
to the solution process (each a round trip, results decoded like any value); it can be
passed back as an argument. It is NEVER compared by the solution: a Handle equals only a
Handle of the same object (same id), hashes by that id, and its repr is local. Ordering
comparisons are not forwarded (TypeError), nor are dunder attribute reads
(AttributeError), so probes by copy, pickle or inspect stay here.

Failures of the solution surface in the test as exceptions raised here:
  SolutionError          it raised (subclasses the built-in exception of the same name
                         when that is safe, so `except ValueError:` in a test works;
                         never AssertionError, which would read as a test failure)
  SolutionResultError    it returned a value that cannot cross the wire
  SolutionCrashed        its process died, closed the pipe, broke the protocol or timed
                         out; the connection is then dead for good (`Connection.dead`)
"""

import builtins
import itertools
import keyword
import threading
import types


class SolutionError(Exception):
    """The solution raised an exception (reported by type name and message)."""
    type_name = ""
    solution_message = ""


class SolutionResultError(Exception):
    """The solution returned a value that the wire format refuses."""


class SolutionCrashed(Exception):
    """The solution process is gone or broke the protocol; no further calls are possible."""


_NOT_MAPPED = {"AssertionError", "StopIteration", "StopAsyncIteration"}
_error_classes = {}


def solution_error(type_name, message):
    """A SolutionError, also an instance of builtins.<type_name> when that is safe."""
    cls = SolutionError
    base = None if type_name in _NOT_MAPPED else getattr(builtins, type_name, None)
    if isinstance(base, type) and issubclass(base, Exception) and base is not Exception:
        if type_name not in _error_classes:
            try:
                _error_classes[type_name] = type("SolutionError", (SolutionError, base), {})
            except TypeError:  # incompatible layout
                _error_classes[type_name] = SolutionError
        cls = _error_classes[type_name]
    text = "solution raised %s%s" % (type_name, ": " + message if message else "")
    try:
        exc = cls(text)
    except Exception:  # e.g. UnicodeDecodeError needs five arguments
        exc = SolutionError(text)
    exc.type_name, exc.solution_message = type_name, message
    return exc


class Handle:
    """An object living in the solution process (see the module docstring)."""
    __slots__ = ("_conn", "_id", "_class", "__weakref__")

    def __init__(self, conn, hid, class_name):
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "_id", hid)
        object.__setattr__(self, "_class", class_name)

    def __getattr__(self, name):  # only for names not found on Handle itself
        if (name.startswith("__") and name.endswith("__")) or name in Handle.__slots__:
            raise AttributeError(name)  # (a slot not yet set: an instance being copied)
        return self._conn.op(self, "getattr", (name,))

    def __setattr__(self, name, value):
        self._conn.op(self, "setattr", (name, value))

    def __delattr__(self, name):
        self._conn.op(self, "delattr", (name,))

    def __call__(self, *args, **kwargs):
        return self._conn.op(self, "call", args, kwargs)

    def __eq__(self, other):
        return type(other) is Handle and other._conn is self._conn and other._id == self._id

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(("proctor.Handle", self._id))

    def __repr__(self):
        return "<%s object of the solution (handle %s)>" % (self._class, self._id)

    def __str__(self):
        result = self._conn.op(self, "str", ())
        if type(result) is not str:
            raise TypeError("__str__ of the solution's object returned a non-string")
        return result

    def __bool__(self):
        result = self._conn.op(self, "bool", ())
        if type(result) is not bool:
            raise TypeError("bool() of the solution's object did not give a bool")
        return result

    def __len__(self):
        result = self._conn.op(self, "len", ())
        if type(result) is not int or result < 0:
            raise TypeError("len() of the solution's object did not give an int >= 0")
        return result

    def __iter__(self):
        return _HandleIterator(self._conn.op(self, "iter", ()))

    def __next__(self):
        return _next(self)

    def __getitem__(self, key):
        return self._conn.op(self, "getitem", (key,))

    def __setitem__(self, key, value):
        self._conn.op(self, "setitem", (key, value))

    def __delitem__(self, key):
        self._conn.op(self, "delitem", (key,))

    def __contains__(self, item):
        result = self._conn.op(self, "contains", (item,))
        if type(result) is not bool:
            raise TypeError("`in` on the solution's object did not give a bool")
        return result

    def __int__(self):
        result = self._conn.op(self, "int", ())
        if type(result) is not int:
            raise TypeError("int() of the solution's object did not give an int")
        return result

    def __float__(self):
        result = self._conn.op(self, "float", ())
        if type(result) is not float:
            raise TypeError("float() of the solution's object did not give a float")
        return result


def _unary(name):
    def op(self):
        return self._conn.op(self, "unary", (name,))
    return op


def _binary(name, reflected):
    def op(self, other):
        return self._conn.op(self, "binary", (name, other, reflected))
    return op


for _name in ("neg", "pos", "abs", "invert"):
    setattr(Handle, "__%s__" % _name, _unary(_name))
for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and",
              "or", "xor", "lshift", "rshift"):
    _operator = _name + "_" if _name in ("and", "or") else _name
    setattr(Handle, "__%s__" % _name, _binary(_operator, False))
    setattr(Handle, "__r%s__" % _name, _binary(_operator, True))
del _name, _operator


def _next(handle):
    try:
        return handle._conn.op(handle, "next", ())
    except SolutionError as exc:
        if exc.type_name == "StopIteration":
            raise StopIteration from None
        raise


class _HandleIterator:
    """What iter(handle) gives: each next() is a round trip to the solution's iterator."""

    def __init__(self, it):
        if type(it) is not Handle:
            raise TypeError("iter() of the solution's object did not give an iterator")
        self._it = it

    def __iter__(self):
        return self

    def __next__(self):
        return _next(self._it)


class BoundMethod:
    """`handle.name` where the solution's attribute is a method: calling it is one op."""

    def __init__(self, handle, name):
        self._handle, self._name = handle, name

    def __call__(self, *args, **kwargs):
        return self._handle._conn.op(self._handle, "method", (self._name,) + tuple(args), kwargs)

    def __eq__(self, other):
        return (type(other) is BoundMethod and other._handle == self._handle
                and other._name == self._name)

    def __hash__(self):
        return hash((self._handle, self._name))

    def __repr__(self):
        return "<method %s of %r>" % (self._name, self._handle)


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement


class Outgoing:
    """The harness's side of one request: its own objects met while encoding the arguments.

    A Handle travels as its id. An instance of a class the test code defines (a plain class
    statement, instances with a __dict__, no __slots__, no built-in base but object: a
    LeetCode TreeNode or ListNode) is COPIED: {"object": "<n>"} in the value, and the
    request's table holds its class name and attributes, whose values may name further
    objects (so cycles, shared nodes and lists of any length travel flat). The solution
    gets an instance of its own class of that name; what it changes in that copy does not
    come back (its results do). Anything else (a function, a module) is refused."""

    def __init__(self, conn):
        self.conn = conn
        self.index = {}   # id(obj) -> n
        self.queue = []   # the objects, in table order

    def other(self, obj):
        if type(obj) is Handle:
            if obj._conn is not self.conn:
                raise self.conn.wire.WireError("a handle of another connection")
            return obj._id, obj._class
        if not _copyable(obj):
            raise self.conn.wire.WireError("cannot send an object of type %s to the solution"
                                           % type(obj).__name__)
        n = self.index.get(id(obj))
        if n is None:
            n = self.index[id(obj)] = len(self.queue)
            self.queue.append(obj)
        return '{"object":"%d"}' % n

    def table(self):
        wire, parts, done = self.conn.wire, [], 0
        while done < len(self.queue):  # encoding attributes may queue more objects
            obj = self.queue[done]
            done += 1
            attrs = []
            for name, value in list(vars(obj).items()):
                if type(name) is not str or not name.isidentifier():
                    raise wire.WireError("attribute %r of a %s is not a name"
                                         % (name, type(obj).__name__))
                attrs.append("[%s,%s]" % (wire.json_string(name),
                                          wire.encode(value, other=self.other)))
            parts.append("[%s,[%s]]" % (wire.json_string(type(obj).__name__), ",".join(attrs)))
        return "[" + ",".join(parts) + "]" if parts else None


def _copyable(obj):
    t = type(obj)
    if t in (BoundMethod, _HandleIterator) or not isinstance(getattr(obj, "__dict__", None), dict):
        return False
    for cls in t.__mro__:
        if cls is not object and (not cls.__flags__ & _HEAPTYPE or "__slots__" in vars(cls)):
            return False
    return True


class Connection:
    """One request/response exchange at a time with call_runner.py in streaming mode."""

    def __init__(self, wire, channel, requests_fd, responses_fd, timeout=None):
        self.wire, self.channel = wire, channel
        self.requests_fd = requests_fd
        self.reader = channel.LineReader(responses_fd)
        self.timeout = timeout
        self.dead = None          # reason string once the solution is unusable
        self.callables = []
        self.import_error = None
        self.types = {}  # solution names bound to classes the wire carries (Counter, int)
        self.classes = []  # names of the solution's own classes
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._handles = {}  # handle id -> Handle: one proxy per object of the solution

    def _fail(self, reason):
        self.dead = self.dead or reason
        return SolutionCrashed("solution process crashed or broke the protocol: " + self.dead)

    def read_hello(self):
        try:
            line = self.reader.readline(self.timeout)
            if line is None:
                raise self._fail("it ended before announcing itself (exit at import?)")
            self.callables, self.import_error, self.types, self.classes = \
                self.wire.parse_hello(line)
        except (self.channel.ChannelClosed, self.wire.WireError) as exc:
            raise self._fail("bad hello: %s" % exc) from None

    def _handle(self, hid, class_name):
        """proctor_wire's `handle` hook: the Handle of an id the solution sent."""
        found = self._handles.get(hid)
        if found is None:
            found = self._handles[hid] = Handle(self, hid, class_name)
        return found


    def _exchange(self, make_line, on=None):
        with self._lock:
            if self.dead:
                raise self._fail(self.dead)
            rid = str(next(self._ids))
            line = make_line(rid)  # WireError here is the test's fault: not a crash
            try:
                self.channel.write_line(self.requests_fd, line)
                answer = self.reader.readline(self.timeout)
                if answer is None:
                    raise self._fail("it closed its response channel")
                reply = self.wire.parse_response(answer, rid, self._handle)
            except (self.channel.ChannelClosed, self.wire.WireError) as exc:
                raise self._fail(str(exc)) from None
        if reply[0] == "value":
            return reply[1]
        if reply[0] == "raised":
            raise solution_error(reply[1], reply[2])
        if reply[0] == "method" and on is not None:
            return BoundMethod(on, reply[1])
        if reply[0] == "method":
            raise self._fail("a method answer to a request that is not an op getattr")
        raise SolutionResultError("solution returned an unserializable value: " + reply[1])

    def call(self, name, args, kwargs):
        out = Outgoing(self)
        return self._exchange(
            lambda rid: self.wire.request_call(rid, name, args, kwargs, out.other, out.table))

    def getattr(self, name):
        return self._exchange(lambda rid: self.wire.request_getattr(rid, name))

    def op(self, handle, op, args, kwargs=None):
        """Runs op (proctor_wire.OPS) on the solution's object behind `handle`."""
        out = Outgoing(self)
        return self._exchange(
            lambda rid: self.wire.request_op(rid, handle._id, op, args, kwargs, out.other,
                                             out.table),
            on=handle if op == "getattr" else None)


class SolutionClass:
    """A class of the solution (`from solution import Node`): calling it makes an instance
    in the solution process (a Handle); `isinstance(h, Node)` asks the solution about a
    Handle (False for anything else); other attributes are read from the class there."""

    def __init__(self, conn, name):
        self._conn, self._name, self._class = conn, name, None
        self.__name__ = self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return self._conn.call(self._name, args, kwargs)

    def __instancecheck__(self, obj):
        if type(obj) is not Handle or obj._conn is not self._conn:
            return False
        result = self._conn.op(obj, "isinstance", (self._name,))
        if type(result) is not bool:
            raise TypeError("isinstance() in the solution did not give a bool")
        return result

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        if self._class is None:
            self._class = self._conn.getattr(self._name)
        return getattr(self._class, attr)

    def __repr__(self):
        return "<class %s of the solution>" % self._name


def make_proxy(conn, name):
    def proxy(*args, **kwargs):
        return conn.call(name, args, kwargs)
    proxy.__name__ = proxy.__qualname__ = name
    return proxy


def exported_names(callables):
    """Names a test namespace may receive implicitly (asserts mode, `import *`).

    Never one that shadows a builtin: a solution exporting `abs` or `isinstance` must not
    replace what the test code calls by that name."""
    return [n for n in callables if n.isidentifier() and not keyword.iskeyword(n)
            and not n.startswith("__") and n not in vars(builtins)]


def make_solution_module(conn):
    """A stand-in `solution` module: one proxy per callable, other names fetched lazily."""
    module = types.ModuleType("solution", "Proxy of the solution running in another process.")
    for name in conn.callables:
        if not name.startswith("__"):  # the hello is untrusted: keep our dunders
            # `from collections import Counter` in the solution: the test's `Counter` from
            # `from solution import *` is then the real class (isinstance works), ours.
            cls = conn.types.get(name)
            if cls is None:
                cls = SolutionClass(conn, name) if name in conn.classes else make_proxy(conn, name)
            setattr(module, name, cls)
    module.__all__ = exported_names(conn.callables)

    def __getattr__(name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # import machinery probes (__path__, __spec__...)
        if conn.dead or conn.import_error is not None:
            # Let `from solution import f` succeed so every test is listed and then
            # fails on the first call with the real reason.
            return make_proxy(conn, name)
        try:
            return conn.getattr(name)
        except SolutionError as exc:
            if exc.type_name == "AttributeError":
                raise AttributeError("module 'solution' has no attribute %r" % name) from None
            raise

    module.__getattr__ = __getattr__
    return module
