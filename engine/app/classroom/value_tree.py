"""Values crossing between the judge and the sandbox: one tree of plain data a value.

``encode`` writes what a check hands to a student's function (or what it
gives back) as ``{"nodes": table, "value": tree}``, ``decode`` reads it on
the other side; the tree's shapes are listed in ``engine.app.classroom.codec``.
Numbers, strings, tuples, sets and arrays cross by value; lists, dicts and
objects of a kind (``engine.app.classroom.kinds``) by identity, named in the
call's ``SharedObjects``; graph nodes by their id in the node table
(``engine.app.classroom.node_crossing``); functions by name or by calling
back (``engine.app.classroom.function_refs``). Decoding is bounded in
nesting and items and raises ``Malformed`` on anything outside the schema.
"""

from __future__ import annotations

from typing import Any

from engine.app.classroom.framing import Malformed
from engine.app.classroom.function_refs import RemoteFunction, reference_of, resolve_reference
from engine.app.classroom.kinds import KINDS, kind_of
from engine.app.classroom.node_crossing import decode_nodes, encode_graph
from engine.app.classroom.node_table import NodeTable, pack_ints, read_ints
from engine.app.classroom.plain_values import (
    MAX_DEPTH,
    MAX_INT,
    MAX_ITEMS,
    MAX_TEXT,
    foreign,
    from_numpy,
    plain_float,
    read_array,
    read_foreign,
    short_repr,
)
from engine.app.classroom.shared_objects import SharedObjects
from engine.node import Node
from engine.value import Value


def encode(shared: SharedObjects, value: object) -> dict[str, Any]:
    """``{"nodes": table, "value": tree}``: ``value`` ready for ``json.dumps``."""
    nodes = NodeTable()
    tree = encode_value(shared, value, 0, nodes)
    return {"nodes": nodes.plain(plain_float), "value": tree}


def encode_value(shared: SharedObjects, obj: Any, depth: int, nodes: NodeTable) -> Any:
    """The tree for ``obj``, its nodes added to ``nodes``."""
    if isinstance(obj, Node):  # first: a list of a graph's nodes has thousands
        encode_graph(shared, obj, nodes)
        return {"N": shared.ids[id(obj)]}
    if obj is None or isinstance(obj, (bool, str)):
        return obj if not isinstance(obj, str) or len(obj) <= MAX_TEXT else obj[:MAX_TEXT]
    if isinstance(obj, (int, float)):
        if isinstance(obj, int):
            return int(obj) if -MAX_INT < obj < MAX_INT else {"O": "int",
                                                             "repr": short_repr(obj)}
        return float(obj)
    numpy = from_numpy(obj)
    if numpy and getattr(obj, "shape", None) == ():  # a numpy scalar
        kind = obj.dtype.kind
        if kind == "b":
            return bool(obj)
        if kind in "iu":
            number = int(obj)
            return number if abs(number) < MAX_INT else float(number)
        if kind == "f":
            return float(obj)
    if depth > MAX_DEPTH:
        raise Malformed(f"a value nested more than {MAX_DEPTH} deep")
    if isinstance(obj, list):
        wire, new = shared.name(obj)
        if not new:
            return {"R": wire}
        if obj and set(map(type, obj)) == {Value}:  # e.g. a topological order: packed
            for node in obj:
                encode_graph(shared, node, nodes)
            return {"L": wire, "nodes": pack_ints([shared.ids[id(node)] for node in obj])}
        return {"L": wire, "items": [encode_value(shared, x, depth + 1, nodes) for x in obj]}
    if isinstance(obj, dict):
        wire, new = shared.name(obj)
        if not new:
            return {"R": wire}
        return {"D": wire, "items": [[encode_value(shared, k, depth + 1, nodes),
                                      encode_value(shared, v, depth + 1, nodes)]
                                     for k, v in obj.items()]}
    if isinstance(obj, tuple):
        return {"T": [encode_value(shared, x, depth + 1, nodes) for x in obj]}
    if isinstance(obj, (set, frozenset)):
        return {"S": [encode_value(shared, x, depth + 1, nodes) for x in obj]}
    if numpy and type(obj).__name__ == "ndarray":
        if obj.dtype.kind not in "biuf":
            return {"O": "ndarray", "repr": short_repr(obj)}
        return {"A": list(obj.shape), "data": [float(x) for x in obj.ravel().tolist()]}
    kind = kind_of(obj)
    if kind is not None:
        wire, new = shared.name(obj)
        if not new:
            return {"R": wire}
        return {"K": wire, "kind": kind.name,
                "fields": encode_value(shared, kind.fields(obj), depth + 1, nodes)}
    if isinstance(obj, RemoteFunction):
        return {"F": obj.wire}
    if callable(obj):
        reference = reference_of(obj)
        if reference:
            return {"G": reference}
        if shared.sign > 0:  # the judge's own function: the student side calls back
            wire, _ = shared.name(obj)
            return {"F": wire}
    return {"O": type(obj).__name__, "repr": short_repr(obj)}


def decode(shared: SharedObjects, message: object) -> Any:
    """The object a message from ``encode`` on the other side stands for."""
    if not isinstance(message, dict) or set(message) != {"nodes", "value"}:
        raise Malformed("a value must be {nodes, value}")
    decode_nodes(shared, message["nodes"])
    budget = [MAX_ITEMS]
    return decode_value(shared, message["value"], 0, budget)


def decode_value(shared: SharedObjects, tree: Any, depth: int, budget: list[int]) -> Any:
    """The object ``tree`` stands for, each item counted against ``budget``."""
    budget[0] -= 1
    if budget[0] < 0:
        raise Malformed(f"more than {MAX_ITEMS:,} items in one message")
    if type(tree) is dict and len(tree) == 1 and "N" in tree:  # first: see encode_value
        found = shared.objects.get(tree["N"]) if type(tree["N"]) is int else None
        if not isinstance(found, Node):
            raise Malformed(f"id {tree['N']!r} is not a node")
        return found
    if tree is None or isinstance(tree, (bool, float)):
        return tree
    if isinstance(tree, int):
        if abs(tree) >= MAX_INT:
            raise Malformed("an integer past 64 bits")
        return tree
    if isinstance(tree, str):
        if len(tree) > MAX_TEXT:
            raise Malformed(f"a string longer than {MAX_TEXT:,} characters")
        return tree
    if depth > MAX_DEPTH:
        raise Malformed(f"a value nested more than {MAX_DEPTH} deep")
    if not isinstance(tree, dict) or not tree:
        raise Malformed(f"{type(tree).__name__} is not a value of the schema")
    keys = set(tree)
    if keys == {"R"}:
        wire = tree["R"]
        if not isinstance(wire, int) or wire not in shared.objects:
            raise Malformed(f"unknown id {wire!r}")
        found = shared.objects[wire]
        if isinstance(found, Node):
            raise Malformed(f"id {wire} is not a container")
        return found
    if keys == {"L", "items"}:
        wire = shared.new_id(tree["L"])
        items = items_list(tree["items"])
        target: list[Any] = []
        shared.bind(wire, target)
        shared.received.append(wire)
        target.extend(decode_value(shared, x, depth + 1, budget) for x in items)
        return target
    if keys == {"L", "nodes"}:
        wire = shared.new_id(tree["L"])
        wires = read_ints(tree["nodes"], None, "a list of nodes")
        budget[0] -= len(wires)
        if budget[0] < 0:
            raise Malformed(f"more than {MAX_ITEMS:,} items in one message")
        found = [shared.objects.get(w) for w in wires]
        if not all(isinstance(node, Node) for node in found):
            raise Malformed("a list of nodes names something that is not a node")
        shared.bind(wire, found)
        shared.received.append(wire)
        return found
    if keys == {"D", "items"}:
        wire = shared.new_id(tree["D"])
        mapping: dict[Any, Any] = {}
        shared.bind(wire, mapping)
        shared.received.append(wire)
        for pair in items_list(tree["items"]):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise Malformed("a dict item must be [key, value]")
            key = decode_value(shared, pair[0], depth + 1, budget)
            try:
                mapping[key] = decode_value(shared, pair[1], depth + 1, budget)
            except TypeError:
                raise Malformed("a dict key that cannot be hashed") from None
        return mapping
    if keys == {"T"}:
        return tuple(decode_value(shared, x, depth + 1, budget) for x in items_list(tree["T"]))
    if keys == {"S"}:
        try:
            return {decode_value(shared, x, depth + 1, budget) for x in items_list(tree["S"])}
        except TypeError:
            raise Malformed("a set item that cannot be hashed") from None
    if keys == {"A", "data"}:
        return read_array(tree["A"], tree["data"], budget)
    if keys == {"K", "kind", "fields"}:
        return decode_kind(shared, tree, depth, budget)
    if keys == {"G"}:
        if shared.sign > 0:  # the judge resolves no name a student sends
            return foreign("function", "<a function named by the submission>")
        return resolve_reference(tree["G"])
    if keys == {"F"}:
        wire = tree["F"]
        if not isinstance(wire, int) or wire <= 0:
            raise Malformed("a judge function id must be a positive int")
        if shared.sign > 0:
            found = shared.objects.get(wire)
            if found is None or not callable(found):
                raise Malformed(f"unknown function id {wire!r}")
            return found
        return RemoteFunction(wire, shared)
    if keys == {"O", "repr"}:
        return read_foreign(tree)
    raise Malformed(f"unknown value with keys {sorted(keys)[:5]}")


def decode_kind(shared: SharedObjects, tree: dict[str, Any], depth: int,
                budget: list[int]) -> Any:
    """The object of a kind the other side sent: re-created, or reported by name."""
    wire = shared.new_id(tree["K"])
    kind = KINDS.get(tree["kind"]) if isinstance(tree["kind"], str) else None
    fields = decode_value(shared, tree["fields"], depth + 1, budget)
    if kind is None or not isinstance(fields, dict):
        raise Malformed(f"unknown kind of object {tree['kind']!r}")
    if shared.sign > 0:
        # The judge re-creates nothing a student made: it is reported by name.
        obj: Any = foreign(kind.type_name.rsplit(".", 1)[-1],
                           f"<{kind.name} made by the submission>")
    else:
        try:
            obj = kind.build(fields)
        except Exception as error:
            raise Malformed(f"cannot re-create {kind.name}: {error}") from None
    shared.bind(wire, obj)
    shared.received.append(wire)
    return obj


def items_list(items: object) -> list[Any]:
    """``items``, checked to be a list."""
    if not isinstance(items, list):
        raise Malformed("items must be a list")
    return items
