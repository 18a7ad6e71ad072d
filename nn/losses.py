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

from engine import Value, as_value, checks

Loss = Callable[[Value | Sequence[Value], float | int | Sequence[float]], Value]


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
    prediction: Value | Sequence[Value], target: float | Sequence[float]
) -> Value:
    """ℓ = Σₖ (ŷₖ − yₖ)²:  ∂ℓ/∂ŷₖ = 2(ŷₖ − yₖ). One output may be a bare Value."""
    if isinstance(prediction, Value) or not isinstance(prediction, Sequence):
        prediction, target = [prediction], [target]
    elif not isinstance(target, Sequence) or len(target) != len(prediction):
        raise ValueError(
            f"squared_error: {len(prediction)} predictions need as many targets, got {target!r}"
        )
    total = None
    for p, y in zip(prediction, target):
        diff = as_value(p) - y
        term = diff * diff
        total = term if total is None else total + term
    return total


def mean_squared_error(
    predictions: Sequence[Value | Sequence[Value]], targets: Sequence
) -> Value:
    """(1/n) Σᵢ ‖ŷᵢ − yᵢ‖² over a batch (the regression objective of the lecture on losses)."""
    targets = _same_length(predictions, targets)
    return mean([squared_error(p, y) for p, y in zip(predictions, targets, strict=True)])


def hinge(score: Value, label: float | int) -> Value:
    """ℓ = max(0, 1 − y·s):  ∂ℓ/∂s = −y where y·s < 1, else 0."""
    margin = 1.0 - signed_label(label) * as_value(score)
    return margin.relu()


def logistic(score: Value, label: float | int) -> Value:
    """ℓ = log(1 + e^(−y·s)) = −log σ(y·s):  ∂ℓ/∂s = −y·σ(−y·s).

    With z = −y·s this is softplus(z), built as z + log(1 + e^−z) when z > 0
    and as log(1 + e^z) otherwise: the exponent is never positive, so e^… never
    overflows and a confident wrong score of 1000 gives a loss of 1000, not inf.
    (Without a log1p op, 1 + e^z rounds, so a loss near 0 is exact to ~1e-16
    absolute; its gradient e^z/(1 + e^z) keeps full relative precision.)
    """
    z = -signed_label(label) * as_value(score)
    if z.data > 0.0:
        return z + ((-z).exp() + 1.0).log()
    return (z.exp() + 1.0).log()


def log_sum_exp(scores: Sequence[Value]) -> Value:
    """log Σₖ e^sₖ = m + log Σₖ e^(sₖ − m) with m = maxₖ sₖ (a constant):  ∂/∂sₖ = softmax(s)ₖ.

    Subtracting the constant m changes nothing mathematically (and nothing in
    the derivative) but keeps every exponent ≤ 0, so nothing overflows.
    """
    scores = [as_value(s) for s in scores]
    if not scores:
        raise ValueError("log_sum_exp needs at least one score")
    m = max(s.data for s in scores)
    if math.isinf(m):
        m = 0.0  # all -inf or some +inf: shifting would make nan; let IEEE decide
    total = None
    for s in scores:
        term = (s - m).exp()
        total = term if total is None else total + term
    return total.log() + m


def softmax_cross_entropy(scores: Sequence[Value], target: int) -> Value:
    """ℓ = −log softmax(s)_t = logsumexp(s) − s_t:  ∂ℓ/∂sₖ = softmax(s)ₖ − [k = t]."""
    if isinstance(scores, Value) or not isinstance(scores, Sequence):
        raise TypeError(
            "softmax_cross_entropy needs a list of class scores (one per class), "
            f"got {type(scores).__name__}"
        )
    if not checks.is_integer(target) or not 0 <= target < len(scores):
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
    total = None
    for p in parameters:
        term = p * p
        total = term if total is None else total + term
    if total is None:
        return Value(0.0)
    return total * coefficient


def mean(losses: Sequence[Value]) -> Value:
    """(1/B) Σᵢ ℓᵢ: the batch average of the lecture's minibatch gradient."""
    if not losses:
        raise ValueError("mean of an empty batch: give at least one loss")
    total = losses[0]
    for loss in losses[1:]:
        total = total + loss
    return total * (1.0 / len(losses))


LOSSES: dict[str, Loss] = {
    "squared": squared_error,
    "hinge": hinge,
    "logistic": logistic,
    "cross_entropy": softmax_cross_entropy,
}


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
