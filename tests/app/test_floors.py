"""The plain-float floors of ``sweepgrad bench speed`` do the engine's work: the chains give
its gradients to the bit (the same arithmetic, operation for operation), the MLP step its
loss and gradients to rounding (its sums run in another order)."""

import pytest

from engine import compile
from engine.app.benchmarks.floats import (
    chain_floats,
    distinct_chain_floats,
    mlp_step_floats,
    weights_of,
)
from engine.app.benchmarks.speed import mlp_problem, mlp_step_values
from engine.examples import distinct_chain, distinct_weights, tanh_chain


def _swept_and_replayed(root, inputs):
    """The inputs' gradients by ``backward()`` and by the compiled replay."""
    root.backward()
    swept = [leaf.grad for leaf in inputs]
    _, replayed = compile(root, inputs)([leaf.data for leaf in inputs])
    return swept, replayed


@pytest.mark.parametrize("links", [1, 2, 300])
def test_the_chain_floor_gives_the_engines_gradients_to_the_bit(links):
    root, inputs = tanh_chain(links)
    swept, replayed = _swept_and_replayed(root, inputs)
    floor = list(chain_floats(links))
    assert floor == swept == replayed


@pytest.mark.parametrize("links", [1, 2, 300])
def test_the_distinct_chain_floor_gives_the_engines_gradients_to_the_bit(links):
    root, inputs = distinct_chain(links)
    swept, replayed = _swept_and_replayed(root, inputs)
    # Written with the textbook slope 1 − t², the floor fails here at 300 links: it
    # rounds otherwise than the engine's (1 − t)(1 + t) at some of them.
    grad_x, grad_w, grad_b = distinct_chain_floats(*distinct_weights(links))
    floor = [grad_x]
    for w, b in zip(grad_w, grad_b):
        floor += (w, b)
    assert floor == swept == replayed


def test_the_mlp_floor_gives_the_engines_loss_and_gradients():
    model, points, labels = mlp_problem(30)
    loss = mlp_step_values(model, points, labels)
    loss.backward()
    value, grads = mlp_step_floats(weights_of(model), points, labels)
    assert value == pytest.approx(loss.data, rel=1e-13)
    assert grads == pytest.approx([p.grad for p in model.parameters()], rel=1e-10, abs=1e-15)
