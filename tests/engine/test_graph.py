"""``topological_order``: parents first, root last, each node once, no recursion."""

import sys

import pytest
from hypothesis import given, settings

from engine import Value, topological_order
from tests.expressions import Program, programs, run_program


def reachable(root: Value) -> set[Value]:
    """Every node behind ``root``, found by a breadth-first walk (an independent oracle)."""
    seen, frontier = {root}, [root]
    while frontier:
        frontier = list({p: None for node in frontier for p in node.parents if p not in seen})
        seen.update(frontier)
    return seen


def assert_topological(order: list[Value], root: Value) -> None:
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order), "a node appears twice"
    assert set(order) == reachable(root)
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


def test_a_leaf_alone():
    x = Value(1.0)
    assert topological_order(x) == [x]


def test_a_node_used_twice_in_one_op_appears_once():
    x = Value(3.0)
    y = x * x
    assert topological_order(y) == [x, y]


def test_a_diamond_lists_the_shared_node_once_before_both_branches():
    a = Value(2.0)
    left, right = a * 3, a.exp()
    top = left + right
    order = topological_order(top)
    assert_topological(order, top)
    assert order.count(a) == 1 and len(order) == 5


def test_only_ancestors_of_the_root_are_listed():
    a, b = Value(1.0), Value(2.0)
    s = a + b
    unrelated = s * 10  # a consumer of s, not an ancestor of it
    assert set(topological_order(s)) == {a, b, s}
    assert unrelated not in topological_order(s)


def test_a_hundred_thousand_deep_chain_needs_no_recursion():
    limit = sys.getrecursionlimit()
    nodes = [Value(0.1)]
    for _ in range(100_000):
        nodes.append(nodes[-1].tanh())
    order = topological_order(nodes[-1])
    assert order == nodes  # a chain has exactly one topological order
    assert sys.getrecursionlimit() == limit


def test_repeated_squaring_visits_each_node_once_not_each_path():
    # x → x² → x⁴ → …: 2⁶⁰ paths from the root to x, but 61 nodes.
    x = Value(1.0)
    y = x
    for _ in range(60):
        y = y * y
    order = topological_order(y)
    assert len(order) == 61
    assert_topological(order, y)


def test_a_wide_graph_of_many_leaves():
    leaves = [Value(float(i)) for i in range(10_000)]
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    order = topological_order(total)
    assert_topological(order, total)
    assert len(order) == 2 * len(leaves) - 1


@settings(max_examples=150, deadline=None)
@given(programs(ops=("add", "mul", "sub", "neg", "tanh", "square", "div", "relu")))
def test_random_dags_are_ordered_parents_first(program: Program):
    root = run_program(program, [Value(x) for x in program.inputs])
    assert_topological(topological_order(root), root)


def test_a_non_value_root_is_rejected_with_a_type_error():
    # Like backward() and graph_stats(): a TypeError naming what was passed,
    # not an AttributeError from inside the loop.
    with pytest.raises(TypeError, match="float"):
        topological_order(3.0)
