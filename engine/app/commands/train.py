"""``sweepgrad train``: train an MLP on a dataset of nn's and draw what it learnt.

    sweepgrad train --dataset moons --hidden 16,16 --epochs 20 --batch-size 10
    sweepgrad train --dataset digits --hidden 32 --optimizer adam --lr 0.01 --batch-size 32

prints the history, and writes the trained parameters (JSON), the loss curve
and the decision regions (for 2-D classification sets) to ``--out``; without
matplotlib it says which extra to install and leaves the plots out.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import nn
from engine import extras


def _hidden_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden takes comma-separated widths such as 16,16, got {text!r}"
        ) from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"--hidden widths must be positive, got {text!r}")
    return sizes


DEFAULT_EXAMPLES = 300


def default_loss(num_classes: int | None) -> str:
    """squared for regression, hinge for two classes, cross_entropy for more."""
    if num_classes is None:
        return "squared"
    return "hinge" if num_classes == 2 else "cross_entropy"


def run(args: argparse.Namespace) -> int:
    out_dir = writable_folder(args.out)
    plots = extras.available("matplotlib")
    if not plots:  # said before training, so nobody waits for what will not come
        hint = extras.install_hint("matplotlib")
        print(f"sweepgrad train: no plots without matplotlib ({hint}); the model is still saved",
              file=sys.stderr)

    maker: Callable[..., nn.Dataset] = nn.DATASETS[args.dataset]
    kwargs: dict[str, object] = {"seed": args.seed}
    if args.n is not None or args.dataset != "digits":  # all the digits unless asked
        kwargs["n"] = DEFAULT_EXAMPLES if args.n is None else args.n
    if args.noise is not None and args.dataset == "digits":
        raise ValueError("--noise applies to the generated datasets, not to digits")
    if args.noise is not None:
        kwargs["spread" if args.dataset == "blobs" else "noise"] = args.noise
    if args.classes is not None:
        if args.dataset not in ("blobs", "spirals"):
            raise ValueError("--classes applies only to --dataset blobs or spirals")
        kwargs["classes"] = args.classes
    data = maker(**kwargs)
    loss = args.loss or default_loss(data.num_classes)
    if loss in ("hinge", "logistic") and data.num_classes != 2:
        kind = f"{data.num_classes} classes" if data.num_classes else "real-valued targets"
        raise ValueError(
            f"--loss {loss} needs two classes; {args.dataset} has {kind}: "
            "use cross_entropy or squared"
        )
    if loss == "cross_entropy" and data.num_classes is None:
        raise ValueError("--loss cross_entropy needs class labels: use squared for regression_1d")
    outputs = data.num_classes if loss == "cross_entropy" and data.num_classes else 1
    train, test = nn.train_test_split(data, args.test_fraction, seed=args.seed)
    model = nn.MLP(len(data.inputs[0]), [*args.hidden, outputs], args.activation, seed=args.seed)
    optimizer: nn.Optimizer
    if args.optimizer == "adam":
        optimizer = nn.Adam(model.parameters(), lr=args.lr)
    else:
        batches_per_epoch = -(-len(train) // (args.batch_size or len(train)))
        steps = max(1, args.epochs * batches_per_epoch)
        lr = args.lr
        # Linear decay to a tenth of the starting rate over the run, when asked.
        schedule = (lambda k: lr * (1.0 - 0.9 * k / steps)) if args.decay else lr
        optimizer = nn.SGD(model.parameters(), lr=schedule, momentum=args.momentum)
    print(f"{model} on {train!r} (test: {len(test)} examples), loss {loss}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # said below, in one line
        history = nn.fit(
            model, train, loss=loss, optimizer=optimizer, epochs=args.epochs,
            batch_size=args.batch_size, test_data=test, l2=args.l2, seed=args.seed,
            quiet=args.quiet,
        )
    print(history.summary())
    print(f"parameters: {model.save(out_dir / f'{args.dataset}_model.json')}")
    if plots:
        write_plots(args.dataset, model, data, history, out_dir)
    if history.interrupted:
        return 130
    if history.stop_reason:
        print(f"sweepgrad train: training diverged: {history.stop_reason}", file=sys.stderr)
        return 1
    return 0


def write_plots(name: str, model: nn.MLP, data: nn.Dataset, history: nn.History,
                out_dir: Path) -> None:
    """The loss curve and, for two inputs and classes, the decision regions."""
    from nn.plots import plot_decision_boundary, plot_loss_curve

    if history.epochs:
        curve = out_dir / f"{name}_loss_curve.png"
        plot_loss_curve(history, path=curve)
        print(f"loss curve: {curve}")
    if data.num_classes is not None and len(data.inputs[0]) == 2:
        boundary = out_dir / f"{name}_decision_boundary.png"
        plot_decision_boundary(model, data, path=boundary)
        print(f"decision boundary: {boundary}")


def writable_folder(text: str) -> Path:
    """``--out`` as a folder that exists and takes files, checked before any training."""
    folder = Path(text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ValueError(f"--out {text}: cannot write there ({error.strerror or error})") from None
    return folder


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "train", help="train an MLP on a dataset (toy sets, digits); plot the loss and regions"
    )
    parser.add_argument("--dataset", choices=tuple(nn.DATASETS), default="moons")
    parser.add_argument(
        "--n", type=int, default=None,
        help=f"number of examples (default {DEFAULT_EXAMPLES}; all 1,797 for digits)",
    )
    parser.add_argument("--noise", type=float, default=None, help="noise (spread for blobs)")
    parser.add_argument("--classes", type=int, default=None, help="classes for blobs, spirals")
    parser.add_argument(
        "--hidden", type=_hidden_sizes, default=[16, 16], help="hidden widths (default 16,16)"
    )
    parser.add_argument("--activation", choices=tuple(nn.ACTIVATIONS), default="relu")
    parser.add_argument(
        "--loss", choices=tuple(nn.LOSSES), default=None,
        help="default: hinge for 2 classes, cross_entropy for more, squared for regression",
    )
    parser.add_argument("--optimizer", choices=tuple(nn.OPTIMIZERS), default="sgd")
    parser.add_argument("--lr", type=float, default=0.5, help="learning rate (default 0.5)")
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument(
        "--no-decay", dest="decay", action="store_false",
        help="keep the SGD learning rate constant (default: decay linearly to lr/10)",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--batch-size", type=int, default=10, help="minibatch size; 0 for full batch (default 10)"
    )
    parser.add_argument("--test-fraction", type=float, default=0.25)
    parser.add_argument("--l2", type=float, default=1e-4, help="L2 penalty coefficient")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--out", default="out", help="folder for the PNGs and the model JSON")
    parser.set_defaults(run=_run_checked)


def _run_checked(args: argparse.Namespace) -> int:
    if args.batch_size == 0:
        args.batch_size = None
    return run(args)
