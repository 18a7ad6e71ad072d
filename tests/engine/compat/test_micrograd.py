"""engine.compat.micrograd: programs written for micrograd, run with only their imports
changed, give micrograd's numbers (checked against a closure-based engine written here
as micrograd's is) and sweepgrad's own API's numbers, bit for bit, and get sweepgrad's
drawings, explanations and compiled replay."""

from __future__ import annotations

import math
import random

import pytest

import engine
from engine.compat.micrograd import MLP, Value, draw_dot, trace

# --- a reference written as micrograd's engine is: closures, a set of children ---------


class ClosureValue:
    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._prev, self._op = data, 0.0, set(_children), _op
        self._backward = lambda: None

    def _wrap(self, other):
        return other if isinstance(other, ClosureValue) else ClosureValue(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = ClosureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = ClosureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = ClosureValue(0.0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    __radd__ = __add__
    __rmul__ = __mul__

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # iterative post-order, so a deep graph is no problem
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


# --- the lecture's neuron --------------------------------------------------------------


def lecture_neuron(value_class):
    x1, x2 = value_class(2.0, label="x1"), value_class(0.0, label="x2")
    w1, w2 = value_class(-3.0, label="w1"), value_class(1.0, label="w2")
    b = value_class(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "x1w1x2w2": x1w1x2w2,
               "x1w1": x1w1, "x2w2": x2w2}


def test_the_lecture_neuron_by_hand_node_by_node_and_by_backward():
    o, v = lecture_neuron(Value)
    assert o._op == "tanh" and {p.label for p in o._prev} == {"n"}
    assert o.data == pytest.approx(0.7071067811865476, rel=1e-15)
    # The lecture's manual sweep: each node's _backward, outputs first.
    o.grad = 1.0
    o._backward()
    v["n"]._backward()
    assert v["n"].grad == pytest.approx(0.5) and v["b"].grad == pytest.approx(0.5)
    v["x1w1x2w2"]._backward()
    v["x1w1"]._backward()
    v["x2w2"]._backward()
    by_hand = [v[name].grad for name in ("x1", "w1", "x2", "w2")]
    assert by_hand == pytest.approx([-1.5, 1.0, 0.5, 0.0], abs=1e-12)
    o2, v2 = lecture_neuron(Value)
    o2.backward()
    own, own_v = lecture_neuron(engine.Value)
    own.backward()
    for name in ("x1", "x2", "w1", "w2", "b"):
        assert v2[name].grad == own_v[name].grad  # sweepgrad's own API, bit for bit
    assert (v2["x1"].grad, v2["w1"].grad, v2["x2"].grad, v2["w2"].grad) == pytest.approx(
        (-1.5, 1.0, 0.5, 0.0), abs=1e-12)


def test_a_hand_written_op_with_its_own_backward_closure_joins_the_sweep():
    def tanh(v):  # the lecture's own tanh, written against micrograd's Value
        t = (math.exp(2 * v.data) - 1) / (math.exp(2 * v.data) + 1)
        out = Value(t, (v,), "tanh")

        def _backward():
            v.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    x, w = Value(0.4, label="x"), Value(-1.2, label="w")
    y = tanh(x * w) * x
    y.backward()
    t = math.tanh(0.4 * -1.2)
    assert x.grad == pytest.approx((1 - t**2) * -1.2 * 0.4 + t, rel=1e-14)
    # The local derivative is on the node now: sweepgrad's methods see it.
    assert x.explain(y).total == pytest.approx(x.grad, rel=1e-15)
    assert engine.naive_gradients(y, [x, w])[x] == pytest.approx(x.grad, rel=1e-15)


def test_trace_and_draw_dot_show_the_graph():
    o, _ = lecture_neuron(Value)
    nodes, edges = trace(o)
    assert len(nodes) == 10 and len(edges) == 9
    o.backward()
    dot = draw_dot(o)
    assert dot.format == "svg" and "rankdir=LR" in dot.source
    for label in ("x1", "w1", "x1*w1", "n", "o"):
        assert f"<B>{label}</B>" in dot.source


# --- micrograd's MLP on two moons --------------------------------------------------------


def moons_program(value_class, mlp, steps=3):
    """micrograd's demo loop: max-margin loss, L2, SGD with a decaying rate."""
    data = _moons()
    losses = []
    for k in range(steps):
        scores = [mlp([value_class(x[0]), value_class(x[1])]) for x in data[0]]
        margins = [(1 + -y * s).relu() for y, s in zip(data[1], scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        reg = 1e-4 * sum(p * p for p in mlp.parameters())
        loss = data_loss + reg
        mlp.zero_grad()
        loss.backward()
        rate = 0.1 * (1.0 - 0.9 * k / 100)
        for p in mlp.parameters():
            p.data -= rate * p.grad
        losses.append(loss.data)
    return losses


def _moons():
    import nn

    data = nn.moons(20, noise=0.1, seed=1)
    return data.inputs, [1.0 if y == 1 else -1.0 for y in data.targets]


class ReferenceMLP:
    """The same network written out on another Value class, from the same starting numbers."""

    def __init__(self, weights, value_class):
        self.layers = [[([value_class(w) for w in ws], value_class(b)) for ws, b in layer]
                       for layer in weights]

    def __call__(self, x):
        for index, layer in enumerate(self.layers):
            out = []
            for ws, b in layer:
                total = b
                for w, xi in zip(ws, x):
                    total = total + w * xi
                out.append(total.relu() if index < len(self.layers) - 1 else total)
            x = out
        return x[0]

    def parameters(self):
        return [p for layer in self.layers for ws, b in layer for p in [*ws, b]]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


def test_micrograds_mlp_on_moons_gives_micrograds_numbers():
    random.seed(1337)
    model = MLP(2, [8, 8, 1])
    assert str(model).startswith("MLP of [Layer of [ReLUNeuron(2)")
    weights = [[([w.data for w in n.w], n.b.data) for n in layer.neurons]
               for layer in model.layers]
    compat_losses = moons_program(Value, model)
    reference_losses = moons_program(ClosureValue, ReferenceMLP(weights, ClosureValue))
    own_losses = moons_program(engine.Value, ReferenceMLP(weights, engine.Value))
    assert compat_losses == own_losses  # sweepgrad's own API: bit for bit
    # The first forward pass is the same operations in the same order; after it, the
    # gradients' sums are added in another order (micrograd walks a set), so to rounding.
    assert compat_losses[0] == reference_losses[0]
    assert compat_losses == pytest.approx(reference_losses, rel=1e-12)
    assert min(compat_losses[1:]) < compat_losses[0]


def test_a_compat_graph_compiles_and_replays_backward_bit_for_bit():
    random.seed(0)
    model = MLP(2, [4, 1])
    x = [Value(0.3), Value(-0.8)]
    out = model(x)
    loss = (1 + -1.0 * out).relu() + out * out
    loss.backward()
    params = model.parameters()
    compiled = engine.compile(loss, params + x)
    value, grads = compiled([p.data for p in params] + [0.3, -0.8])
    assert value == loss.data and grads[: len(params)] == [p.grad for p in params]


def test_values_are_micrograds_class_and_the_numbers_sweepgrads():
    a, b = Value(1.5), Value(-0.25)
    for expression in (lambda a, b: a - b, lambda a, b: a / b, lambda a, b: 2 - a ** 3,
                       lambda a, b: 1 / b + (-a).exp(), lambda a, b: sum([a, b, a * b])):
        result = expression(a, b)
        own = expression(engine.Value(1.5), engine.Value(-0.25))
        assert isinstance(result, Value) and all(isinstance(p, Value) for p in result._prev)
        assert result.data == own.data
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert (Value(3.0) ** 2).op == "**2" and (Value(3.0) ** 2).data == 9.0
    assert Value(1.0).relu()._op == "ReLU"
