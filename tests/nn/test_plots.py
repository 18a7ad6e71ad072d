"""nn.plots: Figures that show inline, saved only when asked; what was drawn."""

import builtins
import io
import sys

import pytest

from nn import MLP, fit, moons
from nn.plots import (
    POINT_COLORS,
    REGION_COLORS,
    decision_grid,
    plot_decision_boundary,
    plot_loss_curve,
)
from tests.helpers.images import share_of

Image = pytest.importorskip("PIL.Image")
pytest.importorskip("matplotlib")


def test_decision_grid_matches_model_and_builds_no_graph():
    model = MLP(2, [4, 1], seed=0)
    xs, ys, classes = decision_grid(model, (-1.0, 2.0, -1.0, 1.0), resolution=7)
    assert len(xs) == 7 and len(classes) == 7 and all(len(row) == 7 for row in classes)
    assert xs[0] == -1.0 and xs[-1] == 2.0
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            assert classes[j][i] == (1 if model([x, y]).data > 0 else 0)


def test_decision_boundary_png_shows_both_regions_and_points(tmp_path):
    data = moons(60, seed=0)
    model = MLP(2, [8, 1], seed=0)
    fit(model, data, epochs=15, batch_size=10, quiet=True)
    path = tmp_path / "boundary.png"
    plot_decision_boundary(model, data, path=path, resolution=30)
    image = Image.open(path)
    assert image.format == "PNG" and image.size == (550, 500)
    assert share_of(image, REGION_COLORS[0]) > 0.05
    assert share_of(image, REGION_COLORS[1]) > 0.05
    assert share_of(image, POINT_COLORS[0], tolerance=20) > 0.001


def test_decision_boundary_of_constant_model_has_one_region(tmp_path):
    model = MLP(2, [1], seed=0)
    model.layers[0].neurons[0].weights[0].data = 0.0
    model.layers[0].neurons[0].weights[1].data = 0.0
    model.layers[0].neurons[0].bias.data = -1.0  # always class 0
    figure = plot_decision_boundary(model, moons(20, seed=0), resolution=10)
    image = Image.open(io.BytesIO(figure._repr_png_()))
    assert share_of(image, REGION_COLORS[0]) > 0.3
    assert share_of(image, REGION_COLORS[1]) == 0.0


def test_loss_curve_png(tmp_path):
    data = moons(40, seed=0)
    history = fit(MLP(2, [4, 1], seed=0), data, epochs=3, test_data=data, quiet=True)
    path = tmp_path / "loss.png"
    plot_loss_curve(history, path=path)
    image = Image.open(path)
    assert image.size == (600, 450)
    assert share_of(image, POINT_COLORS[0], tolerance=30) > 0.0005
    assert share_of(image, POINT_COLORS[1], tolerance=30) > 0.0005
    with pytest.raises(ValueError, match="no epochs"):
        plot_loss_curve(fit(MLP(2, [1], seed=0), data, epochs=0, quiet=True))


def test_missing_matplotlib_is_a_clear_error(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    # engine.extras asks importlib whether matplotlib can be found, without importing it:
    # None in sys.modules is how Python marks a module as not to be imported.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    history = fit(MLP(2, [1], seed=0), moons(10, seed=0), epochs=1, quiet=True)
    with pytest.raises(ImportError, match=r"pip install 'sweepgrad\[plot\]'"):
        plot_loss_curve(history)


def test_plots_return_figures_that_jupyter_shows_and_save_only_with_a_path(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    monkeypatch.chdir(tmp_path)
    history = fit(MLP(2, [4, 1], seed=0), moons(20, seed=0), epochs=2, quiet=True)
    figure = plot_loss_curve(history, title="two epochs")
    assert isinstance(figure, Figure)
    assert list(tmp_path.iterdir()) == []  # nothing written without path=
    png = figure._repr_png_()  # what Jupyter displays inline
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size == (600, 450)
    assert figure.axes[0].get_title() == "two epochs"
    saved = plot_decision_boundary(MLP(2, [2, 1], seed=0), moons(20, seed=0), resolution=5,
                                   path=tmp_path / "sub" / "regions.svg")
    assert isinstance(saved, Figure)
    assert (tmp_path / "sub" / "regions.svg").read_text().lstrip().startswith("<?xml")


def test_the_image_grid_the_confusion_matrix_the_timings_and_the_running_loss():
    from nn.plots import plot_confusion_matrix, plot_image_grid, plot_running_loss, plot_timings

    pictures = [[[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], [[0.5, 0.5], [0.5, 0.5]]]
    grid = plot_image_grid(pictures, [3, 1, 4], [3, 7, 4], columns=2)
    titles = [axes.get_title() for axes in grid.axes]
    assert titles == ["3", "7 (1)", "4"]  # the wrong one shows its true label
    assert grid.axes[1].title.get_color() != grid.axes[0].title.get_color()
    with pytest.raises(ValueError, match="as many labels and predictions as images"):
        plot_image_grid(pictures, [3], [3, 7, 4])
    matrix = plot_confusion_matrix([[5, 1], [0, 7]])
    assert sorted(t.get_text() for t in matrix.axes[0].texts) == ["0", "1", "5", "7"]
    bars = plot_timings({"dynamic": 2.0, "compiled": 0.1})
    widths = sorted(patch.get_width() for patch in bars.axes[0].patches)
    assert widths == [0.1, 2.0] and any("2 s" in t.get_text() for t in bars.axes[0].texts)
    running = plot_running_loss([4.0, 2.0, 3.0, 1.0], window=2)
    lines = running.axes[0].get_lines()
    assert list(lines[1].get_ydata()) == [4.0, 3.0, 2.5, 2.0]  # the mean of the last two
