"""Losses: formulas, gradients by central differences, stability, PyTorch."""

import math

import pytest

from engine import Value, gradcheck
from nn import (
    hinge,
    l2_penalty,
    log_sum_exp,
    logistic,
    mean,
    mean_squared_error,
    softmax,
    softmax_cross_entropy,
    squared_error,
)
from nn.metrics import accuracy, predicted_class

SCORES = [-3.0, -0.4, 0.0, 0.7, 2.5]


@pytest.mark.parametrize("s", SCORES)
@pytest.mark.parametrize("label, y", [(1, 1.0), (0, -1.0), (-1, -1.0)])
def test_hinge_and_logistic_formulas(s, label, y):
    assert hinge(Value(s), label).data == max(0.0, 1.0 - y * s)
    assert logistic(Value(s), label).data == pytest.approx(math.log1p(math.exp(-y * s)), rel=1e-14)


@pytest.mark.parametrize("s", [-2.0, -0.3, 0.4, 1.7])
@pytest.mark.parametrize("label", [0, 1])
def test_binary_loss_gradients_match_central_differences(s, label):
    assert gradcheck(lambda v: logistic(v, label), [s], atol=1e-9, rtol=1e-7)
    if abs(1.0 - (1 if label else -1) * s) > 1e-3:  # away from the hinge's kink
        assert gradcheck(lambda v: hinge(v, label), [s], atol=1e-9, rtol=1e-7)


def test_logistic_gradient_is_minus_y_sigmoid_minus_y_s():
    for s in SCORES:
        for label, y in ((1, 1.0), (0, -1.0)):
            v = Value(s)
            logistic(v, label).backward()
            assert v.grad == pytest.approx(-y / (1.0 + math.exp(y * s)), rel=1e-13)


def test_logistic_is_stable_for_huge_scores():
    right, wrong = Value(1000.0), Value(1000.0)
    assert logistic(right, 1).data == 0.0
    loss = logistic(wrong, 0)
    assert loss.data == 1000.0  # log(1 + e^1000) without overflow
    loss.backward()
    assert wrong.grad == 1.0
    assert logistic(Value(-800.0), 0).data == 0.0
    # With log1p a tiny loss keeps its relative precision: log(1 + e^-30) would be
    # exact to about 1e-16 absolute only, and e^-40 would round to a loss of 0.
    for score in (30.0, 40.0, 700.0):
        expected = math.log1p(math.exp(-score))
        assert expected > 0.0
        assert logistic(Value(score), 1).data == pytest.approx(expected, rel=1e-15)
        assert logistic(Value(-score), 0).data == pytest.approx(expected, rel=1e-15)


def test_squared_error_scalar_vector_and_mean():
    assert squared_error(Value(0.3), 1.0).data == pytest.approx(0.49)
    v = [Value(1.0), Value(-2.0)]
    assert squared_error(v, [0.5, 1.0]).data == 0.25 + 9.0
    mse = mean_squared_error([Value(1.0), Value(3.0)], [0.0, 1.0])
    assert mse.data == (1.0 + 4.0) / 2
    with pytest.raises(ValueError, match="2 predictions need as many targets"):
        squared_error(v, [1.0])
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        mean_squared_error([Value(1.0), Value(2.0)], [1.0])


@pytest.mark.parametrize("target", [0, 1, 2])
def test_softmax_cross_entropy_formula_and_gradient(target):
    scores = [0.2, -1.3, 2.1]
    expected = -math.log(math.exp(scores[target]) / sum(math.exp(s) for s in scores))
    loss = softmax_cross_entropy([Value(s) for s in scores], target)
    assert loss.data == pytest.approx(expected, rel=1e-14)
    assert gradcheck(lambda a, b, c: softmax_cross_entropy([a, b, c], target), scores,
                     atol=1e-9, rtol=1e-7)
    values = [Value(s) for s in scores]
    softmax_cross_entropy(values, target).backward()
    probabilities = softmax(scores)
    for k, v in enumerate(values):
        assert v.grad == pytest.approx(probabilities[k] - (k == target), abs=1e-15)


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    values = [Value(1000.0), Value(-1000.0), Value(999.0)]
    loss = softmax_cross_entropy(values, 2)
    assert loss.data == pytest.approx(1.0 + math.log1p(math.exp(-1.0)), rel=1e-14)
    loss.backward()
    assert all(math.isfinite(v.grad) for v in values)
    assert log_sum_exp([Value(-1e300), Value(-1e300)]).data == pytest.approx(-1e300)


def test_softmax_cross_entropy_errors_teach():
    with pytest.raises(ValueError, match="class index in 0..2"):
        softmax_cross_entropy([Value(0.0)] * 3, 3)
    with pytest.raises(TypeError, match="list of class scores"):
        softmax_cross_entropy(Value(1.0), 0)
    with pytest.raises(ValueError, match="binary label must be 1"):
        hinge(Value(1.0), 2)


def test_l2_penalty_and_mean():
    params = [Value(1.0), Value(-2.0), Value(0.5)]
    penalty = l2_penalty(params, 0.1)
    assert penalty.data == pytest.approx(0.1 * 5.25)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.2, -0.4, 0.1])
    assert mean([Value(1.0), Value(2.0), Value(6.0)]).data == 3.0
    with pytest.raises(ValueError, match="empty batch"):
        mean([])


def test_accuracy_and_predicted_class():
    assert predicted_class(Value(0.1)) == 1 and predicted_class(Value(-0.1)) == 0
    assert predicted_class([Value(0.1), Value(3.0), Value(-1.0)]) == 1
    assert accuracy([Value(1.0), Value(-1.0), Value(2.0), Value(-3.0)], [1, 0, 0, -1]) == 0.75
    assert accuracy([[0.0, 1.0], [2.0, 1.0]], [1, 1]) == 0.5
    with pytest.raises(ValueError, match="2 outputs but 1 labels"):
        accuracy([1.0, 2.0], [1])


@pytest.mark.torch
def test_losses_match_pytorch_float64():
    torch = pytest.importorskip("torch")
    scores = [0.3, -2.0, 1.2, 0.0]
    for target in range(4):
        t = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
        reference = torch.nn.functional.cross_entropy(t[None], torch.tensor([target]))
        reference.backward()
        values = [Value(s) for s in scores]
        loss = softmax_cross_entropy(values, target)
        loss.backward()
        assert loss.data == pytest.approx(reference.item(), rel=1e-14)
        assert [v.grad for v in values] == pytest.approx(t.grad.tolist(), rel=1e-13, abs=1e-16)
    for s in [-30.0, -1.0, 0.5, 40.0]:
        for label in (0, 1):
            t = torch.tensor(s, dtype=torch.float64, requires_grad=True)
            reference = torch.nn.functional.binary_cross_entropy_with_logits(
                t, torch.tensor(float(label), dtype=torch.float64))
            reference.backward()
            v = Value(s)
            loss = logistic(v, label)
            loss.backward()
            # Tiny losses carry an absolute error of ~1e-16 here and ~1e-15 in PyTorch.
            assert loss.data == pytest.approx(reference.item(), rel=1e-13, abs=5e-15)
            exact = math.log1p(math.exp(-abs(s))) + max(0.0, s if label == 0 else -s)
            assert loss.data == pytest.approx(exact, rel=1e-13, abs=2e-16)
            # PyTorch's σ(s) − y rounds to 0 where −y·σ(−y·s) ≈ 4e-18 is still exact.
            assert v.grad == pytest.approx(t.grad.item(), rel=1e-13, abs=1e-16)
            y = 1.0 if label == 1 else -1.0
            assert v.grad == pytest.approx(-y / (1.0 + math.exp(y * s)), rel=1e-13)


def test_numpy_integers_are_whole_numbers_everywhere_but_bools_are_not():
    import numpy as np

    import nn

    scores = [Value(0.2), Value(1.5)]
    assert softmax_cross_entropy(scores, np.int64(1)).data == softmax_cross_entropy(scores, 1).data
    with pytest.raises(ValueError, match="class index"):
        softmax_cross_entropy(scores, True)
    data = nn.moons(np.int64(20), seed=np.int64(3))
    batches = nn.Minibatches(data, np.int32(5), seed=np.int64(0))
    assert len(batches) == 4
    model = nn.MLP(np.int64(2), [np.int64(3), 1], seed=np.int64(1))
    assert model.num_parameters() == 13
    with pytest.raises(TypeError, match="batch_size"):
        nn.Minibatches(data, True)


# --- fixed shapes: the same graph whatever the values, the numbers of the branchy forms ---


def _branchy_logistic(s: Value, label: int) -> Value:
    """The logistic loss as it was written before: the formula chosen from the score."""
    z = -(1.0 if label == 1 else -1.0) * s
    return z + (-z).exp().log1p() if z.data > 0.0 else z.exp().log1p()


def _branchy_cross_entropy(scores: list[Value], target: int) -> Value:
    """Cross-entropy as it was written before: a constant shift, the target's score picked."""
    m = max(s.data for s in scores)
    total = (scores[0] - m).exp()
    for s in scores[1:]:
        total = total + (s - m).exp()
    return total.log() + m - scores[target]


def _ops(root: Value) -> list[str]:
    from engine import topological_order

    return [node.op for node in topological_order(root)]


@pytest.mark.parametrize("s", [-700.0, -30.0, -1.5, -1e-9, 0.0, 1e-9, 0.8, 36.0, 1000.0])
@pytest.mark.parametrize("label", [0, 1])
def test_logistic_gives_the_branchy_forms_values_and_gradients(s, label):
    new, old = Value(s), Value(s)
    loss, reference = logistic(new, label), _branchy_logistic(old, label)
    loss.backward()
    reference.backward()
    assert loss.data == reference.data  # the same operations on the same numbers
    assert new.grad == pytest.approx(old.grad, rel=1e-15, abs=1e-300)
    assert _ops(loss) == _ops(logistic(Value(-s + 3.0), 1 - label))  # one shape


def test_logistic_gradient_at_a_zero_score_is_one_half():
    s = Value(0.0)
    logistic(s, 1).backward()
    assert s.grad == -0.5  # −y·σ(0): maximum's tie splits the gradient in halves


@pytest.mark.parametrize("scores", [[0.2, -1.3, 2.1], [5.0, 5.0, -2.0, 1e-3],
                                    [1000.0, -1000.0, 999.0], [-1e300, -1e300]])
def test_cross_entropy_gives_the_branchy_forms_values_and_gradients(scores):
    for target in range(len(scores)):
        new = [Value(s) for s in scores]
        old = [Value(s) for s in scores]
        loss, reference = softmax_cross_entropy(new, target), _branchy_cross_entropy(old, target)
        loss.backward()
        reference.backward()
        assert loss.data == reference.data
        # Through the max node comes 1 − Σ softmax: zero, up to rounding.
        assert [v.grad for v in new] == pytest.approx([v.grad for v in old], rel=1e-14,
                                                      abs=1e-15)
    shapes = {tuple(_ops(softmax_cross_entropy([Value(s) for s in scores], t)))
              for t in range(len(scores))}
    assert len(shapes) == 1  # the target's class does not change the graph


def test_log_sum_exp_of_infinite_scores_is_infinite_not_nan():
    assert log_sum_exp([Value(-math.inf), Value(-math.inf)]).data == -math.inf
    assert log_sum_exp([Value(math.inf), Value(2.0)]).data == math.inf
    assert math.isnan(log_sum_exp([Value(math.nan), Value(2.0)]).data)
