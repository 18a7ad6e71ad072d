"""One registry of operations and random expression graphs, for every oracle.

Each ``OpCase`` is written once, generically: ``apply`` uses only operators
and methods that ``Value`` and ``torch.Tensor`` share (``leaky_relu`` and
``silu`` dispatch below), so the same expression runs on the engine and on
PyTorch. Next to it, ``reference`` is the same function written with ``math``
on plain floats, and ``domain`` draws points where the function is smooth and
finite, so that central differences are a fair judge. Three checks read this
registry: values against ``math`` (test_value.py), gradients against central
differences (test_backward.py) and gradients against PyTorch float64
(test_torch_oracle.py).

``programs()`` draws random expression DAGs: leaves, then steps whose
operands are any earlier nodes, so subexpressions are shared (fan-out,
diamonds) and a node may be both operands of one op (``x * x``). A program
runs on any backend with ``run_program``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from engine import Value
from engine import maximum as engine_maximum
from engine import minimum as engine_minimum

# --- ops both backends share ---------------------------------------------


def leaky_relu(x: Any, alpha: float = 0.01) -> Any:
    if isinstance(x, Value):
        return x.leaky_relu(alpha)
    import torch.nn.functional as F

    return F.leaky_relu(x, alpha)


def silu(x: Any) -> Any:
    if isinstance(x, Value):
        return x.silu()
    import torch.nn.functional as F

    return F.silu(x)


def maximum(a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        return engine_maximum(a, b)
    import torch

    return torch.maximum(torch.as_tensor(a, dtype=torch.float64),
                         torch.as_tensor(b, dtype=torch.float64))


def minimum(a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        return engine_minimum(a, b)
    import torch

    return torch.minimum(torch.as_tensor(a, dtype=torch.float64),
                         torch.as_tensor(b, dtype=torch.float64))


# --- point strategies -----------------------------------------------------


def real(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(low: float, high: float) -> st.SearchStrategy[float]:
    """Points with low <= |x| <= high, either sign: off a kink or a pole at 0."""
    return st.builds(lambda magnitude, negative: -magnitude if negative else magnitude,
                     real(low, high), st.booleans())


ANYWHERE = real(-3.0, 3.0)
POSITIVE = real(0.05, 4.0)
OFF_ZERO = away_from_zero(0.05, 3.0)
# Halves from -3 to 3: two of them tie exactly or differ by 0.5 at least, so
# maximum and minimum are judged at their ties and well away from them.
HALVES = st.integers(-6, 6).map(lambda k: k / 2.0)


# --- the registry ---------------------------------------------------------


@dataclass(frozen=True)
class OpCase:
    """One operation: generic form, ``math`` form and where it is smooth."""

    name: str
    apply: Callable[..., Any]
    reference: Callable[..., float]
    domain: tuple[st.SearchStrategy[float], ...]

    @property
    def arity(self) -> int:
        return len(self.domain)

    def __str__(self) -> str:
        return self.name


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


OPS: tuple[OpCase, ...] = (
    OpCase("a + b", lambda a, b: a + b, lambda a, b: a + b, (ANYWHERE, ANYWHERE)),
    OpCase("a + 2.5", lambda a: a + 2.5, lambda a: a + 2.5, (ANYWHERE,)),
    OpCase("2.5 + a", lambda a: 2.5 + a, lambda a: 2.5 + a, (ANYWHERE,)),
    OpCase("a - b", lambda a, b: a - b, lambda a, b: a - b, (ANYWHERE, ANYWHERE)),
    OpCase("a - 2.5", lambda a: a - 2.5, lambda a: a - 2.5, (ANYWHERE,)),
    OpCase("2.5 - a", lambda a: 2.5 - a, lambda a: 2.5 - a, (ANYWHERE,)),
    OpCase("a * b", lambda a, b: a * b, lambda a, b: a * b, (ANYWHERE, ANYWHERE)),
    OpCase("a * 2.5", lambda a: a * 2.5, lambda a: a * 2.5, (ANYWHERE,)),
    OpCase("2.5 * a", lambda a: 2.5 * a, lambda a: 2.5 * a, (ANYWHERE,)),
    OpCase("a / b", lambda a, b: a / b, lambda a, b: a / b, (ANYWHERE, OFF_ZERO)),
    OpCase("a / 2.5", lambda a: a / 2.5, lambda a: a / 2.5, (ANYWHERE,)),
    OpCase("2.5 / a", lambda a: 2.5 / a, lambda a: 2.5 / a, (OFF_ZERO,)),
    OpCase("-a", lambda a: -a, lambda a: -a, (ANYWHERE,)),
    OpCase("a ** 3", lambda a: a**3, lambda a: math.pow(a, 3.0), (ANYWHERE,)),
    OpCase("a ** 2.5", lambda a: a**2.5, lambda a: math.pow(a, 2.5), (POSITIVE,)),
    OpCase("a ** -2", lambda a: a**-2, lambda a: math.pow(a, -2.0), (OFF_ZERO,)),
    OpCase("a ** b", lambda a, b: a**b, math.pow, (POSITIVE, ANYWHERE)),
    OpCase("2.5 ** a", lambda a: 2.5**a, lambda a: math.pow(2.5, a), (ANYWHERE,)),
    OpCase("a.exp()", lambda a: a.exp(), math.exp, (ANYWHERE,)),
    OpCase("a.log()", lambda a: a.log(), math.log, (POSITIVE,)),
    OpCase("a.sqrt()", lambda a: a.sqrt(), math.sqrt, (POSITIVE,)),
    OpCase("a.tanh()", lambda a: a.tanh(), math.tanh, (real(-5.0, 5.0),)),
    OpCase("a.sigmoid()", lambda a: a.sigmoid(), _sigmoid, (real(-8.0, 8.0),)),
    OpCase("a.relu()", lambda a: a.relu(), lambda a: max(a, 0.0), (OFF_ZERO,)),
    OpCase(
        "a.leaky_relu()",
        leaky_relu,
        lambda a: a if a > 0.0 else 0.01 * a,
        (OFF_ZERO,),
    ),
    OpCase(
        "a.leaky_relu(0.2)",
        lambda a: leaky_relu(a, 0.2),
        lambda a: a if a > 0.0 else 0.2 * a,
        (OFF_ZERO,),
    ),
    OpCase("a.silu()", silu, lambda a: a * _sigmoid(a), (real(-8.0, 8.0),)),
    OpCase("abs(a)", abs, math.fabs, (OFF_ZERO,)),
    OpCase("a.abs()", lambda a: a.abs(), math.fabs, (OFF_ZERO,)),
    OpCase("a.sin()", lambda a: a.sin(), math.sin, (ANYWHERE,)),
    OpCase("a.cos()", lambda a: a.cos(), math.cos, (ANYWHERE,)),
    OpCase("a.log1p()", lambda a: a.log1p(), math.log1p, (real(-0.9, 4.0),)),
    OpCase("a.expm1()", lambda a: a.expm1(), math.expm1, (ANYWHERE,)),
    OpCase("a.atan()", lambda a: a.atan(), math.atan, (ANYWHERE,)),
    OpCase("maximum(a, b)", maximum, max, (HALVES, HALVES)),
    OpCase("minimum(a, b)", minimum, min, (HALVES, HALVES)),
    OpCase("maximum(a, 0.5)", lambda a: maximum(a, 0.5), lambda a: max(a, 0.5), (HALVES,)),
    OpCase("minimum(0.5, a)", lambda a: minimum(0.5, a), lambda a: min(0.5, a), (HALVES,)),
)


def points(case: OpCase) -> st.SearchStrategy[tuple[float, ...]]:
    """Points in ``case``'s smooth domain, one float per operand."""
    return st.tuples(*case.domain)


# --- random expression DAGs -------------------------------------------------

# Ops a program may use, each taking one or two earlier nodes. ``SMOOTH`` ops
# are differentiable everywhere a program can reach (their arguments are kept
# in range by construction), so central differences can judge them; ``KINKED``
# ops are judged against PyTorch only.
SMOOTH: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.0 + b * b),
    "neg": lambda a: -a,
    "scale": lambda a: 0.5 * a - 1.5,
    "rdiv": lambda a: 2.0 / (1.0 + a * a),
    "square": lambda a: a**2,
    "cube": lambda a: a**3,
    "pow": lambda a, b: (1.0 + a * a) ** b.tanh(),
    "rpow": lambda a: 1.5**a,
    "exp": lambda a: a.exp(),
    "log": lambda a: (1.0 + a * a).log(),
    "sqrt": lambda a: (1.0 + a * a).sqrt(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "silu": silu,
    "sin": lambda a: a.sin(),
    "cos": lambda a: a.cos(),
    "log1p": lambda a: (a * a).log1p(),
    "expm1": lambda a: a.expm1(),
    "atan": lambda a: a.atan(),
}
KINKED: dict[str, Callable[..., Any]] = {
    "relu": lambda a: a.relu(),
    "leaky_relu": lambda a: leaky_relu(a, 0.1),
    "abs": abs,
    "maximum": maximum,
    "minimum": minimum,
}
ALL_OPS = {**SMOOTH, **KINKED}
BINARY = frozenset({"add", "sub", "mul", "div", "pow", "maximum", "minimum"})


@dataclass(frozen=True)
class Program:
    """A straight-line program: node i < len(inputs) is input i; step k makes
    node len(inputs) + k from earlier nodes; the root sums ``outputs``."""

    inputs: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]
    outputs: tuple[int, ...]


@st.composite
def programs(
    draw: st.DrawFn, ops: Sequence[str] = tuple(SMOOTH), max_inputs: int = 4, max_steps: int = 10
) -> Program:
    inputs = tuple(draw(st.lists(real(-1.5, 1.5), min_size=1, max_size=max_inputs)))
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(list(ops)))
        count = len(inputs) + len(steps)
        # Operands are any earlier nodes, drawn independently: repeats give
        # x * x, shared operands give fan-out and diamonds.
        operands = tuple(draw(st.integers(0, count - 1)) for _ in range(2 if name in BINARY else 1))
        steps.append((name, operands))
    last = len(inputs) + len(steps) - 1
    extra = draw(st.lists(st.integers(0, last), max_size=3))
    return Program(inputs, tuple(steps), (last, *extra))


def run_program(program: Program, leaves: Sequence[Any]) -> Any:
    """The program's root, computed from ``leaves`` (Values or tensors)."""
    nodes = list(leaves)
    for name, operands in program.steps:
        nodes.append(ALL_OPS[name](*(nodes[i] for i in operands)))
    root = nodes[program.outputs[0]]
    for i in program.outputs[1:]:
        root = root + nodes[i]
    return root


def kink_arguments(program: Program, inputs: Sequence[float]) -> list[float]:
    """Where the kinked ops are from their kinks when the program runs at
    ``inputs`` on the engine: the argument of relu, leaky_relu and abs, the
    difference of the operands of maximum and minimum (to keep comparisons
    off the kinks). ``maximum(x, x)`` is always a tie and never counted."""
    nodes = [Value(x) for x in inputs]
    arguments = []
    for name, operands in program.steps:
        if name in BINARY and name in KINKED:
            if operands[0] != operands[1]:
                arguments.append(nodes[operands[0]].data - nodes[operands[1]].data)
        elif name in KINKED:
            arguments.append(nodes[operands[0]].data)
        nodes.append(ALL_OPS[name](*(nodes[i] for i in operands)))
    return arguments


def run_floats(program: Program, inputs: Sequence[float]) -> float:
    """The program's value at ``inputs``, as a float."""
    return run_program(program, [Value(x) for x in inputs]).data


def gradient_magnitudes(root: Any, leaves: Sequence[Any]) -> dict[Any, float]:
    """Σ over paths from each leaf to ``root`` of |product of local derivatives|.

    Gradient methods that add the same path products in different orders can
    differ by rounding in proportion to this sum, not to the gradient itself:
    x/x − x at a tiny x adds ±1e138 terms that cancel. It is the scale for
    comparing them exactly.
    """
    from engine import topological_order

    order = topological_order(root)
    magnitude = dict.fromkeys(order, 0.0)
    magnitude[root] = 1.0
    for node in reversed(order):
        for parent, local_grad in zip(node.parents, node.local_grads):
            magnitude[parent] += abs(local_grad) * magnitude[node]
    return {leaf: magnitude.get(leaf, 0.0) for leaf in leaves}
