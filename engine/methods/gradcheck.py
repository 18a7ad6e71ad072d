"""``gradcheck``: the sweep's gradients against central differences.

For classrooms and tests: run ``f`` on fresh leaves, take the gradient of
every input by the backward sweep, estimate each by central differences,
and accept an input when

    |analytic − numeric| ≤ atol + rtol·|numeric|

(the rule of ``numpy.isclose`` and ``torch.autograd.gradcheck``).

``order=k`` checks the k-th derivatives instead: every ∂ᵏf/∂x_{i1}⋯∂x_{ik}
from gradients of gradients (``engine.higher.hessians``) against the central
difference, in x_{ik}, of the analytic (k−1)-th derivative ∂ᵏ⁻¹f/∂x_{i1}⋯,
so each order is judged on its own, given the one below it. Order 2 is the
Hessian against central differences of the gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from engine import arguments
from engine.backward import sweep_gradients
from engine.methods.finite_differences import central_difference
from engine.table import format_table
from engine.value import Function, Value, input_floats

ORDER_NAMES = {1: "gradients", 2: "second derivatives", 3: "third derivatives"}


class GradcheckRow(NamedTuple):
    """One input's comparison."""

    name: str
    analytic: float
    numeric: float
    error: float
    ok: bool


class GradcheckResult(NamedTuple):
    """All inputs' comparisons; truthy only when every input matches."""

    rows: tuple[GradcheckRow, ...]
    atol: float
    rtol: float
    order: int = 1

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        rows = [
            (row.name, f"{row.analytic:.9g}", f"{row.numeric:.9g}", f"{row.error:.2e}",
             "yes" if row.ok else "NO")
            for row in self.rows
        ]
        table = format_table(("input" if self.order == 1 else "inputs", "analytic", "numeric",
                              "error", "ok"), rows)
        what = ORDER_NAMES.get(self.order, f"derivatives of order {self.order}")
        verdict = f"all {what} match" if self else f"{what} DO NOT match"
        return f"{table}\n{verdict} (atol={self.atol:g}, rtol={self.rtol:g})"


def gradcheck(
    f: Function,
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = False,
    order: int = 1,
) -> GradcheckResult:
    """Compare the sweep's d f(*inputs)/d input with central differences.

    ``inputs`` are numbers or Values (their ``data`` is used and their labels
    name the rows). With ``raise_exception=True`` a mismatch raises
    ``AssertionError`` carrying the table, for use inside pytest. With
    ``order=2`` (or more) the rows are the n² (nᵏ) partial derivatives,
    named by their inputs, ``"x0, x1"``.
    """
    if not callable(f):
        raise TypeError(f"gradcheck(f, ...): f must be callable, got {type(f).__name__}")
    atol = arguments.real(atol, "atol", minimum=0.0, what="a non-negative number")
    rtol = arguments.real(rtol, "rtol", minimum=0.0, what="a non-negative number")
    order = arguments.integer(order, "order", minimum=1, what="a positive integer")
    point = input_floats(inputs)
    names = [
        x.label if isinstance(x, Value) and x.label is not None else f"x{i}"
        for i, x in enumerate(inputs)
    ]
    compared = _first_order(f, point, names, eps) if order == 1 else \
        _higher_order(f, point, names, eps, order)
    rows = []
    for name, analytic, numeric in compared:
        error = abs(analytic - numeric)
        # Equal infinities are a match even though their difference is nan.
        ok = analytic == numeric or error <= atol + rtol * abs(numeric)
        rows.append(GradcheckRow(name, analytic, numeric, error, ok))
    result = GradcheckResult(tuple(rows), atol, rtol, order)
    if raise_exception and not result:
        raise AssertionError("gradcheck failed:\n" + str(result))
    return result


def _first_order(f: Function, point: list[float], names: list[str], eps: float
                 ) -> list[tuple[str, float, float]]:
    """(input, the sweep's gradient, its central difference) for every input."""
    leaves = [Value(x, label=name) for x, name in zip(point, names)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    analytic = sweep_gradients(out, leaves)
    return [(names[i], analytic[leaf], central_difference(f, point, i, eps))
            for i, leaf in enumerate(leaves)]


def _higher_order(f: Function, point: list[float], names: list[str], eps: float, order: int
                  ) -> list[tuple[str, float, float]]:
    """(inputs, ∂ᵏf/∂x_{i1}⋯∂x_{ik}, the central difference in x_{ik} of ∂ᵏ⁻¹f/∂x_{i1}⋯)."""
    from engine import partial_derivatives  # engine.higher, loaded on first use

    eps = arguments.real(eps, "eps", above=0.0, finite=True, what="a positive step size")
    analytic = partial_derivatives(f, point, order)
    numeric: dict[tuple[int, ...], float] = {}
    for j, x in enumerate(point):
        above, below = list(point), list(point)
        above[j], below[j] = x + eps, x - eps
        upper = partial_derivatives(f, above, order - 1)
        lower = partial_derivatives(f, below, order - 1)
        for index in upper:
            numeric[index + (j,)] = (upper[index] - lower[index]) / (2.0 * eps)
    return [(", ".join(names[i] for i in index), value, numeric[index])
            for index, value in analytic.items()]
