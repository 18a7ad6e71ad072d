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

The loop below is the loop that runs, compiled or not: epochs, shuffling
and batching (``Minibatches``), ``optimizer.zero_grad()``,
``optimizer.step()`` are these lines of Python either way. ``compile`` changes
one thing, how a batch's loss and gradient are computed (``step.forward``,
``step.backward``): for nn's own models with nn's losses, whose graphs have
the same shape at every step, each batch size's graph is compiled once
(``engine.compile``) and replayed, with the same numbers as building it
afresh (``nn.compiled_step``); ``compile=False``, a model or loss of the
user's own, or ``detect_anomaly()`` build it every step.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import TextIO

from engine import arguments, gc_paused, progress_bar
from nn.compiled_step import training_step
from nn.data import Dataset, Minibatches
from nn.interrupts import steps_until_interrupted
from nn.losses import Loss, get_loss
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
    interrupted: bool = False  # stopped early by Ctrl-C, after a whole step
    stop_reason: str | None = None  # why training stopped before the last epoch, if it did

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def summary(self) -> str:
        """A few lines: final figures, best test accuracy, time per epoch."""
        if not self.epochs:
            return "no epochs run" + (f"; {self.stop_reason}" if self.stop_reason else "")
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
        if self.stop_reason:
            lines.append(f"stopped early: {self.stop_reason}")
        return "\n".join(lines)


class TrainingDiverged(FloatingPointError):
    """The loss stopped being a finite number; ``history`` holds the steps before it."""

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history


DIVERGENCE_CHOICES = ("stop", "raise", "continue")


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
    on_divergence: str = "stop",
    compile: bool = True,
) -> History:
    """Train ``model`` on ``data`` by minibatch SGD; returns the ``History``.

    ``batch_size=None`` is full-batch gradient descent. ``optimizer`` defaults
    to ``SGD(model.parameters(), lr=0.1)``. ``seed`` fixes the shuffling. The
    progress bar (``engine.progress_bar``: live in Jupyter, text on a terminal,
    on ``stream`` or stderr) shows the running loss and accuracy;
    ``quiet=True`` turns it off, and it stays silent under CI and when the
    stream is not a terminal.

    Stops early, always after a whole step and with the history so far:

    - on Ctrl-C (``history.interrupted``; a second Ctrl-C interrupts at once);
    - when a batch's loss is nan or ±inf, before that batch changes any
      parameter (``history.stop_reason`` names the step). ``on_divergence``
      says what then: ``"stop"`` (warn and return), ``"raise"``
      (``TrainingDiverged``, carrying the history) or ``"continue"``.

    ``compile=True`` (the default) computes each batch's loss and gradient
    by replaying a compiled graph where the model and loss allow it (nn's
    models with nn's losses; see ``nn.compiled_step``), with the same
    history, loss for loss. Only that computation differs: the epoch loop,
    the shuffling and batching, ``zero_grad()`` and the optimizer's step are
    the Python below in both cases.

    Every argument is checked before any work, with a message naming it.
    """
    epochs = arguments.integer(epochs, "epochs", minimum=0, what="an int >= 0")
    l2 = arguments.real(l2, "l2", minimum=0.0, finite=True, what="a penalty coefficient >= 0")
    if on_divergence not in DIVERGENCE_CHOICES:
        raise ValueError(
            f"on_divergence must be one of {', '.join(DIVERGENCE_CHOICES)}, got {on_divergence!r}"
        )
    if not isinstance(compile, bool):
        raise TypeError(f"compile must be True or False, got {type(compile).__name__}")
    if not isinstance(model, Module):
        raise TypeError(
            f"fit: model must be an nn.Module (an MLP, say), got {type(model).__name__}"
        )
    _check_dataset(data, "data")
    if test_data is not None:
        _check_dataset(test_data, "test_data")
    loss_fn = get_loss(loss)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    batches = Minibatches(data, batch_size, seed=seed)
    classify = data.num_classes is not None
    step = training_step(model, loss_fn, l2, classify, compiled=compile)
    history = History()
    started = time.perf_counter()
    bar = progress_bar(epochs * len(batches), description, quiet=quiet, stream=stream)
    try:
        with bar, gc_paused(), steps_until_interrupted() as interrupted:
            for epoch in range(epochs):
                seen, loss_sum, correct = 0, 0.0, 0
                for inputs, targets in batches:
                    objective, data_loss, batch_correct = step.forward(inputs, targets)
                    if not math.isfinite(objective) and on_divergence != "continue":
                        history.stop_reason = (
                            f"the loss is {objective} at step {history.steps + 1} (epoch "
                            f"{epoch + 1}); the parameters are those of the step before. A smaller "
                            "learning rate usually helps"
                        )
                        break
                    optimizer.zero_grad()
                    step.backward()  # ∇θ L into each parameter's .grad: swept, or replayed
                    optimizer.step()
                    seen += len(inputs)
                    loss_sum += data_loss * len(inputs)
                    correct += batch_correct
                    history.step_loss.append(data_loss)
                    history.steps += 1
                    postfix = f"epoch {epoch + 1}/{epochs} loss {loss_sum / seen:.4f}"
                    if classify:
                        postfix += f" acc {correct / seen:.1%}"
                    bar.set_postfix_str(postfix, refresh=False)
                    bar.update()
                    if interrupted:
                        break
                if history.stop_reason or interrupted:
                    break
                history.train_loss.append(loss_sum / seen)
                if classify:
                    history.train_accuracy.append(correct / seen)
                if test_data is not None:
                    test_loss, test_accuracy = step.evaluate(test_data)
                    history.test_loss.append(test_loss)
                    if test_accuracy is not None:
                        history.test_accuracy.append(test_accuracy)
            if interrupted:
                history.interrupted = True
    except KeyboardInterrupt:
        # Outside the main thread, or a second Ctrl-C: the step in progress is lost,
        # the steps before it are not (backward() leaves gradients whole).
        history.interrupted = True
    if history.interrupted and not history.stop_reason:
        history.stop_reason = f"interrupted by Ctrl-C after {history.steps} steps"
    history.seconds = time.perf_counter() - started
    if history.stop_reason and not history.interrupted:
        if on_divergence == "raise":
            raise TrainingDiverged(history.stop_reason, history)
        warnings.warn(f"fit stopped: {history.stop_reason}", RuntimeWarning, stacklevel=2)
    return history


def _check_dataset(data: object, name: str) -> None:
    if not isinstance(data, Dataset):
        raise TypeError(f"{name} must be an nn.Dataset (nn.moons(...), say), got "
                        f"{type(data).__name__}")
    if len(data) == 0:
        raise ValueError(f"{name} is empty: give it at least one example")
