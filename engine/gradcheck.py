"""``gradcheck``: the sweep's gradients against central differences.

For classrooms and tests: run ``f`` on fresh leaves, take the gradient of
every input by the backward sweep, estimate each by central differences,
and accept an input when

    |analytic − numeric| ≤ atol + rtol·|numeric|

(the rule of ``numpy.isclose`` and ``torch.autograd.gradcheck``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from engine import checks
from engine.backward import sweep_gradients
from engine.finite_differences import Function, central_difference, input_floats
from engine.table import format_table
from engine.value import Value


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

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        rows = [
            (row.name, f"{row.analytic:.9g}", f"{row.numeric:.9g}", f"{row.error:.2e}",
             "yes" if row.ok else "NO")
            for row in self.rows
        ]
        table = format_table(("input", "analytic", "numeric", "error", "ok"), rows)
        verdict = "all gradients match" if self else "gradients DO NOT match"
        return f"{table}\n{verdict} (atol={self.atol:g}, rtol={self.rtol:g})"


def gradcheck(
    f: Function,
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = False,
) -> GradcheckResult:
    """Compare the sweep's d f(*inputs)/d input with central differences.

    ``inputs`` are numbers or Values (their ``data`` is used and their labels
    name the rows). With ``raise_exception=True`` a mismatch raises
    ``AssertionError`` carrying the table, for use inside pytest.
    """
    if not callable(f):
        raise TypeError(f"gradcheck(f, ...): f must be callable, got {type(f).__name__}")
    atol = checks.real(atol, "atol", minimum=0.0, what="a non-negative number")
    rtol = checks.real(rtol, "rtol", minimum=0.0, what="a non-negative number")
    point = input_floats(inputs)
    names = [
        x.label if isinstance(x, Value) and x.label is not None else f"x{i}"
        for i, x in enumerate(inputs)
    ]
    leaves = [Value(x, label=name) for x, name in zip(point, names)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    analytic = sweep_gradients(out, leaves)
    rows = []
    for i, leaf in enumerate(leaves):
        numeric = central_difference(f, point, i, eps)
        error = abs(analytic[leaf] - numeric)
        # Equal infinities are a match even though their difference is nan.
        ok = analytic[leaf] == numeric or error <= atol + rtol * abs(numeric)
        rows.append(GradcheckRow(names[i], analytic[leaf], numeric, error, ok))
    result = GradcheckResult(tuple(rows), atol, rtol)
    if raise_exception and not result:
        raise AssertionError("gradcheck failed:\n" + str(result))
    return result
