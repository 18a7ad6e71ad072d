"""Float64 math that follows IEEE 754 instead of raising.

Python's ``math`` module raises ``OverflowError``, ``ValueError`` or
``ZeroDivisionError`` where IEEE 754 (and PyTorch in float64) return ``inf``
or ``nan``. A training run should see those values, not crash deep inside an
operation, so every op in ``engine.value`` computes through these helpers.

| expression            | result                          |
|-----------------------|---------------------------------|
| ``exp(1000)``         | ``inf``                         |
| ``log(0)``            | ``-inf``                        |
| ``log(-1)``           | ``nan``                         |
| ``x / 0``             | ``±inf`` (sign of x times sign of 0), ``nan`` for 0/0 |
| ``(-8) ** (1/3)``     | ``nan`` (never a complex number) |
| ``0 ** -1``           | ``inf``                         |
| ``sqrt(-1)``          | ``nan``                         |
| ``sigmoid(-800)``     | ``0.0`` (no overflow)           |
| ``sin(inf)``, ``cos(inf)`` | ``nan``                    |
| ``log1p(-1)``         | ``-inf``; ``nan`` below -1      |
| ``expm1(1000)``       | ``inf``                         |

Two kinds of local derivative are not plain numbers, because PyTorch does
not multiply there (its backward formulas select or divide), and a product
would give nan or inf where it gives a number:

- ``SELECTED_ZERO``: a 0 chosen by a branch (relu at x ≤ 0, ``x ** 0``,
  ``a ** b`` at b = 0). Times any gradient, inf and nan included, it is 0,
  so one dead ReLU does not turn every gradient upstream of it into nan;
- ``Reciprocal(b)``: 1/b applied as a division, g·(1/b) = g/b, used where
  1/b overflows (a subnormal b in ``a / b`` and ``log``): g/b stays finite.

Both are floats (they print, compare and format as 0 and 1/b), so every
algorithm that multiplies local derivatives (the sweep, the naive chain
rule, path enumeration, drawing) gets the same rule without knowing of it.
"""

from __future__ import annotations

import math

INF = math.inf
NAN = math.nan


class SelectedZero(float):
    """A local derivative of 0 that a branch selected: ``SELECTED_ZERO * g == 0`` for every g.

    PyTorch's relu backward is ``grad if x > 0 else 0``, a selection: an
    upstream gradient of inf or nan becomes 0, where 0·inf would be nan.
    """

    __slots__ = ()

    def __new__(cls) -> SelectedZero:
        return super().__new__(cls, 0.0)

    def __mul__(self, other: object) -> float:
        return 0.0

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return "SELECTED_ZERO"


SELECTED_ZERO = SelectedZero()


class Reciprocal(float):
    """The local derivative 1/b of ``a / b`` or ``log b``, applied as a division.

    Its value is 1/b (inf for a subnormal b), but ``Reciprocal(b) * g`` is
    g/b, as PyTorch computes it: ``Value(1e-310).log()`` passes a gradient of
    1e-10 back as 1e300, not as 1e-10·inf.
    """

    __slots__ = ("denominator",)

    denominator: float

    def __new__(cls, denominator: float) -> Reciprocal:
        reciprocal = super().__new__(cls, divide(1.0, denominator))
        reciprocal.denominator = denominator
        return reciprocal

    def __mul__(self, other: object) -> float:
        return divide(float(other), self.denominator)  # type: ignore[arg-type]

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"Reciprocal({self.denominator!r})"


def reciprocal(x: float) -> float:
    """1/x as a local derivative: a plain float, or ``Reciprocal(x)`` where 1/x overflows."""
    try:
        result = 1.0 / x
    except ZeroDivisionError:
        return math.copysign(INF, x)
    if math.isinf(result):  # x is subnormal: 1/x overflows, x itself is no problem
        return Reciprocal(x)
    return result


def divide(numerator: float, denominator: float) -> float:
    """numerator / denominator with IEEE results for a zero denominator."""
    try:
        return numerator / denominator
    except ZeroDivisionError:
        if numerator == 0.0 or numerator != numerator:
            return NAN
        # The sign of an IEEE division by zero is the product of both signs,
        # including the sign of a negative zero.
        return math.copysign(INF, numerator) * math.copysign(1.0, denominator)


def is_odd_integer(x: float) -> bool:
    """True for 3.0, -1.0, ...: the exponents for which pow keeps the base's sign."""
    return math.isfinite(x) and x == math.floor(x) and math.fmod(x, 2.0) != 0.0


def power(base: float, exponent: float) -> float:
    """base ** exponent as C's pow(): nan for a negative base and a fractional
    exponent, ±inf on overflow and for zero to a negative power."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        negative = base < 0.0 and is_odd_integer(exponent)
        return -INF if negative else INF
    except ValueError:
        if base == 0.0:  # zero to a negative power
            negative = math.copysign(1.0, base) < 0.0 and is_odd_integer(exponent)
            return -INF if negative else INF
        return NAN  # negative base, fractional exponent


def exp(x: float) -> float:
    """e ** x, inf when it overflows."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """Natural logarithm: -inf at 0, nan below 0."""
    if x > 0.0:
        return math.log(x)  # inf stays inf
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def sqrt(x: float) -> float:
    """Square root: nan below 0."""
    if x >= 0.0:
        return math.sqrt(x)
    return NAN


def log1p(x: float) -> float:
    """ln(1 + x), exact for tiny x: -inf at -1, nan below -1."""
    if x > -1.0:
        return math.log1p(x)  # inf stays inf
    if x == -1.0:
        return -INF
    return NAN  # below -1, or nan


def expm1(x: float) -> float:
    """e ** x − 1, exact for tiny x; inf when it overflows."""
    try:
        return math.expm1(x)
    except OverflowError:
        return INF


def sin(x: float) -> float:
    """Sine: nan at ±inf, where ``math.sin`` raises."""
    return math.sin(x) if math.isfinite(x) else NAN


def cos(x: float) -> float:
    """Cosine: nan at ±inf, where ``math.cos`` raises."""
    return math.cos(x) if math.isfinite(x) else NAN


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x), computed so that exp never overflows.

    For x < 0 it uses the equal form e^x / (1 + e^x): e^x is then below 1.
    """
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return NAN
    z = math.exp(x)
    return z / (1.0 + z)


def same_float(a: float, b: float) -> bool:
    """Equal bit for bit, except that every nan counts as the same: 0.0 and −0.0
    differ (which nan an operation returns is not fixed, not even within CPython)."""
    return (a == b and math.copysign(1.0, a) == math.copysign(1.0, b)) or (a != a and b != b)
