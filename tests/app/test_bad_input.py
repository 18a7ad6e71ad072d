"""Bad input to the command line and to ``fit``: a clear message, before any work.

The CLI prints one line naming what is wrong and exits with 2 (1 when training
diverges), never a traceback.
"""

from __future__ import annotations

import math
import time

import pytest

import nn
from engine import Value
from engine.app.cli import main
from engine.drawing import GraphTooLargeError, draw
from engine.examples import tanh_chain


@pytest.mark.parametrize(("argv", "message"), [
    (["draw", "1" + "0" * 400 + "*x", "--set", "x=1"], "has 401 digits, too large for a float"),
    (["draw", "x", "--set", "x=1", "--number-format", "100000000"],
     "asks for 100000000 characters"),
    (["draw", "tanh(" * 40 + "x" + ")" * 40, "--set", "x=1"], None),
    (["train", "--lr", "0", "--epochs", "1"], "lr(0) (the schedule's learning rate) must be > 0"),
    (["train", "--dataset", "blobs", "--classes", "1"], "classes must be an int >= 2"),
    (["train", "--out", "/proc/no-such-folder", "--epochs", "1"], "--out /proc/no-such-folder"),
])
def test_bad_arguments_are_one_line_and_exit_code_2(argv, message, capsys, tmp_path):
    if argv[0] == "draw":
        argv = [*argv, "-o", str(tmp_path / "g.svg")]
    code = main(argv)
    err = capsys.readouterr().err
    if message is None:  # a deep but fine expression draws
        assert code == 0, err
        return
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_argument_errors_come_before_any_training(capsys, tmp_path):
    started = time.perf_counter()
    assert main(["train", "--out", "/proc/nope", "--epochs", "200"]) == 2
    assert time.perf_counter() - started < 5


def test_a_diverging_run_exits_with_1_and_says_at_which_step(capsys, tmp_path):
    code = main(["train", "--lr", "1e6", "--epochs", "2", "--quiet", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "training diverged: the loss is" in err and "at step" in err
    state = (tmp_path / "moons_model.json").read_text()
    assert "NaN" not in state and "Infinity" not in state


@pytest.mark.parametrize(("options", "message"), [
    ({"test_data": nn.Dataset([], [], 2)}, "test_data is empty"),
    ({"l2": "x"}, "l2 must be a penalty coefficient"),
    ({"epochs": 2.5}, "epochs must be an int"),
    ({"on_divergence": "ignore"}, "on_divergence must be one of"),
    ({"compile": "yes"}, "compile must be True or False"),
])
def test_fit_checks_its_arguments_first(options, message):
    model = nn.MLP(2, [2, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises((TypeError, ValueError), match=message):
        nn.fit(model, nn.moons(10, seed=0), quiet=True, **options)
    assert [p.data for p in model.parameters()] == before


def test_a_schedule_that_starts_at_zero_is_refused_when_the_optimizer_is_made():
    with pytest.raises(ValueError, match=r"lr\(0\)"):
        nn.SGD([Value(1.0)], lr=lambda step: 0.0)


def test_a_long_shared_chain_is_refused_with_the_span_and_the_way_out():
    root, _ = tanh_chain(40)
    with pytest.raises(GraphTooLargeError, match="used 40 times") as error:
        draw(root)
    assert "max_shared_span=" in str(error.value) and "collapse=" in str(error.value)
    assert draw(tanh_chain(8)[0]).source  # a short chain draws


def test_labels_are_shortened_in_drawings():
    x = Value(1.0, label="x" * 20_000)
    source = draw(x * 2.0).source
    assert "x" * 199 + "…" in source and "x" * 201 not in source


def test_the_graph_keeps_the_local_derivatives_it_was_built_with():
    # Documented in docs/engine.md: change x.data, rebuild the graph.
    x = Value(3.0)
    y = x * x
    x.data = 5.0
    y.backward()
    assert x.grad == 6.0
    x.grad = 0.0
    (x * x).backward()
    assert x.grad == 10.0 and not math.isnan(x.grad)
