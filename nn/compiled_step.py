"""One training step of ``fit``, built afresh each time or replayed by ``engine.compile``.

A step takes a batch and returns the objective's value, the data loss and the
number of examples classified correctly; ``update`` then zeroes the
gradients, puts ∇θ L on the parameters and lets the optimizer step;
``evaluate`` gives ``nn.evaluate``'s figures on a test set.

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
compiled code), with the hinge or squared loss (the logistic loss chooses
its formula from the score, cross-entropy's shift and the class it picks
depend on the batch). With any other model or loss, or under
``detect_anomaly()``, ``fit`` builds the graph every step.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import Compiled, Value, compile, is_anomaly_detection_enabled, is_grad_enabled
from nn.data import Dataset
from nn.evaluation import evaluate
from nn.layers import MLP, Layer, Neuron
from nn.losses import Loss, hinge, l2_penalty, mean, signed_hinge, signed_label, squared_error
from nn.metrics import is_correct
from nn.module import Module
from nn.optim import Optimizer

Step = tuple[float, float, int]  # (objective, data loss, correct)


class DynamicStep:
    """Build the batch's graph, then sweep it backward."""

    def __init__(self, model: Module, loss_fn: Loss, l2: float, classify: bool) -> None:
        self.model, self.loss_fn, self.l2, self.classify = model, loss_fn, l2, classify
        self.params = model.parameters()
        self.objective: Value | None = None

    def forward(self, inputs: Sequence[Sequence[float]], targets: Sequence) -> Step:
        """A batch's objective (mean loss plus penalty), its data loss and the number correct."""
        outputs = [self.model(x) for x in inputs]
        data_loss = mean([self.loss_fn(o, y) for o, y in zip(outputs, targets)])
        objective = data_loss + l2_penalty(self.params, self.l2) if self.l2 else data_loss
        correct = (
            sum(is_correct(o, y) for o, y in zip(outputs, targets)) if self.classify else 0
        )
        self.objective = objective
        return objective.data, data_loss.data, correct

    def update(self, optimizer: Optimizer) -> None:
        """Zero the gradients, sweep backward once, step."""
        assert self.objective is not None, "forward comes first"
        optimizer.zero_grad()
        self.objective.backward()
        optimizer.step()

    def evaluate(self, data: Dataset) -> tuple[float, float | None]:
        """(mean loss, accuracy) on ``data``: ``nn.evaluate``."""
        return evaluate(self.model, data, self.loss_fn)


class CompiledStep:
    """The batch's graph compiled once per batch size (and shape of targets), then replayed."""

    def __init__(self, model: Module, loss_fn: Loss, l2: float, classify: bool) -> None:
        self.model, self.loss_fn, self.l2, self.classify = model, loss_fn, l2, classify
        self.params = model.parameters()
        self.compiled: dict[tuple, Compiled] = {}
        self.listed = False  # whether the model returns a list of Values (a Layer does)
        self.grads: list[float] = []

    def forward(self, inputs: Sequence[Sequence[float]], targets: Sequence) -> Step:
        objective, data_loss, _, outputs = self._run(inputs, targets)
        correct = sum(is_correct(o, y) for o, y in zip(outputs, targets)) if self.classify else 0
        return objective, data_loss, correct

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
        self, inputs: Sequence[Sequence[float]], targets: Sequence
    ) -> tuple[float, float, list[float], list[float | list[float]]]:
        """Objective, data loss, each example's loss and output, by the compiled function."""
        shape = tuple(len(t) if isinstance(t, Sequence) else -1 for t in targets)
        compiled = self.compiled.get(shape)
        if compiled is None:
            compiled = self.compiled[shape] = self._compile(inputs, targets)
        labels = [signed_label(y) for y in targets] if self.loss_fn is hinge else [
            v for t in targets for v in (t if isinstance(t, Sequence) else (t,))
        ]
        values = [p.data for p in self.params]
        for x in inputs:
            values.extend(x)
        values.extend(labels)
        objective, grads, reported = compiled.run(values)
        self.grads = grads[: len(self.params)]
        count = len(inputs)
        losses = reported[1 : 1 + count]
        scores = reported[1 + count :]
        return objective, reported[0], losses, _regroup(scores, count, self.listed)

    def update(self, optimizer: Optimizer) -> None:
        """Zero the gradients, add the compiled ∇θ L as ``backward()`` would, step.

        As with ``backward()``, an interruption while the gradients are written
        leaves every parameter's gradient as it was.
        """
        optimizer.zero_grad()
        params = self.params
        before = [p.grad for p in params]
        try:
            for p, g in zip(params, self.grads):
                p.grad = p.grad + g  # what backward() does: the previous value, plus the total
        except BaseException:
            for p, previous in zip(params, before):
                p.grad = previous
            raise
        optimizer.step()

    def _compile(self, inputs: Sequence[Sequence[float]], targets: Sequence) -> Compiled:
        """The batch's graph with leaves for its numbers, built as ``DynamicStep`` builds it."""
        xs = [[Value(float(v)) for v in x] for x in inputs]
        outputs = [self.model(x) for x in xs]
        self.listed = isinstance(outputs[0], list)
        label_leaves: list[Value] = []
        losses = []
        for output, target in zip(outputs, targets):
            # A leaf for each number of the label; its value comes with each batch.
            if self.loss_fn is hinge:
                y = Value(0.0)
                label_leaves.append(y)
                losses.append(signed_hinge(output, y))
            elif isinstance(target, Sequence):
                ys = [Value(0.0) for _ in target]
                label_leaves.extend(ys)
                losses.append(squared_error(output, ys))
            else:
                y = Value(0.0)
                label_leaves.append(y)
                losses.append(squared_error(output, y))
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


def can_compile(model: Module, loss_fn: Loss) -> bool:
    """Whether this model and loss build graphs whose shape never depends on values."""
    return (
        type(model) in (MLP, Layer, Neuron)
        and (loss_fn is hinge or loss_fn is squared_error)
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
