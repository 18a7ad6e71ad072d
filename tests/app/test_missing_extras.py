"""Without the ``plot`` extra (matplotlib, Pillow): commands that can go on leave
the plots out and name the extra; features that cannot say so in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import extras
from tests.helpers.drawings import needs_dot

HINT = "pip install 'sweepgrad[plot]'"


def without(*modules: str) -> str:
    """Python that runs the command line with ``modules`` impossible to import."""
    hidden = "".join(f"sys.modules[{name!r}] = None; " for name in modules)
    return f"import sys; {hidden}from engine.app.cli import main; sys.exit(main(sys.argv[1:]))"


def test_available_and_require_name_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    assert not extras.available("PIL") and extras.available("matplotlib")
    with pytest.raises(extras.MissingExtra, match=r"^a GIF needs Pillow: pip install "
                                                   r"'sweepgrad\[plot\]'$"):
        extras.require("PIL", "a GIF")


def test_train_without_matplotlib_says_so_first_then_trains_and_saves(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", without("matplotlib"), "train", "--dataset", "blobs", "--n", "60",
         "--hidden", "6", "--epochs", "2", "--quiet", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and HINT in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blobs_model.json"]
    assert "parameters: " in result.stdout and "test loss" in result.stdout


@needs_dot
def test_a_gif_without_pillow_is_one_line_naming_the_extra(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", without("PIL"), "draw", "tanh(x*w)", "--set", "x=2", "--set",
         "w=-3", "-o", str(tmp_path / "g.svg"), "--steps", str(tmp_path / "g.gif")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert result.stderr == f"sweepgrad draw: a GIF of the sweep needs Pillow: {HINT}\n"
    assert not (tmp_path / "g.gif").exists()


def test_plots_without_matplotlib_raise_the_one_line_error(monkeypatch):
    from nn.fitting import History
    from nn.plots import plot_loss_curve

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(extras.MissingExtra, match=r"^plotting needs matplotlib: pip install"):
        plot_loss_curve(History(train_loss=[1.0, 0.5]))


@needs_dot
def test_the_demo_leaves_out_what_needs_the_plot_extra(tmp_path: Path, monkeypatch, capsys):
    from engine.app.demonstration import drawings, training_section

    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert [p.name for p in drawings(tmp_path)] == ["neuron.svg", "mlp_neurons.svg",
                                                    "mlp_layers.svg"]
    assert training_section(tmp_path) == []
    out = capsys.readouterr().out
    assert f"the sweep as a GIF needs Pillow: {HINT}" in out
    assert f"plots need matplotlib: {HINT}" in out
    assert "test loss" in out
