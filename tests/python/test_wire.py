"""proctor_wire: exact forms, round trips, refusals and strict decoding."""

import collections
import math
import random
import struct
import sys
import time
import unittest

import support

wire = support.load_wire()
WireError = wire.WireError


def same(a, b):
    """Equal AND of the same types all the way down (1 == 1.0 == True is not enough)."""
    if type(a) is frozenset:
        a = set(a)
    if type(b) is frozenset:
        b = set(b)
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return struct.pack("<d", a) == struct.pack("<d", b) or (a != a and b != b)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return list(map(repr, a)) == list(map(repr, b)) and all(same(a[k], b[k]) for k in a)
    return a == b


class Spy:
    """Records any call of one of its methods: the encoder must never make one."""
    touched = []

    def _touch(self, *args, **kwargs):
        Spy.touched.append(True)
        return 0

    __eq__ = __ne__ = __lt__ = __hash__ = __repr__ = __str__ = __len__ = _touch
    __iter__ = __index__ = __int__ = __float__ = __bool__ = __format__ = _touch
    __reduce__ = __reduce_ex__ = __getstate__ = _touch


class LyingName(type):
    @property
    def __name__(cls):
        Spy.touched.append(True)
        return "int"


class Forged(metaclass=LyingName):
    pass


class ExactForms(unittest.TestCase):
    def test_scalars(self):
        self.assertEqual(wire.encode(None), "null")
        self.assertEqual(wire.encode(True), "true")
        self.assertEqual(wire.encode(False), "false")
        self.assertEqual(wire.encode(-12), '{"int":"-12"}')
        self.assertEqual(wire.encode(0.1), '{"float":"0.1"}')
        self.assertEqual(wire.encode(1e16), '{"float":"1e+16"}')
        self.assertEqual(wire.encode(float("nan")), '{"float":"nan"}')
        self.assertEqual(wire.encode(float("-inf")), '{"float":"-inf"}')
        self.assertEqual(wire.encode('a"\n'), '"a\\"\\n"')
        self.assertEqual(wire.encode(b"\x00\xff"), '{"bytes":"AP8="}')

    def test_containers(self):
        self.assertEqual(wire.encode([1, "a"]), '{"list":[{"int":"1"},"a"]}')
        self.assertEqual(wire.encode((None,)), '{"tuple":[null]}')
        self.assertEqual(wire.encode({True}), '{"set":[true]}')
        self.assertEqual(wire.encode({"k": [], 2: ()}),
                         '{"dict":[["k",{"list":[]}],[{"int":"2"},{"tuple":[]}]]}')

    def test_bool_int_float_stay_distinct(self):
        for v in (True, 1, 1.0):
            self.assertIs(type(wire.decode(wire.encode(v))), type(v))


class RoundTrip(unittest.TestCase):
    VALUES = [
        None, True, False, 0, -1, 2 ** 64, -(2 ** 200), 0.1, -0.0, 1e308, 5e-324,
        1.7976931348623157e308,
        "", "héllo \u2028 \U0001F600 \x00 \"\\", b"", bytes(range(256)),
        [], [1, [2, [3.5]]], (), (1, "a", (None,)), set(), {1, 2, "x"}, frozenset({1, 3}),
        {"a": 1, 2: [3], (1, 2): None, None: {}}, {frozenset({1}): 1}, {(1, frozenset({2})): "x"},
        {(1, 2), (3, 4)}, {frozenset({frozenset({1})})}, [{1: {2: (3,)}}],
    ]

    def test_values(self):
        for v in self.VALUES:
            with self.subTest(v=v):
                back = wire.decode(wire.encode(v))
                self.assertTrue(same(v, back), (v, back))

    def test_special_floats(self):
        self.assertTrue(math.isnan(wire.decode(wire.encode(float("nan")))))
        self.assertEqual(wire.decode(wire.encode(float("inf"))), float("inf"))
        self.assertEqual(wire.decode('{"float":"-inf"}'), float("-inf"))

    def test_random_float_bits_round_trip_exactly(self):
        rng = random.Random(7)
        for _ in range(2000):
            x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            self.assertTrue(same(x, wire.decode(wire.encode(x))), x)

    def test_nested_sets_decode_hashable(self):
        back = wire.decode(wire.encode({(1, frozenset({2}))}))
        self.assertEqual(back, {(1, frozenset({2}))})


class Ints(unittest.TestCase):
    def test_cap_is_in_bits(self):
        big = 2 ** wire.MAX_INT_BITS - 1
        self.assertEqual(wire.decode(wire.encode(big)), big)
        self.assertEqual(wire.decode(wire.encode(-big)), -big)
        for too_big in (2 ** wire.MAX_INT_BITS, -(2 ** wire.MAX_INT_BITS)):
            with self.assertRaises(WireError):
                wire.encode(too_big)
        with self.assertRaises(WireError):
            wire.decode('{"int":"%s0"}' % wire.int_to_text(2 ** wire.MAX_INT_BITS - 1))

    def test_giant_int_refused_before_str(self):
        start = time.monotonic()
        with self.assertRaises(WireError):
            wire.encode([1 << 40_000_000])
        self.assertLess(time.monotonic() - start, 1.0)

    def test_low_int_max_str_digits(self):
        # A submission may lower the limit (min 640); the encoder must still work.
        old = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(640)
        try:
            for v in (10 ** 30000 + 12345, -(7 ** 20000), 10 ** 640, 10 ** 600):
                self.assertEqual(wire.decode(wire.encode(v)), v)
            self.assertEqual(wire.encode(10 ** 1200)[8:-2], "1" + "0" * 1200)
        finally:
            sys.set_int_max_str_digits(old)


class Refusals(unittest.TestCase):
    def setUp(self):
        Spy.touched.clear()

    def test_subclasses_and_foreign_types(self):
        class MyInt(int):
            pass

        class MyStr(str):
            pass

        class MyList(list):
            pass

        class MyDict(dict):
            pass

        class MyFloat(float):
            pass

        Point = collections.namedtuple("Point", "x y")
        refused = [MyInt(3), MyStr("a"), MyList([1]), MyDict(a=1), MyFloat(1.0), Point(1, 2),
                   object(), len, lambda: 0, bytearray(b"x"), memoryview(b"x"), 1j,
                   (i for i in ()), range(3), collections.OrderedDict(), Spy(), Forged()]
        for v in refused:
            for wrapped in (v, [v], {"k": v}, (1, (v,))):
                with self.subTest(v=type(v), wrapped=type(wrapped)):
                    with self.assertRaises(WireError):
                        wire.encode(wrapped)
        self.assertEqual(Spy.touched, [])

    def test_spy_as_dict_key_or_set_member(self):
        s = Spy()
        for v in ({s: 1}, {s}, frozenset([s])):
            Spy.touched.clear()
            with self.assertRaises(WireError):
                wire.encode(v)
            self.assertEqual(Spy.touched, [])

    def test_depth(self):
        def nest(n):
            v = 1
            for _ in range(n):
                v = [v]
            return v
        self.assertEqual(wire.decode(wire.encode(nest(64))), nest(64))
        with self.assertRaises(WireError):
            wire.encode(nest(65))
        with self.assertRaises(WireError):
            wire.decode('{"list":[' * 65 + "]}" * 65)
        loop = []
        loop.append(loop)
        with self.assertRaises(WireError):
            wire.encode(loop)

    def test_shared_sublists_hit_the_size_cap_fast(self):
        v = [0]
        for _ in range(60):
            v = [v, v]  # 2**60 paths, a few objects
        start = time.monotonic()
        with self.assertRaises(WireError):
            wire.encode(v)
        self.assertLess(time.monotonic() - start, 5.0)

    def test_message_size(self):
        wire.encode("x" * (wire.MAX_MESSAGE - 2))
        for v in ("x" * (wire.MAX_MESSAGE - 1), b"x" * (wire.MAX_MESSAGE // 4 * 3),
                  ["é" * (wire.MAX_MESSAGE // 2)], [None] * wire.MAX_MESSAGE):
            with self.assertRaises(WireError):
                wire.encode(v)
        with self.assertRaises(WireError):
            wire.decode(b'"' + b"x" * wire.MAX_MESSAGE + b'"')

    def test_lone_surrogates(self):
        with self.assertRaises(WireError):
            wire.encode("a\ud800")
        with self.assertRaises(WireError):
            wire.decode('"\\ud800"')
        self.assertEqual(wire.decode('"\\ud83d\\ude00"'), "\U0001F600")


class StrictDecode(unittest.TestCase):
    BAD = [
        "", "1", "1.5", "-0", "NaN", "Infinity", "[1]", '["a"]', "null null", "{}",
        '{"int":1}', '{"int":"01"}', '{"int":"-0"}', '{"int":" 1"}', '{"int":"1_0"}',
        '{"int":"\\u0661"}', '{"int":"+1"}', '{"int":"%s"}' % ("9" * 30104),
        '{"float":"NaN"}', '{"float":"infinity"}', '{"float":"1e999"}', '{"float":"0x1p3"}',
        '{"float":"1."}', '{"float":1.5}', '{"bytes":"!!"}', '{"bytes":"AP8"}',
        '{"list":[],"tuple":[]}', '{"lst":[]}', '{"list":{"a":"b"}}', '{"list":"ab"}',
        '{"set":[{"list":[]}]}', '{"dict":[[{"list":[]},null]]}', '{"dict":[[null]]}',
        '{"dict":[{"list":[]}]}', '{"set":[{"dict":[]}]}', '{"list":[{"int":"1"}]} x',
        "[" * 100000 + "]" * 100000, '{"list":' * 5000 + "[]" + "}" * 5000, b"\xff",
    ]

    def test_bad_texts(self):
        for text in self.BAD:
            with self.subTest(text=text[:60]):
                with self.assertRaises(WireError):
                    wire.decode(text)


class Messages(unittest.TestCase):
    def test_request_round_trip(self):
        line = wire.request_call("7", "add", [1, 2.5], {"c": [b"x"]})
        self.assertEqual(wire.parse_request(line), ("7", "call", "add", [1, 2.5], {"c": [b"x"]}))
        self.assertEqual(wire.parse_request(wire.request_getattr("8", "N")),
                         ("8", "getattr", "N", None, None))

    def test_responses(self):
        self.assertEqual(wire.parse_response(wire.response_value("1", (1,)), "1"), ("value", (1,)))
        self.assertEqual(wire.parse_response(wire.response_raised("1", "SystemExit", "0"), "1"),
                         ("raised", "SystemExit", "0"))
        line = wire.response_value("1", Spy())
        self.assertEqual(wire.parse_response(line, "1")[0], "unserializable")
        long = wire.response_raised("1", "E", "m" * 5000)
        self.assertEqual(len(wire.parse_response(long, "1")[2]), wire.MAX_RAISED_MESSAGE)

    def test_malformed_responses(self):
        for line in ['{"id":"2","value":null}', '{"id":"1","id":"1","value":null}',
                     '{"id":"1","value":null,"x":1}', '{"id":"1"}', '{"id":1,"value":null}',
                     '{"passed": true, "reward": 1.0}', '{"id":"1","raised":"E"}',
                     '{"id":"1","value":{"int":"x"}}', "6 passed"]:
            with self.subTest(line=line):
                with self.assertRaises(WireError):
                    wire.parse_response(line, "1")

    def test_hello(self):
        line = wire.hello(["f", "g"], None)
        self.assertEqual(wire.parse_hello(line), (["f", "g"], None))
        self.assertEqual(wire.parse_hello(wire.hello([], "SystemExit: 0")), ([], "SystemExit: 0"))
        with self.assertRaises(WireError):
            wire.parse_hello('{"hello":{"callables":[1],"import_error":null}}')


if __name__ == "__main__":
    unittest.main()
