"""engine.compiler.tape: when compile records a tape, what it holds, what its listing says,
and ``check`` on a tape (the tape's numbers are tested with the code's, bit for
bit against the dynamic engine, in tests/engine/test_compiler.py)."""

import math

import pytest

import nn
from engine import Value, compile, topological_order
from engine.compiler.rules import NAMESPACE
from engine.examples import irregular_graph, tanh_chain
from tests.helpers.bitwise import assert_bitwise, held_bytes


def dynamic_result(root, leaves):
    for node in topological_order(root):
        node.grad = 0.0
    root.backward()
    return root.data, [leaf.grad for leaf in leaves]


def test_the_irregular_graph_is_seeded_of_the_size_asked_and_all_of_it_reaches_the_root():
    root, leaves = irregular_graph(5_000, seed=7)
    order = topological_order(root)
    assert len(order) == 4_999 and all(leaf in set(order) for leaf in leaves)
    again, _ = irregular_graph(5_000, seed=7)
    assert again.data == root.data
    assert irregular_graph(5_000, seed=8)[0].data != root.data
    with pytest.raises(ValueError, match="more nodes than inputs"):
        irregular_graph(10, inputs=20)


def test_auto_records_a_tape_for_a_graph_whose_parts_differ():
    root, leaves = irregular_graph(30_000)
    assert compile(root, leaves).mode == "tape"
    chain_root, chain_leaves = tanh_chain(3_000)
    assert compile(chain_root, chain_leaves).mode == "code"


def test_auto_writes_code_for_a_training_step():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    data = nn.moons(40, seed=0)
    scores = [model([Value(x) for x in point]) for point in data.inputs]
    loss = sum((nn.hinge(s, y) for s, y in zip(scores, data.targets)), Value(0.0))
    assert compile(loss, model.parameters()).mode == "code"


def test_a_graph_of_a_few_thousand_nodes_is_always_code():
    root, leaves = irregular_graph(8_000)
    assert compile(root, leaves).mode == "code"


def test_an_irregular_graph_as_tape_and_as_code_equals_the_dynamic_engine_bit_for_bit():
    root, leaves = irregular_graph(5_000, seed=3)
    tape, code = compile(root, leaves, mode="tape"), compile(root, leaves, mode="code")
    values = [leaf.data for leaf in leaves]
    expected = dynamic_result(root, leaves)
    assert_bitwise(tape(values), expected)
    assert_bitwise(code(values), expected)
    shifted = [x * -1.5 + 0.25 for x in values]
    assert_bitwise(tape(shifted), code(shifted))


def test_the_tape_of_a_big_irregular_graph_holds_under_40_bytes_a_node():
    root, leaves = irregular_graph(30_000)
    nodes = len(topological_order(root))
    held, f = held_bytes(lambda: compile(root, leaves, mode="tape"))
    assert f.mode == "tape" and f.parts == 0
    assert held / nodes < 40


def test_the_listing_is_the_tapes_work_written_as_python():
    x, w, b = Value(0.5, label="x"), Value(0.9, label="w"), Value(0.1, label="b")
    f = compile((x * w + b).tanh() * 2.0, [x, w, b], mode="tape")
    source = f.source
    assert "recorded as a tape of 4 ops" in source
    forward, backward = source.split("\nyield\n")
    assert "v4 = v0 * v1" in forward and "v6 = tanh(v5)" in forward
    assert "g5 += (1.0 - v6) * (1.0 + v6) * g6" in backward
    assert "g3 +=" not in backward  # the constant 2.0 gets no gradient
    # Run as Python, with every g starting at 0.0, it gives what the tape gives.
    names = Gradients(V=[0.3, -1.2, 0.7])
    exec("\n".join(line for line in (forward + "\n" + backward).splitlines()
                   if not line.startswith("#")), dict(NAMESPACE), names)
    value, grads = f([0.3, -1.2, 0.7])
    assert names["v7"] == value and [names["g0"], names["g1"], names["g2"]] == grads


class Gradients(dict):
    """Names for running a listing: a gradient not yet assigned is 0.0."""

    def __missing__(self, name):
        if name.startswith("g"):
            return 0.0
        raise KeyError(name)


def test_more_than_256_kinds_of_op_take_two_bytes_each():
    def powers(x):  # 300 exponents: 300 kinds of op, and 300 sums
        root = x
        for k in range(300):
            root = root + x ** (1.0 + k / 1000)
        return root

    x = Value(1.1)
    f = compile(powers(x), [x], mode="tape")
    assert len(f._backend._codes) == 600 and f._backend._codes.itemsize == 2
    again = Value(1.3)
    assert_bitwise(f([1.3]), dynamic_result(powers(again), [again]))


def clipped(x):
    return x * 2.0 if x.data > 0 else x * -1.0


def test_check_on_a_tape_names_the_op_that_changed():
    x = Value(1.0)
    f = compile(clipped(x), [x], mode="tape")
    x.data = 4.0
    f.check(clipped(x), [x])
    x.data = -4.0
    with pytest.raises(ValueError, match="another branch") as raised:
        f.check(clipped(x), [x])
    assert "constant 0 was 2.0, is -1.0" in str(raised.value)


def test_check_on_a_tape_finds_a_rewired_op_and_a_changed_size():
    a, b = Value(1.0), Value(2.0)
    f = compile((a * b + b).tanh(), [a, b], mode="tape")
    with pytest.raises(ValueError, match=r"op 2 was 'v2 = v0 \* v1', is 'v2 = v0 \* v0'"):
        f.check((a * a + b).tanh(), [a, b])
    with pytest.raises(ValueError, match="changed size"):
        f.check((a * b).tanh(), [a, b])


def test_a_mode_that_does_not_exist_is_a_value_error_naming_the_choices():
    x = Value(1.0)
    with pytest.raises(ValueError, match=r"mode must be one of 'auto', 'code', 'tape', got 'fast'"):
        compile(x * x, [x], mode="fast")


def test_a_tape_keeps_ieee_special_values():
    x, y = Value(0.0), Value(-0.0)
    f = compile((x / y).relu() + (x * y).sqrt(), [x, y], mode="tape")
    for values in ([0.0, -0.0], [math.inf, 1e-310], [math.nan, 2.0], [-1e300, 1e-300]):
        a, b = Value(values[0]), Value(values[1])
        expected = dynamic_result((a / b).relu() + (a * b).sqrt(), [a, b])
        assert_bitwise(f(values), expected)
