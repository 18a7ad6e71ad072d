"""nn.Module: parameter order, zero_grad, state_dict, save/load and their checks."""

import json
import math

import pytest

from nn import MLP, Layer, Module, Neuron


def test_mlp_parameter_count_and_order():
    model = MLP(2, [16, 16, 1], seed=0)
    # (2+1)·16 + (16+1)·16 + (16+1)·1
    assert model.num_parameters() == 48 + 272 + 17 == 337
    labels = [p.label for p in model.parameters()]
    assert labels[:4] == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b", "L1.N2.w1"]
    assert labels[-3:] == ["L3.N1.w15", "L3.N1.w16", "L3.N1.b"]
    assert len(set(map(id, model.parameters()))) == 337
    # Stable: the same objects in the same order on every call.
    assert all(a is b for a, b in zip(model.parameters(), model.parameters(), strict=True))


def test_default_parameters_follow_named_tensors():
    class Pair(Module):
        def __init__(self):
            self.a, self.b = Neuron(2, seed=1, name="A"), Neuron(1, seed=2, name="B")

        def named_tensors(self):
            return [("a.weight", self.a.weights), ("b.bias", self.b.bias)]

    pair = Pair()
    assert [p.label for p in pair.parameters()] == ["A.w1", "A.w2", "B.b"]
    assert pair.state_dict() == {"a.weight": [w.data for w in pair.a.weights], "b.bias": 0.0}


def test_zero_grad_resets_every_parameter():
    model = MLP(3, [4, 2], seed=0)
    out = model([1.0, -2.0, 0.5])
    (out[0] * out[1] + out[0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_is_plain_json_with_shapes():
    model = MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    assert list(state) == ["L1.weight", "L1.bias", "L2.weight", "L2.bias"]
    assert len(state["L1.weight"]) == 3 and all(len(row) == 2 for row in state["L1.weight"])
    assert state["L2.weight"] == [[w.data for w in model.layers[1].neurons[0].weights]]
    assert json.loads(json.dumps(state)) == state


def test_load_state_dict_round_trip_changes_outputs_back():
    a, b = MLP(2, [5, 1], seed=1), MLP(2, [5, 1], seed=2)
    x = [0.3, -0.7]
    assert a(x).data != b(x).data
    b.load_state_dict(json.loads(json.dumps(a.state_dict())))
    assert b(x).data == a(x).data
    assert [p.data for p in b.parameters()] == [p.data for p in a.parameters()]


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda s: s.pop("L2.bias"), "missing 'L2.bias'"),
        (lambda s: s.update(extra=[1.0]), "unexpected entry 'extra'"),
        (lambda s: s["L1.weight"].pop(), "L1.weight: expected 3 entries, got 2"),
        (lambda s: s["L1.weight"][1].append(0.0), r"L1.weight\[1\]: expected 2 entries, got 3"),
        (lambda s: s["L1.bias"].__setitem__(2, "0.5"), r"L1.bias\[2\]: expected a number"),
        (lambda s: s["L2.bias"].__setitem__(0, True), r"L2.bias\[0\]: expected a number"),
        (lambda s: s.__setitem__("L1.bias", 1.0), "L1.bias: expected a list of 3"),
        (lambda s: s["L2.weight"][0].__setitem__(1, math.nan), "nan"),
    ],
)
def test_load_state_dict_rejects_mismatch_and_changes_nothing(corrupt, message):
    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    state = MLP(2, [3, 1], seed=5).state_dict()
    corrupt(state)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    assert [p.data for p in model.parameters()] == before


def test_load_state_dict_rejects_non_dict():
    with pytest.raises(ValueError, match="dict"):
        Layer(2, 2, seed=0).load_state_dict([1.0, 2.0])


def test_save_and_load_json_file(tmp_path):
    a, b = MLP(2, [4, 4, 1], seed=3), MLP(2, [4, 4, 1], seed=4)
    path = a.save(tmp_path / "model.json")
    document = json.loads(path.read_text())
    assert document["format"] == "sweepgrad.nn.state/1"
    assert document["state"] == a.state_dict()
    b.load(path)
    assert [p.data for p in b.parameters()] == [p.data for p in a.parameters()]


def test_load_rejects_other_files_and_shapes(tmp_path):
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a JSON file"):
        model.load(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text(json.dumps({"state": {}}))
    with pytest.raises(ValueError, match="not a sweepgrad model file"):
        model.load(tmp_path / "other.json")
    bigger = MLP(2, [5, 1], seed=0).save(tmp_path / "bigger.json")
    with pytest.raises(ValueError, match="L1.weight: expected 4 entries, got 5"):
        model.load(bigger)
    assert [p.data for p in model.parameters()] == before


def test_module_without_named_tensors_says_what_to_do():
    with pytest.raises(NotImplementedError, match="named_tensors"):
        Module().parameters()


def _load_in_a_thread(model, path, **options):
    """``model.load(path)``'s exception, from a thread, so a hang fails instead of hanging."""
    import threading

    outcome: list[BaseException | None] = []

    def load():
        try:
            model.load(path, **options)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001  # handed to the test
            outcome.append(error)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(10.0)
    assert not thread.is_alive(), f"load({path}) did not return"
    return outcome[0]


def test_load_refuses_a_fifo_a_device_and_a_folder_without_waiting(tmp_path):
    import os

    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)  # nobody writes: reading it would wait for ever
    (tmp_path / "zeros.json").symlink_to("/dev/zero")  # endless, and claims 0 bytes
    (tmp_path / "folder.json").mkdir()
    for name, kind in [("model.json", "a FIFO (named pipe)"), ("zeros.json", "a device"),
                       ("folder.json", "a folder")]:
        error = _load_in_a_thread(model, tmp_path / name)
        assert isinstance(error, ValueError) and f"is {kind}, not a regular file" in str(error)
    assert [p.data for p in model.parameters()] == before


def test_load_reads_no_more_than_max_bytes(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    path = MLP(2, [3, 1], seed=1).save(tmp_path / "model.json")
    size = path.stat().st_size
    error = _load_in_a_thread(model, path, max_bytes=size - 1)
    assert isinstance(error, ValueError)
    assert f"has {size} bytes, more than max_bytes={size - 1}" in str(error)
    assert "pass a larger max_bytes" in str(error)
    assert _load_in_a_thread(model, path, max_bytes=size) is None


def test_save_and_load_leave_nothing_for_the_cycle_collector(tmp_path):
    import gc

    model = MLP(2, [3, 2], seed=0)
    model.save(tmp_path / "warm.json")  # first calls import what they need
    model.load(tmp_path / "warm.json")
    gc.collect()
    gc.disable()
    try:
        model.save(tmp_path / "model.json")
        model.load(tmp_path / "model.json")
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert unreachable == 0
