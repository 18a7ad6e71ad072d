"""The judge's and the runner's plain-data messages (engine.app.classroom.codec).

Both sides are played here, through ``json``, as the pipe carries them:
identities and graphs survive the trip, what the student's side changes
comes back into the judge's own objects, and anything outside the schema is
``Malformed`` (never an exception of another kind, never a crash).
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

import nn
from engine import Value, topological_order
from engine.app.classroom import probes
from engine.app.classroom.codec import Foreign, Session
from engine.app.classroom.framing import Malformed, Reader
from engine.app.classroom.kinds import Recording, squared
from engine.app.classroom.node_table import NodeTable, pack_floats, pack_ints, read_ints


def table(ids: list, data: list, grad: list, arity: list, op: list, label: list,
          parents: list, local: list, recipe: list | None = None) -> dict:
    """A node table as a sender would pack it, for messages written by hand."""
    return {"id": pack_ints(ids), "data": pack_floats(data), "grad": pack_floats(grad),
            "arity": pack_ints(arity), "op": op, "label": label, "parents": pack_ints(parents),
            "local": pack_floats(local), "recipe": recipe or []}


def wire(message: object) -> object:
    return json.loads(json.dumps(message))


def there(value: object) -> tuple[Session, Session, object]:
    """(judge, student side, what the student side received)."""
    judge, student = Session(+1), Session(-1)
    received = student.decode(wire(judge.encode(value)))
    student.remember_nodes()
    return judge, student, received


def test_a_graph_arrives_whole_and_its_gradients_come_back():
    root = probes.fan_out()
    judge, student, copy = there(((root,), {}))
    theirs = copy[0][0]
    assert [n.data for n in topological_order(theirs)] == [n.data for n in topological_order(root)]
    assert [n.label for n in topological_order(theirs)] == [n.label for n in
                                                           topological_order(root)]
    theirs.backward()
    judge.apply_after(wire(student.state_after()))
    ours = [n.grad for n in topological_order(root)]
    root_copy = probes.fan_out()
    root_copy.backward()
    assert ours == [n.grad for n in topological_order(root_copy)]


def test_a_deep_chain_is_a_flat_table_not_a_nested_tree():
    root = Value(0.5)
    for _ in range(5_000):
        root = (root * 1.0001).tanh()
    message = Session(+1).encode(root)
    count = len(topological_order(root))
    ids = read_ints(message["nodes"]["id"], count, "id")
    assert message["value"] == {"N": ids[-1]}
    copy = Session(-1).decode(wire(message))  # no recursion on the way in either
    assert [n.data for n in topological_order(copy)] == [n.data for n in topological_order(root)]
    assert [n.local_grads for n in topological_order(copy)] == [
        n.local_grads for n in topological_order(root)]


def test_a_chain_built_from_its_recipe_crosses_as_the_recipe_and_comes_back_whole():
    from engine import sweep_gradients

    root = probes.tanh_chain(5_000)
    judge, student = Session(+1), Session(-1)
    message = judge.encode(((root,), {}))
    assert message["nodes"]["op"] == [] and message["nodes"]["recipe"] == [
        ["tanh_chain", 5_000, 1]]
    copy = student.decode(wire(message))
    student.remember_nodes()
    theirs, ours = topological_order(copy[0][0]), topological_order(root)
    for field in ("data", "grad", "local_grads", "op", "label"):
        assert [getattr(n, field) for n in theirs] == [getattr(n, field) for n in ours], field
    copy[0][0].backward()
    judge.apply_after(wire(student.state_after()))
    want = sweep_gradients(root, ours)
    assert [n.grad for n in ours] == [want[n] for n in ours]
    assert probes.chain_input(root).grad == probes.chain_derivative(5_000)


def test_a_recipes_graph_touched_since_it_was_built_crosses_node_by_node():
    touched = probes.tanh_chain(40)
    touched.grad = 1.0
    assert Session(+1).encode(touched)["nodes"]["recipe"] == []
    older = probes.tanh_chain(40)
    probes.tanh_chain(40)  # only the latest graph built is remembered
    message = Session(+1).encode(older)
    assert message["nodes"]["recipe"] == [] and len(message["nodes"]["op"]) == 121


def test_graphs_made_ahead_are_handed_out_once_each_as_built():
    from engine.app.classroom import recipes

    recipes.needed_by("test-made-ahead", "tanh_chain", 30)
    recipes.make_ahead(["test-made-ahead", "test-made-ahead"])
    made = {id(nodes[-1]) for nodes in recipes._ready[("tanh_chain", 30)]}
    first, second, third = (probes.tanh_chain(30) for _ in range(3))
    assert {id(first), id(second)} == made and id(third) not in made  # then one made anew
    fresh = topological_order(probes.tanh_chain(30))
    for root in (first, second, third):
        order = topological_order(root)
        assert [(n.data, n.grad, n.op, n.label) for n in order] == [
            (n.data, n.grad, n.op, n.label) for n in fresh]


@pytest.mark.parametrize("recipe", [
    ["os.system", 1, 1], ["tanh_chain", 10**6, 1], ["tanh_chain", -1, 1],
    ["tanh_chain", 2, -5], ["tanh_chain", 2, 0], ["tanh_chain", 2.0, 1], ["tanh_chain", 2],
    [["tanh_chain"], 2, 1],
    "tanh_chain"])
def test_a_recipe_outside_the_schema_is_malformed(recipe: object):
    message = {"nodes": table([], [], [], [], [], [], [], [], [recipe]), "value": None}
    with pytest.raises(Malformed):
        Session(-1).decode(wire(message))


def test_only_the_judge_sends_recipes_and_their_ids_are_new():
    message = {"nodes": table([], [], [], [], [], [], [], [], [["tanh_chain", 2, -1]]),
               "value": None}
    with pytest.raises(Malformed, match="only the judge"):
        Session(+1).decode(wire(message))
    overlapping = {"nodes": table([3], [1.0], [0.0], [0], [""], [None], [], [],
                                  [["tanh_chain", 2, 1]]), "value": None}
    with pytest.raises(Malformed):
        Session(-1).decode(wire(overlapping))
    many = {"nodes": table([], [], [], [], [], [], [], [],
                           [["tanh_chain", 1, 1 + 10 * k] for k in range(17)]), "value": None}
    with pytest.raises(Malformed, match="at most 16 recipes"):
        Session(-1).decode(wire(many))


def test_numbers_that_are_not_floats_cross_apart_from_the_packed_ones():
    a, b = Value(2.0, label="a"), Value(3.0)
    root = a * b
    a.data, b.grad = 7, True  # what a student's code may leave in a node
    copy = Session(-1).decode(wire(Session(+1).encode(root)))
    x, y = copy.parents
    assert (x.data, type(x.data), x.label) == (7.0, float, "a")
    assert isinstance(y.grad, Foreign) and type(y.grad).__name__ == "bool"
    assert copy.data == 6.0 and copy.local_grads == (3.0, 2.0)


def test_returned_nodes_keep_the_judges_identity():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    judge, student, ((x, y), _) = there(((a, b), {}))
    made = x * y
    back = judge.decode(wire(student.encode([made, x])))
    assert back[1] is a and back[0].parents == (a, b) and back[0].data == -6.0


def test_lists_come_back_in_place_and_randoms_advance():
    point, rng = [0.5, 2.0], random.Random(3)
    judge, student, ((p, r), _) = there(((point, rng), {}))
    p[0] = 9.0
    r.random()
    judge.apply_after(wire(student.state_after()))
    assert point == [9.0, 2.0]
    twin = random.Random(3)
    twin.random()
    assert rng.random() == twin.random()


def test_a_recording_model_trains_the_judges_parameters():
    inputs = [[0.1, 0.2], [0.3, -0.4]]
    recording = Recording(nn.MLP(2, [2, 1], seed=1), inputs)
    judge, student, ((model, data, loss), _) = there(((recording, inputs, squared), {}))
    assert loss is squared and data[0] is model.inputs[0]
    out = loss(model(data[0]), 1.0)
    out.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    judge.apply_after(wire(student.state_after()))
    assert recording.seen and recording.seen[0][1] == 0
    assert all(p.grad != 0.0 for p in recording.parameters()[:2])


def test_arrays_and_unknown_objects():
    judge, _, copy = there(np.arange(6.0).reshape(2, 3))
    assert copy.shape == (2, 3) and copy[1, 2] == 5.0
    student = Session(-1)
    back = Session(+1).decode(wire(student.encode(object())))
    assert isinstance(back, Foreign) and type(back).__name__ == "object"


@pytest.mark.parametrize("message", [
    {"nodes": {}, "value": 1},  # a table without its columns
    {"nodes": table([-1], [1.0], [0.0], [1], ["+"], [None], [99], [1.0]), "value": None},
    {"nodes": table([5], [1.0], [0.0], [0], [""], [None], [], []),
     "value": None},  # the judge's id
    {"nodes": table([-1, -1], [1.0, 2.0], [0.0, 0.0], [0, 0], ["", ""], [None, None], [], []),
     "value": None},  # one id twice
    {"nodes": table([-1], [1.0], [0.0], [0], [["+"]], [None], [], []), "value": None},
    {"nodes": table([-1], [1.0], [0.0], [0], ["+" * 101], [None], [], []), "value": None},
    {"nodes": table([-1], [1.0], [0.0], [0], [""], [7], [], []), "value": None},
    {"nodes": {**table([-1], [1.0], [0.0], [0], [""], [None], [], []),
               "data": {"f64": "AAAAAAAA8D8=AAAA", "odd": []}}, "value": None},  # too long
    {"nodes": {**table([-1], [1.0], [0.0], [0], [""], [None], [], []),
               "data": {"f64": "!!!!!!!!!!!!", "odd": []}}, "value": None},  # not base64
    {"nodes": {**table([-1], [1.0], [0.0], [0], [""], [None], [], []),
               "data": [1.0]}, "value": None},  # a column not packed
    {"nodes": {**table([-1], [1.0], [0.0], [0], [""], [None], [], []),
               "arity": pack_ints([-1])}, "value": None},
    {"nodes": {**table([-1], [1.0], [0.0], [0], [""], [None], [], []),
               "grad": {**pack_floats([0.0]), "odd": [[3, 1.0]]}}, "value": None},
    {"nodes": {**table([-1], [1.0], [0.0], [0], [""], [None], [], []),
               "grad": {**pack_floats([0.0]), "odd": [[0, []]]}}, "value": None},
    {"nodes": [], "value": {"R": 12345}},
    {"nodes": [], "value": {"K": -1, "kind": "os.system", "fields": {}}},
    {"nodes": [], "value": {"A": [10**9], "data": [1.0]}},
    {"nodes": [], "value": "x" * 200_000},
    {"nodes": [], "value": 2**70},
    {"nodes": [], "value": {"T": [1], "extra": 2}},
])
def test_anything_outside_the_schema_is_malformed(message: dict):
    if message["nodes"] == []:
        message["nodes"] = NodeTable().plain()
    with pytest.raises(Malformed):
        Session(+1).decode(wire(message))


def test_the_judge_resolves_no_function_a_student_names():
    empty = NodeTable().plain()
    got = Session(+1).decode({"nodes": empty, "value": {"G": "engine.app.cli:main"}})
    assert isinstance(got, Foreign)
    with pytest.raises(Malformed):
        Session(-1).decode({"nodes": empty, "value": {"G": "os:system"}})


def test_nesting_past_the_limit_is_malformed_both_ways():
    nested: list = []
    for _ in range(100):
        nested = [nested]
    with pytest.raises(Malformed):
        Session(-1).encode(nested)
    tree: dict = {"T": []}
    for _ in range(100):
        tree = {"T": [tree]}
    empty = NodeTable().plain()
    with pytest.raises(Malformed):
        Session(+1).decode({"nodes": empty, "value": tree})


def test_the_reader_refuses_lines_too_long_or_not_json(monkeypatch):
    import socket

    from engine.app.classroom import framing

    monkeypatch.setattr(framing, "MAX_LINE", 1000)
    left, right = socket.socketpair()
    left.sendall(b"[" * 50_000 + b"\n" + b"x" * 5000)
    reader = Reader(right)
    with pytest.raises(Malformed):
        reader.next(deadline=None)
    with pytest.raises(Malformed):
        reader.next(deadline=None)


class CountingBuffer(bytearray):
    """A reader's buffer that counts the bytes its searches for a newline go over."""

    searched = 0

    def find(self, sub, start=0, *end):  # type: ignore[no-untyped-def, override]
        self.searched += len(self) - start
        return super().find(sub, start, *end)


def test_the_reader_searches_each_byte_of_a_long_message_once():
    long, short = {"x": "y" * 200_000}, {"z": 1}
    data = json.dumps(long).encode() + b"\n" + json.dumps(short).encode() + b"\n"
    chunks = [data[at : at + 1000] for at in range(0, len(data), 1000)]

    class Chunks:
        def recv(self, size: int) -> bytes:
            return chunks.pop(0) if chunks else b""

    reader = Reader(Chunks())
    reader.buffer = buffer = CountingBuffer()
    assert reader.next() == long and reader.next() == short and reader.next() is None
    # Searching the whole buffer after each of its 200 chunks would go over 20 MB.
    assert buffer.searched <= 2 * len(data)


def test_the_state_sent_when_the_objects_cannot_be_read_changes_nothing():
    root = probes.fan_out()
    judge, _, _ = there(((root,), {}))
    before = [(n.data, n.grad) for n in topological_order(root)]
    judge.apply_after(wire(Session.nothing_changed()))
    assert [(n.data, n.grad) for n in topological_order(root)] == before
