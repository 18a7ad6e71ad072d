"""sweepgrad's neural networks, built from ``engine.Value``s.

The lecture's networks and their training, with PyTorch's names:

- ``Module`` (``parameters``, ``zero_grad``, ``state_dict``, ``save``/``load``),
  ``Neuron``, ``Layer``, ``MLP`` and activations by name (``nn.layers``,
  ``nn.activations``);
- losses (squared, hinge, logistic, softmax cross-entropy, L2 penalty) and
  ``accuracy`` (``nn.losses``, ``nn.metrics``);
- ``SGD`` and ``Adam`` (``nn.optim``);
- seeded toy datasets, a train/test split and ``Minibatches`` (``nn.data``);
- ``fit`` and ``evaluate`` (``nn.train``), plots (``nn.plots``);
- the matrix-form δ recursion in numpy, as a reference (``nn.matrix_form``).
"""

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
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    hinge,
    l2_penalty,
    log_sum_exp,
    logistic,
    mean,
    mean_squared_error,
    softmax,
    softmax_cross_entropy,
    squared_error,
)
from nn.metrics import accuracy, predicted_class
from nn.module import Module
from nn.optim import SGD, Adam, Optimizer
from nn.train import History, evaluate, fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "Dataset",
    "History",
    "Layer",
    "Minibatches",
    "Module",
    "Neuron",
    "Optimizer",
    "accuracy",
    "blobs",
    "circles",
    "evaluate",
    "fit",
    "get_activation",
    "hinge",
    "l2_penalty",
    "log_sum_exp",
    "logistic",
    "mean",
    "mean_squared_error",
    "moons",
    "predicted_class",
    "regression_1d",
    "softmax",
    "softmax_cross_entropy",
    "spirals",
    "squared_error",
    "train_test_split",
    "xor",
]
