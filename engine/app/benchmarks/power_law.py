"""Fitting a power law: the slope of a straight line on log-log axes.

If work grows as c·nᵏ, then log work = log c + k·log n, a straight line of
slope k. Ordinary least squares on (log n, log work) estimates k; R² (the
share of the variance of log work the line explains) says whether a power
law describes the data at all: near 1 for the sweep's n¹ or the naive n²,
visibly lower for path enumeration's 2ⁿ, whose log-log curve keeps bending up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PowerLawFit:
    """work ≈ exp(intercept) · size^slope, fitted on ``points`` sizes."""

    slope: float
    intercept: float
    r_squared: float
    points: int

    def __str__(self) -> str:
        return f"slope {self.slope:.3f} (R² {self.r_squared:.4f}, {self.points} sizes)"


def fit_power_law(sizes: Sequence[float], values: Sequence[float]) -> PowerLawFit:
    """Least-squares line through (log size, log value).

    Needs at least two distinct positive sizes and positive values; R² is 1
    when the values have no spread (two points, or a constant).
    """
    if len(sizes) != len(values):
        raise ValueError(f"sizes and values differ in length: {len(sizes)} and {len(values)}")
    if any(not s > 0 for s in sizes) or any(not v > 0 for v in values):
        raise ValueError("fit_power_law needs positive sizes and values (their logarithms)")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(v) for v in values]
    n = len(xs)
    mean_x = sum(xs) / n if n else 0.0
    mean_y = sum(ys) / n if n else 0.0
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if n < 2 or sxx == 0.0:
        raise ValueError(f"fit_power_law needs at least two different sizes, got {list(sizes)}")
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    r_squared = 1.0 - residual / total if total > 0.0 else 1.0
    return PowerLawFit(slope, intercept, r_squared, n)


def local_slopes(sizes: Sequence[float], values: Sequence[float]) -> list[float]:
    """Slopes between consecutive points: constant for a power law, growing for 2ⁿ."""
    return [
        math.log(v1 / v0) / math.log(s1 / s0)
        for s0, s1, v0, v1 in zip(sizes, sizes[1:], values, values[1:], strict=False)
        if s1 != s0
    ]
