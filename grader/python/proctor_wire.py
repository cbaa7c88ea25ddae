"""The Proctor value wire format (docs/wire-format.md) and its call messages.

A value is one line of compact JSON in which every non-trivial type is tagged:
None/bool/str are plain JSON; {"int": "-12"}, {"float": "0.1" | "nan" | "inf" | "-inf"},
{"bytes": "<base64>"}, {"list": [...]}, {"tuple": [...]}, {"set": [...]},
{"dict": [[k, v], ...]}. Call messages wrap values (see request_call, response_*).

Threat model. encode() runs in the SOLUTION process next to untrusted code. It checks
exact types (`type(x) is T`) and never calls a method of the submission's objects, and it
bounds its own work (int bits, depth, output size) so a hostile value cannot stall it. It
is still not a guarantee: a submission owns its process and may patch this module there.
The guarantee is decode()/parse_*(), which run in TRUSTED processes (test harness,
grader): they parse strictly and build only plain built-in values, so no object defined by
a submission ever reaches the trusted side.

Limits (the C++ side must use the same): an int has at most MAX_INT_BITS bits; containers
nest at most MAX_DEPTH deep (a top-level list has depth 1, a list inside it depth 2); one
message line is at most MAX_MESSAGE bytes of UTF-8, newline excluded. Strings must be
valid Unicode (no lone surrogates), since they travel as UTF-8.
"""

import binascii
import json
import re

MAX_INT_BITS = 100_000
MAX_DEPTH = 64
MAX_MESSAGE = 4 * 1024 * 1024
MAX_INT_DIGITS = 30_103          # len(str(2 ** MAX_INT_BITS))
MAX_RAISED_MESSAGE = 1000
_CHUNK_DIGITS = 600              # under the smallest int_max_str_digits (640)
_CHUNK = 10 ** _CHUNK_DIGITS
_INF = float("inf")

# Bound at import, before any submission code runs in this process.
_type = type
_escape = json.encoder.encode_basestring
_type_name_of = type.__dict__["__name__"].__get__
_INT_RE = re.compile(r"(?:0|-?[1-9][0-9]*)", re.ASCII)
_FLOAT_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)
_CONTAINER_TAGS = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}
_b2a = binascii.b2a_base64
_a2b = binascii.a2b_base64
_END = object()


class WireError(Exception):
    """A value or message breaks the wire format (unserializable, over a cap, malformed)."""


def type_name(t):
    """Name of a class without running any of its code (a metaclass can fake __name__)."""
    try:
        name = _type_name_of(t)
    except Exception:
        return "?"
    return name if _type(name) is str else "?"


# ----------------------------------------------------------------------------- encoding
#
# encode() and value_of() are single flat loops with an explicit stack and no Python-level
# call per node (only C built-ins): deep recursion is impossible, and CPython 3.11 can
# thrash its frame-stack chunks (an mmap/munmap pair per call) when a hot call happens to
# sit on a chunk edge, which made a recursive version 50x slower at unlucky depths.

def encode(value, limit=MAX_MESSAGE):
    """Wire text of `value` (no newline); WireError if it is unserializable or too big."""
    try:
        text = _encode(value, limit)
    except WireError:
        raise
    except UnicodeEncodeError:
        raise WireError("string is not valid Unicode (lone surrogate)") from None
    except Exception as exc:  # MemoryError, or another thread mutating a container
        raise WireError("cannot encode value: " + type_name(_type(exc))) from None
    if len(text) > limit or (not text.isascii() and len(text.encode("utf-8")) > limit):
        raise WireError("encoded value is larger than %d bytes" % limit)
    return text


def _encode(x, limit):
    out = []
    room = limit  # decreases by len(piece), a lower bound of its bytes: bounds the work even
    stack = []    # for shared sub-lists (a DAG with 2**60 paths); exact check in encode()
    depth = 0     # open containers; "pair" entries (a dict item's [k, v]) do not count
    while True:
        t = _type(x)
        if x is None:
            piece = "null"
        elif t is bool:
            piece = "true" if x else "false"
        elif t is int:
            if int.bit_length(x) > MAX_INT_BITS:
                raise WireError("int has more than %d bits" % MAX_INT_BITS)
            try:
                piece = '{"int":"' + int.__repr__(x) + '"}'
            except ValueError:  # int_max_str_digits lowered (default 4300, or by the submission)
                piece = '{"int":"' + int_to_text(x) + '"}'
        elif t is float:
            piece = ('{"float":"nan"}' if x != x else '{"float":"inf"}' if x == _INF else
                     '{"float":"-inf"}' if x == -_INF else '{"float":"' + float.__repr__(x) + '"}')
        elif t is str:
            if len(x) > room:
                raise WireError("string larger than the message cap")
            if not x.isascii():
                x.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
            piece = _escape(x)
        elif t is bytes:
            if len(x) > room:
                raise WireError("bytes value larger than the message cap")
            piece = '{"bytes":"' + _b2a(x, newline=False).decode("ascii") + '"}'
        elif t is dict or t in _CONTAINER_TAGS:
            if depth >= MAX_DEPTH:
                raise WireError("containers nest deeper than %d" % MAX_DEPTH)
            depth += 1
            if t is dict:
                piece = '{"dict":['
                stack.append([iter(dict.items(x)), "]}", True, "dict"])
            else:  # exact built-in type: its own C iterator, no user code
                piece = '{"' + _CONTAINER_TAGS[t] + '":['
                stack.append([iter(x), "]}", True, "seq"])
        else:
            raise WireError("unserializable type " + type_name(t))
        room -= len(piece)
        if room < 0:
            raise WireError("encoded value is larger than the message cap")
        out.append(piece)
        while True:  # find the next value to write, closing finished containers
            if not stack:
                return "".join(out)
            top = stack[-1]
            x = next(top[0], _END)
            if x is _END:
                stack.pop()
                if top[3] != "pair":
                    depth -= 1
                piece = top[1]
            elif top[2]:
                top[2] = False
                piece = ""
            else:
                piece = ","
            if x is not _END and top[3] == "dict":
                piece += "["
                stack.append([iter(x), "]", True, "pair"])  # x is an exact (k, v) tuple
                x = _END
            room -= len(piece)
            if room < 0:
                raise WireError("encoded value is larger than the message cap")
            out.append(piece)
            if x is not _END:
                break


def int_to_text(x):
    """Decimal text of an exact int, bit cap checked BEFORE any conversion."""
    if int.bit_length(x) > MAX_INT_BITS:
        raise WireError("int has more than %d bits" % MAX_INT_BITS)
    try:
        return int.__repr__(x)
    except ValueError:
        pass  # sys.set_int_max_str_digits lowered (by the submission or default 4300)
    sign, x = ("-", -x) if x < 0 else ("", x)
    parts = []
    while x >= _CHUNK:
        x, low = divmod(x, _CHUNK)
        parts.append("%0*d" % (_CHUNK_DIGITS, low))
    parts.append(int.__repr__(x))
    return sign + "".join(reversed(parts))


def json_string(s, limit=MAX_MESSAGE):
    """JSON literal of an exact str; refuses lone surrogates (not valid UTF-8)."""
    if _type(s) is not str:
        raise WireError("not a string")
    if len(s) > limit:
        raise WireError("string larger than the message cap")
    if not s.isascii():
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:
            raise WireError("string is not valid Unicode (lone surrogate)") from None
    return _escape(s)


# ----------------------------------------------------------------------------- decoding
#
# parse_json() turns JSON objects into tuples of (key, value) pairs (object_pairs_hook=tuple,
# a C callable) and JSON arrays into lists; value_of() then checks the tags.

def _no_number(text):
    raise WireError("untagged JSON number")


def _no_constant(name):
    raise WireError("JSON constant %s is not allowed" % name)


def parse_json(line):
    """Strict parse of one message (bytes or str)."""
    if _type(line) is bytes:
        if len(line) > MAX_MESSAGE:
            raise WireError("message larger than %d bytes" % MAX_MESSAGE)
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            raise WireError("message is not valid UTF-8") from None
    elif _type(line) is str:
        if len(line) > MAX_MESSAGE or len(line.encode("utf-8", "surrogatepass")) > MAX_MESSAGE:
            raise WireError("message larger than %d bytes" % MAX_MESSAGE)
    else:
        raise WireError("message must be str or bytes")
    try:
        return json.loads(line, object_pairs_hook=tuple, parse_int=_no_number,
                          parse_float=_no_number, parse_constant=_no_constant)
    except WireError:
        raise
    except (ValueError, RecursionError) as exc:
        raise WireError("invalid JSON: %s" % exc) from None


def decode(text):
    """Value of one wire text (as produced by encode)."""
    return value_of(parse_json(text))


def value_of(node):
    """Value of a parsed wire tree; builds only built-in types."""
    try:
        return _value_of(node)
    except WireError:
        raise
    except UnicodeEncodeError:
        raise WireError("string is not valid Unicode (lone surrogate)") from None
    except (binascii.Error, ValueError, TypeError) as exc:
        raise WireError("invalid value: %s" % exc) from None


def _value_of(node):
    stack = []  # open containers: [tag, body, next index, items, hashable, depth]
    hashable, depth = False, 0  # hashable: inside a set or a dict key (sets -> frozensets)
    while True:
        t = _type(node)
        if node is None or node is True or node is False:
            value = node
        elif t is str:
            if not node.isascii():
                node.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
            value = node
        elif t is not tuple:
            raise WireError("untagged JSON array")
        elif len(node) != 1:
            raise WireError("a tagged value has exactly one key")
        else:
            tag, body = node[0]
            if tag == "int":
                if (_type(body) is not str or len(body) > MAX_INT_DIGITS + 1
                        or not _INT_RE.fullmatch(body)):
                    raise WireError("invalid int text")
                value = int(body) if len(body) <= _CHUNK_DIGITS else text_to_int(body)
            elif tag == "float":
                if body == "nan" or body == "inf" or body == "-inf":
                    value = float(body)
                elif _type(body) is str and len(body) <= 100 and _FLOAT_RE.fullmatch(body):
                    value = float(body)
                    if value == _INF or value == -_INF:
                        raise WireError("float text out of range")
                else:
                    raise WireError("invalid float text")
            elif tag == "bytes":
                if _type(body) is not str or not body.isascii():
                    raise WireError("bytes must be a base64 string")
                value = _a2b(body, strict_mode=True)
            elif tag in ("list", "tuple", "set", "dict"):
                if _type(body) is not list:
                    raise WireError("%s body must be a JSON array" % tag)
                if depth >= MAX_DEPTH:
                    raise WireError("containers nest deeper than %d" % MAX_DEPTH)
                if hashable and (tag == "list" or tag == "dict"):
                    raise WireError("unhashable %s inside a set or dict key" % tag)
                stack.append([tag, body, 0, [], hashable, depth + 1])
                value = _END
            else:
                raise WireError("unknown tag %r" % str(tag)[:40])
        while True:  # hand the value to its container, then find the next node
            if not stack:
                return value
            top = stack[-1]
            if value is not _END:
                top[3].append(value)
            tag, body, i = top[0], top[1], top[2]
            if tag == "dict":
                if i < 2 * len(body):
                    pair = body[i >> 1]
                    if _type(pair) is not list or len(pair) != 2:
                        raise WireError("dict items must be [key, value] pairs")
                    node, hashable, depth = pair[i & 1], not (i & 1), top[5]
                    top[2] = i + 1
                    break
            elif i < len(body):
                node, depth = body[i], top[5]
                hashable = tag == "set" or (tag == "tuple" and top[4])
                top[2] = i + 1
                break
            stack.pop()
            items = top[3]
            if tag == "list":
                value = items
            elif tag == "tuple":
                value = tuple(items)
            elif tag == "set":
                value = frozenset(items) if top[4] else set(items)
            else:
                value = dict(zip(items[0::2], items[1::2]))


def text_to_int(text):
    if _type(text) is not str or len(text) > MAX_INT_DIGITS + 1 or not _INT_RE.fullmatch(text):
        raise WireError("invalid int text")
    sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text)
    value = 0
    for i in range(0, len(digits), _CHUNK_DIGITS):  # chunks: never hits int_max_str_digits
        chunk = digits[i:i + _CHUNK_DIGITS]
        value = value * 10 ** len(chunk) + int(chunk)
    if value.bit_length() > MAX_INT_BITS:
        raise WireError("int has more than %d bits" % MAX_INT_BITS)
    return sign * value


def _checked_str(s):
    if not s.isascii():
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:
            raise WireError("string is not valid Unicode (lone surrogate)") from None
    return s


# ----------------------------------------------------------------------------- messages
#
# Request:  {"id": ID, "call": NAME, "args": [v...], "kwargs": {NAME: v}}
#           {"id": ID, "getattr": NAME}            (streaming mode only)
# Response: {"id": ID, "value": v} | {"id": ID, "raised": TYPE, "message": TEXT}
#           | {"id": ID, "unserializable": REASON}
# Hello:    {"hello": {"callables": [NAME...], "import_error": null | "Type: msg"}}

def _line(text):
    if len(text) > MAX_MESSAGE or (not text.isascii() and len(text.encode("utf-8")) > MAX_MESSAGE):
        raise WireError("message larger than %d bytes" % MAX_MESSAGE)
    return text


def request_call(rid, name, args, kwargs):
    parts = [encode(a) for a in args]
    named = [json_string(k) + ":" + encode(v) for k, v in kwargs.items()]
    return _line('{"id":%s,"call":%s,"args":[%s],"kwargs":{%s}}' % (
        json_string(rid), json_string(name), ",".join(parts), ",".join(named)))


def request_getattr(rid, name):
    return _line('{"id":%s,"getattr":%s}' % (json_string(rid), json_string(name)))


def response_value(rid, value):
    """Response line for a return value; falls back to "unserializable"."""
    head = '{"id":%s,"value":' % json_string(rid)
    try:
        return _line(head + encode(value, MAX_MESSAGE - len(head) - 1) + "}")
    except WireError as exc:
        return response_unserializable(rid, str(exc))


def response_raised(rid, exc_type, message):
    return _line('{"id":%s,"raised":%s,"message":%s}' % (
        json_string(rid), json_string(_clean(exc_type, 200)),
        json_string(_clean(message, MAX_RAISED_MESSAGE))))


def response_unserializable(rid, reason):
    return _line('{"id":%s,"unserializable":%s}' % (
        json_string(rid), json_string(_clean(reason, 1000))))


def hello(callables, import_error):
    names = ",".join(json_string(n) for n in callables)
    err = "null" if import_error is None else json_string(_clean(import_error, MAX_RAISED_MESSAGE))
    return _line('{"hello":{"callables":[%s],"import_error":%s}}' % (names, err))


def _clean(text, cap):
    """An exact, valid str of at most `cap` chars (lone surrogates replaced)."""
    if _type(text) is not str:
        text = "?"
    text = text[:cap]
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _fields(node, allowed=None):
    if _type(node) is not tuple:
        raise WireError("message must be a JSON object")
    fields = {}
    for key, val in node:
        if key in fields or (allowed is not None and key not in allowed):
            raise WireError("unexpected or repeated key %r" % key[:40])
        fields[key] = val
    return fields


def _name(node, what):
    if _type(node) is not str or not node or len(node) > 1000:
        raise WireError("%s must be a non-empty string" % what)
    return _checked_str(node)


def parse_request(line):
    """-> (id, "call", name, args, kwargs) or (id, "getattr", name, None, None)."""
    f = _fields(parse_json(line), ("id", "call", "args", "kwargs", "getattr"))
    rid = _name(f.get("id"), "id")
    if set(f) == {"id", "getattr"}:
        return rid, "getattr", _name(f["getattr"], "getattr"), None, None
    if set(f) != {"id", "call", "args", "kwargs"} or _type(f["args"]) is not list:
        raise WireError("bad request shape")
    args = [value_of(a) for a in f["args"]]
    kwargs = {_name(k, "keyword"): value_of(v) for k, v in _fields(f["kwargs"]).items()}
    return rid, "call", _name(f["call"], "call"), args, kwargs


def parse_response(line, expected_id):
    """-> ("value", v) | ("raised", type, message) | ("unserializable", reason).

    Any other shape, or an id other than `expected_id`, is a WireError (malformed run)."""
    f = _fields(parse_json(line), ("id", "value", "raised", "message", "unserializable"))
    if f.get("id") != expected_id:
        raise WireError("response id does not match the request")
    keys = set(f)
    if keys == {"id", "value"}:
        return ("value", value_of(f["value"]))
    if keys == {"id", "raised", "message"} and _type(f["message"]) is str:
        return ("raised", _name(f["raised"], "raised")[:200],
                _checked_str(f["message"])[:MAX_RAISED_MESSAGE])
    if keys == {"id", "unserializable"} and _type(f["unserializable"]) is str:
        return ("unserializable", _checked_str(f["unserializable"])[:1000])
    raise WireError("bad response shape")


def parse_hello(line):
    """-> (callables: list[str], import_error: str | None)."""
    f = _fields(parse_json(line), ("hello",))
    h = _fields(f.get("hello"), ("callables", "import_error"))
    names, err = h.get("callables"), h.get("import_error")
    if set(h) != {"callables", "import_error"} or _type(names) is not list:
        raise WireError("bad hello")
    if err is not None and _type(err) is not str:
        raise WireError("bad hello import_error")
    return [_name(n, "callable name") for n in names], (None if err is None else _checked_str(err))
