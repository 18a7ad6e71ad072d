"""Argument checks with one wording for each mistake, for the engine and ``nn``.

A whole number is any ``numbers.Integral`` but ``bool`` (``3``, ``np.int64(3)``;
``True`` is a flag, not a count); a real number any ``numbers.Real`` but
``bool``. Each check names the argument and says what it must be, so a
mistake is reported where it was made, not deep inside a loop.
"""

from __future__ import annotations

import math
from numbers import Integral, Real


def is_integer(x: object) -> bool:
    """Whether ``x`` is a whole number (any ``numbers.Integral`` but ``bool``)."""
    return isinstance(x, Integral) and not isinstance(x, bool)


def is_real(x: object) -> bool:
    """Whether ``x`` is a real number (any ``numbers.Real`` but ``bool``)."""
    return isinstance(x, Real) and not isinstance(x, bool)


def integer(x: object, name: str, *, minimum: int | None = None, what: str | None = None) -> int:
    """``x`` as an ``int``; a TypeError for a non-integer, a ValueError below ``minimum``.

    ``what`` says in words what ``x`` must be ("a positive int") for both messages.
    """
    if not is_integer(x):
        must = what or "a whole number"
        raise TypeError(f"{name} must be {must}, got {type(x).__name__} {x!r}")
    value: int = int(x)  # type: ignore[call-overload]  # is_integer guarantees __int__
    if minimum is not None and value < minimum:
        must = what or f"at least {minimum}"
        raise ValueError(f"{name} must be {must}, got {value}")
    return value


def real(
    x: object,
    name: str,
    *,
    minimum: float | None = None,
    above: float | None = None,
    below: float | None = None,
    finite: bool = False,
    what: str | None = None,
) -> float:
    """``x`` as a ``float``, checked against the bounds given.

    ``minimum``: x ≥ minimum; ``above``: x > above; ``below``: x < below;
    ``finite``: not ±inf. nan never passes a bound. ``what`` says in words
    what ``x`` must be ("a positive step size") for every message.
    """
    if not is_real(x):
        kind = what if what and what[0].isalpha() else "a number"  # not "> 0" for a str
        raise TypeError(f"{name} must be {kind}, got {type(x).__name__} {x!r}")
    value = float(x)  # type: ignore[arg-type]  # is_real guarantees __float__
    bounded = minimum is not None or above is not None or below is not None
    problem = None
    if (bounded or finite) and math.isnan(value):
        problem = "a number"
    elif finite and math.isinf(value):
        problem = "finite"
    elif minimum is not None and value < minimum:
        problem = f">= {minimum:g}"
    elif above is not None and not value > above:
        problem = f"> {above:g}"
    elif below is not None and not value < below:
        problem = f"< {below:g}"
    if problem is not None:
        raise ValueError(f"{name} must be {what or problem}, got {value:g}")
    return value
