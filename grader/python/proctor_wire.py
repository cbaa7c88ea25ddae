"""The Proctor value wire format (docs/wire-format.md) and its call messages.

A value is one line of compact JSON in which every non-trivial type is tagged:
None/bool/str are plain JSON; {"int": "-12"}, {"float": "0.1" | "nan" | "inf" | "-inf"},
{"bytes": "<base64>"}, {"list": [...]}, {"tuple": [...]}, {"set": [...]},
{"dict": [[k, v], ...]}, and the richer standard types: {"frozenset": [...]},
{"bytearray": "<base64>"}, {"complex": [re, im]}, {"fraction": [num, den]},
{"decimal": "<str>"}, {"counter": [[k, v], ...]}, {"ordereddict": [[k, v], ...]},
{"defaultdict": {"factory": NAME | null, "items": [[k, v], ...]}},
{"deque": {"maxlen": null | {"int": ..}, "items": [...]}},
{"namedtuple": {"name": NAME, "fields": [NAME...], "values": [...]}}, {"dataclass": {"name":
NAME, "fields": [NAME...], "frozen": B, "order": B, "values": [...]}}, {"type": NAME} for a
class of TYPE_NAMES; and {"handle": {"id": ID, "class": NAME}} for any other object, which
stays in the process that owns it (see call_runner.py and harness_proxy.Handle).
Call messages wrap values (see request_call, request_op, response_*).

Threat model. encode() runs in the SOLUTION process next to untrusted code. It checks
exact types (`type(x) is T`, by identity, never a hash or == of a class) and never calls a
method of the submission's objects, and it bounds its own work (int bits, depth, output
size) so a hostile value cannot stall it. An object of any other type (a class the
submission defines, even one named Counter, a subclass of int with an __eq__) is never
encoded by value: it becomes a handle. This is still not a guarantee: a submission owns
its process and may patch this module there. The guarantee is decode()/parse_*(), which
run in TRUSTED processes (test harness, grader): they parse strictly and build only
standard-library values (the types above, constructed here from validated parts) or
Handle proxies whose equality is their id, so no object defined by a submission, and no
__eq__ it wrote, ever reaches the trusted side.

Limits (the C++ side must use the same): an int has at most MAX_INT_BITS bits; containers
nest at most MAX_DEPTH deep (a top-level list has depth 1, a list inside it depth 2); one
message line is at most MAX_MESSAGE bytes of UTF-8, newline excluded. Strings must be
valid Unicode (no lone surrogates), since they travel as UTF-8.
"""

import binascii
import collections
import decimal
import fractions
import json
import keyword
import re
import sys

MAX_INT_BITS = 100_000
MAX_DEPTH = 64
MAX_MESSAGE = 4 * 1024 * 1024
MAX_INT_DIGITS = 30_103          # len(str(2 ** MAX_INT_BITS))
MAX_DECIMAL_CHARS = MAX_INT_DIGITS + 40
MAX_FIELDS = 255                 # fields of one namedtuple
MAX_RAISED_MESSAGE = 1000
_CHUNK_DIGITS = 600              # under the smallest int_max_str_digits (640)
_CHUNK = 10 ** _CHUNK_DIGITS
_INF = float("inf")

# Bound at import, before any submission code runs in this process.
_type = type
_id = id
_escape = json.encoder.encode_basestring
_type_name_of = type.__dict__["__name__"].__get__
_type_dict_of = type.__dict__["__dict__"].__get__
_type_bases_of = type.__dict__["__bases__"].__get__
_INT_RE = re.compile(r"(?:0|-?[1-9][0-9]*)", re.ASCII)
_FLOAT_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Exactly the text str(Decimal) writes; exponents of at most 19 digits (Decimal's own range
# reaches decimal.MIN_ETINY, -1999999999999999997).
_DECIMAL_RE = re.compile(r"-?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:E[+-](?:0|[1-9][0-9]{0,18}))?"
                         r"|0\.[0-9]+|Infinity|s?NaN(?:[1-9][0-9]*)?)", re.ASCII)
_b2a = binascii.b2a_base64
_a2b = binascii.a2b_base64
_Counter = collections.Counter
_OrderedDict = collections.OrderedDict
_defaultdict = collections.defaultdict
_deque = collections.deque
_Fraction = fractions.Fraction
_Decimal = decimal.Decimal
_odict_items = _OrderedDict.items
_dict_items = dict.items
_tuple_iter = tuple.__iter__
_decimal_str = _Decimal.__str__
_float_repr = float.__repr__
_complex_real = complex.__dict__["real"].__get__
_complex_imag = complex.__dict__["imag"].__get__
_ABCMeta = type(fractions.Fraction)
_fraction_num = _Fraction.__dict__["_numerator"].__get__
_fraction_den = _Fraction.__dict__["_denominator"].__get__
_dd_factory = _defaultdict.__dict__["default_factory"].__get__
_deque_maxlen = _deque.__dict__["maxlen"].__get__
_isidentifier = str.isidentifier
_END = object()

# Classes that travel by name as {"type": NAME}, and the only defaultdict factories that
# travel (any other factory arrives as None). The C++ side (grader/value.cc kTypeNames)
# holds the same list.
TYPE_NAMES = (
    "bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list",
    "object", "range", "set", "slice", "str", "tuple", "type",
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException",
    "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning",
    "ChildProcessError", "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError",
    "ConnectionResetError", "DeprecationWarning", "EOFError", "EncodingWarning", "Exception",
    "ExceptionGroup", "FileExistsError", "FileNotFoundError", "FloatingPointError",
    "FutureWarning", "GeneratorExit", "ImportError", "ImportWarning", "IndentationError",
    "IndexError", "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt",
    "LookupError", "MemoryError", "ModuleNotFoundError", "NameError", "NotADirectoryError",
    "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
    "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError",
    "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration",
    "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError",
    "TypeError", "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError",
    "UnicodeError", "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError",
    "Warning", "ZeroDivisionError",
    "collections.Counter", "collections.OrderedDict", "collections.defaultdict",
    "collections.deque", "decimal.Decimal", "fractions.Fraction",
)


def _types_by_name():
    import builtins
    out = {}
    for name in TYPE_NAMES:
        module, _, attr = name.rpartition(".")
        holder = {"": builtins, "collections": collections, "decimal": decimal,
                  "fractions": fractions}[module]
        cls = getattr(holder, attr, None)
        if _type(cls) is type or isinstance(cls, type):
            out[name] = cls
    return out


TYPES = _types_by_name()                                # name -> class
_TYPE_BY_ID = {_id(c): (c, n) for n, c in TYPES.items()}  # by identity: no hash of a class
_SEQ_TAG_BY_ID = {_id(list): "list", _id(tuple): "tuple", _id(set): "set",
                  _id(frozenset): "frozenset"}
_MAP_TAG_BY_ID = {_id(dict): "dict", _id(_Counter): "counter",
                  _id(_OrderedDict): "ordereddict"}
# What collections.namedtuple (or typing.NamedTuple) puts in a class: a class with anything
# more (methods of its own) travels as a handle, since its methods run where it lives.
_NAMEDTUPLE_KEYS = frozenset((
    "__doc__", "__slots__", "_fields", "_field_defaults", "__new__", "_make", "_replace",
    "__repr__", "_asdict", "__getnewargs__", "__match_args__", "__module__", "__qualname__",
    "__annotations__", "__orig_bases__"))


class WireError(Exception):
    """A value or message breaks the wire format (unserializable, over a cap, malformed)."""


def type_name(t):
    """Name of a class without running any of its code (a metaclass can fake __name__)."""
    try:
        name = _type_name_of(t)
    except Exception:
        return "?"
    return name if _type(name) is str else "?"


_sys_modules = sys.modules
_getset_type = type(type.__dict__["__dict__"])
# What @dataclass (eq=True; frozen, order allowed) puts in a class: a class with anything
# more (methods of its own, __post_init__, __slots__) travels as a handle.
_DATACLASS_KEYS = frozenset((
    "__module__", "__qualname__", "__doc__", "__annotations__", "__dict__", "__weakref__",
    "__dataclass_fields__", "__dataclass_params__", "__init__", "__repr__", "__eq__",
    "__hash__", "__match_args__", "__setattr__", "__delattr__", "__lt__", "__le__", "__gt__",
    "__ge__"))


def _dataclass_parts(t, x):
    """(fields, frozen, order, values) of an instance x of a plain dataclass t, else None.

    Plain: only object as base, only what @dataclass generates in the class (field
    defaults aside), eq=True, every field compared, the instance's __dict__ exactly its
    fields. Read through descriptors bound here and through `dataclasses` as the process
    loaded it; the trusted decoder rebuilds the class itself, whatever was read here."""
    try:
        if _type(t) is not type:
            return None
        bases = _type_bases_of(t)
        if len(bases) != 1 or bases[0] is not object:
            return None
        body = _type_dict_of(t)
        keys = list(body)
        for key in keys:
            if _type(key) is not str:
                return None
        if "__dataclass_fields__" not in keys or "__dataclass_params__" not in keys:
            return None
        dc = _sys_modules.get("dataclasses")
        if dc is None:
            return None
        field_type, plain_field, params_type = dc.Field, dc._FIELD, dc._DataclassParams
        params = body["__dataclass_params__"]
        if _type(params) is not params_type:
            return None
        flag = lambda name: params_type.__dict__[name].__get__(params) is True
        fields_map = body["__dataclass_fields__"]
        if not flag("eq") or _type(fields_map) is not dict or len(fields_map) > MAX_FIELDS:
            return None
        names = []
        for name, f in dict.items(fields_map):
            if (_type(name) is not str or not _isidentifier(name) or name.startswith("_")
                    or _type(f) is not field_type
                    or field_type.__dict__["_field_type"].__get__(f) is not plain_field
                    or field_type.__dict__["compare"].__get__(f) is not True):
                return None
            names.append(name)
        for key in keys:
            if key not in _DATACLASS_KEYS and key not in names:
                return None
        if _type(body["__dict__"]) is not _getset_type:
            return None
        state = body["__dict__"].__get__(x)
        if _type(state) is not dict or len(state) != len(names):
            return None
        return names, flag("frozen"), flag("order"), [dict.__getitem__(state, n) for n in names]
    except Exception:
        return None


def _namedtuple_fields(t, x):
    """The fields of a plain namedtuple class `t` (x its instance), else None. Reads class
    dicts through type's own descriptors: nothing of the class runs."""
    try:
        if _type(t) is not type:
            return None
        bases = _type_bases_of(t)
        if len(bases) != 1 or bases[0] is not tuple:  # `is`: never a metaclass's __eq__
            return None
        body = _type_dict_of(t)
        keys = list(body)
        for key in keys:
            if _type(key) is not str:
                return None
        fields = body["_fields"] if "_fields" in keys else None
        if _type(fields) is not tuple or len(fields) != tuple.__len__(x) or len(fields) > MAX_FIELDS:
            return None
        for f in fields:
            if _type(f) is not str or not _isidentifier(f) or f.startswith("_"):
                return None
        for key in keys:
            if key not in _NAMEDTUPLE_KEYS and key not in fields:
                return None
        return fields
    except Exception:
        return None


def _float_text(x):
    return ("nan" if x != x else "inf" if x == _INF else "-inf" if x == -_INF
            else _float_repr(x))


# ----------------------------------------------------------------------------- encoding
#
# encode() and value_of() are single flat loops with an explicit stack and no Python-level
# call per node (only C built-ins): deep recursion is impossible, and CPython 3.11 can
# thrash its frame-stack chunks (an mmap/munmap pair per call) when a hot call happens to
# sit on a chunk edge, which made a recursive version 50x slower at unlucky depths.

def encode(value, limit=MAX_MESSAGE, other=None):
    """Wire text of `value` (no newline); WireError if it is unserializable or too big.

    `other(x) -> (handle id, class name)` is asked for any object that is not a wire type;
    without it such an object is unserializable. (The harness's hook may instead return
    the text {"object": "<n>"} for an object of the test's own classes: see
    harness_proxy.Outgoing.)"""
    try:
        text = _encode(value, limit, other)
    except WireError:
        raise
    except UnicodeEncodeError:
        raise WireError("string is not valid Unicode (lone surrogate)") from None
    except Exception as exc:  # MemoryError, or another thread mutating a container
        raise WireError("cannot encode value: " + type_name(_type(exc))) from None
    if len(text) > limit or (not text.isascii() and len(text.encode("utf-8")) > limit):
        raise WireError("encoded value is larger than %d bytes" % limit)
    return text


def _encode(x, limit, other):
    out = []
    room = limit  # decreases by len(piece), a lower bound of its bytes: bounds the work even
    stack = []    # for shared sub-lists (a DAG with 2**60 paths); exact check in encode()
    depth = 0     # open containers; "pair" entries (a dict item's [k, v]) do not count
    while True:
        t = _type(x)
        opened = None  # (opening text, iterator, closing text, mode) of a container
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
            piece = '{"float":"' + _float_text(x) + '"}'
        elif t is str:
            if len(x) > room:
                raise WireError("string larger than the message cap")
            if not x.isascii():
                x.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
            piece = _escape(x)
        elif t is bytes or t is bytearray:
            if len(x) > room:
                raise WireError("bytes value larger than the message cap")
            piece = ('{"bytes":"' if t is bytes else '{"bytearray":"') + \
                _b2a(x, newline=False).decode("ascii") + '"}'
        elif t is complex:
            piece = ('{"complex":["' + _float_text(_complex_real(x)) + '","' +
                     _float_text(_complex_imag(x)) + '"]}')
        elif t is _Fraction:
            num, den = _fraction_num(x), _fraction_den(x)
            if _type(num) is not int or _type(den) is not int or den <= 0:
                raise WireError("Fraction with non-int parts")
            piece = '{"fraction":["' + int_to_text(num) + '","' + int_to_text(den) + '"]}'
        elif t is _Decimal:
            text = _decimal_str(x)
            if len(text) > MAX_DECIMAL_CHARS or not _DECIMAL_RE.fullmatch(text):
                raise WireError("Decimal beyond the wire's caps")
            piece = '{"decimal":"' + text + '"}'
        elif (t is type or t is _ABCMeta) and _id(x) in _TYPE_BY_ID and _TYPE_BY_ID[_id(x)][0] is x:
            piece = '{"type":"' + _TYPE_BY_ID[_id(x)][1] + '"}'
        elif _id(t) in _SEQ_TAG_BY_ID:  # exact built-in type: its own C iterator, no user code
            opened = ('{"' + _SEQ_TAG_BY_ID[_id(t)] + '":[', iter(x), "]}", "seq")
        elif _id(t) in _MAP_TAG_BY_ID:
            items = _odict_items(x) if t is _OrderedDict else _dict_items(x)
            opened = ('{"' + _MAP_TAG_BY_ID[_id(t)] + '":[', iter(items), "]}", "dict")
        elif t is _defaultdict:
            factory = _dd_factory(x)
            known = _TYPE_BY_ID.get(_id(factory)) if factory is not None else None
            name = json_string(known[1]) if known is not None and known[0] is factory else "null"
            opened = ('{"defaultdict":{"factory":' + name + ',"items":[', iter(_dict_items(x)),
                      "]}}", "dict")
        elif t is _deque:
            maxlen = _deque_maxlen(x)
            opened = ('{"deque":{"maxlen":' +
                      ("null" if maxlen is None else '{"int":"%d"}' % maxlen) + ',"items":[',
                      iter(x), "]}}", "seq")
        else:
            fields = _namedtuple_fields(t, x)
            dc = _dataclass_parts(t, x) if fields is None else None
            if fields is not None:
                opened = ('{"namedtuple":{"name":' + json_string(type_name(t)) + ',"fields":[' +
                          ",".join(json_string(f) for f in fields) + '],"values":[',
                          _tuple_iter(x), "]}}", "seq")
            elif dc is not None:
                opened = ('{"dataclass":{"name":' + json_string(type_name(t)) + ',"fields":[' +
                          ",".join(json_string(f) for f in dc[0]) + '],"frozen":' +
                          ("true" if dc[1] else "false") + ',"order":' +
                          ("true" if dc[2] else "false") + ',"values":[',
                          iter(dc[3]), "]}}", "seq")
            elif other is None:
                raise WireError("unserializable type " + type_name(t))
            else:
                ref = other(x)  # (handle id, class name), or a trusted caller's own piece
                piece = ref if _type(ref) is str else (
                    '{"handle":{"id":' + json_string(ref[0]) + ',"class":' +
                    json_string(_clean(ref[1], 200)) + '}}')
        if opened is not None:
            if depth >= MAX_DEPTH:
                raise WireError("containers nest deeper than %d" % MAX_DEPTH)
            depth += 1
            piece = opened[0]
            stack.append([opened[1], opened[2], True, opened[3]])
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


def decode(text, handle=None):
    """Value of one wire text (as produced by encode)."""
    return value_of(parse_json(text), handle)


def value_of(node, handle=None, objects=None):
    """Value of a parsed wire tree; builds only standard-library types, constructed here.

    `handle(id, class_name)` turns a {"handle": ..} into the caller's object for it (a
    Handle proxy on the harness side, the real object in the solution process); without
    it a handle is a WireError. `objects` (solution side only): the objects a request
    copied from the harness, for {"object": "<n>"}; without it such a tag is a WireError."""
    try:
        return _value_of(node, handle, objects)
    except WireError:
        raise
    except UnicodeEncodeError:
        raise WireError("string is not valid Unicode (lone surrogate)") from None
    except (binascii.Error, ValueError, TypeError, ArithmeticError) as exc:
        raise WireError("invalid value: %s" % exc) from None


_SCALAR_TAGS = frozenset(("int", "float", "bytes", "bytearray", "complex", "fraction",
                          "decimal", "type", "handle", "object"))
_SEQ_TAGS = frozenset(("list", "tuple", "set", "frozenset", "deque", "namedtuple",
                       "dataclass"))
_MAP_TAGS = frozenset(("dict", "counter", "ordereddict", "defaultdict"))
_UNHASHABLE = frozenset(("list", "dict", "counter", "ordereddict", "defaultdict", "deque",
                         "bytearray"))
_namedtuple_classes = {}  # (name, fields) -> class, so equal shapes share one class
_dataclass_classes = {}   # (name, fields, frozen, order) -> class, likewise


def _float_of(body):
    if body == "nan" or body == "inf" or body == "-inf":
        return float(body)
    if _type(body) is str and len(body) <= 100 and _FLOAT_RE.fullmatch(body):
        value = float(body)
        if value == _INF or value == -_INF:
            raise WireError("float text out of range")
        return value
    raise WireError("invalid float text")


def _int_of(body):
    if _type(body) is not str or len(body) > MAX_INT_DIGITS + 1 or not _INT_RE.fullmatch(body):
        raise WireError("invalid int text")
    return int(body) if len(body) <= _CHUNK_DIGITS else text_to_int(body)


def _object_body(tag, body, keys):
    """The fields of a tagged value's JSON-object body, which must have exactly `keys`."""
    if _type(body) is not tuple:
        raise WireError("%s body must be a JSON object" % tag)
    fields = {}
    for key, val in body:
        if key in fields or key not in keys:
            raise WireError("%s: unexpected or repeated key %r" % (tag, key[:40]))
        fields[key] = val
    if len(fields) != len(keys):
        raise WireError("%s needs the keys %s" % (tag, ", ".join(keys)))
    return fields


def _identifier(node, what):
    if (_type(node) is not str or not node.isidentifier() or keyword.iskeyword(node)
            or len(node) > 200):
        raise WireError("%s must be an identifier" % what)
    return node


def _namedtuple_class(name, fields):
    _identifier(name, "namedtuple name")
    if _type(fields) is not list or len(fields) > MAX_FIELDS:
        raise WireError("namedtuple fields must be a list of at most %d names" % MAX_FIELDS)
    for f in fields:
        if _identifier(f, "namedtuple field").startswith("_"):
            raise WireError("namedtuple field names cannot start with '_'")
    key = (name, tuple(fields))
    cls = _namedtuple_classes.get(key)
    if cls is None:
        if len(set(fields)) != len(fields):
            raise WireError("repeated namedtuple field")
        if len(_namedtuple_classes) >= 1000:
            raise WireError("more than 1000 namedtuple classes")
        cls = collections.namedtuple(name, fields, module="solution")
        _namedtuple_classes[key] = cls
    return cls


def _dataclass_class(name, fields, frozen, order):
    _identifier(name, "dataclass name")
    if _type(fields) is not list or len(fields) > MAX_FIELDS:
        raise WireError("dataclass fields must be a list of at most %d names" % MAX_FIELDS)
    for f in fields:
        if _identifier(f, "dataclass field").startswith("_"):
            raise WireError("dataclass field names cannot start with '_'")
    if _type(frozen) is not bool or _type(order) is not bool:
        raise WireError("dataclass frozen and order must be booleans")
    key = (name, tuple(fields), frozen, order)
    cls = _dataclass_classes.get(key)
    if cls is None:
        if len(set(fields)) != len(fields):
            raise WireError("repeated dataclass field")
        if len(_dataclass_classes) >= 1000:
            raise WireError("more than 1000 dataclass classes")
        import dataclasses  # here, not at import: it costs 10 ms and most runs never need it
        cls = dataclasses.make_dataclass(name, fields, frozen=frozen, order=order)
        cls.__module__ = "solution"
        _dataclass_classes[key] = cls
    return cls


def _scalar(tag, body, handle, objects):
    if tag == "int":
        return _int_of(body)
    if tag == "float":
        return _float_of(body)
    if tag == "bytes" or tag == "bytearray":
        if _type(body) is not str or not body.isascii():
            raise WireError("%s must be a base64 string" % tag)
        raw = _a2b(body, strict_mode=True)
        return raw if tag == "bytes" else bytearray(raw)
    if tag == "complex":
        if _type(body) is not list or len(body) != 2:
            raise WireError("complex must be [real, imag]")
        return complex(_float_of(body[0]), _float_of(body[1]))
    if tag == "fraction":
        if _type(body) is not list or len(body) != 2:
            raise WireError("fraction must be [numerator, denominator]")
        num, den = _int_of(body[0]), _int_of(body[1])
        if den <= 0:
            raise WireError("fraction denominator must be positive")
        return _Fraction(num, den)
    if tag == "decimal":
        if _type(body) is not str or len(body) > MAX_DECIMAL_CHARS or not _DECIMAL_RE.fullmatch(body):
            raise WireError("invalid decimal text")
        return _Decimal(body)
    if tag == "type":
        cls = TYPES.get(body) if _type(body) is str else None
        if cls is None:
            raise WireError("type %r is not one the wire carries" % str(body)[:40])
        return cls
    if tag == "object":
        if objects is None:
            raise WireError("an object of the harness is not a value here")
        index = _int_of(body)
        if not 0 <= index < len(objects):
            raise WireError("object %d is not in the request's table" % index)
        return objects[index]
    # handle
    f = _object_body(tag, body, ("id", "class"))
    hid, cls = f["id"], f["class"]
    if _type(hid) is not str or not hid or len(hid) > 100 or not hid.isascii():
        raise WireError("handle id must be a short ASCII string")
    if _type(cls) is not str or len(cls) > 200:
        raise WireError("handle class must be a string")
    if handle is None:
        raise WireError("an object of class %s (a handle) is not a value" % _checked_str(cls))
    return handle(hid, _checked_str(cls))


def _value_of(node, handle, objects):
    stack = []  # open containers: [tag, body, next index, items, hashable, depth, extra]
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
            if hashable and tag in _UNHASHABLE:
                raise WireError("unhashable %s inside a set or dict key" % tag)
            if tag == "int":  # inline: the common scalars cost no Python call
                if (_type(body) is not str or len(body) > MAX_INT_DIGITS + 1
                        or not _INT_RE.fullmatch(body)):
                    raise WireError("invalid int text")
                value = int(body) if len(body) <= _CHUNK_DIGITS else text_to_int(body)
            elif tag in _SCALAR_TAGS:
                value = _scalar(tag, body, handle, objects)
            elif tag in _SEQ_TAGS or tag in _MAP_TAGS:
                extra = None
                if tag == "defaultdict":
                    f = _object_body(tag, body, ("factory", "items"))
                    extra, body = f["factory"], f["items"]
                    if extra is not None and (_type(extra) is not str or extra not in TYPES):
                        raise WireError("defaultdict factory must be null or a wire type name")
                elif tag == "deque":
                    f = _object_body(tag, body, ("maxlen", "items"))
                    extra, body = f["maxlen"], f["items"]
                    if extra is not None:
                        if _type(extra) is not tuple or len(extra) != 1 or extra[0][0] != "int":
                            raise WireError("deque maxlen must be null or an int")
                        extra = _int_of(extra[0][1])
                        if not 0 <= extra <= 2 ** 63 - 1:
                            raise WireError("deque maxlen out of range")
                elif tag == "namedtuple":
                    f = _object_body(tag, body, ("name", "fields", "values"))
                    extra, body = _namedtuple_class(f["name"], f["fields"]), f["values"]
                    if _type(body) is list and len(body) != len(f["fields"]):
                        raise WireError("namedtuple needs one value per field")
                elif tag == "dataclass":
                    f = _object_body(tag, body, ("name", "fields", "frozen", "order", "values"))
                    extra = _dataclass_class(f["name"], f["fields"], f["frozen"], f["order"])
                    body = f["values"]
                    if _type(body) is list and len(body) != len(f["fields"]):
                        raise WireError("dataclass needs one value per field")
                    if hashable and f["frozen"] is not True:
                        raise WireError("unhashable dataclass (not frozen) inside a set or dict key")
                if _type(body) is not list:
                    raise WireError("%s body must be a JSON array" % tag)
                if tag == "deque" and extra is not None and len(body) > extra:
                    raise WireError("deque holds more items than its maxlen")
                if depth >= MAX_DEPTH:
                    raise WireError("containers nest deeper than %d" % MAX_DEPTH)
                # [.., is a mapping, the hashable flag of a sequence's items]
                stack.append([tag, body, 0, [], hashable, depth + 1, extra, tag in _MAP_TAGS,
                              tag == "set" or tag == "frozenset" or
                              ((tag == "tuple" or tag == "namedtuple" or tag == "dataclass")
                               and hashable)])
                value = _END
            else:
                raise WireError("unknown tag %r" % str(tag)[:40])
        while True:  # hand the value to its container, then find the next node
            if not stack:
                return value
            top = stack[-1]
            if value is not _END:
                top[3].append(value)
            body, i = top[1], top[2]
            if top[7]:
                if i < 2 * len(body):
                    pair = body[i >> 1]
                    if _type(pair) is not list or len(pair) != 2:
                        raise WireError("%s items must be [key, value] pairs" % top[0])
                    node, hashable, depth = pair[i & 1], not (i & 1), top[5]
                    top[2] = i + 1
                    break
            elif i < len(body):
                node, depth, hashable = body[i], top[5], top[8]
                top[2] = i + 1
                break
            stack.pop()
            tag, items = top[0], top[3]
            if tag == "list":
                value = items
            elif tag == "tuple":
                value = tuple(items)
            elif tag == "set":
                value = frozenset(items) if top[4] else set(items)
            elif tag == "frozenset":
                value = frozenset(items)
            elif tag == "deque":
                value = _deque(items, top[6])
            elif tag == "namedtuple":
                value = top[6]._make(items)
            elif tag == "dataclass":
                value = top[6](*items)
            else:
                pairs = zip(items[0::2], items[1::2])
                if tag == "dict":
                    value = dict(pairs)
                elif tag == "counter":
                    value = _Counter()
                    dict.update(value, pairs)  # as given: no counting, zeros and all
                elif tag == "ordereddict":
                    value = _OrderedDict(pairs)
                else:
                    value = _defaultdict(None if top[6] is None else TYPES[top[6]], pairs)


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
#           {"id": ID, "on": HANDLE_ID, "op": OP, "args": [v...], "kwargs": {NAME: v}}
#                                                  (streaming mode only; OP in OPS)
# Response: {"id": ID, "value": v} | {"id": ID, "raised": TYPE, "message": TEXT, "bases": [NAME]}
#           | {"id": ID, "unserializable": REASON}
#           | {"id": ID, "method": NAME}  (an op getattr found a method bound to its object)
# Hello:    {"hello": {"callables": [NAME...], "import_error": null | "Type: msg"}}

def _line(text):
    if len(text) > MAX_MESSAGE or (not text.isascii() and len(text.encode("utf-8")) > MAX_MESSAGE):
        raise WireError("message larger than %d bytes" % MAX_MESSAGE)
    return text


# What an op does to the object of handle H (args are the op's own, after the handle):
#   getattr [name]  setattr [name, value]  delattr [name]  call [*args] (+kwargs): H(...)
#   method [name, *args] (+kwargs): H.name(...)  bool []  len []  iter []  next []
#   str []  repr []  getitem [key]  setitem [key, value]  delitem [key]  contains [item]
#   int []  float []  isinstance [class name]: isinstance(H, <the solution's class>)
#   unary [name]: operator.<name>(H) for a name of UNARY
#   binary [name, other, reflected]: operator.<name>(H, other), or (other, H) if reflected,
#   for a name of BINARY (arithmetic only: comparisons are never forwarded)
OPS = ("getattr", "setattr", "delattr", "call", "method", "bool", "len", "iter", "next", "str",
       "repr", "getitem", "setitem", "delitem", "contains", "int", "float", "isinstance",
       "unary", "binary")
UNARY = ("neg", "pos", "abs", "invert")
BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_",
          "xor", "lshift", "rshift")


def _arguments(args, kwargs, other):
    parts = [encode(a, other=other) for a in args]
    named = [json_string(k) + ":" + encode(v, other=other) for k, v in kwargs.items()]
    return ",".join(parts), ",".join(named)


def _objects_part(objects):
    """`objects`: a callable giving the JSON text of the request's object table (after the
    arguments were encoded, since encoding them fills it), or None."""
    text = objects() if objects is not None else None
    return ',"objects":' + text if text else ""


def request_call(rid, name, args, kwargs, other=None, objects=None):
    parts, named = _arguments(args, kwargs, other)
    return _line('{"id":%s,"call":%s,"args":[%s],"kwargs":{%s}%s}' % (
        json_string(rid), json_string(name), parts, named, _objects_part(objects)))


def request_op(rid, on, op, args, kwargs=None, other=None, objects=None):
    if op not in OPS:
        raise WireError("unknown op %r" % op)
    parts, named = _arguments(args, kwargs or {}, other)
    return _line('{"id":%s,"on":%s,"op":"%s","args":[%s],"kwargs":{%s}%s}' % (
        json_string(rid), json_string(on), op, parts, named, _objects_part(objects)))


def request_getattr(rid, name):
    return _line('{"id":%s,"getattr":%s}' % (json_string(rid), json_string(name)))


def response_value(rid, value, other=None):
    """Response line for a return value; falls back to "unserializable"."""
    head = '{"id":%s,"value":' % json_string(rid)
    try:
        return _line(head + encode(value, MAX_MESSAGE - len(head) - 1, other) + "}")
    except WireError as exc:
        return response_unserializable(rid, str(exc))


def response_method(rid, name):
    return _line('{"id":%s,"method":%s}' % (json_string(rid), json_string(_clean(name, 1000))))


def response_raised(rid, exc_type, message, bases=()):
    """`bases`: names of the exception's base classes, nearest first (a test's `raises`
    matches the type or any of them, as pytest.raises does)."""
    names = ",".join(json_string(_clean(b, 200)) for b in list(bases)[:16])
    return _line('{"id":%s,"raised":%s,"message":%s,"bases":[%s]}' % (
        json_string(rid), json_string(_clean(exc_type, 200)),
        json_string(_clean(message, MAX_RAISED_MESSAGE)), names))


def response_unserializable(rid, reason):
    return _line('{"id":%s,"unserializable":%s}' % (
        json_string(rid), json_string(_clean(reason, 1000))))


def hello(callables, import_error, types=(), classes=()):
    """`types`: (name, TYPE_NAMES entry) for names of the solution that are such classes;
    `classes`: names of the solution's other classes (among `callables`)."""
    names = ",".join(json_string(n) for n in callables)
    err = "null" if import_error is None else json_string(_clean(import_error, MAX_RAISED_MESSAGE))
    kinds = ",".join("[%s,%s]" % (json_string(n), json_string(t)) for n, t in types)
    own = ",".join(json_string(n) for n in classes)
    return _line('{"hello":{"callables":[%s],"import_error":%s,"types":[%s],"classes":[%s]}}' % (
        names, err, kinds, own))


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


MAX_OBJECTS = 100_000  # objects copied from the harness in one request


def parse_request(line, handle=None, make_object=None):
    """-> (id, "call", name, args, kwargs), (id, "getattr", name, None, None) or
    (id, "op", op, [object of the handle, *args], kwargs); `handle` as in value_of().

    A call or op may carry "objects": [[CLASS, [[attr, v], ...]], ...], copies of the
    harness's own objects that its values name as {"object": "<n>"}; `make_object(CLASS)`
    gives an empty instance for each, whose attributes are then set (cycles and shared
    objects kept). Without `make_object` such a request is a WireError."""
    f = _fields(parse_json(line), ("id", "call", "args", "kwargs", "getattr", "on", "op",
                                   "objects"))
    rid = _name(f.get("id"), "id")
    if set(f) == {"id", "getattr"}:
        return rid, "getattr", _name(f["getattr"], "getattr"), None, None
    table = f.pop("objects", None)
    if set(f) == {"id", "on", "op", "args", "kwargs"}:
        kind, name = "op", f["op"]
        if name not in OPS:
            raise WireError("unknown op")
        head = [value_of((("handle", (("id", f["on"]), ("class", ""))),), handle)]
    elif set(f) == {"id", "call", "args", "kwargs"}:
        kind, name, head = "call", _name(f["call"], "call"), []
    else:
        raise WireError("bad request shape")
    if _type(f["args"]) is not list:
        raise WireError("bad request shape")
    objects = None
    if table is not None:
        if make_object is None or _type(table) is not list or len(table) > MAX_OBJECTS:
            raise WireError("objects not allowed here, or too many")
        for entry in table:
            if _type(entry) is not list or len(entry) != 2 or _type(entry[1]) is not list:
                raise WireError("objects must be [class, [[attr, value], ...]]")
        objects = [make_object(_identifier(entry[0], "object class")) for entry in table]
    args = head + [value_of(a, handle, objects) for a in f["args"]]
    kwargs = {_name(k, "keyword"): value_of(v, handle, objects)
              for k, v in _fields(f["kwargs"]).items()}
    for obj, (cls, attrs) in zip(objects or (), table or ()):
        for pair in attrs:
            if _type(pair) is not list or len(pair) != 2:
                raise WireError("object attributes must be [name, value] pairs")
            attr = _identifier(pair[0], "attribute name")
            try:
                setattr(obj, attr, value_of(pair[1], handle, objects))
            except WireError:
                raise
            except Exception as exc:  # the solution's own class refused it
                raise WireError("cannot set %s.%s: %s" % (cls, attr, type_name(_type(exc))))
    return rid, kind, name, args, kwargs


def parse_response(line, expected_id, handle=None):
    """-> ("value", v) | ("raised", type, message) | ("unserializable", reason)
    | ("method", name); `handle` as in value_of().

    Any other shape, or an id other than `expected_id`, is a WireError (malformed run)."""
    f = _fields(parse_json(line), ("id", "value", "raised", "message", "bases",
                                   "unserializable", "method"))
    if f.get("id") != expected_id:
        raise WireError("response id does not match the request")
    keys = set(f)
    if keys == {"id", "value"}:
        return ("value", value_of(f["value"], handle))
    if keys == {"id", "method"}:
        return ("method", _name(f["method"], "method"))
    if keys - {"bases"} == {"id", "raised", "message"} and _type(f["message"]) is str and \
            _type(f.get("bases", [])) is list:
        return ("raised", _name(f["raised"], "raised")[:200],
                _checked_str(f["message"])[:MAX_RAISED_MESSAGE])
    if keys == {"id", "unserializable"} and _type(f["unserializable"]) is str:
        return ("unserializable", _checked_str(f["unserializable"])[:1000])
    raise WireError("bad response shape")


def parse_hello(line):
    """-> (callables: list[str], import_error: str | None, types: {name: class of TYPES},
    classes: list[str])."""
    f = _fields(parse_json(line), ("hello",))
    h = _fields(f.get("hello"), ("callables", "import_error", "types", "classes"))
    names, err, kinds, own = (h.get("callables"), h.get("import_error"), h.get("types"),
                              h.get("classes"))
    if (set(h) != {"callables", "import_error", "types", "classes"} or _type(names) is not list
            or _type(kinds) is not list or _type(own) is not list):
        raise WireError("bad hello")
    if err is not None and _type(err) is not str:
        raise WireError("bad hello import_error")
    types = {}
    for pair in kinds:
        if _type(pair) is not list or len(pair) != 2 or _type(pair[1]) is not str \
                or pair[1] not in TYPES:
            raise WireError("bad hello types")
        types[_name(pair[0], "type name")] = TYPES[pair[1]]
    return ([_name(n, "callable name") for n in names],
            (None if err is None else _checked_str(err)), types,
            [_name(n, "class name") for n in own])
