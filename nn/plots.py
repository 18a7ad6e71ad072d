"""Plots of training: the loss curve, a 2-D decision boundary, and for images a grid
of them with their predictions and a confusion matrix.

Each function returns a matplotlib ``Figure``; Jupyter shows it inline (it
has a ``_repr_png_``), and it is written to a file only when ``path=`` is
given (``figure.savefig`` works too). matplotlib is imported only when a plot
is drawn (``pip install 'sweepgrad[plot]'``), through
``matplotlib.figure.Figure`` rather than pyplot, so no global figure state or
GUI backend is involved and a figure is never shown twice. The decision
boundary evaluates the model on a grid under ``no_grad()``: thousands of
forward passes that build no graph.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from engine import arguments, extras, gc_paused, no_grad
from nn.data import Dataset
from nn.fitting import History
from nn.metrics import predicted_class
from nn.module import Module

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Points in strong colours, the regions they predict in light ones.
POINT_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
REGION_COLORS = ("#aec7e8", "#ff9896", "#98df8a", "#c5b0d5", "#ffbb78", "#c49c94")


DPI = 100  # 6 inches wide is 600 pixels: it fits a notebook's column


def _figure(width: float = 6.0, height: float = 4.5) -> Figure:
    extras.require("matplotlib", "plotting")
    from matplotlib.figure import Figure

    figure = _inline_class(Figure)(figsize=(width, height), dpi=DPI)
    figure.set_layout_engine("tight")
    return figure


@cache
def _inline_class(figure_class: type[Figure]) -> type[Figure]:
    """``Figure`` with a PNG representation, so Jupyter shows it without pyplot."""

    class InlineFigure(figure_class):  # type: ignore[valid-type,misc]
        """A matplotlib ``Figure`` that Jupyter displays as a PNG."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=DPI)
            return buffer.getvalue()

    return InlineFigure


def decision_grid(
    model: Module,
    bounds: tuple[float, float, float, float],
    resolution: int = 60,
) -> tuple[list[float], list[float], list[list[int]]]:
    """(xs, ys, classes): the predicted class at each grid point, classes[row = y][col = x].

    ``bounds`` is (x_min, x_max, y_min, y_max); evaluated under ``no_grad()``.
    """
    resolution = arguments.integer(resolution, "resolution", minimum=2, what="an int >= 2")
    x_min, x_max, y_min, y_max = bounds
    xs = [x_min + (x_max - x_min) * i / (resolution - 1) for i in range(resolution)]
    ys = [y_min + (y_max - y_min) * i / (resolution - 1) for i in range(resolution)]
    with no_grad(), gc_paused():
        classes = [[predicted_class(model([x, y])) for x in xs] for y in ys]
    return xs, ys, classes


def data_bounds(data: Dataset, margin: float = 0.25) -> tuple[float, float, float, float]:
    """The box around the inputs, widened by ``margin`` times its size on each side."""
    if not data.inputs or len(data.inputs[0]) != 2:
        raise ValueError("a decision boundary needs a dataset of 2-D inputs")
    xs = [p[0] for p in data.inputs]
    ys = [p[1] for p in data.inputs]
    dx = (max(xs) - min(xs)) * margin or 1.0
    dy = (max(ys) - min(ys)) * margin or 1.0
    return min(xs) - dx, max(xs) + dx, min(ys) - dy, max(ys) + dy


def plot_decision_boundary(
    model: Module,
    data: Dataset,
    *,
    path: str | Path | None = None,
    resolution: int = 60,
    title: str | None = None,
) -> Figure:
    """The regions each class is predicted in, with the data on top (saved to ``path`` if given).
    """
    from matplotlib.colors import ListedColormap

    figure = _figure(5.5, 5.0)
    axes = figure.add_subplot()
    bounds = data_bounds(data)
    xs, ys, classes = decision_grid(model, bounds, resolution)
    k = max(data.num_classes or 2, 1 + max(max(row) for row in classes))
    regions = ListedColormap(REGION_COLORS[:k])
    axes.pcolormesh(xs, ys, classes, cmap=regions, vmin=-0.5, vmax=k - 0.5, shading="nearest")
    for label in range(k):
        points = [p for p, y in zip(data.inputs, data.targets, strict=True) if y == label]
        if points:
            axes.scatter(
                [p[0] for p in points], [p[1] for p in points], s=18,
                color=POINT_COLORS[label % len(POINT_COLORS)], edgecolors="black",
                linewidths=0.4, label=f"class {label}",
            )
    axes.set_xlim(bounds[0], bounds[1])
    axes.set_ylim(bounds[2], bounds[3])
    axes.set_title(title or f"decision regions of {type(model).__name__}")
    axes.legend(loc="upper right", fontsize="small")
    return _save(figure, path)


def plot_loss_curve(
    history: History, *, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """Loss per epoch (train, and test when present), accuracy on a second axis.

    Saved to ``path`` (PNG, or any format by its suffix) when given.
    """
    if not history.train_loss:
        raise ValueError("the history has no epochs to plot: train for at least one epoch")
    figure = _figure()
    from matplotlib.ticker import MaxNLocator  # after _figure: it explains a missing matplotlib

    axes = figure.add_subplot()
    epochs = list(range(1, history.epochs + 1))
    axes.plot(epochs, history.train_loss, color=POINT_COLORS[0], label="train loss")
    if history.test_loss:
        axes.plot(epochs, history.test_loss, color=POINT_COLORS[1], label="test loss")
    axes.set_xlabel("epoch")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("loss")
    handles, labels = axes.get_legend_handles_labels()
    if history.train_accuracy:
        accuracy_axes = axes.twinx()
        _plot_dashed(accuracy_axes, epochs, history.train_accuracy, POINT_COLORS[0], "train acc")
        if history.test_accuracy:
            _plot_dashed(accuracy_axes, epochs, history.test_accuracy, POINT_COLORS[1], "test acc")
        accuracy_axes.set_ylabel("accuracy")
        accuracy_axes.set_ylim(0.0, 1.02)
        more_handles, more_labels = accuracy_axes.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    axes.legend(handles, labels, loc="center right", fontsize="small")
    axes.set_title(title or "training")
    return _save(figure, path)


def plot_image_grid(
    images: Sequence[Sequence[Sequence[float]]],
    labels: Sequence[int],
    predictions: Sequence[int],
    *,
    columns: int = 10,
    path: str | Path | None = None,
    title: str | None = None,
) -> Figure:
    """Small grey images in a grid, each titled with its prediction (red where it is wrong)."""
    count = len(images)
    if count == 0 or len(labels) != count or len(predictions) != count:
        raise ValueError(f"plot_image_grid: give as many labels and predictions as images "
                         f"(at least one); got {count}, {len(labels)}, {len(predictions)}")
    columns = arguments.integer(columns, "columns", minimum=1)
    rows = -(-count // columns)
    figure = _figure(min(9.5, 0.95 * columns), 1.1 * rows + 0.4)
    for k, (picture, label, predicted) in enumerate(zip(images, labels, predictions)):
        axes = figure.add_subplot(rows, columns, k + 1)
        axes.imshow(picture, cmap="gray_r", vmin=0.0, vmax=1.0)
        wrong = predicted != label
        axes.set_title(f"{predicted}" + (f" ({label})" if wrong else ""), fontsize=9,
                       color="#d62728" if wrong else "black")
        axes.set_xticks([])
        axes.set_yticks([])
    figure.suptitle(title or "predicted (true label where wrong)", fontsize=10)
    return _save(figure, path)


def plot_confusion_matrix(
    matrix: Sequence[Sequence[int]], *, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """``matrix[true][predicted]`` as a heat map, each count written in its cell."""
    classes = len(matrix)
    figure = _figure(5.5, 5.0)
    axes = figure.add_subplot()
    axes.imshow(matrix, cmap="Blues")
    largest = max(max(row) for row in matrix) or 1
    for true in range(classes):
        for predicted in range(classes):
            count = matrix[true][predicted]
            axes.text(predicted, true, str(count), ha="center", va="center", fontsize=8,
                      color="white" if count > largest / 2 else "black")
    axes.set_xticks(range(classes))
    axes.set_yticks(range(classes))
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title(title or "confusion matrix (rows: true, columns: predicted)")
    return _save(figure, path)


def plot_running_loss(
    losses: Sequence[float], *, window: int = 50, path: str | Path | None = None,
    title: str | None = None,
) -> Figure:
    """Every step's loss (faint) and its mean over the last ``window`` steps."""
    if not losses:
        raise ValueError("plot_running_loss needs at least one loss")
    window = arguments.integer(window, "window", minimum=1)
    figure = _figure(6.0, 3.5)
    axes = figure.add_subplot()
    steps = list(range(1, len(losses) + 1))
    axes.plot(steps, losses, color=REGION_COLORS[0], linewidth=0.6, label="a step's loss")
    running, total = [], 0.0
    for k, loss in enumerate(losses):
        total += loss - (losses[k - window] if k >= window else 0.0)
        running.append(total / min(k + 1, window))
    axes.plot(steps, running, color=POINT_COLORS[0], label=f"mean of the last {window}")
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.legend(loc="upper right", fontsize="small")
    axes.set_title(title or "training loss")
    return _save(figure, path)


def plot_timings(
    seconds: dict[str, float], *, path: str | Path | None = None, title: str | None = None
) -> Figure:
    """Horizontal bars, one per entry (``{"dynamic": 1.3, "compiled": 0.04}``), each labelled."""
    if not seconds:
        raise ValueError("plot_timings needs at least one timing")
    figure = _figure(6.0, 0.5 + 0.45 * len(seconds))
    axes = figure.add_subplot()
    names = list(seconds)
    axes.barh(names, [seconds[n] for n in names], color=POINT_COLORS[: len(names)])
    for k, name in enumerate(names):
        axes.text(seconds[name], k, f" {seconds[name]:.3g} s", va="center", fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0.0, 1.25 * max(seconds.values()))
    axes.set_xlabel("seconds")
    axes.set_title(title or "time taken")
    return _save(figure, path)


def _plot_dashed(
    axes: Axes, epochs: Sequence[int], values: Sequence[float], color: str, label: str
) -> None:
    axes.plot(epochs, values, color=color, linestyle="--", label=label)


def _save(figure: Figure, path: str | Path | None) -> Figure:
    """``figure``, written to ``path`` first when one is given."""
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=DPI)
    return figure
