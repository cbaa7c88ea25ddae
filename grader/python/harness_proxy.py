"""Harness side of the solution connection: proxies that call the solution over pipes.

Runs in the TRUSTED test-harness process (unit_runner.py); the submission is not in this
process. Every call is encoded with proctor_wire, answered by call_runner.py in the
solution process, and decoded strictly, so only plain built-in values come back. The
solution can therefore influence a test only through the values it returns or the
exceptions it reports; it cannot patch the test code, the asserts or the report.

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
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _fail(self, reason):
        self.dead = self.dead or reason
        return SolutionCrashed("solution process crashed or broke the protocol: " + self.dead)

    def read_hello(self):
        try:
            line = self.reader.readline(self.timeout)
            if line is None:
                raise self._fail("it ended before announcing itself (exit at import?)")
            self.callables, self.import_error = self.wire.parse_hello(line)
        except (self.channel.ChannelClosed, self.wire.WireError) as exc:
            raise self._fail("bad hello: %s" % exc) from None

    def _exchange(self, make_line):
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
                reply = self.wire.parse_response(answer, rid)
            except (self.channel.ChannelClosed, self.wire.WireError) as exc:
                raise self._fail(str(exc)) from None
        if reply[0] == "value":
            return reply[1]
        if reply[0] == "raised":
            raise solution_error(reply[1], reply[2])
        raise SolutionResultError("solution returned an unserializable value: " + reply[1])

    def call(self, name, args, kwargs):
        return self._exchange(lambda rid: self.wire.request_call(rid, name, args, kwargs))

    def getattr(self, name):
        return self._exchange(lambda rid: self.wire.request_getattr(rid, name))


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
            setattr(module, name, make_proxy(conn, name))
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
