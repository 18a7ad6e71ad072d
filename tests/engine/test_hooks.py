"""``Value.register_hook``: when hooks run, what they see, what a replacement changes,
removal, and that the sweep pays nothing for them while none exists."""

import gc
import math
import sys

import pytest

from engine import Value, backward, grad, hooks, sweep_gradients
from engine.examples import fan_out_diamond


@pytest.fixture(autouse=True)
def no_hooks_left_behind():
    yield
    gc.collect()  # nodes (and their hooks) of a test's graphs die with it
    assert hooks.registered() == 0


def test_a_hook_sees_the_complete_gradient_of_a_fanned_out_node_once():
    d, a = fan_out_diamond(3.0)  # dd/da = 2 + 2a: two consumers, three edges
    seen = []
    handle = a.register_hook(seen.append)
    d.backward()
    assert seen == [8.0] and a.grad == 8.0
    handle.remove()


def test_hooks_on_x_times_x_and_on_the_root():
    x = Value(-1.5)
    y = x * x
    seen = []
    with x.register_hook(lambda g: seen.append(("x", g))), \
            y.register_hook(lambda g: seen.append(("y", g))):
        y.backward()
    assert seen == [("y", 1.0), ("x", -3.0)]  # the root first, in sweep order


def test_a_hook_that_replaces_the_gradient_changes_everything_below_it():
    x, w = Value(2.0), Value(-3.0)
    h = x * w
    y = h.tanh()
    with h.register_hook(lambda g: 10 * g):
        y.backward()
    slope = 1 - math.tanh(-6.0) ** 2
    assert h.grad == pytest.approx(10 * slope)
    assert x.grad == pytest.approx(10 * slope * -3.0)
    assert w.grad == pytest.approx(10 * slope * 2.0)
    assert y.grad == 1.0


def test_a_hook_that_returns_none_keeps_the_gradient_and_several_hooks_chain():
    x = Value(1.0)
    calls = []
    first = x.register_hook(lambda g: calls.append(g))
    second = x.register_hook(lambda g: g + 1)
    third = x.register_hook(lambda g: calls.append(g) or 3 * g)
    (x * 5).backward()
    assert calls == [5.0, 6.0] and x.grad == 18.0
    for handle in (first, second, third):
        handle.remove()


def test_a_leaf_hook_sees_this_sweeps_gradient_before_accumulation():
    x = Value(2.0)
    y = x * 3
    seen = []
    with x.register_hook(lambda g: seen.append(g) or 2 * g):
        y.backward()
        y.backward()
    assert seen == [3.0, 3.0] and x.grad == 12.0


def test_remove_takes_the_hook_off_and_twice_does_nothing():
    x = Value(1.0)
    handle = x.register_hook(lambda g: 0.0)
    assert hooks.registered() == 1 and "registered" in repr(handle)
    handle.remove()
    handle.remove()
    assert hooks.registered() == 0 and "removed" in repr(handle)
    (x * 4).backward()
    assert x.grad == 4.0


def test_a_hook_dies_with_its_node():
    def build():
        x = Value(1.0)
        x.register_hook(print)
        return x * 2

    y = build()
    assert hooks.registered() == 1
    del y
    assert hooks.registered() == 0  # freed by reference counting, uncounted with it


def test_labels_and_hooks_share_a_slot_without_losing_each_other():
    x = Value(1.0, label="x")
    handle = x.register_hook(lambda g: 7.0)
    x.label, x.group = "renamed", "L1"
    (x * 2).backward()
    assert (x.label, x.group, x.grad) == ("renamed", "L1", 7.0)
    handle.remove()


def test_hooks_run_in_grad_and_under_create_graph_but_not_in_sweep_gradients():
    x = Value(3.0)
    y = x * x
    with x.register_hook(lambda g: 2 * g):
        assert grad(y, x) == (12.0,)
        (dx,) = grad(y, x, create_graph=True)
        assert isinstance(dx, Value) and dx.data == 12.0
        # dx is the node 2·(2x), so d(dx)/dx = 4, which the hook doubles again.
        assert grad(dx, x) == (8.0,)
        assert sweep_gradients(y, [x])[x] == 6.0  # the measure stays pure


def test_under_create_graph_a_hook_receives_and_may_return_a_value():
    x = Value(2.0)
    received = []

    def square_it(g):
        received.append(g)
        return g * g

    with x.register_hook(square_it):
        (dx,) = grad(x * x * x, x, create_graph=True)  # 3x², squared: 9x⁴
    assert isinstance(received[0], Value)
    assert dx.data == 144.0 and grad(dx, x) == (36 * 8.0,)


def test_a_hook_returning_something_else_is_a_type_error_and_leaves_are_restored():
    x = Value(1.0, label="x")
    x.grad = 5.0
    y = x * 2
    with y.register_hook(lambda g: "big"):
        with pytest.raises(TypeError, match=r"a hook on \* = 2 returned str"):
            y.backward()
    assert x.grad == 5.0
    with x.register_hook(lambda g: Value(1.0)):
        with pytest.raises(TypeError, match=r"return grad.data, or use engine.grad"):
            y.backward()


def test_register_hook_needs_a_callable():
    with pytest.raises(TypeError, match="fn must be callable, got int"):
        Value(1.0).register_hook(3)


def test_no_hook_means_the_plain_sweep(monkeypatch):
    backward_module = sys.modules["engine.backward"]  # engine.backward is the function

    def refuse(order):
        raise AssertionError("the watched sweep ran without any hook")

    monkeypatch.setattr(backward_module, "_sweep_watched", refuse)
    x = Value(2.0)
    backward(x * x)
    assert x.grad == 4.0
    with x.register_hook(print), pytest.raises(AssertionError, match="watched sweep"):
        backward(x * x)
