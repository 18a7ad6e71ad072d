"""Comparing results bit for bit, and measuring what a compiled function holds."""

from __future__ import annotations

import math
import struct

# Bytes still held once ``make()`` has returned (tracemalloc), and what it made: the
# speed benchmark's own measure.
from engine.app.benchmarks.speed import retained_bytes as held_bytes  # noqa: F401


def bits(x: float) -> bytes:
    """The float's 64 bits; every nan alike.

    Which nan comes out of an operation on two nans is not fixed by IEEE 754,
    and CPython 3.11 itself gives -nan · nan as -nan in its specialised
    multiplication and as nan in float.__mul__: the dynamic engine's nan
    signs vary with the interpreter's state, so they are not compared.
    """
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def assert_bitwise(compiled_result, dynamic_result):
    (value, grads), (expected, expected_grads) = compiled_result, dynamic_result
    assert bits(value) == bits(expected), (value, expected)
    assert [bits(g) for g in grads] == [bits(g) for g in expected_grads], (grads, expected_grads)
