"""Objects as plain data between the judge and a student's sandboxed process.

The judge (``engine.app.classroom.remote``) and the runner inside the
sandbox (``engine.app.classroom.runner``) exchange JSON lines. What a check
hands to a student's function, and what that function gives back, travels
as a tree of plain values built by one ``Session`` per call, the same code
on both sides:

- numbers, strings, ``None`` and booleans as themselves; tuples, sets and
  numpy arrays by value (``{"T": [...]}``, ``{"S": [...]}``,
  ``{"A": shape, "data": [...]}``);
- lists and dicts by identity (``{"L": id, "items": …}`` the first time,
  ``{"R": id}`` after), so aliasing survives and their contents after the
  call can be sent back and written into the sender's own objects; a list
  of nothing but nodes (a topological order) as ``{"L": id, "nodes":
  packed ids}``;
- graph nodes (``Value``) in a flat node table by columns, parents before
  children, its numbers packed (``engine.app.classroom.node_table``),
  referred to as ``{"N": id}``; a 20,000-link chain is a table, never a
  nested tree;
- objects of a known kind (``engine.app.classroom.kinds``: ``random.Random``,
  ``nn`` modules, the recording model) as ``{"K": id, "kind": name,
  "fields": …}``, re-created on the other side from their fields;
- module-level functions of ``engine`` and ``nn`` by name (``{"G":
  "module:qualname"}``); any other function of the judge's (a lambda a check
  passes to the student's code) as ``{"F": id}``: calling it on the student
  side asks the judge, which runs it on plain data and answers with data;
- anything else as ``{"O": type name, "repr": …}``, which the receiver sees
  as a ``Foreign`` object that a check reports by its type name.

Ids the judge gives are positive, those the student side gives negative.
Every decode is bounded (nesting, items, nodes, string length) and raises
``Malformed`` on anything outside the schema: the judge charges that to the
student who sent it, never to the class. The messages travel as one JSON
object a line (``engine.app.classroom.framing``).
"""

from __future__ import annotations

import importlib
import math
import operator
from collections.abc import Callable
from itertools import compress
from typing import Any

from engine.app.classroom.framing import Malformed
from engine.app.classroom.kinds import KINDS, kind_of
from engine.app.classroom.node_table import (
    MAX_NODES,
    NodeTable,
    pack_floats,
    pack_ints,
    read_floats,
    read_ints,
)
from engine.graph import topological_order
from engine.node import GENERAL, LEAF, UNARY, Node, leaf_node, new_node
from engine.value import Value

UNCHANGED: dict[str, Any] = {"count": 0, "id": pack_ints([]), "data": pack_floats([]),
                             "grad": pack_floats([])}  # no node changed (never itself changed)
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


_FOREIGN_TYPES: dict[str, type[Foreign]] = {}


def foreign(type_name: str, text: str) -> Foreign:
    """A ``Foreign`` whose class is named as the sender's type, so reports read naturally."""
    name = type_name if type_name.isidentifier() else "object"
    cls = _FOREIGN_TYPES.get(name)
    if cls is None:
        cls = _FOREIGN_TYPES[name] = type(name, (Foreign,), {})
    return cls(name, text)


def _short_repr(obj: object) -> str:
    try:
        text = repr(obj)
    except Exception:  # a student's __repr__ may raise
        text = f"<{type(obj).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


def _parents_and_grads(node: Node) -> tuple[tuple, tuple]:
    try:
        parents, grads = node.parents, node.local_grads
    except Exception:  # slots emptied or replaced by a student's code
        return (), ()
    if not isinstance(parents, tuple) or not isinstance(grads, tuple):
        return (), ()
    return parents, grads


def _plain_float(x: object) -> Any:
    if type(x) is float or type(x) is int and abs(x) < MAX_INT:
        return x
    if isinstance(x, float) or _from_numpy(x) and hasattr(x, "dtype") and x.dtype.kind == "f":
        return float(x)  # type: ignore[arg-type]
    return {"O": type(x).__name__, "repr": _short_repr(x)}


def _from_numpy(x: object) -> bool:
    """Is ``x`` a numpy object? (numpy is imported only where one is met: the runner
    starts faster without it, and most chapters never use it.)"""
    return type(x).__module__.split(".")[0] == "numpy"


class Session:
    """One call's worth of shared objects: what each id stands for on this side.

    ``sign`` is +1 on the judge's side, -1 on the student's. ``functions`` is
    how a judge function (``{"F": id}``) is called from this side; the judge
    side has none, as it never receives one it did not send.
    """

    def __init__(self, sign: int, call_back: Callable[[int, tuple], Any] | None = None) -> None:
        self.sign = sign
        self.call_back = call_back
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}  # id(obj) -> wire id
        self.next_id = 1
        self.received: list[int] = []  # mutable objects the other side sent, by wire id
        self.nodes_received: list[Node] = []  # the other side's nodes, as received
        self.node_state: tuple[list[Any], list[Any]] = ([], [])  # their data and grads then

    def _name(self, obj: object) -> tuple[int, bool]:
        key = id(obj)
        known = self.ids.get(key)
        if known is not None:
            return known, False
        wire = self.sign * self.next_id
        self.next_id += 1
        self.ids[key] = wire
        self.objects[wire] = obj
        return wire, True

    def _bind(self, wire: int, obj: object) -> None:
        self.objects[wire] = obj
        self.ids[id(obj)] = wire

    # --- encoding ---------------------------------------------------------------------

    def encode(self, value: object) -> dict[str, Any]:
        """``{"nodes": table, "value": tree}``: ``value`` ready for ``json.dumps``."""
        nodes = NodeTable()
        tree = self._encode(value, 0, nodes)
        return {"nodes": nodes.plain(_plain_float), "value": tree}

    def _encode(self, obj: Any, depth: int, nodes: NodeTable) -> Any:
        if isinstance(obj, Node):  # first: a list of a graph's nodes has thousands
            self._encode_graph(obj, nodes)
            return {"N": self.ids[id(obj)]}
        if obj is None or isinstance(obj, (bool, str)):
            return obj if not isinstance(obj, str) or len(obj) <= MAX_TEXT else obj[:MAX_TEXT]
        if isinstance(obj, (int, float)):
            if isinstance(obj, int):
                return int(obj) if -MAX_INT < obj < MAX_INT else {"O": "int",
                                                                 "repr": _short_repr(obj)}
            return float(obj)
        numpy = _from_numpy(obj)
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
            wire, new = self._name(obj)
            if not new:
                return {"R": wire}
            if obj and set(map(type, obj)) == {Value}:  # e.g. a topological order: packed
                for node in obj:
                    self._encode_graph(node, nodes)
                return {"L": wire, "nodes": pack_ints([self.ids[id(node)] for node in obj])}
            return {"L": wire, "items": [self._encode(x, depth + 1, nodes) for x in obj]}
        if isinstance(obj, dict):
            wire, new = self._name(obj)
            if not new:
                return {"R": wire}
            return {"D": wire, "items": [[self._encode(k, depth + 1, nodes),
                                          self._encode(v, depth + 1, nodes)]
                                         for k, v in obj.items()]}
        if isinstance(obj, tuple):
            return {"T": [self._encode(x, depth + 1, nodes) for x in obj]}
        if isinstance(obj, (set, frozenset)):
            return {"S": [self._encode(x, depth + 1, nodes) for x in obj]}
        if numpy and type(obj).__name__ == "ndarray":
            if obj.dtype.kind not in "biuf":
                return {"O": "ndarray", "repr": _short_repr(obj)}
            return {"A": list(obj.shape), "data": [float(x) for x in obj.ravel().tolist()]}
        kind = kind_of(obj)
        if kind is not None:
            wire, new = self._name(obj)
            if not new:
                return {"R": wire}
            return {"K": wire, "kind": kind.name,
                    "fields": self._encode(kind.fields(obj), depth + 1, nodes)}
        if isinstance(obj, RemoteFunction):
            return {"F": obj.wire}
        if callable(obj):
            reference = _reference(obj)
            if reference:
                return {"G": reference}
            if self.sign > 0:  # the judge's own function: the student side calls back
                wire, _ = self._name(obj)
                return {"F": wire}
        return {"O": type(obj).__name__, "repr": _short_repr(obj)}

    def _encode_graph(self, root: Node, nodes: NodeTable) -> None:
        """Add ``root`` and the ancestors this side has not named yet, parents first."""
        ids = self.ids
        if id(root) in ids:
            return
        if self.sign < 0:  # the student's nodes may be anything: one at a time, with care
            self._encode_nodes(self._walk(root), nodes)
            return
        # The judge's graphs are the engine's own: its traversal, and its slots read by
        # columns (as engine.graph reads them), since this runs once per node of 10^5.
        new = [n for n in topological_order(root) if id(n) not in ids]
        if len(nodes.id) + len(new) > MAX_NODES:
            raise Malformed(f"a graph of more than {MAX_NODES:,} nodes")
        if set(map(type, new)) - {Value}:  # (map and set: at C speed)
            self._encode_nodes(new, nodes)
            return
        start = self.next_id
        wires = list(range(start, start + len(new)))
        self.next_id = start + len(new)
        ids.update(zip(map(id, new), wires))
        self.objects.update(zip(wires, new))
        add_parent, add_local, add_arity = (nodes.parents.append, nodes.local.append,
                                            nodes.arity.append)
        for node in new:
            b = node._b
            if b is UNARY:
                add_parent(ids[id(node._a)])
                add_local(node._da)
                add_arity(1)
            elif b is LEAF:
                add_arity(0)
            elif b is GENERAL:
                add_arity(self._add_edges(node, nodes))
            else:
                add_parent(ids[id(node._a)])
                add_parent(ids[id(b)])
                add_local(node._da)
                add_local(node._db)
                add_arity(2)
        ops = [n.op for n in new]
        labels = [None if names is None else names[0] for names in [n._names for n in new]]
        nodes.id += wires
        nodes.data += [n.data for n in new]
        nodes.grad += [n.grad for n in new]
        nodes.op += ops if set(map(type, ops)) <= {str} else [
            op if isinstance(op, str) else type(op).__name__ for op in ops]
        nodes.label += labels if set(map(type, labels)) <= {str, type(None)} \
            else [label if isinstance(label, str) else None for label in labels]

    def _encode_nodes(self, order: list[Node], nodes: NodeTable) -> None:
        """Name and add each node of ``order`` not yet named (parents first), one by one."""
        ids = self.ids
        if len(nodes.id) + len(order) > MAX_NODES:
            raise Malformed(f"a graph of more than {MAX_NODES:,} nodes")
        for node in order:
            if id(node) in ids:
                continue
            arity = self._add_edges(node, nodes)
            wire, _ = self._name(node)
            label, op, data, grad = node.label, node.op, node.data, node.grad
            nodes.id.append(wire)
            nodes.data.append(data)
            nodes.grad.append(grad)
            nodes.arity.append(arity)
            nodes.op.append(op if isinstance(op, str) else type(op).__name__)
            nodes.label.append(label if isinstance(label, str) or label is None else None)

    def _add_edges(self, node: Node, nodes: NodeTable) -> int:
        """The edges of a node of any shape to parents already named; how many."""
        ids, arity = self.ids, 0
        parents, grads = _parents_and_grads(node)
        for p, g in zip(parents, grads):
            known = ids.get(id(p))
            if known is not None:
                nodes.parents.append(known)
                nodes.local.append(g)
                arity += 1
        return arity

    def _walk(self, root: Node) -> list[Node]:
        """The nodes behind ``root`` not yet named, parents first (iteratively)."""
        ids, order, placed = self.ids, [], set[int]()
        stack = [root]
        while stack:
            node = stack[-1]
            if id(node) in ids or id(node) in placed:
                stack.pop()
                continue
            if len(placed) > MAX_NODES:
                raise Malformed(f"a graph of more than {MAX_NODES:,} nodes")
            parents, _ = _parents_and_grads(node)
            pending = [p for p in parents if isinstance(p, Node) and id(p) not in ids
                       and id(p) not in placed]
            if pending:
                stack += pending
                continue
            stack.pop()
            placed.add(id(node))
            order.append(node)
        return order

    # --- decoding ---------------------------------------------------------------------

    def decode(self, message: object) -> Any:
        """The object a message from ``encode`` on the other side stands for."""
        if not isinstance(message, dict) or set(message) != {"nodes", "value"}:
            raise Malformed("a value must be {nodes, value}")
        self._decode_nodes(message["nodes"])
        budget = [MAX_ITEMS]
        return self._decode(message["value"], 0, budget)

    def _decode_nodes(self, table: object) -> None:
        columns = NodeTable.read(table)
        objects, ids, sign, number = self.objects, self.ids, self.sign, self._number
        wires = columns.id
        labels: set[Any]
        if wires and ((max(wires) >= 0) if sign > 0 else (min(wires) <= 0)) or \
                len(set(wires)) != len(wires) or not objects.keys().isdisjoint(wires):
            raise Malformed("a node id that is not a new id of the other side")
        try:  # a few distinct texts, each checked once
            ops, labels = set(columns.op), set(columns.label)
        except TypeError:
            raise Malformed("a node's op and label must be strings") from None
        if not all(type(op) is str and len(op) <= 100 for op in ops):
            raise Malformed("a node's op must be a short string")
        if not all(label is None or type(label) is str and len(label) <= 1000
                   for label in labels):
            raise Malformed("a node's label must be a short string or null")
        # The numbers first, by columns; then one short loop a node (parents before it).
        datas = [d if type(d) is float else number(d) for d in columns.data]
        grads = [g if type(g) is float else number(g) for g in columns.grad]
        local = [g if type(g) is float else number(g) for g in columns.local]
        parents, built = columns.parents, []
        at = 0
        try:
            for wire, data, arity, op in zip(wires, datas, columns.arity, columns.op):
                if arity == 1:
                    a = objects[parents[at]]
                    if not isinstance(a, Node):
                        raise Malformed("a node's parent must be a node")
                    node = new_node(Value, data, op, a, local[at])
                elif arity == 2:
                    a, b = objects[parents[at]], objects[parents[at + 1]]
                    if not (isinstance(a, Node) and isinstance(b, Node)):
                        raise Malformed("a node's parent must be a node")
                    node = new_node(Value, data, op, a, local[at], b, local[at + 1])
                elif arity == 0:
                    node = leaf_node(Value, data)
                    node.op = op
                else:
                    known = [objects[p] for p in parents[at : at + arity]]
                    if not all(isinstance(parent, Node) for parent in known):
                        raise Malformed("a node's parent must be a node")
                    node = Value(0.0, tuple(known), tuple(local[at : at + arity]), op)
                    node.data = data
                at += arity
                objects[wire] = node
                built.append(node)
        except KeyError:
            raise Malformed("a node's parent must be a node listed before it") from None
        for node, grad in zip(built, grads):
            node.grad = grad
        if labels != {None}:
            for node, label in zip(built, columns.label):
                if label is not None:
                    try:
                        node.label = label
                    except (TypeError, ValueError) as error:  # a label the engine refuses
                        raise Malformed(f"a node's label: {error}") from None
        ids.update(zip(map(id, built), wires))
        self.nodes_received += built

    def _number(self, x: object) -> Any:
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            return float(x) if isinstance(x, float) or abs(x) < MAX_INT else math.nan
        if isinstance(x, dict) and set(x) == {"O", "repr"}:
            return self._decode(x, 0, [10])
        raise Malformed(f"{type(x).__name__} where a number was expected")

    def _decode(self, tree: Any, depth: int, budget: list[int]) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise Malformed(f"more than {MAX_ITEMS:,} items in one message")
        if type(tree) is dict and len(tree) == 1 and "N" in tree:  # first: see _encode
            found = self.objects.get(tree["N"]) if type(tree["N"]) is int else None
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
            if not isinstance(wire, int) or wire not in self.objects:
                raise Malformed(f"unknown id {wire!r}")
            found = self.objects[wire]
            if isinstance(found, Node):
                raise Malformed(f"id {wire} is not a container")
            return found
        if keys == {"L", "items"}:
            wire = self._new_id(tree["L"])
            items = self._list(tree["items"])
            target: list[Any] = []
            self._bind(wire, target)
            self.received.append(wire)
            target.extend(self._decode(x, depth + 1, budget) for x in items)
            return target
        if keys == {"L", "nodes"}:
            wire = self._new_id(tree["L"])
            wires = read_ints(tree["nodes"], None, "a list of nodes")
            budget[0] -= len(wires)
            if budget[0] < 0:
                raise Malformed(f"more than {MAX_ITEMS:,} items in one message")
            found = [self.objects.get(w) for w in wires]
            if not all(isinstance(node, Node) for node in found):
                raise Malformed("a list of nodes names something that is not a node")
            self._bind(wire, found)
            self.received.append(wire)
            return found
        if keys == {"D", "items"}:
            wire = self._new_id(tree["D"])
            mapping: dict[Any, Any] = {}
            self._bind(wire, mapping)
            self.received.append(wire)
            for pair in self._list(tree["items"]):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise Malformed("a dict item must be [key, value]")
                key = self._decode(pair[0], depth + 1, budget)
                try:
                    mapping[key] = self._decode(pair[1], depth + 1, budget)
                except TypeError:
                    raise Malformed("a dict key that cannot be hashed") from None
            return mapping
        if keys == {"T"}:
            return tuple(self._decode(x, depth + 1, budget) for x in self._list(tree["T"]))
        if keys == {"S"}:
            try:
                return {self._decode(x, depth + 1, budget) for x in self._list(tree["S"])}
            except TypeError:
                raise Malformed("a set item that cannot be hashed") from None
        if keys == {"A", "data"}:
            return self._array(tree["A"], tree["data"], budget)
        if keys == {"K", "kind", "fields"}:
            return self._decode_kind(tree, depth, budget)
        if keys == {"G"}:
            if self.sign > 0:  # the judge resolves no name a student sends
                return foreign("function", "<a function named by the submission>")
            return resolve_reference(tree["G"])
        if keys == {"F"}:
            wire = tree["F"]
            if not isinstance(wire, int) or wire <= 0:
                raise Malformed("a judge function id must be a positive int")
            if self.sign > 0:
                found = self.objects.get(wire)
                if found is None or not callable(found):
                    raise Malformed(f"unknown function id {wire!r}")
                return found
            return RemoteFunction(wire, self)
        if keys == {"O", "repr"}:
            name, text = tree["O"], tree["repr"]
            if not isinstance(name, str) or not isinstance(text, str):
                raise Malformed("a foreign object is {O: type name, repr: text}")
            return foreign(name[:100], text[:300])
        raise Malformed(f"unknown value with keys {sorted(keys)[:5]}")

    def _new_id(self, wire: object) -> int:
        if not isinstance(wire, int) or wire * self.sign >= 0 or wire in self.objects:
            raise Malformed(f"id {wire!r} is not a new id of the other side")
        return wire

    @staticmethod
    def _list(items: object) -> list[Any]:
        if not isinstance(items, list):
            raise Malformed("items must be a list")
        return items

    @staticmethod
    def _array(shape: object, data: object, budget: list[int]) -> Any:
        if not (isinstance(shape, list) and len(shape) <= 8
                and all(isinstance(s, int) and 0 <= s for s in shape)):
            raise Malformed("an array's shape must be a list of sizes")
        if not isinstance(data, list) or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in data):
            raise Malformed("an array's data must be a list of numbers")
        budget[0] -= len(data)
        if budget[0] < 0 or math.prod(shape) != len(data):
            raise Malformed("an array's data does not fill its shape")
        import numpy  # noqa: PLC0415 (only where an array is met: see _from_numpy)

        return numpy.array(data, dtype=float).reshape(shape)

    def _decode_kind(self, tree: dict[str, Any], depth: int, budget: list[int]) -> Any:
        wire = self._new_id(tree["K"])
        kind = KINDS.get(tree["kind"]) if isinstance(tree["kind"], str) else None
        fields = self._decode(tree["fields"], depth + 1, budget)
        if kind is None or not isinstance(fields, dict):
            raise Malformed(f"unknown kind of object {tree['kind']!r}")
        if self.sign > 0:
            # The judge re-creates nothing a student made: it is reported by name.
            obj: Any = foreign(kind.type_name.rsplit(".", 1)[-1],
                               f"<{kind.name} made by the submission>")
        else:
            try:
                obj = kind.build(fields)
            except Exception as error:
                raise Malformed(f"cannot re-create {kind.name}: {error}") from None
        self._bind(wire, obj)
        self.received.append(wire)
        return obj

    # --- the state after a call ----------------------------------------------------------

    def remember_nodes(self) -> None:
        """Note the data and grad of every node received, to send back only what changed."""
        nodes = self.nodes_received
        self.node_state = ([n.data for n in nodes], [n.grad for n in nodes])

    @staticmethod
    def nothing_changed() -> dict[str, Any]:
        """The state after a call whose objects could not be read: no change."""
        return {"nodes": NodeTable().plain(), "changed": dict(UNCHANGED), "contents": []}

    def state_after(self) -> dict[str, Any]:
        """What became of the other side's objects here: nodes, containers, kinds."""
        nodes = NodeTable()
        received = self.nodes_received
        data_before, grad_before = self.node_state
        data_now, grad_now = [n.data for n in received], [n.grad for n in received]
        # Compared by identity, at C speed (a sweep may have changed 10^5 of them).
        moved = list(map(operator.or_, map(operator.is_not, data_now, data_before),
                         map(operator.is_not, grad_now, grad_before)))
        places = list(compress(range(len(moved)), moved))
        ids = self.ids
        changed = {"count": len(places),
                   "id": pack_ints([ids[id(received[i])] for i in places]),
                   "data": pack_floats([data_now[i] for i in places], _plain_float),
                   "grad": pack_floats([grad_now[i] for i in places], _plain_float)} \
            if places else dict(UNCHANGED)
        contents = []
        for wire in self.received:
            obj = self.objects[wire]
            if isinstance(obj, list):
                contents.append([wire, self._encode(list(obj), 1, nodes)])
            elif isinstance(obj, dict):
                contents.append([wire, self._encode([[k, v] for k, v in obj.items()], 1, nodes)])
            else:
                kind = kind_of(obj)
                if kind is not None:
                    contents.append([wire, self._encode(kind.fields(obj), 1, nodes)])
        return {"nodes": nodes.plain(_plain_float), "changed": changed, "contents": contents}

    def apply_after(self, state: object) -> None:
        """Write the other side's account of our objects into them."""
        if not isinstance(state, dict) or set(state) != {"nodes", "changed", "contents"}:
            raise Malformed("the state after a call must be {nodes, changed, contents}")
        self._decode_nodes(state["nodes"])
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
        number, objects = self._number, self.objects
        if wires and (min(wires) <= 0 if self.sign > 0 else max(wires) >= 0):
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
                    and entry[0] * self.sign > 0 and entry[0] in self.objects):
                raise Malformed("contents must be [id of ours, items]")
            filled.append((self.objects[entry[0]], self._decode(entry[1], 1, budget)))
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


class RemoteFunction:
    """A judge function as the student side sees it: calling it asks the judge."""

    def __init__(self, wire: int, session: Session) -> None:
        self.wire, self.session = wire, session

    def __call__(self, *args: Any) -> Any:
        if self.session.call_back is None:
            raise RuntimeError("this function of the checks can only be called during the call")
        return self.session.call_back(self.wire, args)

    def __repr__(self) -> str:
        return "<function of the checks>"


def _reference(function: object) -> str:
    """``module:qualname`` for a module-level function of engine or nn, else ""."""
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return ""
    if module.split(".")[0] not in ("engine", "nn", "math"):
        return ""
    try:
        found = resolve_reference(f"{module}:{qualname}")
    except Malformed:
        return ""
    return f"{module}:{qualname}" if found is function else ""


def resolve_reference(reference: object) -> Any:
    if not isinstance(reference, str) or reference.count(":") != 1:
        raise Malformed("a function reference is 'module:qualname'")
    module_name, qualname = reference.split(":")
    if module_name.split(".")[0] not in ("engine", "nn", "math"):
        raise Malformed(f"{module_name} is not a module functions may come from")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise Malformed(f"no function {reference}") from None
    return obj
