"""The special points and ops compared with PyTorch float64, and derivatives of any order.

Shared by the tests against PyTorch (first and higher order) and the tests
of gradients as graphs, which run the same ops at the same points.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, settings

from engine import Value, grad
from tests.expressions import leaky_relu, maximum, minimum, silu

inf, nan = math.inf, math.nan

POINTS = (0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, inf, -inf, nan, 5e-324, 1e-310, -1e-310,
          1e-300, 1e300, -1e300, 800.0, -800.0)
UPSTREAM = (1.0, 0.0, -1.0, inf, -inf, nan, 1e300)
PAIR_POINTS = (0.0, -0.0, 1.0, -1.0, 2.0, 0.5, inf, -inf, nan, 1e-310, 1e300)
UNARY = {
    "exp": lambda a: a.exp(), "log": lambda a: a.log(), "sqrt": lambda a: a.sqrt(),
    "tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(), "relu": lambda a: a.relu(),
    "leaky_relu": leaky_relu, "leaky_relu(0)": lambda a: leaky_relu(a, 0.0), "silu": silu,
    "abs": abs, "neg": lambda a: -a,
    "a ** 0": lambda a: a**0, "a ** 1": lambda a: a**1, "a ** 2": lambda a: a**2,
    "a ** 3": lambda a: a**3, "a ** 0.5": lambda a: a**0.5, "a ** -0.5": lambda a: a**-0.5,
    "a ** -1": lambda a: a**-1, "a ** -2": lambda a: a**-2, "a ** 2.5": lambda a: a**2.5,
    "2 ** a": lambda a: 2.0**a, "0 ** a": lambda a: 0.0**a, "(-2) ** a": lambda a: (-2.0) ** a,
    "a + 2": lambda a: a + 2.0, "a - 2": lambda a: a - 2.0, "2 - a": lambda a: 2.0 - a,
    "a * 2": lambda a: a * 2.0, "a * 0": lambda a: a * 0.0, "a / 2": lambda a: a / 2.0,
    "2 / a": lambda a: 2.0 / a, "0 / a": lambda a: 0.0 / a,
    "a ** 1.5": lambda a: a**1.5, "sin": lambda a: a.sin(), "cos": lambda a: a.cos(),
    "log1p": lambda a: a.log1p(), "expm1": lambda a: a.expm1(), "atan": lambda a: a.atan(),
    "maximum(a, 0)": lambda a: maximum(a, 0.0), "minimum(a, -0)": lambda a: minimum(a, -0.0),
}


BINARY = {
    "a + b": lambda a, b: a + b, "a - b": lambda a, b: a - b, "a * b": lambda a, b: a * b,
    "a / b": lambda a, b: a / b, "a ** b": lambda a, b: a**b,
    "maximum": maximum, "minimum": minimum,
}


def engine_derivative(f, point, path) -> float:
    """∂ⁿf/∂x_{path[0]}⋯∂x_{path[-1]} at ``point``, by nested ``grad(create_graph=True)``."""
    leaves = [Value(x) for x in point]
    node = f(*leaves)
    for i in path:
        node = grad(node, leaves, create_graph=True)[i]
    return node.data


def torch_derivative(torch, f, point, path) -> float:
    """The same by nested ``torch.autograd.grad(create_graph=True)`` in float64."""
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    node = f(*tensors)
    for i in path:
        if not node.requires_grad:  # a constant: every derivative of it is 0
            return 0.0
        node = torch.autograd.grad(node, tensors, create_graph=True, allow_unused=True,
                                   materialize_grads=True)[i]
    return node.item()


# The ``torch`` fixture is session-scoped, so reusing it across examples is safe.
ORACLE = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
