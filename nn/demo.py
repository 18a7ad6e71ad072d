"""The ``nn`` part of ``sweepgrad demo``: train on two moons and draw the result.

MLP(2, [16, 16, 1]) with ReLU, hinge loss with a 1e-4 L2 penalty, minibatch
SGD (batches of 10, learning rate decaying from 0.5 to 0.05) on 225 of 300
moons points, 75 held out; prints the history and saves the decision
regions and the loss curve as PNGs.
"""

from __future__ import annotations

from pathlib import Path

from nn.data import moons, train_test_split
from nn.layers import MLP
from nn.optim import SGD
from nn.plots import plot_decision_boundary, plot_loss_curve
from nn.train import History, fit

EPOCHS = 20


def train_moons(epochs: int = EPOCHS, quiet: bool = False, seed: int = 0) -> tuple[MLP, History]:
    """The demo's training run; returns the model and its history."""
    train, test = train_test_split(moons(300, noise=0.1, seed=seed), 0.25, seed=seed)
    model = MLP(2, [16, 16, 1], seed=seed)
    steps = epochs * -(-len(train) // 10)
    optimizer = SGD(model.parameters(), lr=lambda k: 0.5 - 0.45 * k / steps)
    history = fit(
        model, train, loss="hinge", optimizer=optimizer, epochs=epochs, batch_size=10,
        test_data=test, l2=1e-4, seed=seed, quiet=quiet, description="moons",
    )
    return model, history


def demo_section(out_dir: Path) -> None:
    """Train on moons with a progress bar, print the history, save two PNGs in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    print("== Training MLP(2, [16, 16, 1]) on two moons (hinge loss, minibatch SGD)")
    model, history = train_moons()
    print(model)
    print(history.summary())
    data = moons(300, noise=0.1, seed=0)
    boundary = plot_decision_boundary(
        model, data, out_dir / "moons_decision_boundary.png",
        title=f"two moons: test accuracy {history.test_accuracy[-1]:.1%}",
    )
    curve = plot_loss_curve(history, out_dir / "moons_loss_curve.png")
    print(f"decision boundary drawn to {boundary}")
    print(f"loss curve drawn to {curve}")
