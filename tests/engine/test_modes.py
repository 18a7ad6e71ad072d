"""Recording modes: ``no_grad``, ``enable_grad`` and ``detect_anomaly``."""

import math

import pytest

from engine import (
    Value,
    backward,
    detect_anomaly,
    enable_grad,
    graph_stats,
    is_grad_enabled,
    no_grad,
    sweep_gradients,
    topological_order,
)

# --- no_grad -------------------------------------------------------------------


def test_operations_under_no_grad_compute_values_but_record_no_parents():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    with no_grad():
        assert not is_grad_enabled()
        y = (x * w + 1).tanh()
        z = 2.0 ** x
    assert is_grad_enabled()
    assert y.data == math.tanh(-5.0) and z.data == 4.0
    for node in (y, z):
        assert (node.parents, node.local_grads, node.op) == ((), (), "")
    y.backward()
    assert (x.grad, w.grad) == (0.0, 0.0)  # y is a leaf: nothing flows back


def test_recording_resumes_after_no_grad():
    x = Value(2.0)
    with no_grad():
        pass
    y = x * x
    assert y.parents == (x, x)


def test_no_grad_nests_and_enable_grad_records_inside_it():
    x = Value(3.0)
    with no_grad():
        with no_grad():
            inner = x * x
        after_inner = x * x  # still inside the outer block
        with enable_grad():
            assert is_grad_enabled()
            recorded = x * x
        assert not is_grad_enabled()
        after_enable = x * x
    assert is_grad_enabled()
    assert inner.parents == after_inner.parents == after_enable.parents == ()
    assert recorded.parents == (x, x)
    recorded.backward()
    assert x.grad == 6.0


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("boom")
    assert is_grad_enabled()
    assert (Value(1.0) + 1).parents != ()


def test_evaluating_a_long_loop_under_no_grad_keeps_no_graph():
    x = Value(0.5)
    with no_grad():
        y = x
        for _ in range(100_000):
            y = (y * 0.999 + 0.001).tanh()
    assert topological_order(y) == [y]
    assert graph_stats(y).nodes == 1


# --- detect_anomaly: forward ------------------------------------------------------


def test_forward_nan_raises_naming_the_op_and_the_label():
    x = Value(-1.0, label="x")
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"log.*nan.*'x'"):
            x.log()


def test_forward_inf_raises_naming_the_op_and_both_labels():
    a, b = Value(1.0, label="a"), Value(0.0, label="b")
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"/ produced inf from 'a'.*'b'"):
            a / b


def test_forward_overflow_of_exp_raises():
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"exp produced inf from 1000$"):
            Value(1000.0).exp()


def test_forward_anomaly_is_caught_under_no_grad_too():
    with no_grad(), detect_anomaly():
        with pytest.raises(FloatingPointError, match="sqrt"):
            Value(-4.0, label="v").sqrt()


def test_finite_computations_are_unchanged_under_detect_anomaly():
    def build():
        a, b = Value(0.3), Value(-1.2)
        return a, b, (a * b).sigmoid() + a.exp() / b

    a1, b1, y1 = build()
    y1.backward()
    with detect_anomaly():
        a2, b2, y2 = build()
        y2.backward()
    assert (y1.data, a1.grad, b1.grad) == (y2.data, a2.grad, b2.grad)
    assert y2.parents != ()


def test_outside_the_block_nothing_raises():
    with detect_anomaly():
        pass
    assert math.isnan(Value(-1.0).log().data)
    assert Value(0.0).log().data == -math.inf


def test_detect_anomaly_restores_the_mode_after_its_own_exception():
    with pytest.raises(FloatingPointError):
        with detect_anomaly():
            Value(0.0).log()
    assert Value(0.0).log().data == -math.inf  # no longer raises


def test_nested_detect_anomaly_stays_on_until_the_outer_block_ends():
    with detect_anomaly():
        with detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):
            Value(-1.0).sqrt()
    assert math.isnan(Value(-1.0).sqrt().data)


# --- detect_anomaly: backward ---------------------------------------------------------


def _finite_forward_infinite_gradient():
    # sqrt at a tiny x: the value is finite, the slope 1/(2√x) huge; scaled
    # by 1e200 it overflows in the backward sweep only.
    x = Value(1e-320, label="x")
    root = x.sqrt() * 1e200
    assert math.isfinite(root.data)
    return x, root


def test_backward_raises_at_a_non_finite_gradient_naming_op_and_node():
    x, root = _finite_forward_infinite_gradient()
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"backward through sqrt.*'x'.*inf"):
            root.backward()


def test_backward_of_a_graph_built_outside_is_checked_inside():
    x = Value(0.0, label="x")
    y = x.sqrt()  # value 0, local derivative inf
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"sqrt.*'x'"):
            backward(y)
    x.grad = 0.0
    y.backward()  # outside the block: the IEEE result, no exception
    assert x.grad == math.inf


def test_sweep_gradients_is_checked_like_backward():
    # sweep_gradients runs the same backward steps as backward(), so a
    # non-finite gradient must be reported the same way.
    x, root = _finite_forward_infinite_gradient()
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"sqrt.*'x'"):
            sweep_gradients(root)
