"""Graph nodes between the judge and the runner: one table by columns, numbers packed.

A graph crosses as one table, parents before children (``NodeTable``): one
entry a node in ``id``, ``data``, ``grad``, ``arity``, ``op`` and ``label``,
and the edges of all the nodes in a row in ``parents`` and ``local`` (the
first ``arity[0]`` edges are the first node's, and so on). The numbers are
packed, each column one base64 string of little-endian 64-bit numbers:

- ``id``, ``arity`` and ``parents``: ``{"i64": text}``;
- ``data``, ``grad`` and ``local``: ``{"f64": text, "odd": [[place, value], …]}``,
  where ``odd`` lists, in increasing places, the entries that are not floats
  (an int, or whatever a student's code left in ``.data``), which travel as
  plain values (``engine.app.classroom.plain_values``); the packed number at
  such a place is ignored.

So a 20,000-link chain (60,001 nodes) is a few strings that each side turns
into arrays in C, instead of half a million JSON numbers that Python would
print and parse one by one (measured: a tenth of the time, and smaller).
A graph the judge built from a recipe (``engine.app.classroom.recipes``)
crosses as ``recipe``, a list of ``[name, links, first id]``, and no row:
the student's side builds it again. Only the judge sends recipes.

Reading a table (``NodeTable.read``) checks its whole shape before any node
is made: every column present and of the table's length, each packed column
exactly as long as its count says, the arities counting the edges, sizes
bounded; what is inside (ids new, parents known) is checked as the nodes
are built (``engine.app.classroom.node_crossing``). Anything else is ``Malformed``.
"""

from __future__ import annotations

import base64
import binascii
import math
import sys
from array import array
from collections.abc import Callable
from typing import Any

from engine.app.classroom.framing import Malformed

MAX_NODES = 1_000_000  # graph nodes in one message
MAX_EDGES = 4 * MAX_NODES

_BIG_ENDIAN = sys.byteorder == "big"


# --- packed columns ----------------------------------------------------------------------


def pack_ints(values: list[int]) -> dict[str, str]:
    """``{"i64": base64}`` of ``values`` (ints of this side's own making)."""
    return {"i64": _pack(array("q", values))}


def pack_floats(values: list[Any], plain: Callable[[Any], Any] = float) -> dict[str, Any]:
    """``{"f64": base64, "odd": [[place, plain(value)], …]}``: floats packed, anything else
    apart, as ``plain`` writes it."""
    odd = [] if set(map(type, values)) <= {float} else [
        [place, plain(value)] for place, value in enumerate(values) if type(value) is not float]
    if odd:
        values = list(values)
        for place, _ in odd:
            values[place] = math.nan
    return {"f64": _pack(array("d", values)), "odd": odd}


def _pack(numbers: array) -> str:
    if _BIG_ENDIAN:
        numbers.byteswap()
    return base64.b64encode(numbers.tobytes()).decode("ascii")


def read_ints(column: object, count: int | None, what: str) -> list[int]:
    """The ints of a packed column that must hold ``count`` of them (None: as many as it
    packs, at most ``MAX_EDGES``)."""
    if not (isinstance(column, dict) and set(column) == {"i64"}):
        raise Malformed(f"a node table's {what} must be {{i64: packed ints}}")
    if count is None:
        text = column["i64"]
        if not isinstance(text, str) or len(text) > 4 * math.ceil(8 * MAX_EDGES / 3):
            raise Malformed(f"{what} must pack at most {MAX_EDGES:,} numbers")
        count = (len(text) // 4 * 3 - text[-2:].count("=")) // 8
    return _unpack("q", column["i64"], count, what).tolist()


def read_floats(column: object, count: int, what: str) -> list[Any]:
    """The entries of a packed float column of ``count``: floats, and the odd ones as sent."""
    if not (isinstance(column, dict) and set(column) == {"f64", "odd"}
            and isinstance(column["odd"], list) and len(column["odd"]) <= count):
        raise Malformed(f"a node table's {what} must be {{f64: packed floats, odd: list}}")
    values: list[Any] = _unpack("d", column["f64"], count, what).tolist()
    last = -1
    for entry in column["odd"]:
        if not (isinstance(entry, list) and len(entry) == 2 and type(entry[0]) is int
                and last < entry[0] < count):
            raise Malformed(f"a node table's odd {what} must be [place, value] in order")
        last = entry[0]
        values[last] = entry[1]
    return values


def _unpack(code: str, text: object, count: int, what: str) -> array:
    size = 8 * count
    if not isinstance(text, str) or len(text) != 4 * math.ceil(size / 3):
        raise Malformed(f"a node table's {what} must pack exactly {count:,} numbers")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"a node table's {what} is not base64") from None
    if len(raw) != size:
        raise Malformed(f"a node table's {what} must pack exactly {count:,} numbers")
    numbers = array(code, raw)
    if _BIG_ENDIAN:
        numbers.byteswap()
    return numbers


# --- the table ---------------------------------------------------------------------------

# The table of no node, as every sender packs it (never changed: it is only printed).
EMPTY: dict[str, Any] = {
    "id": pack_ints([]), "data": pack_floats([]), "grad": pack_floats([]),
    "arity": pack_ints([]), "op": [], "label": [], "parents": pack_ints([]),
    "local": pack_floats([]), "recipe": []}



class NodeTable:
    """Graph nodes by columns, one entry a node (the edges of all nodes in a row)."""

    NAMES = ("id", "data", "grad", "arity", "op", "label", "parents", "local", "recipe")
    MAX_RECIPES = 16

    def __init__(self) -> None:
        self.id: list[Any] = []
        self.data: list[Any] = []
        self.grad: list[Any] = []
        self.arity: list[Any] = []
        self.op: list[Any] = []
        self.label: list[Any] = []
        self.parents: list[Any] = []
        self.local: list[Any] = []
        self.recipe: list[Any] = []  # [name, links, first id] of each graph sent as a recipe

    def plain(self, number: Callable[[Any], Any] = float) -> dict[str, Any]:
        """The table ready for ``json.dumps``; ``number`` writes an entry that is not a float."""
        if not self.id and not self.recipe:
            return dict(EMPTY)  # most calls send no node: skip packing nothing
        return {"id": pack_ints(self.id), "data": pack_floats(self.data, number),
                "grad": pack_floats(self.grad, number), "arity": pack_ints(self.arity),
                "op": self.op, "label": self.label, "parents": pack_ints(self.parents),
                "local": pack_floats(self.local, number), "recipe": self.recipe}

    @classmethod
    def read(cls, table: object) -> NodeTable:
        """The columns of a received table, checked for shape (not yet for content)."""
        if not (isinstance(table, dict) and set(table) == set(cls.NAMES)
                and isinstance(table["op"], list) and isinstance(table["label"], list)
                and isinstance(table["recipe"], list)
                and len(table["recipe"]) <= cls.MAX_RECIPES):
            raise Malformed(f"a node table must be {{{', '.join(cls.NAMES)}}}, with at most "
                            f"{cls.MAX_RECIPES} recipes")
        count = len(table["op"])
        if count > MAX_NODES or len(table["label"]) != count:
            raise Malformed(f"a node table's columns must have one length, at most {MAX_NODES:,}")
        columns = cls()
        if count == 0 and table == EMPTY:  # most calls send no node: as strictly, sooner
            return columns
        columns.id = read_ints(table["id"], count, "id")
        columns.arity = read_ints(table["arity"], count, "arity")
        edges = sum(columns.arity)
        if (count and min(columns.arity) < 0) or edges > MAX_EDGES:
            raise Malformed("a node table's arities must count its parents and local grads")
        columns.parents = read_ints(table["parents"], edges, "parents")
        columns.local = read_floats(table["local"], edges, "local")
        columns.data = read_floats(table["data"], count, "data")
        columns.grad = read_floats(table["grad"], count, "grad")
        columns.op, columns.label = table["op"], table["label"]
        columns.recipe = table["recipe"]
        return columns
