"""One training step of ``fit``, built afresh each time or replayed by ``engine.compile``.

A step takes a batch and returns the objective's value, the data loss and the
number of examples classified correctly; ``backward`` then adds ∇θ L to the
parameters' gradients, as ``loss.backward()`` does; ``evaluate`` gives
``nn.evaluate``'s figures on a test set. Zeroing the gradients and the
optimizer's step are not here: they are the visible lines of ``fit``'s loop,
the same whichever step computes the gradient.

- ``DynamicStep``: the graph of the batch (forward passes, mean loss, L2
  penalty) is built with ``Value``s, then swept backward: the lecture's loop.
- ``CompiledStep``: the same graph is built once per batch size, with the
  batch's numbers (inputs and labels) as leaves alongside the parameters, and
  compiled (``engine.compile``); each step then runs the compiled function on
  the current parameters and the batch's numbers. It gives the dynamic
  step's numbers bit for bit, so the history is the same, loss for loss.

Compiling freezes the graph's shape, so it is used only where the shape
cannot depend on values: nn's own ``MLP``, ``Layer`` and ``Neuron`` (their
forward passes never look at a value: relu's branch is recomputed inside the
compiled code), with any of nn's losses (each written with a fixed shape,
its target given as numbers: ``nn.losses.FIXED_SHAPE``). With a model or a
loss of the user's own, or under ``detect_anomaly()``, ``fit`` builds the
graph every step: such code may look at values (``if out.data > 0:``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine import Compiled, Value, compile, is_anomaly_detection_enabled, is_grad_enabled
from nn.data import Dataset
from nn.evaluation import evaluate
from nn.layers import MLP, Layer, Neuron
from nn.losses import FIXED_SHAPE, Loss, l2_penalty, mean
from nn.metrics import is_correct
from nn.module import Module

Step = tuple[float, float, int]  # (objective, data loss, correct)


class DynamicStep:
    """Build the batch's graph, then sweep it backward."""

    def __init__(self, model: Module, loss_fn: Loss, l2: float, classify: bool) -> None:
        self.model, self.loss_fn, self.l2, self.classify = model, loss_fn, l2, classify
        self.params = model.parameters()
        self.objective: Value | None = None

    def forward(self, inputs: Sequence[Sequence[float]], targets: Sequence[Any]) -> Step:
        """A batch's objective (mean loss plus penalty), its data loss and the number correct."""
        outputs = [self.model(x) for x in inputs]
        data_loss = mean([self.loss_fn(o, y) for o, y in zip(outputs, targets)])
        objective = data_loss + l2_penalty(self.params, self.l2) if self.l2 else data_loss
        correct = (
            sum(is_correct(o, y) for o, y in zip(outputs, targets)) if self.classify else 0
        )
        self.objective = objective
        return objective.data, data_loss.data, correct

    def backward(self) -> None:
        """Sweep the batch's graph backward once: ∇θ L added to the parameters' gradients."""
        assert self.objective is not None, "forward comes first"
        self.objective.backward()

    def evaluate(self, data: Dataset) -> tuple[float, float | None]:
        """(mean loss, accuracy) on ``data``: ``nn.evaluate``."""
        return evaluate(self.model, data, self.loss_fn)


class CompiledStep:
    """The batch's graph compiled once per batch size (and shape of targets), then replayed."""

    def __init__(self, model: Module, loss_fn: Loss, l2: float, classify: bool) -> None:
        self.model, self.loss_fn, self.l2, self.classify = model, loss_fn, l2, classify
        self.form = FIXED_SHAPE[loss_fn]
        self.outputs = output_count(model)
        self.params = model.parameters()
        self.compiled: dict[tuple[Any, ...], Compiled] = {}
        self.listed = False  # whether the model returns a list of Values (a Layer does)
        self.grads: list[float] = []

    def forward(self, inputs: Sequence[Sequence[float]], targets: Sequence[Any]) -> Step:
        objective, data_loss, _, outputs = self._run(inputs, targets)
        correct = sum(is_correct(o, y) for o, y in zip(outputs, targets)) if self.classify else 0
        return objective, data_loss, correct

    def backward(self) -> None:
        """Add the compiled ∇θ L to the parameters' gradients, as ``backward()`` would.

        As with ``backward()``, an interruption while the gradients are written
        leaves every parameter's gradient as it was.
        """
        params = self.params
        before = [p.grad for p in params]
        try:
            for p, g in zip(params, self.grads):
                p.grad = p.grad + g  # what backward() does: the previous value, plus the total
        except BaseException:
            for p, previous in zip(params, before):
                p.grad = previous
            raise

    def evaluate(self, data: Dataset) -> tuple[float, float | None]:
        """``nn.evaluate``'s (mean loss, accuracy) on ``data``, from the compiled functions.

        The data goes through in batches of the size trained on, and each
        example's loss is added in order, as ``nn.evaluate`` adds them, so the
        figures are the same to the last bit.
        """
        size = max((len(shape) for shape in self.compiled), default=len(data))
        total, correct = 0.0, 0
        classify = data.num_classes is not None
        for start in range(0, len(data), size):
            inputs = data.inputs[start : start + size]
            targets = data.targets[start : start + size]
            _, _, losses, outputs = self._run(inputs, targets)
            for loss in losses:
                total += loss
            if classify:
                correct += sum(is_correct(o, y) for o, y in zip(outputs, targets))
        n = len(data)
        return total / n, (correct / n if classify else None)

    def _run(
        self, inputs: Sequence[Sequence[float]], targets: Sequence[Any]
    ) -> tuple[float, float, list[float], list[float | list[float]]]:
        """Objective, data loss, each example's loss and output, by the compiled function."""
        numbers = [self.form.numbers(t, self.outputs) for t in targets]
        shape = tuple(len(n) if isinstance(n, list) else -1 for n in numbers)
        compiled = self.compiled.get(shape)
        if compiled is None:
            compiled = self.compiled[shape] = self._compile(inputs, numbers)
        values = [p.data for p in self.params]
        for x in inputs:
            values.extend(x)
        for n in numbers:
            if isinstance(n, list):
                values.extend(n)
            else:
                values.append(n)
        objective, grads, reported = compiled.run(values)
        self.grads = grads[: len(self.params)]
        count = len(inputs)
        losses = reported[1 : 1 + count]
        scores = reported[1 + count :]
        return objective, reported[0], losses, _regroup(scores, count, self.listed)

    def _compile(
        self, inputs: Sequence[Sequence[float]], numbers: list[float | list[float]]
    ) -> Compiled:
        """The batch's graph with leaves for its numbers, built as ``DynamicStep`` builds it."""
        xs = [[Value(float(v)) for v in x] for x in inputs]
        outputs = [self.model(x) for x in xs]
        self.listed = isinstance(outputs[0], list)
        label_leaves: list[Value] = []
        losses = []
        for output, target in zip(outputs, numbers):
            # A leaf for each number of the target; its value comes with each batch.
            leaves: Value | list[Value]
            if isinstance(target, list):
                leaves = [Value(0.0) for _ in target]
                label_leaves.extend(leaves)
            else:
                leaves = Value(0.0)
                label_leaves.append(leaves)
            losses.append(self.form.build(output, leaves))
        data_loss = mean(losses)
        objective = data_loss + l2_penalty(self.params, self.l2) if self.l2 else data_loss
        reported = [o for out in outputs for o in (out if isinstance(out, list) else [out])]
        return compile(
            objective,
            [*self.params, *(v for x in xs for v in x), *label_leaves],
            outputs=[data_loss, *losses, *reported],
        )


def _regroup(values: list[float], examples: int, listed: bool) -> list[float | list[float]]:
    """Per-example outputs again, as the model gave them: a float each, or a list."""
    if not listed:
        return list(values)
    size = len(values) // examples
    return [values[k : k + size] for k in range(0, len(values), size)]


def output_count(model: Module) -> int:
    """How many numbers nn's model gives for one example."""
    if isinstance(model, MLP):
        return model.sizes[-1]
    if isinstance(model, Layer):
        return model.nout
    return 1


def can_compile(model: Module, loss_fn: Loss) -> bool:
    """Whether this model and loss build graphs whose shape never depends on values."""
    return (
        type(model) in (MLP, Layer, Neuron)
        and loss_fn in FIXED_SHAPE
        and is_grad_enabled()
        and not is_anomaly_detection_enabled()
    )


def training_step(
    model: Module, loss_fn: Loss, l2: float, classify: bool, compiled: bool = True
) -> DynamicStep | CompiledStep:
    """The compiled step where ``compiled`` and ``can_compile`` allow it, else the dynamic one."""
    if compiled and can_compile(model, loss_fn):
        return CompiledStep(model, loss_fn, l2, classify)
    return DynamicStep(model, loss_fn, l2, classify)
