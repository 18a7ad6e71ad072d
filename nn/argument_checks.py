"""Argument checks of ``nn``, in one place: seeds, sizes and input vectors.

(The engine's own are ``engine.arguments``, which these build on.)

Whole numbers and real numbers are checked by ``engine.arguments`` (any
``numbers.Integral`` but ``bool`` is a whole number), so ``np.int64(3)``
works wherever ``3`` does.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from engine import Value, arguments, as_value

Seed = int | random.Random | None


def make_rng(seed: Seed) -> random.Random:
    """A ``Random`` from a seed, the given ``Random`` itself, or a fresh one for None."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if not arguments.is_integer(seed):
        raise TypeError(
            f"seed must be an int, a random.Random or None, got {type(seed).__name__}"
        )
    return random.Random(int(seed))


def positive_int(n: object, name: str) -> int:
    """``n`` as an int ≥ 1, or an error naming ``name``."""
    return arguments.integer(n, name, minimum=1, what="a positive int")


def as_inputs(xs: Sequence[Value | float], nin: int, owner: str) -> list[Value]:
    """The inputs as Values (numbers wrapped once), checking there are ``nin``."""
    if isinstance(xs, (Value, str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(
            f"{owner} expects a list of {nin} numbers or Values, got {type(xs).__name__}"
        )
    if len(xs) != nin:
        raise ValueError(f"{owner} expects {nin} inputs, got {len(xs)}")
    return [x if isinstance(x, Value) else as_value(x) for x in xs]
