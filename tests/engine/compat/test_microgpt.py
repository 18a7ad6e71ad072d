"""engine.compat.microgpt: a training step written in microgpt's style (its Value class
replaced by an import) gives the numbers of the same program on sweepgrad's own Value
bit for bit, and those of a microgpt-style Value written here to rounding."""

from __future__ import annotations

import math
import random

import pytest

import engine
from engine.compat.microgpt import Value


class SlotsValue:
    """A reference written as microgpt's class is: slots, local derivatives per child."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data, children=(), local_grads=()):
        self.data, self.grad = data, 0
        self._children, self._local_grads = children, local_grads

    def __add__(self, other):
        other = other if isinstance(other, SlotsValue) else SlotsValue(other)
        return SlotsValue(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, SlotsValue) else SlotsValue(other)
        return SlotsValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, n):
        return SlotsValue(self.data**n, (self,), (n * self.data ** (n - 1),))

    def log(self):
        return SlotsValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):
        return SlotsValue(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self):
        return SlotsValue(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._children)
        self.grad = 1
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * node.grad


def gpt_training(Value, steps=2):
    """A one-layer, one-head character model trained by Adam, in microgpt's style."""
    random.seed(42)
    docs = ["anna", "bob", "eve"]
    chars = sorted(set("".join(docs)))
    bos, vocab, n_embd, block = len(chars), len(chars) + 1, 4, 6

    def matrix(rows, cols):
        return [[Value(random.gauss(0, 0.08)) for _ in range(cols)] for _ in range(rows)]

    state = {"wte": matrix(vocab, n_embd), "wpe": matrix(block, n_embd),
             "wq": matrix(n_embd, n_embd), "wk": matrix(n_embd, n_embd),
             "wv": matrix(n_embd, n_embd), "wo": matrix(n_embd, n_embd),
             "fc1": matrix(2 * n_embd, n_embd), "fc2": matrix(n_embd, 2 * n_embd),
             "lm_head": matrix(vocab, n_embd)}
    params = [p for mat in state.values() for row in mat for p in row]

    def linear(x, w):
        return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]

    def softmax(logits):
        top = max(v.data for v in logits)
        exps = [(v - top).exp() for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def rmsnorm(x):
        scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def gpt(token, pos, keys, values):
        x = [t + p for t, p in zip(state["wte"][token], state["wpe"][pos])]
        x = rmsnorm(x)
        q, k, v = linear(x, state["wq"]), linear(x, state["wk"]), linear(x, state["wv"])
        keys.append(k)
        values.append(v)
        scores = [sum(qi * ki for qi, ki in zip(q, key)) / n_embd**0.5 for key in keys]
        weights = softmax(scores)
        head = [sum(w * val[j] for w, val in zip(weights, values)) for j in range(n_embd)]
        x = [a + b for a, b in zip(linear(head, state["wo"]), x)]
        hidden = [h.relu() for h in linear(rmsnorm(x), state["fc1"])]
        x = [a + b for a, b in zip(linear(hidden, state["fc2"]), x)]
        return linear(x, state["lm_head"])

    m, v = [0.0] * len(params), [0.0] * len(params)
    losses, grads = [], []
    for step in range(steps):
        doc = docs[step % len(docs)]
        tokens = [bos] + [chars.index(c) for c in doc] + [bos]
        n = min(block, len(tokens) - 1)
        keys, values, step_losses = [], [], []
        for pos in range(n):
            probs = softmax(gpt(tokens[pos], pos, keys, values))
            step_losses.append(-probs[tokens[pos + 1]].log())
        loss = (1 / n) * sum(step_losses)
        loss.backward()
        losses.append(loss.data)
        grads.append([p.grad for p in params])
        before = [p.data for p in params]
        for i, p in enumerate(params):
            m[i] = 0.85 * m[i] + 0.15 * p.grad
            v[i] = 0.99 * v[i] + 0.01 * p.grad**2
            m_hat, v_hat = m[i] / (1 - 0.85 ** (step + 1)), v[i] / (1 - 0.99 ** (step + 1))
            p.data -= 0.01 * m_hat / (v_hat**0.5 + 1e-8)
            p.grad = 0
    return losses, grads, loss, params, before


def test_a_microgpt_style_step_gives_sweepgrads_numbers_and_microgpts_to_rounding():
    losses, grads, _, _, _ = gpt_training(Value)
    own_losses, own_grads, _, _, _ = gpt_training(engine.Value)
    assert losses == own_losses and grads == own_grads  # sweepgrad's own Value, bit for bit
    reference_losses, reference_grads, _, _, _ = gpt_training(SlotsValue)
    assert losses == pytest.approx(reference_losses, rel=1e-12)
    for mine, theirs in zip(grads, reference_grads):
        assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-15)
    assert losses[0] == pytest.approx(math.log(7), rel=0.05)  # near uniform at the start


def test_microgpts_attributes_and_a_hand_built_node():
    a, b = Value(2.0), Value(3.0)
    c = a * b + 1
    assert isinstance(c, Value) and c._children[0]._children == (a, b)
    assert c._children[0]._local_grads == (3.0, 2.0)
    assert (a ** -0.5).op == "**-0.5" and len((a ** 2)._children) == 1
    d = Value(a.data ** 2, (a,), (2 * a.data,))  # an op written by hand, microgpt's way
    (d * c).backward()
    assert a.grad == pytest.approx(2 * 2.0 * 7.0 + 4.0 * 3.0)


def test_a_microgpt_style_graph_compiles_and_replays_its_gradients():
    _, grads, loss, params, before = gpt_training(Value, steps=1)
    # The step's graph, compiled and replayed at the parameters it was built with, gives
    # its loss and the gradients backward() gave, bit for bit.
    in_graph = set(engine.topological_order(loss))
    used = [k for k, p in enumerate(params) if p in in_graph]  # a short name uses few positions
    compiled = engine.compile(loss, [params[k] for k in used])
    assert compiled.nodes > 1000
    assert compiled([before[k] for k in used]) == (loss.data, [grads[0][k] for k in used])
