"""Toy datasets, train/test split and minibatches."""

import math
import random

import pytest

from nn import Minibatches, blobs, circles, moons, regression_1d, spirals, train_test_split, xor


@pytest.mark.parametrize("maker", [moons, circles, blobs, spirals, xor, regression_1d])
def test_seeded_and_global_state_untouched(maker):
    random.seed(5)
    state = random.getstate()
    a, b, c = maker(seed=1), maker(seed=1), maker(seed=2)
    assert a.inputs == b.inputs and a.targets == b.targets
    assert a.inputs != c.inputs
    assert random.getstate() == state


def test_moons_without_noise_lie_on_the_half_circles():
    data = moons(101, noise=0.0, seed=0)
    assert len(data) == 101 and data.num_classes == 2
    assert data.targets.count(0) == 50 and data.targets.count(1) == 51
    for (x, y), label in zip(data.inputs, data.targets, strict=True):
        cx, cy = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x - cx, y - cy) == pytest.approx(1.0)
        assert (y >= -1e-12) if label == 0 else (y <= 0.5 + 1e-12)


def test_moons_noise_has_the_given_spread():
    clean, noisy = moons(2000, 0.0, seed=3), moons(2000, 0.1, seed=3)
    # Same order of the underlying points is not guaranteed, so compare radii spread.
    radii = [math.hypot(x - (0.0 if t == 0 else 1.0), y - (0.0 if t == 0 else 0.5))
             for (x, y), t in zip(noisy.inputs, noisy.targets, strict=True)]
    spread = math.sqrt(sum((r - 1.0) ** 2 for r in radii) / len(radii))
    assert 0.08 < spread < 0.12
    assert len(clean) == 2000


def test_circles_blobs_spirals_xor_shapes():
    c = circles(200, noise=0.0, factor=0.3, seed=0)
    for (x, y), t in zip(c.inputs, c.targets, strict=True):
        assert math.hypot(x, y) == pytest.approx(1.0 if t == 0 else 0.3)
    b = blobs(300, classes=4, spread=0.1, radius=3.0, seed=0)
    assert b.num_classes == 4 and sorted(set(b.targets)) == [0, 1, 2, 3]
    for (x, y), t in zip(b.inputs, b.targets, strict=True):
        centre = (3 * math.cos(2 * math.pi * t / 4), 3 * math.sin(2 * math.pi * t / 4))
        assert math.dist((x, y), centre) < 0.6
    s = spirals(150, classes=3, seed=0)
    assert [s.targets.count(k) for k in range(3)] == [50, 50, 50]
    assert all(math.hypot(*p) <= 1.0 + 1e-12 for p in s.inputs)
    x = xor(200, seed=0)
    assert all((t == 1) == (p[0] * p[1] > 0) for p, t in zip(x.inputs, x.targets, strict=True))
    r = regression_1d(30, noise=0.0, seed=0)
    assert r.num_classes is None
    assert all(t == pytest.approx(math.sin(math.pi * p[0])) for p, t in
               zip(r.inputs, r.targets, strict=True))


def test_generator_errors_teach():
    with pytest.raises(ValueError, match="noise must be a standard deviation >= 0"):
        moons(10, noise=-1.0)
    with pytest.raises(ValueError, match="n must be an int >= 2"):
        moons(1)
    with pytest.raises(ValueError, match="factor"):
        circles(10, factor=1.5)


def test_train_test_split_partitions():
    data = moons(300, seed=0)
    train, test = train_test_split(data, 0.25, seed=0)
    assert len(train) == 225 and len(test) == 75
    pairs = sorted(map(tuple, train.inputs + test.inputs))
    assert pairs == sorted(map(tuple, data.inputs))
    with pytest.raises(ValueError, match="test_fraction must be in"):
        train_test_split(data, 1.0)


def test_minibatches_cover_each_example_once_and_reshuffle():
    data = xor(23, seed=0)
    batches = Minibatches(data, batch_size=5, seed=0)
    assert len(batches) == 5
    epochs = []
    for _ in range(3):
        sizes, seen = [], []
        for inputs, targets in batches:
            sizes.append(len(inputs))
            seen.extend(map(tuple, inputs))
            for x, t in zip(inputs, targets, strict=True):
                assert data.targets[data.inputs.index(list(x))] == t
        assert sizes == [5, 5, 5, 5, 3]
        assert sorted(seen) == sorted(map(tuple, data.inputs))
        epochs.append(seen)
    assert epochs[0] != epochs[1] != epochs[2]
    dropped = Minibatches(data, 5, drop_last=True, seed=0)
    assert len(dropped) == 4 and [len(b[0]) for b in dropped] == [5, 5, 5, 5]
    full = Minibatches(data, None, shuffle=False)
    assert [b[0] for b in full] == [data.inputs]
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        Minibatches(data, 0)
