"""Plain values between the judge and the sandbox: the schema's limits and placeholders.

What the codec (``engine.app.classroom.codec``) writes and reads without
any shared object behind it: the bounds every message keeps (nesting,
items, string length, 64-bit integers), a number as it may be sent (a
float, or ``{"O": type name, "repr": …}`` for whatever a student's code
left in a node), a numpy array by value, and ``Foreign``, the placeholder
the receiver sees for an object of a type the other side could not send.
Anything outside these shapes is ``Malformed``.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar, cast

from engine.app.classroom.framing import Malformed

MAX_DEPTH = 48  # nesting of lists, tuples and dicts in one value
MAX_ITEMS = 2_000_000  # leaves and items in one message
MAX_TEXT = 100_000  # characters in one string
MAX_INT = 2**63


class Foreign:
    """An object of a type the other side could not send: its type name and repr."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text


Base = TypeVar("Base", bound=type)
_NAMED: dict[tuple[type, str], type] = {}


def named_subclass(base: Base, name: str, otherwise: str) -> Base:
    """A subclass of ``base`` named ``name`` (``otherwise`` if that is no identifier), made
    once: what the other side sent reads with the sender's type name in reports."""
    name = name if name.isidentifier() else otherwise
    cls = _NAMED.get((base, name))
    if cls is None:
        cls = _NAMED[base, name] = type(name, (base,), {})
    return cast(Base, cls)


def foreign(type_name: str, text: str) -> Foreign:
    """A ``Foreign`` whose class is named as the sender's type, so reports read naturally."""
    cls = named_subclass(Foreign, type_name, "object")
    return cls(cls.__name__, text)


def read_foreign(tree: dict[str, Any]) -> Foreign:
    """The ``Foreign`` that ``{"O": type name, "repr": text}`` stands for."""
    name, text = tree["O"], tree["repr"]
    if not isinstance(name, str) or not isinstance(text, str):
        raise Malformed("a foreign object is {O: type name, repr: text}")
    return foreign(name[:100], text[:300])


def short_repr(obj: object) -> str:
    try:
        text = repr(obj)
    except Exception:  # a student's __repr__ may raise
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


def plain_float(x: object) -> Any:
    """A node's number as it is sent: itself, a float, or a foreign object by its repr."""
    if type(x) is float or type(x) is int and abs(x) < MAX_INT:
        return x
    if isinstance(x, float) or from_numpy(x) and hasattr(x, "dtype") and x.dtype.kind == "f":
        return float(x)  # type: ignore[arg-type]
    return {"O": type(x).__name__, "repr": short_repr(x)}


def read_number(x: object) -> Any:
    """A node's number as received: a float, or the ``Foreign`` it was sent as."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x) if isinstance(x, float) or abs(x) < MAX_INT else math.nan
    if isinstance(x, dict) and set(x) == {"O", "repr"}:
        return read_foreign(x)
    raise Malformed(f"{type(x).__name__} where a number was expected")


def from_numpy(x: object) -> bool:
    """Is ``x`` a numpy object? (numpy is imported only where one is met: the runner
    starts faster without it, and most chapters never use it.)"""
    return type(x).__module__.split(".")[0] == "numpy"


def read_array(shape: object, data: object, budget: list[int]) -> Any:
    """The numpy array ``{"A": shape, "data": numbers}`` stands for, its items counted
    against ``budget``."""
    if not (isinstance(shape, list) and len(shape) <= 8
            and all(isinstance(s, int) and 0 <= s for s in shape)):
        raise Malformed("an array's shape must be a list of sizes")
    if not isinstance(data, list) or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in data):
        raise Malformed("an array's data must be a list of numbers")
    budget[0] -= len(data)
    if budget[0] < 0 or math.prod(shape) != len(data):
        raise Malformed("an array's data does not fill its shape")
    import numpy  # noqa: PLC0415 (only where an array is met: see from_numpy)

    return numpy.array(data, dtype=float).reshape(shape)
