"""Accuracy: the fraction of examples whose predicted class is the label.

A model's output is read as a class the way its loss reads it: a single score
s predicts class 1 when s > 0 (else class 0, the sign convention of the hinge
and logistic losses), and a list of scores predicts the index of the largest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine import Value


def predicted_class(output: Value | float | Sequence[Value | float]) -> int:
    """1 if a single score is > 0 else 0; the argmax of a list of scores."""
    if isinstance(output, Sequence):
        data = [o.data if isinstance(o, Value) else float(o) for o in output]
        return max(range(len(data)), key=data.__getitem__)
    score = output.data if isinstance(output, Value) else float(output)
    return 1 if score > 0.0 else 0


def is_correct(output: Value | float | Sequence[Value | float], label: int) -> bool:
    """Whether the predicted class is ``label`` (−1 counts as class 0 for one score)."""
    predicted = predicted_class(output)
    if not isinstance(output, Sequence) and label == -1:
        label = 0
    return predicted == label


def accuracy(outputs: Sequence[Any], labels: Sequence[int]) -> float:
    """(1/n) Σᵢ [predicted_class(outputᵢ) = labelᵢ]."""
    if len(outputs) != len(labels):
        raise ValueError(f"{len(outputs)} outputs but {len(labels)} labels: give one label each")
    if not outputs:
        raise ValueError("accuracy of no examples is undefined: give at least one")
    return sum(is_correct(o, y) for o, y in zip(outputs, labels)) / len(outputs)


def confusion_matrix(outputs: Sequence[Any], labels: Sequence[int], classes: int
                     ) -> list[list[int]]:
    """``matrix[true][predicted]``: how many examples of each class went to each prediction.

    The diagonal holds the correct ones; row t sums to the number of examples
    of class t.
    """
    if len(outputs) != len(labels):
        raise ValueError(f"{len(outputs)} outputs but {len(labels)} labels: give one label each")
    matrix = [[0] * classes for _ in range(classes)]
    for output, label in zip(outputs, labels):
        if not 0 <= label < classes:
            raise ValueError(f"label {label!r} is not a class in 0..{classes - 1}")
        matrix[label][predicted_class(output)] += 1
    return matrix
