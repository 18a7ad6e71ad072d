"""``digits``: 1,797 handwritten digits, 8×8 pixels, 10 classes, shipped with nn.

The test set of the UCI "Optical Recognition of Handwritten Digits" data
(E. Alpaydin and C. Kaynak, 1998; https://doi.org/10.24432/C50P49), under
the Creative Commons Attribution 4.0 licence (CC BY 4.0). The copy in
``nn/data_files/digits.csv.gz`` is scikit-learn's, byte for byte;
``nn/data_files/README.md`` says where it comes from. Nothing is downloaded.

Each image is 64 numbers, the count (0..16) of pixels set in each 4×4 block
of a 32×32 bitmap, row by row; ``digits`` scales them to [0, 1] (÷ 16), the
scale at which a network's first layer starts in its useful range. A real
task after the toy sets: an MLP 64 → 32 → 10 trained with softmax
cross-entropy reaches about 97% on held-out digits (notebook 11).
"""

from __future__ import annotations

import csv
import gzip
import io
from functools import cache
from pathlib import Path

from engine import arguments
from nn.argument_checks import Seed, make_rng
from nn.data import Dataset

DIGITS_FILE = Path(__file__).resolve().parent / "data_files" / "digits.csv.gz"
IMAGES, SIDE, CLASSES = 1797, 8, 10
PIXELS = SIDE * SIDE
MAX_PIXEL = 16


def digits(n: int | None = None, seed: Seed = 0) -> Dataset:
    """The handwritten digits in a shuffled order: pixels in [0, 1], labels 0..9.

    ``n`` keeps the first n after shuffling (all 1,797 by default); ``seed``
    (an int or a ``random.Random``) fixes the order. The 64 inputs of an
    example are its 8×8 image row by row (``image[r][c]`` is
    ``inputs[8·r + c]``).
    """
    images, labels = _read()
    if n is not None:
        n = arguments.integer(n, "n", minimum=1, what=f"an int in 1..{IMAGES}")
        if n > IMAGES:
            raise ValueError(f"digits has {IMAGES} images: n must be at most {IMAGES}, got {n}")
    order = list(range(IMAGES))
    make_rng(seed).shuffle(order)
    order = order[:n]
    return Dataset([list(images[i]) for i in order], [labels[i] for i in order], CLASSES)


@cache
def _read() -> tuple[tuple[tuple[float, ...], ...], tuple[int, ...]]:
    """The images (scaled) and labels from the shipped file, checked row by row."""
    text = gzip.decompress(DIGITS_FILE.read_bytes()).decode("ascii")
    images, labels = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        numbers = [int(field) for field in row]
        if len(numbers) != PIXELS + 1 or not all(0 <= p <= MAX_PIXEL for p in numbers[:-1]) \
                or not 0 <= numbers[-1] < CLASSES:
            raise ValueError(f"{DIGITS_FILE}, row {number}: not 64 pixels in 0..16 and a digit; "
                             "reinstall sweepgrad to restore the file")
        images.append(tuple(p / MAX_PIXEL for p in numbers[:-1]))
        labels.append(numbers[-1])
    if len(images) != IMAGES:
        raise ValueError(f"{DIGITS_FILE} has {len(images)} images, not {IMAGES}: reinstall "
                         "sweepgrad to restore the file")
    return tuple(images), tuple(labels)


def image(inputs: list[float]) -> list[list[float]]:
    """An example's 64 inputs as the 8×8 image they are (rows of pixels)."""
    if len(inputs) != PIXELS:
        raise ValueError(f"a digit has {PIXELS} pixels, got {len(inputs)}")
    return [list(inputs[r * SIDE : (r + 1) * SIDE]) for r in range(SIDE)]
