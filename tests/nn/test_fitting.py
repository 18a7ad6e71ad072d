"""fit: the issue's training figures with fixed seeds, history, progress bar."""

import io

import pytest

import nn
from nn import MLP, SGD, Adam, blobs, evaluate, fit, moons, regression_1d, spirals, train_test_split


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_full_batch_moons_reaches_100_percent_within_100_steps():
    """MLP(2,[16,16,1]) ReLU, 100 moons (noise 0.1), hinge + 1e-4 L2, SGD η = 1 − 0.9k/100."""
    data = moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=lambda k: 1.0 - 0.9 * k / 100)
    history = fit(model, data, loss="hinge", optimizer=optimizer, epochs=100, l2=1e-4,
                  quiet=True)
    assert history.steps == 100
    first = history.train_accuracy.index(1.0)  # accuracy before step `first`
    assert first < 100
    assert history.train_accuracy[0] < 0.9  # it had to learn
    assert evaluate(model, data, "hinge")[1] == 1.0


def test_minibatch_moons_test_accuracy_at_least_97_percent():
    train, test = train_test_split(moons(300, noise=0.1, seed=0), 0.25, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    steps = 20 * 23
    optimizer = SGD(model.parameters(), lr=lambda k: 0.5 - 0.45 * k / steps)
    history = fit(model, train, loss="hinge", optimizer=optimizer, epochs=20, batch_size=10,
                  test_data=test, l2=1e-4, seed=0, quiet=True)
    assert history.steps == steps
    assert len(history.test_accuracy) == 20
    assert history.test_accuracy[-1] >= 0.97
    assert history.test_accuracy[-1] == evaluate(model, test, "hinge")[1]


def test_softmax_classifier_learns_three_spirals():
    train, test = train_test_split(spirals(300, classes=3, noise=0.2, seed=0), 0.25, seed=0)
    model = MLP(2, [16, 16, 3], seed=0)
    history = fit(model, train, loss="cross_entropy", optimizer=Adam(model.parameters(), 0.02),
                  epochs=30, batch_size=10, test_data=test, seed=0, quiet=True)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.test_accuracy[-1] >= 0.85  # chance is 1/3


def test_softmax_classifier_on_blobs():
    train, test = train_test_split(blobs(150, classes=3, seed=1), 0.3, seed=1)
    model = MLP(2, [8, 3], seed=1)
    history = fit(model, train, loss="cross_entropy", optimizer=SGD(model.parameters(), 0.1),
                  epochs=5, batch_size=10, test_data=test, seed=1, quiet=True)
    assert history.test_accuracy[-1] >= 0.95


def test_regression_loss_decreases_and_has_no_accuracy():
    data = regression_1d(40, noise=0.05, seed=0)
    model = MLP(1, [16, 1], activation="tanh", seed=0)
    history = fit(model, data, loss="squared", optimizer=Adam(model.parameters(), 0.05),
                  epochs=40, batch_size=10, quiet=True)
    assert history.train_accuracy == []
    assert history.train_loss[-1] < 0.2 * history.train_loss[0]


def test_progress_bar_shows_running_loss_and_accuracy(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SWEEPGRAD_PROGRESS", raising=False)
    data = moons(40, seed=0)
    model = MLP(2, [4, 1], seed=0)
    terminal = FakeTerminal()
    fit(model, data, epochs=2, batch_size=20, stream=terminal)
    text = terminal.getvalue()
    assert "4/4" in text and "epoch 2/2" in text and "loss " in text and "acc " in text
    quiet = FakeTerminal()
    fit(model, data, epochs=1, stream=quiet, quiet=True)
    assert quiet.getvalue() == ""
    pipe = io.StringIO()  # not a terminal: silent
    fit(model, data, epochs=1, stream=pipe)
    assert pipe.getvalue() == ""
    monkeypatch.setenv("CI", "true")  # a CI log, even on a pseudo-terminal: silent
    under_ci = FakeTerminal()
    fit(model, data, epochs=1, stream=under_ci)
    assert under_ci.getvalue() == ""


def test_history_figures_are_consistent():
    data = moons(30, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, data, epochs=3, batch_size=30, quiet=True)
    # Full batch: the epoch's loss is the single step's loss.
    assert history.train_loss == pytest.approx(history.step_loss, rel=1e-15)
    assert history.epochs == 3 and history.steps == 3
    assert "3 epochs, 3 steps" in history.summary()


def test_evaluate_builds_no_graph_and_fit_checks_arguments():
    data = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    loss, acc = evaluate(model, data, "logistic")
    assert loss > 0 and 0 <= acc <= 1
    assert [p.data for p in model.parameters()] == before
    with pytest.raises(ValueError, match="epochs must be an int >= 0"):
        fit(model, data, epochs=-1)
    with pytest.raises(ValueError, match="unknown loss 'mse'"):
        fit(model, data, loss="mse")


@pytest.mark.parametrize("loss", sorted(nn.LOSSES))
def test_a_models_loss_graph_and_fit_are_freed_by_reference_counting_alone(loss):
    import gc

    classes = 3 if loss == "cross_entropy" else 1
    data = nn.blobs(12, classes=3, seed=0) if classes == 3 else nn.moons(12, seed=0)

    def train(compile):
        model = nn.MLP(2, [5, classes], seed=0)
        graph = nn.mean([nn.LOSSES[loss](model(x), y) for x, y in zip(data.inputs, data.targets)])
        graph.backward()
        nn.fit(model, data, loss=loss, optimizer=nn.Adam(model.parameters(), lr=0.01),
               epochs=2, batch_size=5, test_data=data, quiet=True, compile=compile)
        return graph

    for compile in (False, True):
        train(compile)  # the first call imports what it needs: that garbage is not ours
        gc.collect()
        gc.disable()
        try:
            held = train(compile)
            assert held.data > 0.0  # the graph was there ...
            del held  # ... and dropping its root frees it: nothing is left in a cycle
            unreachable = gc.collect()
        finally:
            gc.enable()
        assert unreachable == 0, f"{unreachable} objects in reference cycles"
