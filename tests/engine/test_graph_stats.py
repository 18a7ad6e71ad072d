"""``graph_stats`` on graphs whose counts are known by hand."""

import pytest
from hypothesis import given, settings

from engine import GraphStats, Value, graph_stats
from engine.examples import lecture_neuron
from tests.expressions import Program, programs, run_program


def test_a_leaf():
    assert graph_stats(Value(1.0)) == GraphStats(
        nodes=1, edges=0, leaves=1, depth=0, max_fan_out=0, ops={}
    )


def test_x_times_x_has_two_edges_to_one_node():
    x = Value(3.0)
    assert graph_stats(x * x) == GraphStats(
        nodes=2, edges=2, leaves=1, depth=1, max_fan_out=2, ops={"*": 1}
    )


def test_a_diamond():
    # d = (a·2)·(a + 3): the constants 2 and 3 are leaves too.
    a = Value(1.5)
    d = (a * 2) * (a + 3)
    assert graph_stats(d) == GraphStats(
        nodes=6, edges=6, leaves=3, depth=2, max_fan_out=2, ops={"*": 2, "+": 1}
    )


def test_the_lecture_neuron():
    o = lecture_neuron()["o"]
    assert graph_stats(o) == GraphStats(
        nodes=10, edges=9, leaves=5, depth=4, max_fan_out=1, ops={"*": 2, "+": 2, "tanh": 1}
    )


def test_a_deep_chain_with_a_shared_constant():
    x, c = Value(0.0), Value(1.0)
    y = x
    for _ in range(100_000):
        y = y + c
    stats = graph_stats(y)
    assert (stats.nodes, stats.edges, stats.leaves, stats.depth, stats.max_fan_out) == (
        100_002, 200_000, 2, 100_000, 100_000,
    )
    assert stats.ops == {"+": 100_000}


def test_str_names_every_count():
    text = str(graph_stats(Value(2.0) * Value(3.0) + 1))
    assert text == "5 nodes, 4 edges, 3 leaves, depth 2, max fan-out 1; ops: *: 1, +: 1"


def test_a_non_value_is_rejected():
    with pytest.raises(TypeError, match="graph_stats.*Value.*list"):
        graph_stats([Value(1.0)])


def longest_path(root: Value) -> int:
    """Depth by relaxing edges until nothing changes (Bellman-Ford style)."""
    nodes, frontier = {root}, [root]
    while frontier:
        frontier = list({p: None for n in frontier for p in n.parents if p not in nodes})
        nodes.update(frontier)
    depth = {n: 0 for n in nodes}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            for p in n.parents:
                if depth[p] + 1 > depth[n]:
                    depth[n], changed = depth[p] + 1, True
    return depth[root]


@settings(max_examples=100, deadline=None)
@given(programs(ops=("add", "mul", "neg", "tanh", "square", "sub")))
def test_random_dags_counts_agree_with_a_direct_walk(program: Program):
    root = run_program(program, [Value(x) for x in program.inputs])
    seen, stack = set(), [root]
    edges, fan_out = 0, {}
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        edges += len(node.parents)
        for p in node.parents:
            fan_out[p] = fan_out.get(p, 0) + 1
            stack.append(p)
    stats = graph_stats(root)
    assert stats.nodes == len(seen)
    assert stats.edges == edges
    assert stats.leaves == sum(1 for n in seen if not n.parents)
    assert stats.max_fan_out == max(fan_out.values(), default=0)
    assert stats.depth == longest_path(root)
    assert sum(stats.ops.values()) == stats.nodes - stats.leaves
