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
    root = probes.tanh_chain(5_000)
    message = Session(+1).encode(root)
    assert len(message["nodes"]["id"]) == len(topological_order(root))
    assert message["value"] == {"N": message["nodes"]["id"][-1]}
    Session(-1).decode(wire(message))  # no recursion on the way in either


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
    {"nodes": {"id": [-1], "data": [1.0], "grad": [0.0], "arity": [1], "op": ["+"],
               "label": [None], "parents": [99], "local": [1.0]}, "value": None},
    {"nodes": {"id": [5], "data": [1.0], "grad": [0.0], "arity": [0], "op": [""],
               "label": [None], "parents": [], "local": []}, "value": None},  # the judge's id
    {"nodes": [], "value": {"R": 12345}},
    {"nodes": [], "value": {"K": -1, "kind": "os.system", "fields": {}}},
    {"nodes": [], "value": {"A": [10**9], "data": [1.0]}},
    {"nodes": [], "value": "x" * 200_000},
    {"nodes": [], "value": 2**70},
    {"nodes": [], "value": {"T": [1], "extra": 2}},
])
def test_anything_outside_the_schema_is_malformed(message: dict):
    if message["nodes"] == []:
        message["nodes"] = {k: [] for k in ("id", "data", "grad", "arity", "op", "label",
                                            "parents", "local")}
    with pytest.raises(Malformed):
        Session(+1).decode(wire(message))


def test_the_judge_resolves_no_function_a_student_names():
    empty = {k: [] for k in ("id", "data", "grad", "arity", "op", "label", "parents", "local")}
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
    empty = {k: [] for k in ("id", "data", "grad", "arity", "op", "label", "parents", "local")}
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
