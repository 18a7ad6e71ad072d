"""Path enumeration: path counts in closed form, the refusal on 2⁴⁰ paths, and
exact agreement with the sweep and the per-edge chain rule on random DAGs."""

import math

import pytest
from hypothesis import given, settings

from engine import Value, sweep_gradients, topological_order
from engine.examples import diamonds
from engine.methods.naive import naive_gradients
from engine.methods.paths import count_paths, path_gradients
from tests.expressions import ALL_OPS, gradient_magnitudes, programs, run_program


def stacked_diamonds(levels: int) -> tuple[Value, list[Value]]:
    problem = diamonds(levels)
    leaves = [Value(x) for x in problem.inputs]
    return problem.build(*leaves), leaves


@pytest.mark.parametrize("levels", [1, 2, 5, 12])
def test_diamond_path_counts(levels):
    root, (x, *weights) = stacked_diamonds(levels)
    counts = count_paths(root, [x, *weights])
    assert counts[x] == 2**levels
    for k in range(levels):  # p_k and q_k enter at level k+1: one way in, 2^(n−k−1) ways up
        assert counts[weights[2 * k]] == counts[weights[2 * k + 1]] == 2 ** (levels - k - 1)
    assert sum(counts.values()) == 3 * 2**levels - 2


def test_counting_2_to_the_40_paths_is_cheap_and_exact():
    root, (x, *_) = stacked_diamonds(40)
    assert count_paths(root, [x])[x] == 2**40 == 1_099_511_627_776


def test_forty_diamonds_are_refused_with_the_path_count():
    root, leaves = stacked_diamonds(40)
    with pytest.raises(ValueError, match=str(2**40)) as refusal:
        path_gradients(root, [leaves[0]])
    assert "max_paths" in str(refusal.value)
    with pytest.raises(ValueError, match=str(3 * 2**40 - 2)):
        path_gradients(root)


def test_raising_the_limit_lets_enumeration_run():
    root, leaves = stacked_diamonds(11)  # 3·2¹¹ − 2 = 6,142 paths
    with pytest.raises(ValueError, match="6142"):
        path_gradients(root, leaves, max_paths=6141)
    paths = path_gradients(root, leaves, max_paths=6142)
    sweep = sweep_gradients(root, leaves)
    for leaf in leaves:
        assert paths[leaf] == pytest.approx(sweep[leaf], rel=1e-12)
    # x's paths: a binary tree of depth 2n (a product node and a sum node per
    # level, two ways at each product), so 2·(2 + 4 + … + 2ⁿ) edges in it.
    alone = path_gradients(root, [leaves[0]], max_paths=10**4)
    assert alone.products == sum(2 * 2**k for k in range(1, 12))


def test_diamond_gradient_in_closed_form():
    root, (x, *weights) = stacked_diamonds(6)
    sums = [weights[i].data + weights[i + 1].data for i in range(0, 12, 2)]
    assert path_gradients(root, [x])[x] == pytest.approx(math.prod(sums), rel=1e-14)
    assert root.data == pytest.approx(x.data * math.prod(sums), rel=1e-14)


def test_a_node_used_twice_by_one_op_is_two_paths():
    x = Value(-1.25)
    y = (x * x).tanh()
    assert count_paths(y, [x]) == {x: 2}
    grads = path_gradients(y, [x])
    assert grads[x] == pytest.approx(2 * -1.25 * (1 - math.tanh(1.5625) ** 2), rel=1e-14)


def test_unrelated_nodes_have_no_paths_and_the_root_one():
    x = Value(1.0)
    y = x * 3.0
    stranger = Value(2.0)
    assert count_paths(y, [stranger, y]) == {stranger: 0, y: 1}
    grads = path_gradients(y, [stranger, y])
    assert (grads[stranger], grads[y]) == (0.0, 1.0)


def test_on_a_chain_paths_cost_what_the_per_edge_rule_costs():
    ws = [Value(1.0 + 0.01 * i) for i in range(30)]
    x = Value(0.5)
    z = x
    for w in ws:
        z = w * z
    leaves = [x, *ws]
    assert path_gradients(z, leaves).products == naive_gradients(z, leaves).products


@settings(max_examples=120, deadline=None)
@given(programs(ops=tuple(ALL_OPS), max_inputs=4, max_steps=12))
def test_paths_equal_sweep_and_naive_on_random_dags(program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    sweep = sweep_gradients(root, leaves)
    naive = naive_gradients(root, leaves)
    paths = path_gradients(root, leaves, max_paths=10**6)
    magnitudes = gradient_magnitudes(root, leaves)
    for leaf in leaves:
        if not math.isfinite(sweep[leaf]):
            continue
        scale = max(abs(sweep[leaf]), magnitudes[leaf])
        for other in (paths[leaf], naive[leaf]):
            assert abs(other - sweep[leaf]) <= 1e-12 * scale + 1e-300, leaf
    # The work, counted independently: the walk from the root down to w visits each
    # node that depends on w once per path from the root to it, and multiplies once
    # per such path and edge down to a node that depends on w.
    order = topological_order(root)
    visits = products = 0
    for leaf in dict.fromkeys(leaves):
        if leaf not in order:
            continue
        depends = {leaf}
        for node in order:
            if any(p in depends for p in node.parents):
                depends.add(node)
        ways = dict.fromkeys(order, 0)
        ways[root] = 1
        for node in reversed(order):
            if node not in depends:
                continue
            visits += ways[node]
            if node is leaf:
                continue
            for parent in node.parents:
                if parent in depends:
                    ways[parent] += ways[node]
                    products += ways[node]
    assert (paths.visits, paths.products) == (visits, products)


def test_bad_limits_and_roots():
    x = Value(1.0)
    with pytest.raises(ValueError, match="max_paths"):
        path_gradients(x * x, [x], max_paths=-1)
    with pytest.raises(TypeError, match="count_paths"):
        count_paths(1.0)
