"""Graph nodes crossing between the judge and the sandbox: nodes to a table and back.

A graph crosses as one ``NodeTable`` (``engine.app.classroom.node_table``),
parents before children, each node named with a wire id as it is added;
the codec refers to a node by that id (``{"N": id}``), so a 20,000-link
chain is a flat table, never a nested tree. The judge's graphs are the
engine's own and are read by columns, at C speed where it can; the
student's side may hold nodes whose slots a student's code has emptied or
replaced, and reads them one at a time, with care. A received table is
checked in full (ids new and of the other side, ops and labels short
strings, parents listed before their children) as its nodes are built.
A graph the judge built from a recipe and has not touched since crosses
as that recipe (``engine.app.classroom.recipes``), built again on the
student's side, its nodes given ids in the order made on both.
"""

from __future__ import annotations

from typing import Any

from engine.app.classroom.framing import Malformed
from engine.app.classroom.node_table import MAX_NODES, NodeTable
from engine.app.classroom.plain_values import read_number
from engine.app.classroom.recipes import rebuild, recipe_of
from engine.app.classroom.shared_objects import SharedObjects
from engine.graph import topological_order
from engine.node import GENERAL, LEAF, UNARY, Node, leaf_node, new_node
from engine.value import Value


def parents_and_grads(node: Node) -> tuple[tuple, tuple]:
    """A node's parents and local grads, or none where a student's code broke them."""
    try:
        parents, grads = node.parents, node.local_grads
    except Exception:  # slots emptied or replaced by a student's code
        return (), ()
    if not isinstance(parents, tuple) or not isinstance(grads, tuple):
        return (), ()
    return parents, grads


def encode_graph(shared: SharedObjects, root: Node, nodes: NodeTable) -> None:
    """Add ``root`` and the ancestors this side has not named yet, parents first."""
    ids = shared.ids
    if id(root) in ids:
        return
    if shared.sign < 0:  # the student's nodes may be anything: one at a time, with care
        encode_nodes(shared, walk(shared, root), nodes)
        return
    built = recipe_of(root)
    if built is not None and ids.keys().isdisjoint(map(id, built[1])):
        recipe, made = built  # untouched since built: the other side builds it again
        first = shared.next_id
        shared.next_id = first + len(made)
        ids.update(zip(map(id, made), range(first, shared.next_id)))
        shared.objects.update(zip(range(first, shared.next_id), made))
        nodes.recipe.append([*recipe, first])
        return
    # The judge's graphs are the engine's own: its traversal, and its slots read by
    # columns (as engine.graph reads them), since this runs once per node of 10^5.
    new = [n for n in topological_order(root) if id(n) not in ids]
    if len(nodes.id) + len(new) > MAX_NODES:
        raise Malformed(f"a graph of more than {MAX_NODES:,} nodes")
    if set(map(type, new)) - {Value}:  # (map and set: at C speed)
        encode_nodes(shared, new, nodes)
        return
    start = shared.next_id
    wires = list(range(start, start + len(new)))
    shared.next_id = start + len(new)
    ids.update(zip(map(id, new), wires))
    shared.objects.update(zip(wires, new))
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
            add_arity(add_edges(shared, node, nodes))
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


def encode_nodes(shared: SharedObjects, order: list[Node], nodes: NodeTable) -> None:
    """Name and add each node of ``order`` not yet named (parents first), one by one."""
    ids = shared.ids
    if len(nodes.id) + len(order) > MAX_NODES:
        raise Malformed(f"a graph of more than {MAX_NODES:,} nodes")
    for node in order:
        if id(node) in ids:
            continue
        arity = add_edges(shared, node, nodes)
        wire, _ = shared.name(node)
        label, op, data, grad = node.label, node.op, node.data, node.grad
        nodes.id.append(wire)
        nodes.data.append(data)
        nodes.grad.append(grad)
        nodes.arity.append(arity)
        nodes.op.append(op if isinstance(op, str) else type(op).__name__)
        nodes.label.append(label if isinstance(label, str) or label is None else None)


def add_edges(shared: SharedObjects, node: Node, nodes: NodeTable) -> int:
    """The edges of a node of any shape to parents already named; how many."""
    ids, arity = shared.ids, 0
    parents, grads = parents_and_grads(node)
    for p, g in zip(parents, grads):
        known = ids.get(id(p))
        if known is not None:
            nodes.parents.append(known)
            nodes.local.append(g)
            arity += 1
    return arity


def walk(shared: SharedObjects, root: Node) -> list[Node]:
    """The nodes behind ``root`` not yet named, parents first (iteratively)."""
    ids, order, placed = shared.ids, [], set[int]()
    stack = [root]
    while stack:
        node = stack[-1]
        if id(node) in ids or id(node) in placed:
            stack.pop()
            continue
        if len(placed) > MAX_NODES:
            raise Malformed(f"a graph of more than {MAX_NODES:,} nodes")
        parents, _ = parents_and_grads(node)
        pending = [p for p in parents if isinstance(p, Node) and id(p) not in ids
                   and id(p) not in placed]
        if pending:
            stack += pending
            continue
        stack.pop()
        placed.add(id(node))
        order.append(node)
    return order


def decode_nodes(shared: SharedObjects, table: object) -> None:
    """Build the nodes of a received table, each bound to its wire id, parents first."""
    columns = NodeTable.read(table)
    objects, ids, sign, number = shared.objects, shared.ids, shared.sign, read_number
    if columns.recipe:
        decode_recipes(shared, columns.recipe)
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
    shared.nodes_received += built


def decode_recipes(shared: SharedObjects, entries: list[Any]) -> None:
    """Build the judge's graphs sent as recipes, their nodes bound to ids in the order made."""
    if shared.sign > 0:
        raise Malformed("only the judge sends a graph as a recipe")
    objects = shared.objects
    for entry in entries:
        try:
            made, start = rebuild(entry)
        except ValueError as error:
            raise Malformed(str(error)) from None
        wires = range(start, start + len(made))
        if start <= 0 or not objects.keys().isdisjoint(wires):
            raise Malformed("a recipe's ids that are not new ids of the other side")
        objects.update(zip(wires, made))
        shared.ids.update(zip(map(id, made), wires))
        shared.nodes_received += made

