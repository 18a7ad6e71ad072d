"""``fit``: the lecture's minibatch SGD loop, with a progress bar and a history.

For epoch t = 1..T: shuffle the data, split it into batches of size B, and
for each batch Dᵢ take the average loss L = (1/B) Σ ℓ(h(x), y) (plus an L2
penalty λ‖θ‖² when asked), sweep backward once to get g = ∇θ L, and let the
optimizer step (θ ← θ − ηg for plain SGD).

The history keeps, per epoch, the training loss and accuracy as seen during
the epoch (each batch measured with the parameters before its step, averaged
over examples) and, when a test set is given, the test loss and accuracy
evaluated at the end of the epoch under ``no_grad()`` (no graph is built).
Training runs inside ``engine.gc_paused()``: the graphs have no cycles, and
the cycle collector's rescans of them tripled the time of a forward pass.
Losses in the history are the data loss, without the penalty.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from engine import Value, gc_paused, no_grad, progress_bar
from nn.data import Dataset, Minibatches
from nn.losses import Loss, get_loss, l2_penalty, mean
from nn.metrics import is_correct
from nn.module import Module
from nn.optim import SGD, Optimizer


@dataclass
class History:
    """Per-epoch figures of one ``fit`` (accuracy lists stay empty for regression)."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)  # every batch's loss, in order
    steps: int = 0
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def summary(self) -> str:
        """A few lines: final figures, best test accuracy, time per epoch."""
        if not self.epochs:
            return "no epochs run"
        lines = [
            f"{self.epochs} epochs, {self.steps} steps, "
            f"{self.seconds:.2f} s ({self.seconds / self.epochs:.3f} s per epoch)"
        ]
        train = f"train loss {self.train_loss[0]:.4f} -> {self.train_loss[-1]:.4f}"
        if self.train_accuracy:
            train += f", accuracy {self.train_accuracy[-1]:.1%}"
        lines.append(train)
        if self.test_loss:
            test = f"test loss {self.test_loss[-1]:.4f}"
            if self.test_accuracy:
                best = max(self.test_accuracy)
                test += f", accuracy {self.test_accuracy[-1]:.1%} (best {best:.1%})"
            lines.append(test)
        return "\n".join(lines)


def evaluate(
    model: Module, data: Dataset, loss: str | Loss = "hinge"
) -> tuple[float, float | None]:
    """(mean loss, accuracy) of ``model`` on ``data``, under ``no_grad()``.

    Accuracy is None for regression data (``num_classes`` is None).
    """
    loss_fn = get_loss(loss)
    total, correct = 0.0, 0
    classify = data.num_classes is not None
    with no_grad(), gc_paused():
        for x, y in zip(data.inputs, data.targets):
            output = model(x)
            total += loss_fn(output, y).data
            if classify:
                correct += is_correct(output, y)
    n = len(data)
    return total / n, (correct / n if classify else None)


def fit(
    model: Module,
    data: Dataset,
    *,
    loss: str | Loss = "hinge",
    optimizer: Optimizer | None = None,
    epochs: int = 10,
    batch_size: int | None = None,
    test_data: Dataset | None = None,
    l2: float = 0.0,
    seed: int = 0,
    quiet: bool = False,
    stream: TextIO | None = None,
    description: str = "training",
) -> History:
    """Train ``model`` on ``data`` by minibatch SGD; returns the ``History``.

    ``batch_size=None`` is full-batch gradient descent. ``optimizer`` defaults
    to ``SGD(model.parameters(), lr=0.1)``. ``seed`` fixes the shuffling. The
    progress bar (``engine.progress_bar``: live in Jupyter, text on a terminal,
    on ``stream`` or stderr) shows the running loss and accuracy;
    ``quiet=True`` turns it off, and it stays silent under CI and when the
    stream is not a terminal.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    if not l2 >= 0.0:
        raise ValueError(f"l2 must be a penalty coefficient >= 0, got {l2!r}")
    loss_fn = get_loss(loss)
    params = model.parameters()
    if optimizer is None:
        optimizer = SGD(params, lr=0.1)
    batches = Minibatches(data, batch_size, seed=seed)
    classify = data.num_classes is not None
    history = History()
    started = time.perf_counter()
    bar = progress_bar(epochs * len(batches), description, quiet=quiet, stream=stream)
    with bar, gc_paused():
        for epoch in range(epochs):
            seen, loss_sum, correct = 0, 0.0, 0
            for inputs, targets in batches:
                batch_loss, batch_correct = _step(
                    model, params, inputs, targets, loss_fn, optimizer, l2, classify
                )
                seen += len(inputs)
                loss_sum += batch_loss * len(inputs)
                correct += batch_correct
                history.step_loss.append(batch_loss)
                history.steps += 1
                postfix = f"epoch {epoch + 1}/{epochs} loss {loss_sum / seen:.4f}"
                if classify:
                    postfix += f" acc {correct / seen:.1%}"
                bar.set_postfix_str(postfix, refresh=False)
                bar.update()
            history.train_loss.append(loss_sum / seen)
            if classify:
                history.train_accuracy.append(correct / seen)
            if test_data is not None:
                test_loss, test_accuracy = evaluate(model, test_data, loss_fn)
                history.test_loss.append(test_loss)
                if test_accuracy is not None:
                    history.test_accuracy.append(test_accuracy)
    history.seconds = time.perf_counter() - started
    return history


def _step(
    model: Module,
    params: list[Value],
    inputs: Sequence[Sequence[float]],
    targets: Sequence,
    loss_fn: Loss,
    optimizer: Optimizer,
    l2: float,
    classify: bool,
) -> tuple[float, int]:
    """One forward, backward and update on a batch: (batch data loss, number correct)."""
    outputs = [model(x) for x in inputs]
    data_loss = mean([loss_fn(o, y) for o, y in zip(outputs, targets)])
    objective = data_loss + l2_penalty(params, l2) if l2 else data_loss
    optimizer.zero_grad()
    objective.backward()
    optimizer.step()
    correct = sum(is_correct(o, y) for o, y in zip(outputs, targets)) if classify else 0
    return data_loss.data, correct
