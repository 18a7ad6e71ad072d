"""Loading the classroom exercises (notebooks/exercises/) for their checks.

``SWEEPGRAD_EXERCISES`` picks the folder the exercise modules are loaded from:
``solutions`` (the default), ``starter``, any other folder under
notebooks/exercises/, or a path. See tests/exercises/test_stubs.py.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from hypothesis import settings

EXERCISES_DIR = Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
CHOICE = os.environ.get("SWEEPGRAD_EXERCISES", "solutions")

# Every stub a student implements: (module, function, exercise).
STUBS = [
    ("ops", "add", "1.1"),
    ("ops", "mul", "1.1"),
    ("ops", "div", "1.1"),
    ("ops", "power", "1.1"),
    ("ops", "exp", "1.2"),
    ("ops", "log", "1.2"),
    ("ops", "tanh", "1.2"),
    ("ops", "sigmoid", "1.2"),
    ("ops", "relu", "1.2"),
    ("ops", "value_mul", "1.3"),
    ("ops", "value_tanh", "1.3"),
    ("graph", "topological_order", "2.1"),
    ("graph", "backward", "2.2"),
    ("checking", "chain_rule_derivative", "3.1"),
    ("checking", "central_difference", "3.2"),
    ("neuron", "neuron_forward", "4.1"),
    ("neuron", "layer_forward", "4.2"),
    ("neuron", "mlp_forward", "4.3"),
    ("training", "sgd_step", "5.1"),
    ("training", "softmax_cross_entropy", "5.2"),
    ("training", "minibatches", "5.3"),
    ("matrix_form", "two_layer_gradients", "6.1"),
    ("matrix_form", "deep_gradients", "6.2"),
]
MODULES = sorted({module for module, _, _ in STUBS})
EXERCISES = list(dict.fromkeys(number for _, _, number in STUBS))  # "1.1", "1.2", …

SMALL = settings(max_examples=25, deadline=None)


def folder_of(choice: str) -> Path:
    """A folder under notebooks/exercises/ by name, or a path."""
    named = EXERCISES_DIR / choice
    folder = named if named.is_dir() else Path(choice)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"SWEEPGRAD_EXERCISES={choice!r} is neither a folder in {EXERCISES_DIR} "
            "(starter, solutions) nor a path to a folder of exercise modules"
        )
    return folder.resolve()


@cache
def load(module: str, choice: str = CHOICE) -> ModuleType:
    """notebooks/exercises/<choice>/<module>.py, imported under a name of its own."""
    path = folder_of(choice) / f"{module}.py"
    name = f"sweepgrad_exercises_{path.parent.name}_{module}"
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def close(a: float, b: float, rel: float = 1e-12, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def same_gradient(got: float, want: float, scale: float) -> bool:
    """Equal to rounding, relative to the largest gradient of the graph (sums taken in
    another order may cancel differently), with nan matching nan."""
    if math.isnan(want) or math.isinf(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12 * max(1.0, scale))


def finite_scale(gradients: dict) -> float:
    return max((abs(g) for g in gradients.values() if math.isfinite(g)), default=1.0)

