"""The teacher's helpers, on their own: each says what differs, and names the mistake."""

from __future__ import annotations

import pytest

from engine import Value, topological_order
from engine.app.classroom import (
    MISTAKES,
    CheckFailed,
    compare_function,
    compare_gradients,
    deepest_recursion,
    diagnose_batches,
    diagnose_step,
    engine_calls,
    explain_gradients,
    gradient_diff,
    refuse_engine,
)
from engine.app.classroom.diagnose import apart, show_apart, versus
from engine.app.classroom.probes import fan_out
from engine.naming import node_names


def test_compare_function_fails_at_the_first_input_that_differs():
    compare_function(lambda a: a * 2, lambda a: a + a, [(1.0,), (2.5,)], "double")
    with pytest.raises(CheckFailed, match=r"double\(3\) returned 9, expected 6"):
        compare_function(lambda a: a * a, lambda a: a + a, [(2.0,), (3.0,)], "double")


def test_engine_calls_sees_aliases_methods_and_operators():
    from engine import backward as sweep

    root = fan_out()
    _, used = engine_calls(lambda: sweep(root), {"engine.backward": sweep})
    assert used == ["engine.backward"]
    _, used = engine_calls(lambda: Value(2.0) * 3, {"a * b": Value.__mul__})
    assert used == ["a * b"]
    _, used = engine_calls(lambda: Value(2.0) + 3, {"a * b": Value.__mul__})
    assert used == []
    with pytest.raises(CheckFailed) as failed:
        refuse_engine(lambda: root.backward(), {"Value.backward": Value.backward}, "backward")
    assert failed.value.mistake is MISTAKES["engine_call"]


def test_deepest_recursion_tells_a_loop_from_recursion():
    def down(n: int) -> int:
        return 0 if n == 0 else 1 + down(n - 1)

    def loop(n: int) -> int:
        return sum(1 for _ in range(n))

    assert deepest_recursion(lambda: down(120))[:2] == (120, 121)
    assert deepest_recursion(lambda: loop(120))[:2] == (120, 1)


def test_gradient_helpers_name_nodes_and_the_mistake():
    root = fan_out()
    root.backward()
    compare_gradients(root)  # the engine's own sweep is right
    right = {node: node.grad for node in topological_order(root)}
    assert explain_gradients(root, right) == (None, "")
    wrong = dict(right)
    a = next(n for n in right if n.label == "a")
    wrong[a] = 0.0
    assert gradient_diff(wrong, right) == "'a': 0 (expected -1.875)"
    with pytest.raises(CheckFailed, match="'a'") as failed:
        compare_gradients(root, wrong, "fan-out")
    # One gradient of 0 fits no one mistake of the sweep: said in words, not named.
    assert failed.value.mistake is None
    assert "nothing reached it, though its consumers' gradients are right" in str(failed.value)
    kept = dict(right)
    kept[a] = -2.625  # one of its two contributions: `=` for `+=`
    with pytest.raises(CheckFailed) as failed:
        compare_gradients(root, kept)
    assert failed.value.mistake is MISTAKES["assign_not_accumulate"]


def test_two_nodes_with_one_label_are_told_apart():
    x = Value(0.5, label="0.5")
    y = Value(0.5, label="0.5")
    root = x * 2.0 + y * 3.0
    right = {x: 2.0, y: 3.0}
    diff = gradient_diff({x: 2.0, y: 0.0}, right, names=node_names(topological_order(root)))
    assert diff.startswith("'0.5' (node ") and "of " in diff
    assert "(expected 3)" in diff


def test_numbers_are_printed_until_they_differ():
    assert apart(5.000000001, 5.0) == ("5.000000001", "5")
    assert versus(0.1 + 0.2, 0.3) == "0.30000000000000004, expected 0.3"
    assert versus(1.5, 2.0) == "1.5, expected 2"
    assert show_apart((1.0, (0.25,)), (1.0, (0.2500001,))) == \
        "(1, (0.25,)), expected (1, (0.2500001,))"


def test_diagnose_step_and_batches():
    assert diagnose_step([1.0], [0.5], [1.05], 0.1) is MISTAKES["update_sign"]
    assert diagnose_step([1.0], [0.5], [1.0], 0.1) is MISTAKES["rebinding"]
    assert diagnose_step([1.0], [0.5], [0.7], 0.1) is None  # fits no known step
    assert diagnose_batches([[[0, 1], [2, 3], [4]]], 5, 2)[0] is MISTAKES["no_shuffle"]
    assert diagnose_batches([[[3, 1], [0, 4]]], 5, 2)[0] is MISTAKES["last_batch_dropped"]
    assert diagnose_batches([[[3, 1], [0, 4], [2]], [[2, 0], [4, 1], [3]]], 5, 2) is None


def test_select_takes_a_list_of_chapters_and_numbers_in_number_order():
    from engine.app.classroom import select

    numbers = [e.number for e in select("graph, 1.1")]
    assert numbers == ["1.1"] + [e.number for e in select("graph")]
    assert [e.number for e in select("2.2,graph")] == [e.number for e in select("graph")]
    with pytest.raises(ValueError, match="no exercise 'nope'"):
        select("graph,nope")


def test_the_deep_chains_reference_is_the_sweeps_to_the_bit():
    from engine import sweep_gradients
    from engine.app.classroom.probes import chain_derivative, chain_input, tanh_chain

    for links in (1, 7, 2_000):
        root = tanh_chain(links)
        x = chain_input(root)
        assert x.label == "x" and not x.parents
        assert chain_derivative(links) == sweep_gradients(root, topological_order(root))[x]


def test_a_sweep_that_stops_short_of_the_chains_input_fails_the_deep_check():
    from types import SimpleNamespace

    from engine.app.classroom.checks.graph_checks import sweep_a_deep_chain

    def backward_near_the_root(root: Value) -> None:  # sweeps only the last 900 nodes
        root.grad = 1.0
        for node in reversed(topological_order(root)[-900:]):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad

    with pytest.raises(CheckFailed, match="the input 'x' of the 20000-link chain has grad 0"):
        sweep_a_deep_chain(SimpleNamespace(backward=backward_near_the_root))
