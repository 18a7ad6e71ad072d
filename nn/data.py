"""Seeded toy datasets in pure Python, a train/test split and minibatches.

Each generator takes ``n`` (examples), ``noise`` (standard deviation of the
Gaussian added to each coordinate) and ``seed`` (an int or a
``random.Random``), and returns a ``Dataset`` of 2-D inputs with class labels
0, 1, … (or, for ``regression_1d``, 1-D inputs with float targets), in a
shuffled order. Nothing touches the global random state.

``Minibatches`` is the loop of the lecture on minibatch SGD: every epoch,
shuffle the data, split it into ⌈n/B⌉ batches of size B (the last one
smaller when B does not divide n, unless ``drop_last``), and yield them one
by one; the training step averages the gradient over each batch.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from engine import arguments
from nn.argument_checks import Seed, make_rng


@dataclass
class Dataset:
    """Inputs (lists of floats) and targets (class indices, or floats for regression)."""

    inputs: list[list[float]]
    targets: list[Any]
    num_classes: int | None = None  # None for regression

    def __post_init__(self) -> None:
        if len(self.inputs) != len(self.targets):
            raise ValueError(
                f"Dataset needs one target per input: {len(self.inputs)} inputs, "
                f"{len(self.targets)} targets"
            )

    def __len__(self) -> int:
        return len(self.inputs)

    def subset(self, indices: Sequence[int]) -> Dataset:
        return Dataset(
            [self.inputs[i] for i in indices], [self.targets[i] for i in indices], self.num_classes
        )

    def __repr__(self) -> str:
        kind = "regression" if self.num_classes is None else f"{self.num_classes} classes"
        dim = len(self.inputs[0]) if self.inputs else 0
        return f"Dataset({len(self)} examples, {dim}-D inputs, {kind})"


def _shuffled(
    inputs: list[list[float]], targets: list[Any], rng: random.Random, classes: int | None
) -> Dataset:
    order = list(range(len(inputs)))
    rng.shuffle(order)
    return Dataset([inputs[i] for i in order], [targets[i] for i in order], classes)


def _check_size(n: int, minimum: int = 1, name: str = "n") -> int:
    return arguments.integer(n, name, minimum=minimum, what=f"an int >= {minimum}")


def _check_noise(noise: float) -> None:
    if not noise >= 0.0:
        raise ValueError(f"noise must be a standard deviation >= 0, got {noise!r}")


def _classes_and_rng(
    n: int, classes: int, noise: float, seed: Seed
) -> tuple[int, int, random.Random]:
    """Checked sizes (at least 2 classes, one example each) and the generator to draw from."""
    classes = _check_size(classes, 2, "classes")
    n = _check_size(n, classes)
    _check_noise(noise)
    return n, classes, make_rng(seed)


def _linspace(start: float, stop: float, count: int) -> list[float]:
    if count == 1:
        return [start]
    step = (stop - start) / (count - 1)
    return [start + i * step for i in range(count)]


def moons(n: int = 100, noise: float = 0.1, seed: Seed = 0) -> Dataset:
    """Two interleaving half circles: class 0 on (cos t, sin t), class 1 on (1 − cos t, ½ − sin t).

    The points are spread evenly in t ∈ [0, π] before the noise is added.
    """
    n = _check_size(n, 2)
    _check_noise(noise)
    rng = make_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    inputs, targets = [], []
    for t in _linspace(0.0, math.pi, n_outer):
        inputs.append([math.cos(t), math.sin(t)])
        targets.append(0)
    for t in _linspace(0.0, math.pi, n_inner):
        inputs.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        targets.append(1)
    inputs = [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y in inputs]
    return _shuffled(inputs, targets, rng, 2)


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0
) -> Dataset:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor``."""
    n = _check_size(n, 2)
    _check_noise(noise)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor!r}")
    rng = make_rng(seed)
    n_outer = n // 2
    inputs, targets = [], []
    for count, radius, label in ((n_outer, 1.0, 0), (n - n_outer, factor, 1)):
        for i in range(count):
            t = 2.0 * math.pi * i / count
            inputs.append([radius * math.cos(t) + rng.gauss(0.0, noise),
                           radius * math.sin(t) + rng.gauss(0.0, noise)])
            targets.append(label)
    return _shuffled(inputs, targets, rng, 2)


def blobs(
    n: int = 150,
    classes: int = 3,
    spread: float = 0.5,
    radius: float = 2.0,
    seed: Seed = 0,
) -> Dataset:
    """Gaussian blobs (std ``spread``) around ``classes`` centres evenly spaced on a circle."""
    n, classes, rng = _classes_and_rng(n, classes, spread, seed)
    inputs, targets = [], []
    for i in range(n):
        label = i % classes
        angle = 2.0 * math.pi * label / classes
        inputs.append([radius * math.cos(angle) + rng.gauss(0.0, spread),
                       radius * math.sin(angle) + rng.gauss(0.0, spread)])
        targets.append(label)
    return _shuffled(inputs, targets, rng, classes)


def spirals(
    n: int = 150, classes: int = 3, noise: float = 0.2, seed: Seed = 0
) -> Dataset:
    """Arms of a spiral, one per class (the CS231n set): r ∈ [0, 1], θ = 4k + 4r + noise."""
    n, classes, rng = _classes_and_rng(n, classes, noise, seed)
    inputs, targets = [], []
    per_class = [n // classes + (1 if k < n % classes else 0) for k in range(classes)]
    for label, count in enumerate(per_class):
        for r in _linspace(0.0, 1.0, count):
            theta = 4.0 * label + 4.0 * r + rng.gauss(0.0, noise)
            inputs.append([r * math.sin(theta), r * math.cos(theta)])
            targets.append(label)
    return _shuffled(inputs, targets, rng, classes)


def xor(n: int = 100, noise: float = 0.0, seed: Seed = 0) -> Dataset:
    """Points uniform in [−1, 1]²; class 1 when x₁·x₂ > 0 (same sign), else 0.

    The label is set before the noise is added, so noise blurs the boundary.
    """
    n = _check_size(n)
    _check_noise(noise)
    rng = make_rng(seed)
    inputs, targets = [], []
    for _ in range(n):
        a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        targets.append(1 if a * b > 0.0 else 0)
        inputs.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
    return Dataset(inputs, targets, 2)


def regression_1d(n: int = 50, noise: float = 0.1, seed: Seed = 0) -> Dataset:
    """x uniform in [−1, 1], target y = sin(πx) + noise: a curve for squared loss."""
    n = _check_size(n)
    _check_noise(noise)
    rng = make_rng(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    return Dataset([[x] for x in xs], [math.sin(math.pi * x) + rng.gauss(0.0, noise) for x in xs])


def train_test_split(
    data: Dataset, test_fraction: float = 0.25, seed: Seed = 0
) -> tuple[Dataset, Dataset]:
    """Shuffle, then hold out round(test_fraction·n) examples (at least one each side)."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    if len(data) < 2:
        raise ValueError("train_test_split needs at least 2 examples")
    order = list(range(len(data)))
    make_rng(seed).shuffle(order)
    n_test = min(len(data) - 1, max(1, round(test_fraction * len(data))))
    return data.subset(order[n_test:]), data.subset(order[:n_test])


class Minibatches:
    """Iterate to get one epoch of batches; each new iteration reshuffles.

    >>> batches = Minibatches(data, batch_size=10, seed=0)
    >>> for epoch in range(5):
    ...     for inputs, targets in batches: ...
    """

    def __init__(
        self,
        data: Dataset,
        batch_size: int | None = None,
        *,
        shuffle: bool = True,
        drop_last: bool = False,
        seed: Seed = 0,
    ) -> None:
        if len(data) == 0:
            raise ValueError("Minibatches needs a non-empty dataset")
        if batch_size is None:
            batch_size = len(data)  # full batch: gradient descent on the whole set
        batch_size = arguments.integer(
            batch_size, "batch_size", minimum=1, what="a positive int or None"
        )
        if drop_last and batch_size > len(data):
            raise ValueError(
                f"batch_size {batch_size} > {len(data)} examples with drop_last: no batch is left"
            )
        self.data = data
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = make_rng(seed)

    def __len__(self) -> int:
        """Batches per epoch: ⌊n/B⌋ with ``drop_last``, else ⌈n/B⌉."""
        n, b = len(self.data), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[tuple[list[list[float]], list[Any]]]:
        order = list(range(len(self.data)))
        if self.shuffle:
            self.rng.shuffle(order)
        inputs, targets = self.data.inputs, self.data.targets
        b = self.batch_size
        for k in range(len(self)):
            chunk = order[k * b : (k + 1) * b]
            yield [inputs[i] for i in chunk], [targets[i] for i in chunk]
