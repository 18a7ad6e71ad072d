"""engine.drawing.trace: the sweep's visits, against the engine's own sweep."""

import pytest

from engine import Value, sweep_gradients, topological_order
from engine.drawing.trace import backward_visits
from engine.examples import fan_out_diamond, lecture_neuron


def test_visits_come_in_sweep_order_with_the_final_gradients():
    o = lecture_neuron()["o"]
    order = topological_order(o)
    visits = backward_visits(order)
    assert [v.node for v in visits] == list(reversed(order))
    expected = sweep_gradients(o, wrt=order)
    assert all(v.grad == expected[v.node] for v in visits)
    assert visits[0].grad == 1.0 and visits[0].terms == ()  # the root is seeded


def test_each_pass_is_local_derivative_times_upstream():
    o = lecture_neuron()["o"]
    for visit in backward_visits(topological_order(o)):
        assert len(visit.passes) == len(visit.node.parents)
        for edge in visit.passes:
            assert edge.node is visit.node and edge.parent is visit.node.parents[edge.position]
            assert edge.local_grad == visit.node.local_grads[edge.position]
            assert edge.upstream == visit.grad
            assert edge.contribution == edge.local_grad * edge.upstream


def test_running_sums_fill_in_term_by_term_at_a_fan_out_node():
    d, a = fan_out_diamond()
    visits = backward_visits(topological_order(d))
    of_a = next(v for v in visits if v.node is a)
    # b = 2a passes 2; c = a·a passes 3 twice (once per edge): 2 + 3 + 3 = 8.
    assert [t.term for t in of_a.terms] == [1, 2, 3]
    assert sorted(t.contribution for t in of_a.terms) == [2.0, 3.0, 3.0]
    sums = [t.running_sum for t in of_a.terms]
    assert sums[0] == of_a.terms[0].contribution
    assert sums[1:] == pytest.approx([sums[0] + of_a.terms[1].contribution, 8.0])
    assert of_a.grad == sums[-1] == 8.0


def test_x_times_x_passes_twice_and_old_grads_are_ignored():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    y.backward()  # x.grad is 12 now; the trace starts afresh
    visits = backward_visits(topological_order(y))
    assert [e.position for e in visits[0].passes] == [0, 1]
    assert visits[-1].grad == 6.0
