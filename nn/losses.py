"""Losses built from ``Value`` ops, each with its formula and derivative.

The lecture on losses: regression uses the squared loss, binary
classification the logistic loss, multi-class classification softmax
cross-entropy; the lecture on backpropagation trains with the squared loss;
the max-margin (hinge) loss is micrograd's classic for two moons. Binary
labels may be given as 1 (positive class) and 0 or −1 (negative class); the
losses use y ∈ {−1, +1}.

Every loss is assembled from the engine's ops, so the backward sweep gets
the derivatives below without any loss-specific code; the numerically stable
forms choose, from the value already known, which of two equal formulas to
build.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from engine import Value, arguments, as_value

# A loss takes a model's output (a Value, or a list of Values) and a target.
Loss = Callable[[Any, Any], Value]


def signed_label(label: float | int) -> float:
    """+1.0 for label 1, −1.0 for labels 0 and −1; a ValueError otherwise."""
    if label == 1:
        return 1.0
    if label == 0 or label == -1:
        return -1.0
    raise ValueError(
        f"binary label must be 1 (positive) or 0 / -1 (negative), got {label!r}"
    )


def squared_error(
    prediction: Value | Sequence[Value], target: float | Value | Sequence[float | Value]
) -> Value:
    """ℓ = Σₖ (ŷₖ − yₖ)²:  ∂ℓ/∂ŷₖ = 2(ŷₖ − yₖ). One output may be a bare Value."""
    predictions: Sequence[Value]
    targets: Sequence[float | Value]
    if isinstance(prediction, Value) or not isinstance(prediction, Sequence):
        predictions, targets = [prediction], [target]  # type: ignore[list-item]
    elif not isinstance(target, Sequence) or len(target) != len(prediction):
        raise ValueError(
            f"squared_error: {len(prediction)} predictions need as many targets, got {target!r}"
        )
    else:
        predictions, targets = prediction, target
    terms = []
    for p, y in zip(predictions, targets):
        diff = as_value(p) - y
        terms.append(diff * diff)
    return _sum(terms)


def mean_squared_error(
    predictions: Sequence[Value | Sequence[Value]], targets: Sequence
) -> Value:
    """(1/n) Σᵢ ‖ŷᵢ − yᵢ‖² over a batch (the regression objective of the lecture on losses)."""
    targets = _same_length(predictions, targets)
    return mean([squared_error(p, y) for p, y in zip(predictions, targets, strict=True)])


def hinge(score: Value | Sequence[Value], label: float | int) -> Value:
    """ℓ = max(0, 1 − y·s):  ∂ℓ/∂s = −y where y·s < 1, else 0."""
    return signed_hinge(score, signed_label(label))


def signed_hinge(score: Value | Sequence[Value], y: Value | float) -> Value:
    """max(0, 1 − y·s) for a label already signed, y = ±1: a number, or a leaf holding it
    (as a compiled training step gives it, to vary it from batch to batch)."""
    margin = 1.0 - y * _one_score(score, "hinge")
    return margin.relu()


def logistic(score: Value | Sequence[Value], label: float | int) -> Value:
    """ℓ = log(1 + e^(−y·s)) = −log σ(y·s):  ∂ℓ/∂s = −y·σ(−y·s).

    With z = −y·s this is softplus(z), built as z + log1p(e^−z) when z > 0
    and as log1p(e^z) otherwise: the exponent is never positive, so e^… never
    overflows and a confident wrong score of 1000 gives a loss of 1000, not
    inf; and log1p keeps a confident correct score exact (a loss of 1e-30 is
    1e-30, where log(1 + 1e-30) would round to 0).
    """
    z = -signed_label(label) * _one_score(score, "logistic")
    if z.data > 0.0:
        return z + (-z).exp().log1p()
    return z.exp().log1p()


def log_sum_exp(scores: Sequence[Value]) -> Value:
    """log Σₖ e^sₖ = m + log Σₖ e^(sₖ − m) with m = maxₖ sₖ (a constant):  ∂/∂sₖ = softmax(s)ₖ.

    Subtracting the constant m changes nothing mathematically (and nothing in
    the derivative) but keeps every exponent ≤ 0, so nothing overflows.
    """
    values = [as_value(s) for s in scores]
    if not values:
        raise ValueError("log_sum_exp needs at least one score")
    m = max(s.data for s in values)
    if math.isinf(m):
        m = 0.0  # all -inf or some +inf: shifting would make nan; let IEEE decide
    return _sum([(s - m).exp() for s in values]).log() + m


def softmax_cross_entropy(scores: Sequence[Value], target: int) -> Value:
    """ℓ = −log softmax(s)_t = logsumexp(s) − s_t:  ∂ℓ/∂sₖ = softmax(s)ₖ − [k = t]."""
    if isinstance(scores, Value) or not isinstance(scores, Sequence):
        raise TypeError(
            "softmax_cross_entropy needs a list of class scores (one per class), "
            f"got {type(scores).__name__}"
        )
    if not arguments.is_integer(target) or not 0 <= target < len(scores):
        raise ValueError(
            f"softmax_cross_entropy: target must be a class index in 0..{len(scores) - 1}, "
            f"got {target!r}"
        )
    return log_sum_exp(scores) - scores[int(target)]


def softmax(scores: Sequence[Value | float]) -> list[float]:
    """The probabilities e^sₖ / Σⱼ e^sⱼ as floats (for reading off a model)."""
    data = [as_value(s).data for s in scores]
    m = max(data)
    exps = [math.exp(d - m) for d in data]
    total = sum(exps)
    return [e / total for e in exps]


def l2_penalty(parameters: Sequence[Value], coefficient: float) -> Value:
    """λ Σⱼ θⱼ²:  ∂/∂θⱼ = 2λθⱼ (weight decay's penalty)."""
    if not parameters:
        return Value(0.0)
    return _sum([p * p for p in parameters]) * coefficient


def mean(losses: Sequence[Value]) -> Value:
    """(1/B) Σᵢ ℓᵢ: the batch average of the lecture's minibatch gradient."""
    if not losses:
        raise ValueError("mean of an empty batch: give at least one loss")
    return _sum(losses) * (1.0 / len(losses))


LOSSES: dict[str, Loss] = {
    "squared": squared_error,
    "hinge": hinge,
    "logistic": logistic,
    "cross_entropy": softmax_cross_entropy,
}


def _one_score(score: Value | float | Sequence[Value], loss: str) -> Value:
    """The single score a binary loss reads (a one-element list is unwrapped)."""
    if isinstance(score, Sequence) and not isinstance(score, (str, bytes)):
        if len(score) != 1:
            raise TypeError(
                f"{loss} needs one score per example, got {len(score)}: for several classes "
                "use softmax_cross_entropy (loss='cross_entropy')"
            )
        score = score[0]
    return as_value(score)


def _sum(terms: Sequence[Value]) -> Value:
    """((t₁ + t₂) + t₃) + …: a sum of Values, one node per addition (at least one term)."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def get_loss(loss: str | Loss) -> Loss:
    """A loss function from its name (or the function itself)."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(LOSSES)}")
    return LOSSES[loss]


def _same_length(predictions: Sequence, targets: Sequence) -> Sequence:
    if len(predictions) != len(targets):
        raise ValueError(
            f"{len(predictions)} predictions but {len(targets)} targets: give one target each"
        )
    return targets
