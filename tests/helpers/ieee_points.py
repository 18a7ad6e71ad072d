"""Every op at IEEE 754's special points: the points, and the ops as functions of Values."""

from __future__ import annotations

import math

from tests.expressions import leaky_relu, maximum, minimum, silu

inf, nan = math.inf, math.nan

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-310, 709.0, 710.0, 800.0, -800.0, 1e308,
           -1e308, inf, -inf, nan]
UNARY = {
    "neg": lambda a: -a, "exp": lambda a: a.exp(), "log": lambda a: a.log(),
    "sqrt": lambda a: a.sqrt(), "tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(), "leaky_relu": leaky_relu, "silu": silu, "abs": abs,
    "**3": lambda a: a**3, "**-1": lambda a: a**-1, "**2.5": lambda a: a**2.5,
    "**(1/3)": lambda a: a ** (1 / 3), "2**": lambda a: 2.0**a, "0**": lambda a: 0.0**a,
    "(-8)**": lambda a: (-8.0) ** a, "1/": lambda a: 1.0 / a, "-1/": lambda a: -1.0 / a,
    "sin": lambda a: a.sin(), "cos": lambda a: a.cos(), "log1p": lambda a: a.log1p(),
    "expm1": lambda a: a.expm1(), "**1.5": lambda a: a**1.5,
}


BINARY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "**": lambda a, b: a**b,
    "maximum": lambda a, b: maximum(a, b), "minimum": lambda a, b: minimum(a, b),
}
