"""sweepgrad's neural networks, built from ``engine.Value``s.

Built on the public ``engine`` package only (``from engine import ...``);
the core never imports ``nn``, and ``nn`` never imports the app. The
lecture's networks and their training, with PyTorch's names:

- ``Module`` (``model(x)``, ``parameters``, ``zero_grad``, ``state_dict``,
  ``save``/``load``), ``Neuron``, ``Layer``, ``MLP`` and activations by name
  (``nn.module``, ``nn.layers``, ``nn.activations``);
- losses (squared, hinge, logistic, softmax cross-entropy, L2 penalty) and
  ``accuracy`` (``nn.losses``, ``nn.metrics``);
- ``SGD`` and ``Adam`` (``nn.optim``);
- seeded toy datasets, a train/test split and ``Minibatches`` (``nn.data``),
  the handwritten digits (``nn.handwritten_digits``, shipped in ``nn/data_files``), all
  by name in ``DATASETS`` (``nn.datasets``); first names for a character
  model (``nn.text``);
- a tiny character-level GPT (``nn.gpt``) and its step, built or compiled
  per name length (``nn.gpt_step``);
- ``fit`` (``nn.fitting``, with its compiled step in ``nn.compiled_step``) and
  ``evaluate`` (``nn.evaluation``); argument checks (``nn.argument_checks``);
- plots (``nn.plots``, loaded on first use: it needs matplotlib);
- the matrix-form δ recursion in numpy, as a reference (``nn.matrix_form``,
  loaded on first use: it needs numpy).

The registries ``ACTIVATIONS``, ``LOSSES``, ``OPTIMIZERS`` and ``DATASETS``
map names to the functions and classes; the command line offers their keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import __version__  # nn is released with the engine, under one version
from nn.activations import ACTIVATIONS, get_activation
from nn.data import (
    Dataset,
    Minibatches,
    blobs,
    circles,
    moons,
    regression_1d,
    spirals,
    train_test_split,
    xor,
)
from nn.datasets import DATASETS
from nn.evaluation import evaluate
from nn.fitting import History, TrainingDiverged, fit
from nn.gpt import GPT
from nn.gpt_step import NameStep
from nn.handwritten_digits import digits
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    LOSSES,
    hinge,
    l2_penalty,
    log_sum_exp,
    logistic,
    mean,
    mean_squared_error,
    signed_label,
    softmax,
    softmax_cross_entropy,
    squared_error,
)
from nn.metrics import accuracy, confusion_matrix, predicted_class
from nn.module import Module
from nn.optim import OPTIMIZERS, SGD, Adam, Optimizer
from nn.text import Characters, names

if TYPE_CHECKING:
    from nn import matrix_form, plots

__all__ = [
    "__version__",
    "ACTIVATIONS",
    "DATASETS",
    "GPT",
    "LOSSES",
    "MLP",
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Characters",
    "Dataset",
    "History",
    "Layer",
    "Minibatches",
    "Module",
    "NameStep",
    "Neuron",
    "Optimizer",
    "TrainingDiverged",
    "accuracy",
    "blobs",
    "circles",
    "confusion_matrix",
    "digits",
    "evaluate",
    "fit",
    "get_activation",
    "hinge",
    "l2_penalty",
    "log_sum_exp",
    "logistic",
    "matrix_form",
    "mean",
    "mean_squared_error",
    "moons",
    "names",
    "plots",
    "predicted_class",
    "regression_1d",
    "signed_label",
    "softmax",
    "softmax_cross_entropy",
    "spirals",
    "squared_error",
    "train_test_split",
    "xor",
]

# Submodules with heavy dependencies, imported when first used.
_LAZY_MODULES = ("plots", "matrix_form")


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"nn.{name}")
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
