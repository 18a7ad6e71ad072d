"""The per-edge chain rule: closed-form work on the lecture's chain, exact
agreement with the sweep on random DAGs, and shapes that break engines."""

import math
import random

import pytest
from hypothesis import example, given, settings

from engine import Value, naive_gradients, sweep_gradients, topological_order
from engine.graph import consumers_of, forward_cone
from tests.expressions import ALL_OPS, Program, gradient_magnitudes, programs, run_program


def lecture_chain(length: int, seed: int = 1) -> tuple[Value, Value, Value, list[Value]]:
    """ŷ = a·w_T⋯w_1·x as the lecture draws it: z_1 = w_1·x, z_i = w_i·z_{i−1}."""
    rng = random.Random(seed)
    x, a = Value(rng.uniform(0.5, 2.0), label="x"), Value(rng.uniform(0.5, 2.0), label="a")
    weights = [Value(rng.uniform(0.8, 1.2), label=f"w{i + 1}") for i in range(length)]
    z = x
    for w in weights:
        z = w * z
    return a * z, x, a, weights


# --- the lecture's chain: counts in closed form -----------------------------------


@pytest.mark.parametrize("length", [1, 2, 3, 10, 64, 300])
def test_chain_products_and_visits_match_the_closed_forms(length):
    y, x, a, weights = lecture_chain(length)
    leaves = [x, a, *weights]
    order = topological_order(y)
    edges = sum(len(node.parents) for node in order)
    assert (len(order), edges) == (2 * length + 3, 2 * length + 2)
    sweep = sweep_gradients(y, leaves)
    naive = naive_gradients(y, leaves)
    assert sweep.products == edges == 2 * length + 2
    assert sweep.visits == len(order)
    # Docstring of naive_gradients: T(T+1)/2 + T for the weights, T+1 for x, 1 for a.
    triangular = length * (length + 1) // 2
    assert naive.products == triangular + 2 * length + 2 == triangular + edges
    assert naive.visits == triangular + 3 * length + 4


@pytest.mark.parametrize("length", [1, 5, 40])
def test_each_weight_costs_the_lectures_count_plus_the_seed_product(length):
    y, x, a, weights = lecture_chain(length)
    for i, w in enumerate(weights, start=1):
        # Lecture: T − i + 1 products for w_i, plus one with the seed dw_i/dw_i = 1.
        assert naive_gradients(y, [w]).products == length - i + 2
    assert naive_gradients(y, [x]).products == length + 1
    assert naive_gradients(y, [a]).products == 1


def test_chain_gradients_are_the_products_of_the_other_factors():
    y, x, a, weights = lecture_chain(50)
    naive = naive_gradients(y, [x, a, *weights])
    everything = [x.data, a.data] + [w.data for w in weights]
    for position, leaf in enumerate([x, a, *weights]):
        expected = math.prod(v for j, v in enumerate(everything) if j != position)
        assert naive[leaf] == pytest.approx(expected, rel=1e-13)


# --- agreement with the sweep -----------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(programs(ops=tuple(ALL_OPS), max_inputs=4, max_steps=12))
# x/x − x at a tiny x: path products of ±1.7e138 cancel to a gradient near 0.
@example(Program(inputs=(5.902560863730345e-139,), steps=(("div", (0, 0)), ("sub", (0, 1))),
                 outputs=(2,)))
def test_naive_equals_sweep_on_random_dags(program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    sweep = sweep_gradients(root, leaves)
    naive = naive_gradients(root, leaves)
    magnitudes = gradient_magnitudes(root, leaves)
    for leaf in leaves:
        s, n = sweep[leaf], naive[leaf]
        if not math.isfinite(s):
            continue  # inf or nan gradients: no relative comparison to make
        assert abs(n - s) <= 1e-12 * max(abs(s), magnitudes[leaf]) + 1e-300, (leaf, n, s)
    # Independent count of the work: for each leaf, the edges whose lower end
    # depends on it, found by a pass in topological order.
    order = topological_order(root)
    expected_products = expected_visits = 0
    for leaf in dict.fromkeys(leaves):
        reached = {leaf}
        for node in order:
            if node is not leaf and any(p in reached for p in node.parents):
                reached.add(node)
        if leaf in order:
            expected_visits += len(reached)
            expected_products += sum(1 for node in order for p in node.parents if p in reached)
    assert (naive.products, naive.visits) == (expected_products, expected_visits)


def test_a_node_used_twice_by_one_op_counts_two_edges():
    x = Value(3.0)
    y = x * x
    naive = naive_gradients(y, [x])
    assert naive[x] == 6.0
    assert naive.products == 2


def test_diamond_sums_both_branches():
    x = Value(0.7)
    u, v = x.tanh(), x.exp()
    y = u * v
    expected = (1 - math.tanh(0.7) ** 2) * math.exp(0.7) + math.tanh(0.7) * math.exp(0.7)
    assert naive_gradients(y, [x])[x] == pytest.approx(expected, rel=1e-14)


def test_interior_nodes_and_unrelated_nodes():
    x, w = Value(2.0), Value(-1.5)
    h = x * w
    y = h.tanh() + h
    stranger = Value(5.0)
    naive = naive_gradients(y, [h, stranger, y])
    sweep = sweep_gradients(y, [h, stranger, y])
    assert naive[h] == pytest.approx(sweep[h], rel=1e-15)
    assert naive[stranger] == 0.0
    assert naive[y] == 1.0


def test_default_wrt_is_every_leaf_and_nothing_is_mutated():
    y, x, a, weights = lecture_chain(6)
    before = [(n.data, n.grad) for n in topological_order(y)]
    naive = naive_gradients(y)
    assert set(naive) == {x, a, *weights}
    assert before == [(n.data, n.grad) for n in topological_order(y)]


def test_deep_chain_without_recursion():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y + 0.0001
    naive = naive_gradients(y, [x])
    assert naive[x] == 1.0
    # Each + has the chain and a constant as parents; only the chain's edge
    # lies on x's way up, so one product per link.
    assert naive.products == 100_000
    assert naive.visits == 100_001


def test_forward_cone_lists_users_after_what_they_use():
    x = Value(1.0)
    a = x * 2.0
    b = a + x
    c = b * a
    order = topological_order(c)
    cone = forward_cone(x, consumers_of(order))
    assert cone[0] is x and set(cone) == {x, a, b, c}
    position = {node: i for i, node in enumerate(cone)}
    for node in cone:
        for parent in node.parents:
            if parent in position:
                assert position[parent] < position[node]


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="naive_gradients"):
        naive_gradients(3.0, [])
