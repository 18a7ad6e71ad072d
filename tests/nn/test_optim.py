"""SGD and Adam: the lecture's one-weight step, hand-computed updates, PyTorch."""

import math

import pytest

from engine import Value
from nn import SGD, Adam, squared_error


def test_lecture_one_weight_example():
    """x = 3, w = 0.1, y = 1, identity: L = 0.49, dL/dw = −4.2, one step with η = 1 gives 4.3."""
    w = Value(0.1, label="w")
    loss = squared_error(w * 3.0, 1.0)
    assert loss.data == pytest.approx(0.49, abs=1e-15)
    optimizer = SGD([w], lr=1.0)
    optimizer.zero_grad()
    loss.backward()
    assert w.grad == pytest.approx(-4.2, abs=1e-15)
    optimizer.step()
    assert w.data == pytest.approx(4.3, abs=1e-15)


def _quadratic_steps(optimizer_factory, steps=5):
    """Minimise (a − 3)² + a·b + b² from (1, −2); return the trajectory."""
    a, b = Value(1.0), Value(-2.0)
    optimizer = optimizer_factory([a, b])
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        ((a - 3.0) ** 2 + a * b + b * b).backward()
        optimizer.step()
        trajectory.append((a.data, b.data))
    return trajectory


def test_sgd_momentum_weight_decay_by_hand():
    lr, mu, decay = 0.1, 0.9, 0.01
    got = _quadratic_steps(lambda p: SGD(p, lr, momentum=mu, weight_decay=decay), steps=3)
    a, b, va, vb = 1.0, -2.0, None, None
    for k in range(3):
        ga = 2 * (a - 3) + b + decay * a
        gb = a + 2 * b + decay * b
        va = ga if va is None else mu * va + ga
        vb = gb if vb is None else mu * vb + gb
        a, b = a - lr * va, b - lr * vb
        assert got[k] == pytest.approx((a, b), rel=1e-15)


def test_learning_rate_schedule_is_called_with_step_count():
    seen = []

    def schedule(k):
        seen.append(k)
        return 1.0 / (k + 1)

    w = Value(0.0)
    optimizer = SGD([w], lr=schedule)
    for _ in range(3):
        w.grad = 1.0
        optimizer.step()
    # Step 0's rate is also read when the optimizer is made, to check it before any work.
    assert seen == [0, 0, 1, 2]
    assert w.data == pytest.approx(-(1 + 1 / 2 + 1 / 3))
    assert optimizer.steps == 3


def test_adam_by_hand():
    lr, (b1, b2), eps = 0.05, (0.8, 0.99), 1e-8
    got = _quadratic_steps(lambda p: Adam(p, lr, betas=(b1, b2), eps=eps), steps=4)
    a, b = 1.0, -2.0
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    for t in range(1, 5):
        g = [2 * (a - 3) + b, a + 2 * b]
        params = [a, b]
        for i in range(2):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            params[i] -= lr * (m[i] / (1 - b1**t)) / (math.sqrt(v[i] / (1 - b2**t)) + eps)
        a, b = params
        assert got[t - 1] == pytest.approx((a, b), rel=1e-14)


def test_zero_grad_and_errors():
    w = Value(1.0)
    w.grad = 5.0
    SGD([w], 0.1).zero_grad()
    assert w.grad == 0.0
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], 0.1)
    with pytest.raises(TypeError, match="must be Values"):
        SGD([1.0], 0.1)
    with pytest.raises(ValueError, match="lr must be > 0"):
        SGD([w], 0.0)
    with pytest.raises(ValueError, match="momentum must be >= 0.0 and < 1.0"):
        SGD([w], 0.1, momentum=1.0)
    with pytest.raises(ValueError, match="betas must be a pair"):
        Adam([w], betas=0.9)
    with pytest.raises(TypeError, match="lr must be a number"):
        Adam([w], lr="fast")


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["sgd", "sgd_momentum", "adam", "adam_decay"])
def test_optimizers_match_pytorch_float64(kind):
    torch = pytest.importorskip("torch")
    factories = {
        "sgd": (lambda p: SGD(p, 0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
        "sgd_momentum": (lambda p: SGD(p, 0.05, momentum=0.9, weight_decay=0.1),
                         lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.1)),
        "adam": (lambda p: Adam(p, 0.1), lambda p: torch.optim.Adam(p, lr=0.1)),
        "adam_decay": (lambda p: Adam(p, 0.02, betas=(0.5, 0.9), weight_decay=0.3),
                       lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.5, 0.9), weight_decay=0.3)),
    }
    ours, theirs = factories[kind]
    got = _quadratic_steps(ours, steps=6)
    a = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    optimizer = theirs([a, b])
    for k in range(6):
        optimizer.zero_grad()
        ((a - 3.0) ** 2 + a * b + b * b).backward()
        optimizer.step()
        assert got[k] == pytest.approx((a.item(), b.item()), rel=1e-13)
