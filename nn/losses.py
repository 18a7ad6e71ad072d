"""Losses built from ``Value`` ops, each with its formula and derivative.

The lecture on losses: regression uses the squared loss, binary
classification the logistic loss, multi-class classification softmax
cross-entropy; the lecture on backpropagation trains with the squared loss;
the max-margin (hinge) loss is micrograd's classic for two moons. Binary
labels may be given as 1 (positive class) and 0 or −1 (negative class); the
losses use y ∈ {−1, +1}.

Every loss is assembled from the engine's ops, so the backward sweep gets
the derivatives below without any loss-specific code. The numerically stable
forms never choose a formula from a value: the logistic loss is
max(z, 0) + log1p(e^−|z|), log-sum-exp shifts by a ``maximum`` of the scores,
and cross-entropy reads its target through a one-hot vector. So a loss's
graph has the same shape whatever the numbers, and ``engine.compile`` can
replay it (``FIXED_SHAPE`` says how ``fit``'s compiled step feeds each loss
its target: as numbers, leaves of the graph).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine import Value, arguments, as_value, maximum, minimum

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
    predictions: Sequence[Value | Sequence[Value]], targets: Sequence[Any]
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
    """ℓ = log(1 + e^(−y·s)) = −log σ(y·s):  ∂ℓ/∂s = −y·σ(−y·s). See ``signed_logistic``."""
    return signed_logistic(score, signed_label(label))


def signed_logistic(score: Value | Sequence[Value], y: Value | float) -> Value:
    """log(1 + e^z) with z = −y·s, for a label already signed (y = ±1, a number or a leaf).

    Built as max(z, 0) + log1p(e^−|z|), one formula for every z: the exponent
    is never positive, so e^… never overflows and a confident wrong score of
    1000 gives a loss of 1000, not inf; log1p keeps a confident correct score
    exact (a loss of 1e-30 is 1e-30, where log(1 + 1e-30) would round to 0).
    At z = 0, ``maximum``'s tie gives z half the gradient and |z| none, so
    ∂ℓ/∂z = ½ = σ(0), the true derivative.
    """
    z = -(y * _one_score(score, "logistic"))
    return maximum(z, 0.0) + (-z.abs()).exp().log1p()


def log_sum_exp(scores: Sequence[Value]) -> Value:
    """log Σₖ e^sₖ = m + log Σₖ e^(sₖ − m) with m = maxₖ sₖ:  ∂/∂sₖ = softmax(s)ₖ.

    Subtracting m changes nothing mathematically but keeps every exponent
    ≤ 0, so nothing overflows. m is a node of the graph (``maximum``), not a
    number read off the scores, so the graph is the same whichever score is
    largest; the gradient through m is 1 − Σₖ softmax(s)ₖ, zero up to
    rounding. m is clamped to the finite floats so that a score of ±inf gives
    ±inf, as without the shift, rather than inf − inf = nan.
    """
    values = [as_value(s) for s in scores]
    if not values:
        raise ValueError("log_sum_exp needs at least one score")
    m = values[0]
    for s in values[1:]:
        m = maximum(m, s)
    m = minimum(maximum(m, -_LARGEST), _LARGEST)
    return _sum([(s - m).exp() for s in values]).log() + m


def softmax_cross_entropy(scores: Sequence[Value], target: int) -> Value:
    """ℓ = −log softmax(s)_t = logsumexp(s) − s_t:  ∂ℓ/∂sₖ = softmax(s)ₖ − [k = t].

    s_t is read as Σₖ [k = t]·sₖ (``one_hot_cross_entropy``), so the graph
    does not depend on which class the target is.
    """
    _check_scores(scores)
    return one_hot_cross_entropy(scores, one_hot(target, len(scores)))


def one_hot(target: int, classes: int) -> list[float]:
    """[0.0, …, 1.0 (at ``target``), …, 0.0]: a class index as ``classes`` numbers."""
    if not arguments.is_integer(target) or not 0 <= target < classes:
        raise ValueError(
            f"softmax_cross_entropy: target must be a class index in 0..{classes - 1}, "
            f"got {target!r}"
        )
    return [1.0 if k == target else 0.0 for k in range(classes)]


def one_hot_cross_entropy(
    scores: Sequence[Value], target: Sequence[Value | float]
) -> Value:
    """logsumexp(s) − Σₖ yₖ·sₖ for a one-hot target y (numbers, or leaves of the graph).

    Σₖ yₖ·sₖ is s_t exactly: the other terms are ±0.
    """
    _check_scores(scores)
    if len(target) != len(scores):
        raise ValueError(
            f"one_hot_cross_entropy: {len(scores)} scores need a one-hot target of as many "
            f"numbers, got {len(target)}"
        )
    picked = _sum([as_value(s) * y for s, y in zip(scores, target)])
    return log_sum_exp(scores) - picked


def _check_scores(scores: object) -> None:
    if isinstance(scores, Value) or not isinstance(scores, Sequence):
        raise TypeError(
            "softmax_cross_entropy needs a list of class scores (one per class), "
            f"got {type(scores).__name__}"
        )


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


_LARGEST = sys.float_info.max

LOSSES: dict[str, Loss] = {
    "squared": squared_error,
    "hinge": hinge,
    "logistic": logistic,
    "cross_entropy": softmax_cross_entropy,
}


# --- each loss as a graph of fixed shape -------------------------------------------


@dataclass(frozen=True)
class FixedShape:
    """A loss as ``build(output, numbers(target, outputs))``, whose shape no value decides.

    ``numbers`` turns a target into the numbers the graph reads (a float, or
    a list of them), given how many outputs the model has; ``build`` makes
    the loss from the output and those numbers, given as floats or as leaves.
    The loss function itself is exactly ``build`` on the floats, so a graph
    built with leaves, compiled and replayed, gives its numbers bit for bit.
    """

    numbers: Callable[[Any, int], float | list[float]]
    build: Callable[[Any, Any], Value]


def _signed(target: float | int, outputs: int) -> float:
    return signed_label(target)


def _one_hot(target: int, outputs: int) -> list[float]:
    return one_hot(target, outputs)


def _as_given(target: Any, outputs: int) -> float | list[float]:
    if isinstance(target, Sequence) and not isinstance(target, (str, bytes)):
        return [float(t) for t in target]
    return float(target)


FIXED_SHAPE: dict[Loss, FixedShape] = {
    squared_error: FixedShape(_as_given, squared_error),
    hinge: FixedShape(_signed, signed_hinge),
    logistic: FixedShape(_signed, signed_logistic),
    softmax_cross_entropy: FixedShape(_one_hot, one_hot_cross_entropy),
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


def _same_length(predictions: Sequence[Any], targets: Sequence[Any]) -> Sequence[Any]:
    if len(predictions) != len(targets):
        raise ValueError(
            f"{len(predictions)} predictions but {len(targets)} targets: give one target each"
        )
    return targets
