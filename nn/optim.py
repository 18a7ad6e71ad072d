"""Optimizers: ``SGD`` (with momentum and weight decay) and ``Adam``.

Both follow PyTorch's update rules, so a student's numbers carry over:

SGD (the lecture's θ ← θ − η·g), with g = ∂L/∂θ + λθ (weight decay λ) and
momentum μ kept in a buffer v:  v ← μ·v + g  (v = g at the first step),
θ ← θ − η·v.

Adam:  g = ∂L/∂θ + λθ,  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ),  θ ← θ − η·m̂/(√v̂ + ε).

The learning rate η is a number or a function of the step count k (0 for the
first step), e.g. ``lr=lambda k: 1.0 - 0.9 * k / 100`` for a linear decay.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from engine import Value, arguments

LearningRate = float | Callable[[int], float]


class Optimizer(ABC):
    """Holds the parameters, the step count and the learning rate schedule."""

    def __init__(self, params: Iterable[Value], lr: LearningRate) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got no parameters: pass model.parameters()")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(
                    f"optimizer parameters must be Values, got {type(p).__name__}: "
                    "pass model.parameters()"
                )
        self.lr = lr
        self.steps = 0
        self.current_lr()  # a schedule's first rate is checked now, before any work

    def current_lr(self) -> float:
        """η for the next step (``lr(steps)`` when ``lr`` is a function), checked > 0."""
        if callable(self.lr):
            rate = self.lr(self.steps)
            return _check_number(rate, f"lr({self.steps}) (the schedule's learning rate)",
                                 lower=0.0, strict=True)
        return _check_number(self.lr, "lr", lower=0.0, strict=True)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (leaves accumulate across sweeps)."""
        for p in self.params:
            p.grad = 0.0

    @abstractmethod
    def step(self) -> None:
        """Update every parameter from its gradient."""


class SGD(Optimizer):
    """θ ← θ − η·v with v ← μ·v + (∂L/∂θ + λθ)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check_number(momentum, "momentum", lower=0.0, upper=1.0)
        self.weight_decay = _check_number(weight_decay, "weight_decay", lower=0.0)
        self.velocity: list[float] | None = None

    def step(self) -> None:
        lr, mu, decay = self.current_lr(), self.momentum, self.weight_decay
        params = self.params
        if mu == 0.0:
            for p in params:
                p.data -= lr * (p.grad + decay * p.data)
        else:
            first = self.velocity is None
            velocity = [0.0] * len(params) if self.velocity is None else self.velocity
            for i, p in enumerate(params):
                g = p.grad + decay * p.data
                v = g if first else mu * velocity[i] + g
                velocity[i] = v
                p.data -= lr * v
            self.velocity = velocity
        self.steps += 1

    def __repr__(self) -> str:
        return (
            f"SGD({len(self.params)} parameters, lr={self.lr!r}, momentum={self.momentum}, "
            f"weight_decay={self.weight_decay})"
        )


class Adam(Optimizer):
    """Adaptive moments with bias correction (Kingma & Ba), PyTorch's defaults."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check_number(betas[0], "betas[0]", lower=0.0, upper=1.0),
            _check_number(betas[1], "betas[1]", lower=0.0, upper=1.0),
        )
        self.eps = _check_number(eps, "eps", lower=0.0)
        self.weight_decay = _check_number(weight_decay, "weight_decay", lower=0.0)
        self.first_moment = [0.0] * len(self.params)
        self.second_moment = [0.0] * len(self.params)

    def step(self) -> None:
        lr, decay, eps = self.current_lr(), self.weight_decay, self.eps
        beta1, beta2 = self.betas
        t = self.steps + 1
        correction1 = 1.0 - beta1**t
        correction2 = 1.0 - beta2**t
        m, v = self.first_moment, self.second_moment
        for i, p in enumerate(self.params):
            g = p.grad + decay * p.data
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            p.data -= lr * (m[i] / correction1) / (math.sqrt(v[i] / correction2) + eps)
        self.steps = t

    def __repr__(self) -> str:
        return (
            f"Adam({len(self.params)} parameters, lr={self.lr!r}, betas={self.betas}, "
            f"eps={self.eps}, weight_decay={self.weight_decay})"
        )


def _check_number(
    x: object, name: str, *, lower: float, upper: float | None = None, strict: bool = False
) -> float:
    """``x`` as a finite float within [lower, upper) (or (lower, upper) when strict)."""
    bound = (f"> {lower}" if strict else f">= {lower}") + (f" and < {upper}" if upper else "")
    if strict:
        return arguments.real(x, name, above=lower, below=upper, finite=True, what=bound)
    return arguments.real(x, name, minimum=lower, below=upper, finite=True, what=bound)


# The optimizers by name, for the command line and configuration files.
OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}
