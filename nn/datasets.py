"""``DATASETS``: every dataset nn offers, by name (the command line lists the keys).

The seeded toy sets of ``nn.data`` (generated in pure Python) and the
handwritten digits of ``nn.handwritten_digits`` (read from the file shipped with nn).
Each is called as ``maker(n=..., seed=...)`` and returns a ``Dataset``.
"""

from __future__ import annotations

from collections.abc import Callable

from nn.data import Dataset, blobs, circles, moons, regression_1d, spirals, xor
from nn.handwritten_digits import digits

DATASETS: dict[str, Callable[..., Dataset]] = {
    "moons": moons,
    "circles": circles,
    "blobs": blobs,
    "spirals": spirals,
    "xor": xor,
    "regression_1d": regression_1d,
    "digits": digits,
}
