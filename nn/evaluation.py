"""``evaluate``: a model's mean loss and accuracy on a dataset, building no graph.

The test figures of ``fit``'s history come from here (or, on the compiled
path, from the compiled step, which gives the same numbers: see
``nn.compiled_step``).
"""

from __future__ import annotations

from engine import gc_paused, no_grad
from nn.data import Dataset
from nn.losses import Loss, get_loss
from nn.metrics import is_correct
from nn.module import Module


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
