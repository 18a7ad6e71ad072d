"""``explain`` / ``Value.explain``: the terms of a gradient, their sum and what they say."""

import re

import pytest
from hypothesis import given, settings

from engine import Value, explain, topological_order
from engine.examples import fan_out_diamond, lecture_neuron
from tests.expressions import ALL_OPS, Program, programs, run_program


def test_the_fan_out_diamond_has_one_term_per_edge_and_says_which_come_from_fan_out():
    d, a = fan_out_diamond(3.0)  # b = 2a, c = a·a, d = b + c
    d.backward()
    explanation = a.explain(d)
    assert [(t.consumer.label, t.operand, t.local_grad, t.consumer_grad, t.product)
            for t in explanation.terms] == [("b", 0, 2.0, 1.0, 2.0), ("c", 0, 3.0, 1.0, 3.0),
                                             ("c", 1, 3.0, 1.0, 3.0)]  # in the sweep's order
    assert explanation.total == a.grad == 8.0
    assert explanation.fan_out and explanation.consumers == 2
    assert [explanation.source(t) for t in explanation.terms] == [
        "fan-out", "fan-out, 'c' uses 'a' twice", "fan-out, 'c' uses 'a' twice"]
    text = str(explanation)
    assert "∂'d'/∂'a' = 2·1 + 3·1 + 3·1 = 8   ('a' has grad 8)" in text
    assert "fan-out: 'a' feeds 2 nodes over 3 edges" in text
    assert "'c' = 'a' * 'a'" in text and "'b' = 'a' * 2" in text


def test_x_times_x_is_one_consumer_with_a_term_per_operand():
    x = Value(-1.5, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    explanation = explain(x, y)
    assert not explanation.fan_out and len(explanation.terms) == 2
    assert explanation.total == x.grad == -3.0
    assert "'y' = 'x' * 'x' uses 'x' twice: one term per operand" in str(explanation)


def test_a_single_edge_and_the_root():
    nodes = lecture_neuron()
    o = nodes["o"]
    o.backward()
    (term,) = nodes["w1"].explain(o).terms
    assert term.consumer.label == "x1*w1" and term.consumer_grad == pytest.approx(0.5)
    assert nodes["w1"].explain(o).source(term) == "the only edge"
    root = o.explain(o)
    assert root.terms == () and root.total == 1.0
    assert "'o' is the root" in str(root)


def test_a_hook_that_changes_the_gradient_is_named_and_flows_into_the_terms():
    x = Value(2.0, label="x")
    h = x * 3
    h.label = "h"
    y = h * h
    y.label = "y"
    with h.register_hook(lambda g: 0.5 * g):
        y.backward()
        at_h, at_x = explain(h, y), explain(x, y)
        text = str(at_h)
    assert at_h.total == 12.0 and h.grad == 6.0  # the sum 2h, and what the hook made of it
    assert "'h' has a hook, which may have replaced this sum" in text
    # x's term reads h's gradient as the hook left it, and adds up to x.grad.
    (term,) = at_x.terms
    assert term.consumer_grad == 6.0 and at_x.total == x.grad == 18.0


def test_a_leaf_accumulating_over_backward_calls_is_explained():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    y.backward()
    assert "'x' is a leaf: backward() adds each sweep's total" in str(explain(x, y))
    assert "its grad = 12 = 6 from before + 6" in str(explain(x, y))


def test_it_says_when_backward_has_not_run():
    x = Value(3.0, label="x")
    y = x * 2
    y.label = "y"
    assert "the root 'y' has grad 0, not 1: call backward() on it first" in str(explain(x, y))


def test_a_node_outside_the_graph_is_a_value_error():
    x, other = Value(1.0), Value(2.0, label="other")
    with pytest.raises(ValueError, match="'other' is not in the graph behind the root"):
        explain(other, x * 2)
    with pytest.raises(TypeError, match=r"explain\(node\) needs a Value"):
        explain(1.0, x)


def test_markdown_and_latex_show_the_terms_and_escape_labels():
    a = Value(2.0, label="w_1|$x")
    y = a * a + a.exp()
    y.label = "loss"
    y.backward()
    explanation = a.explain(y)
    latex = explanation._repr_latex_()
    quote = "\\text{'}"  # a quote is a prime in LaTeX's maths
    assert latex.startswith(f"$\\frac{{\\partial \\mathrm{{{quote}loss{quote}}}}}"
                            f"{{\\partial \\mathrm{{{quote}w\\_1|\\$x{quote}}}}}")
    assert latex.count("\\underbrace") == 3
    markdown = explanation._repr_markdown_()
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(table) == 2 + 3  # header, rule, one row per term
    assert all(line.count("|") - line.count("\\|") == 8 for line in table)
    assert "w\\_1\\|\\$x" in markdown


@settings(max_examples=100, deadline=None)
@given(programs(ops=tuple(ALL_OPS), max_steps=10))
def test_on_random_dags_every_interior_total_is_the_gradient_exactly(program: Program):
    leaves = [Value(x) for x in program.inputs]
    root = run_program(program, leaves)
    root.backward()
    for node in topological_order(root):
        explanation = explain(node, root)
        assert len(explanation.terms) == sum(
            1 for n in topological_order(root) for p in n.parents if p is node)
        if node.parents or node is root:  # leaves accumulate; these show this sweep
            total, grad = explanation.total, node.grad
            assert total == grad or (total != total and grad != grad)
            assert not re.search(r"not this sum", str(explanation))
