"""The state after a call: what became of the other side's objects, sent back.

The runner notes the data and grad of every node the judge sent before the
student's function runs (``remember_nodes``); after it, ``state_after``
sends back the nodes whose numbers changed (compared by identity, by
columns), the new contents of every list, dict and object of a kind it
received, and any new nodes they hold. ``apply_after`` on the judge's side
checks that account in full, ids its own and contents of the right shapes,
before it writes any of it into the judge's objects: a malformed state
changes nothing.
"""

from __future__ import annotations

import operator
from itertools import compress
from typing import Any

from engine.app.classroom.framing import Malformed
from engine.app.classroom.kinds import kind_of
from engine.app.classroom.node_crossing import decode_nodes
from engine.app.classroom.node_table import (
    MAX_NODES,
    NodeTable,
    pack_floats,
    pack_ints,
    read_floats,
    read_ints,
)
from engine.app.classroom.plain_values import MAX_ITEMS, plain_float, read_number
from engine.app.classroom.shared_objects import SharedObjects
from engine.app.classroom.value_tree import decode_value, encode_value
from engine.node import Node

UNCHANGED: dict[str, Any] = {"count": 0, "id": pack_ints([]), "data": pack_floats([]),
                             "grad": pack_floats([])}  # no node changed (never itself changed)


def remember_nodes(shared: SharedObjects) -> None:
    """Note the data and grad of every node received, to send back only what changed."""
    nodes = shared.nodes_received
    shared.node_state = ([n.data for n in nodes], [n.grad for n in nodes])


def nothing_changed() -> dict[str, Any]:
    """The state after a call whose objects could not be read: no change."""
    return {"nodes": NodeTable().plain(), "changed": dict(UNCHANGED), "contents": []}


def state_after(shared: SharedObjects) -> dict[str, Any]:
    """What became of the other side's objects here: nodes, containers, kinds."""
    nodes = NodeTable()
    received = shared.nodes_received
    data_before, grad_before = shared.node_state
    data_now, grad_now = [n.data for n in received], [n.grad for n in received]
    # Compared by identity, at C speed (a sweep may have changed 10^5 of them).
    moved = list(map(operator.or_, map(operator.is_not, data_now, data_before),
                     map(operator.is_not, grad_now, grad_before)))
    places = list(compress(range(len(moved)), moved))
    ids = shared.ids
    changed = {"count": len(places),
               "id": pack_ints([ids[id(received[i])] for i in places]),
               "data": pack_floats([data_now[i] for i in places], plain_float),
               "grad": pack_floats([grad_now[i] for i in places], plain_float)} \
        if places else dict(UNCHANGED)
    contents = []
    for wire in shared.received:
        obj = shared.objects[wire]
        if isinstance(obj, list):
            contents.append([wire, encode_value(shared, list(obj), 1, nodes)])
        elif isinstance(obj, dict):
            pairs = [[k, v] for k, v in obj.items()]
            contents.append([wire, encode_value(shared, pairs, 1, nodes)])
        else:
            kind = kind_of(obj)
            if kind is not None:
                contents.append([wire, encode_value(shared, kind.fields(obj), 1, nodes)])
    return {"nodes": nodes.plain(plain_float), "changed": changed, "contents": contents}


def apply_after(shared: SharedObjects, state: object) -> None:
    """Write the other side's account of our objects into them."""
    if not isinstance(state, dict) or set(state) != {"nodes", "changed", "contents"}:
        raise Malformed("the state after a call must be {nodes, changed, contents}")
    decode_nodes(shared, state["nodes"])
    changed, contents = state["changed"], state["contents"]
    if not (isinstance(changed, dict) and set(changed) == {"count", "id", "data", "grad"}
            and type(changed["count"]) is int and 0 <= changed["count"] <= MAX_NODES):
        raise Malformed("changed must be {count, id, data, grad}, count at most "
                        f"{MAX_NODES:,}")
    count = changed["count"]
    if changed == UNCHANGED:  # most calls change no node: as strictly, sooner
        wires, datas, grads = [], [], []
    else:
        wires = read_ints(changed["id"], count, "changed ids")
        datas = read_floats(changed["data"], count, "changed data")
        grads = read_floats(changed["grad"], count, "changed grads")
    if not isinstance(contents, list):
        raise Malformed("contents must be a list")
    number, objects = read_number, shared.objects
    if wires and (min(wires) <= 0 if shared.sign > 0 else max(wires) >= 0):
        raise Malformed("a changed node that is not one of ours")
    found = [objects.get(wire) for wire in wires]
    changed_nodes = [node for node in found if isinstance(node, Node)]
    if len(changed_nodes) != len(found):
        raise Malformed("a changed node that is not one of ours")
    datas = [d if type(d) is float else number(d) for d in datas]
    grads = [g if type(g) is float else number(g) for g in grads]
    budget = [MAX_ITEMS]
    filled = []
    for entry in contents:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)
                and entry[0] * shared.sign > 0 and entry[0] in shared.objects):
            raise Malformed("contents must be [id of ours, items]")
        filled.append((shared.objects[entry[0]], decode_value(shared, entry[1], 1, budget)))
    # Checked in full first, then written: a malformed state changes nothing.
    for node, data, grad in zip(changed_nodes, datas, grads):
        node.data, node.grad = data, grad
    for obj, items in filled:
        if isinstance(obj, list) and isinstance(items, list):
            obj[:] = items
        elif isinstance(obj, dict) and isinstance(items, list):
            pairs = [p for p in items if isinstance(p, list) and len(p) == 2]
            try:
                new = {k: v for k, v in pairs}
            except TypeError:
                raise Malformed("a dict key that cannot be hashed") from None
            obj.clear()
            obj.update(new)
        else:
            kind = kind_of(obj)
            if kind is None or not isinstance(items, dict):
                raise Malformed("contents of an object that cannot hold them")
            try:
                kind.update(obj, items)
            except (TypeError, ValueError, KeyError, IndexError) as error:
                raise Malformed(f"{kind.name}: {error}") from None
