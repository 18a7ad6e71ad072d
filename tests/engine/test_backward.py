"""The backward sweep: gradients against central differences, repeated calls,
``sweep_gradients``, random DAGs with shared subexpressions, deep chains and
freeing by reference counting."""

import gc
import math
import sys
import tracemalloc

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Gradients, Value, backward, sweep_gradients, topological_order
from tests.expressions import OPS, OpCase, Program, points, programs, run_floats, run_program

# --- an independent oracle: central differences on plain floats ---------------


def numeric_gradient(f, point, i, h=1e-6):
    """(f(x + h·e_i) − f(x − h·e_i)) / 2h, with h scaled to |x_i|."""
    step = h * max(1.0, abs(point[i]))
    above, below = list(point), list(point)
    above[i] += step
    below[i] -= step
    return (f(*above) - f(*below)) / (above[i] - below[i])


@pytest.mark.parametrize("case", OPS, ids=str)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_each_op_gradient_matches_central_differences_of_math(case: OpCase, data):
    point = data.draw(points(case))
    leaves = [Value(x) for x in point]
    case.apply(*leaves).backward()
    for i, leaf in enumerate(leaves):
        numeric = numeric_gradient(case.reference, point, i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6), (case.name, i)


# --- what backward() writes ---------------------------------------------------


def test_repeated_backward_accumulates_leaves_and_recomputes_interior_nodes():
    a = Value(3.0, label="a")
    square = a * a
    y = square + 1
    y.backward()
    assert (a.grad, square.grad, y.grad) == (6.0, 1.0, 1.0)
    y.backward()
    assert a.grad == 12.0  # a leaf: accumulates
    assert (square.grad, y.grad) == (1.0, 1.0)  # interior: this sweep's values


def test_interior_gradients_are_reset_even_when_set_by_hand():
    a, b, c = Value(2.0), Value(-3.0), Value(4.0)
    ab = a * b
    y = ab * c
    ab.grad, y.grad = 100.0, 5.0
    y.backward()
    assert (ab.grad, y.grad) == (4.0, 1.0)
    assert (a.grad, b.grad, c.grad) == (-12.0, 8.0, -6.0)


def test_zero_grad_by_assignment_starts_accumulation_again():
    a = Value(3.0)
    y = a * a + 1
    y.backward()
    y.backward()
    a.grad = 0.0
    y.backward()
    assert a.grad == 6.0


def test_a_leaf_root_gets_gradient_one_and_accumulates_like_any_leaf():
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0
    x.backward()
    assert x.grad == 2.0


def test_a_leaf_shared_by_two_graphs_accumulates_both():
    x = Value(2.0)
    (x * 3).backward()
    (x * x).backward()
    assert x.grad == 3.0 + 4.0


def test_fan_out_sums_every_use():
    x = Value(1.5)
    y = x * 2 + x.exp() + x * x - x
    y.backward()
    assert x.grad == pytest.approx(2 + math.exp(1.5) + 3.0 - 1, rel=1e-15)


def test_diamond_gradient_goes_through_both_branches():
    # d = (a·b)·(a + c): dd/da = b·(a + c) + a·b
    a, b, c = Value(2.0), Value(-1.5), Value(0.25)
    d = (a * b) * (a + c)
    d.backward()
    assert a.grad == -1.5 * 2.25 + 2.0 * -1.5
    assert b.grad == 2.0 * 2.25
    assert c.grad == 2.0 * -1.5


def test_backward_function_and_method_agree():
    a1, a2 = Value(0.7), Value(0.7)
    backward((a1 * a1).tanh())
    (a2 * a2).tanh().backward()
    assert a1.grad == a2.grad != 0.0


def test_backward_rejects_a_non_value():
    with pytest.raises(TypeError, match="backward.*Value.*float"):
        backward(3.0)


def test_a_hand_built_node_with_three_parents_is_swept_like_any_other():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    total = Value(6.0, (a, b, c), (1.0, 2.0, 3.0), "sum3")
    assert dict(sweep_gradients(total)) == {a: 1.0, b: 2.0, c: 3.0}
    (total * 2).backward()
    assert (a.grad, b.grad, c.grad) == (2.0, 4.0, 6.0)


def test_a_hand_built_node_with_missing_local_grads_is_named():
    x = Value(1.0)
    bad = Value(2.0, (x,), (), "oops", label="bad")
    with pytest.raises(ValueError, match=r"'bad'.*1 parents but 0 local_grads"):
        bad.backward()


def test_a_hand_built_node_with_a_number_as_parent_is_named():
    bad = Value(2.0, (3.0,), (1.0,), "oops", label="bad")
    with pytest.raises(ValueError, match=r"'bad'.*parent 0 of type float"):
        (bad * 1).backward()


# --- sweep_gradients: the same sweep, returned as a dict ---------------------


def _graph():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    e = a * b
    f = (e + c).tanh() * e + a
    return (a, b, c, e), f


def test_sweep_gradients_is_pure_and_equals_backward_exactly():
    (a, b, c, e), f = _graph()
    grads = sweep_gradients(f)
    assert all(node.grad == 0.0 for node in topological_order(f))
    f.backward()
    assert isinstance(grads, Gradients) and isinstance(grads, dict)
    assert set(grads) == {a, b, c}  # default: every leaf
    for leaf in (a, b, c):
        assert grads[leaf] == leaf.grad  # same products in the same order: exact


def test_sweep_gradients_with_wrt_gives_interior_and_foreign_nodes():
    (a, b, c, e), f = _graph()
    stranger = Value(1.0)
    grads = sweep_gradients(f, wrt=[e, stranger, a])
    assert list(grads) == [e, stranger, a]
    f.backward()
    assert grads[e] == e.grad != 0.0
    assert grads[a] == a.grad
    assert grads[stranger] == 0.0


def test_sweep_gradients_counts_one_product_per_edge_and_one_visit_per_node():
    (a, b, c, e), f = _graph()
    order = topological_order(f)
    edges = sum(len(node.parents) for node in order)
    grads = sweep_gradients(f)
    assert (grads.products, grads.visits) == (edges, len(order)) == (9, 8)


# --- random DAGs with shared subexpressions ------------------------------------


def _tolerance(program: Program, point) -> float:
    # Rounding in a central difference grows with |f|: allow for it.
    return 1e-6 * (1.0 + abs(run_floats(program, point)))


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_dags_backward_and_sweep_gradients_match_central_differences(program: Program):
    value = run_floats(program, program.inputs)
    assume(math.isfinite(value) and abs(value) < 1e100)
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    swept = sweep_gradients(root, leaves)
    root.backward()
    tolerance = _tolerance(program, program.inputs)
    f = lambda *xs: run_floats(program, xs)  # noqa: E731
    for i, leaf in enumerate(leaves):
        numeric = numeric_gradient(f, program.inputs, i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-4, abs=tolerance), i
        assert swept[leaf] == pytest.approx(numeric, rel=1e-4, abs=tolerance), i


@settings(max_examples=100, deadline=None)
@given(programs(ops=("add", "sub", "mul", "neg", "square", "tanh", "relu", "abs")))
def test_random_dags_sweep_gradients_equal_backward_exactly(program: Program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    grads = sweep_gradients(root, leaves)
    root.backward()
    for leaf in leaves:
        assert grads[leaf] == leaf.grad or (math.isnan(grads[leaf]) and math.isnan(leaf.grad))


# --- deep graphs and freeing ----------------------------------------------------


def _chain(length: int) -> tuple[Value, Value, Value]:
    """y = x + c + c + ... + c (``length`` additions): one node per link."""
    x, c = Value(0.5, label="x"), Value(1.0, label="c")
    y = x
    for _ in range(length):
        y = y + c
    return x, c, y


def test_a_million_node_chain_runs_backward_and_is_freed_by_reference_counting():
    length = 1_000_000
    limit = sys.getrecursionlimit()
    gc.collect()  # start from a clean slate, so what is found below is ours
    gc.disable()  # and let nothing be collected behind our back while building
    try:
        blocks_before = sys.getallocatedblocks()
        x, c, y = _chain(length)
        y.backward()
        assert (x.grad, c.grad, y.grad) == (1.0, float(length), 1.0)
        blocks_built = sys.getallocatedblocks()
        del y
        blocks_after = sys.getallocatedblocks()
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert sys.getrecursionlimit() == limit
    assert unreachable == 0  # no reference cycles: nothing left for the collector
    assert blocks_built - blocks_before > length  # the graph really was held...
    assert blocks_after - blocks_before < (blocks_built - blocks_before) / 100  # ...and freed


def test_dropping_the_root_returns_the_memory_tracemalloc_saw():
    length = 100_000
    gc.collect()
    gc.disable()
    was_tracing = tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        x, c, y = _chain(length)
        y.backward()
        held = tracemalloc.get_traced_memory()[0] - before
        del y
        kept = tracemalloc.get_traced_memory()[0] - before
        unreachable = gc.collect()
    finally:
        if not was_tracing:
            tracemalloc.stop()
        gc.enable()
    assert unreachable == 0
    assert held > 50 * length
    assert kept < held / 100


def test_the_collector_check_above_does_detect_a_reference_cycle():
    # The micrograd pattern: a closure stored on the node refers to the node.
    class Node:
        pass

    def build() -> None:
        node = Node()
        node.backward = lambda: node

    gc.collect()
    gc.disable()
    try:
        build()
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert unreachable > 0


def test_a_deep_chain_of_unary_ops_matches_the_closed_form():
    # y = -(-(...(-x))) with an even count of negations: dy/dx = 1; then the
    # exp at the top multiplies by e^y.
    x = Value(0.3)
    y = x
    for _ in range(200_000):
        y = -y
    z = y.exp()
    z.backward()
    assert x.grad == math.exp(0.3)
