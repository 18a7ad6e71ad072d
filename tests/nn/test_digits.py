"""nn.digits: the shipped handwritten digits, checked against the file's own numbers."""

import gzip
import hashlib

import pytest

import nn
from nn.handwritten_digits import DIGITS_FILE, image


def test_the_shipped_file_is_scikit_learns_copy_with_its_licence_beside_it():
    digest = hashlib.sha256(DIGITS_FILE.read_bytes()).hexdigest()
    notes = (DIGITS_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert digest in notes and "CC BY 4.0" in notes and "10.24432/C50P49" in notes
    import nn.handwritten_digits as loader

    assert "CC BY 4.0" in (loader.__doc__ or "")


def test_digits_are_1797_images_of_64_pixels_in_10_balanced_classes():
    data = nn.digits()
    assert (len(data), len(data.inputs[0]), data.num_classes) == (1797, 64, 10)
    counts = [data.targets.count(k) for k in range(10)]
    assert sum(counts) == 1797 and min(counts) >= 174 and max(counts) <= 183
    assert all(0.0 <= p <= 1.0 for x in data.inputs for p in x)
    # Against the file read independently: the first row, its pixels ÷ 16 and its label.
    first = gzip.decompress(DIGITS_FILE.read_bytes()).decode().splitlines()[0].split(",")
    pixels, label = [int(p) / 16 for p in first[:-1]], int(first[-1])
    assert label == 0 and any(x == pixels for x, y in zip(data.inputs, data.targets) if y == 0)
    assert image(pixels)[0] == pixels[:8] and len(image(pixels)) == 8


def test_seed_fixes_the_order_and_n_keeps_the_first():
    a, b, c = nn.digits(seed=1), nn.digits(seed=1), nn.digits(seed=2)
    assert a.targets == b.targets and a.targets != c.targets
    assert nn.digits(50, seed=1).targets == a.targets[:50]
    with pytest.raises(ValueError, match="at most 1797"):
        nn.digits(1798)
    assert nn.DATASETS["digits"] is nn.digits


def test_confusion_matrix_counts_each_true_class_by_its_prediction():
    outputs = [[0.9, 0.1, 0.0], [0.1, 0.8, 0.0], [0.0, 0.7, 0.1], [0.0, 0.0, 0.5]]
    assert nn.confusion_matrix(outputs, [0, 1, 2, 2], 3) == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    with pytest.raises(ValueError, match="not a class"):
        nn.confusion_matrix(outputs[:1], [3], 3)
