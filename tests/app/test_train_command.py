"""``sweepgrad train``: training from the command line, its plots and model file."""

import json

from PIL import Image

from engine.app.cli import main
from nn import MLP


def test_train_command_writes_plots_and_model(tmp_path, capsys):
    code = main(["train", "--dataset", "blobs", "--n", "60", "--hidden", "6", "--epochs", "3",
                 "--quiet", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "loss cross_entropy" in out and "MLP(2, [6, 3]" in out
    assert Image.open(tmp_path / "blobs_decision_boundary.png").format == "PNG"
    assert Image.open(tmp_path / "blobs_loss_curve.png").format == "PNG"
    state = json.loads((tmp_path / "blobs_model.json").read_text())["state"]
    model = MLP(2, [6, 3], seed=0)
    model.load_state_dict(state)  # the saved shapes are the model's
    assert main(["train", "--dataset", "spirals", "--loss", "hinge", "--out", str(tmp_path)]) == 2
    assert "needs two classes" in capsys.readouterr().err


def test_train_command_on_the_digits(tmp_path, capsys):
    code = main(["train", "--dataset", "digits", "--n", "120", "--hidden", "8", "--epochs", "2",
                 "--optimizer", "adam", "--lr", "0.01", "--quiet", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "MLP(64, [8, 10]" in out and "loss cross_entropy" in out and "90 examples" in out
    assert (tmp_path / "digits_loss_curve.png").exists()
    assert not (tmp_path / "digits_decision_boundary.png").exists()  # 64-D: no regions to draw
    assert main(["train", "--dataset", "digits", "--noise", "0.1", "--out", str(tmp_path)]) == 2
    assert "--noise applies to the generated datasets" in capsys.readouterr().err
