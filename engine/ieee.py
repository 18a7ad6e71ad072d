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
"""

import math

INF = math.inf
NAN = math.nan


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

