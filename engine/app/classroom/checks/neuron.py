"""Checks of chapter 4 (``neuron``): a neuron, a layer and an MLP from Values.

Every probe has non-zero biases that differ from neuron to neuron, so a
bias taken from the wrong neuron changes the outputs, and every check
compares the gradients of all weights and biases (labelled like ``nn``'s,
``L1.N3.w2``) as well as the outputs. A wrong network is compared with the
known wrong ones, built by ``forward`` below with one mistake switched on.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import nn
from engine import Value
from engine.app.classroom.diagnose import close, number, refuse_engine, versus
from engine.app.classroom.mistakes import (
    BIAS_AFTER_ACTIVATION,
    BIAS_MISSING,
    BIAS_MIXUP,
    DETACHED,
    ENGINE_CALL,
    LAST_LAYER_ACTIVATED,
    LAST_LAYER_DROPPED,
    NO_ERROR_FOR_BAD_INPUT,
    WEIGHTS_TRANSPOSED,
    WRONG_ACTIVATION,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed

exercise("4.1", "neuron", ("neuron_forward",), "one neuron", points=2)
exercise("4.2", "neuron", ("layer_forward",), "one layer", points=2)
exercise("4.3", "neuron", ("mlp_forward",), "a multi-layer perceptron", points=3)

# The activations the exercises try, in this order; nn.ACTIVATIONS holds the functions.
TRIED_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
NETWORKS = {
    "nn.Neuron": nn.Neuron.__call__, "nn.Neuron.forward": nn.Neuron.forward,
    "nn.Layer": nn.Layer.__call__, "nn.Layer.forward": nn.Layer.forward,
    "nn.MLP": nn.MLP.__call__,
}

Layers = list[tuple[list[list[Value]], list[Value]]]


def make_layers(widths: Sequence[int], seed: int) -> Layers:
    """Weights and biases labelled as nn labels them, every bias different and non-zero."""
    rng = random.Random(seed)
    layers: Layers = []
    for index in range(len(widths) - 1):
        name = f"L{index + 1}"
        weights = [[Value(rng.uniform(-1, 1), label=f"{name}.N{j + 1}.w{i + 1}")
                    for i in range(widths[index])] for j in range(widths[index + 1])]
        biases = [Value(0.3 * (j + 1) * (-1) ** j + rng.uniform(-0.1, 0.1),
                        label=f"{name}.N{j + 1}.b") for j in range(widths[index + 1])]
        layers.append((weights, biases))
    return layers


def forward(layers: Layers, inputs: Sequence[Value | float], activation: str, *,
            last: str = "linear", bias: str = "right", transposed: bool = False,
            wrong_activation: str | None = None, detached: bool = False) -> list[Value]:
    """The network, right by default; each keyword switches one mistake on."""
    values: list[Any] = list(inputs)
    count = len(layers) - (last == "dropped")
    for index, (weights, biases) in enumerate(layers[:count]):
        is_last = index == len(layers) - 1
        name = "linear" if is_last and last == "linear" else activation
        act = nn.ACTIVATIONS[wrong_activation or name]
        out = []
        for j, row in enumerate(weights):
            b: Value | None = {"right": biases[j], "first": biases[0], "reversed": biases[-1 - j],
                 "missing": None, "after": biases[j]}[bias]
            if transposed:
                row = [weights[i][j] for i in range(len(weights))]
            total: Value = Value(0.0)
            for w, x in zip(row, values):
                total = total + w * x
            if b is not None and bias != "after":
                total = total + b
            node = act(total)
            if bias == "after" and b is not None:
                node = node + b
            out.append(Value(node.data) if detached else node)
        values = out
    return values


Outcome = tuple[list[float], dict[str, float]]


def outcome(outputs: Any, parameters: list[Value]) -> Outcome:
    """The outputs' values and d(Σ (k+1)·out_k)/d(parameter) by label."""
    if isinstance(outputs, Value):
        outputs = [outputs]
    if not isinstance(outputs, (list, tuple)) or not all(isinstance(o, Value) for o in outputs):
        raise CheckFailed(f"returned {type(outputs).__name__}, expected a list of Values",
                          WRONG_TYPE)
    for p in parameters:
        p.grad = 0.0
    if outputs:
        total = outputs[0] * 1.0
        for k, out in enumerate(outputs[1:], start=2):
            total = total + out * float(k)
        total.backward()
    return [o.data for o in outputs], {str(p.label): p.grad for p in parameters}


def params_of(layers: Layers) -> list[Value]:
    """Every weight, then every bias."""
    weights = [w for rows, _ in layers for row in rows for w in row]
    return weights + [b for _, biases in layers for b in biases]


def _same(a: Outcome, b: Outcome) -> bool:
    return (len(a[0]) == len(b[0]) and all(close(x, y, 1e-10, 1e-12) for x, y in zip(a[0], b[0]))
            and all(close(a[1][k], b[1][k], 1e-9, 1e-12) for k in b[1]))


Variants = list[tuple[Mistake, dict[str, Any]]]


def compare_network(got: Outcome, build: Callable[..., Outcome], what: str,
                    variants: Variants) -> None:
    """Fail, naming the mistake, when ``got`` differs from ``build()``.

    ``build(**switches)`` gives the outcome of the reference with the
    switches of a known mistake on.
    """
    want = build()
    if _same(got, want):
        return
    values, grads = got
    if len(values) != len(want[0]):
        detail = f"{what}: {len(values)} outputs, expected {len(want[0])}"
    else:
        wrong = [f"output {k + 1}: {versus(g, w)}"
                 for k, (g, w) in enumerate(zip(values, want[0])) if not close(g, w, 1e-10, 1e-12)]
        wrong += [f"{name}.grad: {versus(grads[name], w)}"
                  for name, w in want[1].items() if not close(grads[name], w, 1e-9, 1e-12)]
        more = f"; and {len(wrong) - 4} more" if len(wrong) > 4 else ""
        detail = f"{what}: " + "; ".join(wrong[:4]) + more
    fits: list[Mistake] = []
    for mistake, switches in variants:
        try:
            matches = _same(got, build(**switches))
        except (IndexError, ValueError, ZeroDivisionError):
            continue
        if matches and mistake not in fits:
            fits.append(mistake)
    if len(fits) == 1:
        raise CheckFailed(detail, fits[0])
    if fits:
        raise CheckFailed(detail, candidates=tuple(fits))
    same_values = len(values) == len(want[0]) and all(
        close(g, w, 1e-10, 1e-12) for g, w in zip(values, want[0]))
    if same_values and all(g == 0.0 for g in grads.values()):
        raise CheckFailed(detail, DETACHED)
    raise CheckFailed(detail)


def other_activations(activation: str) -> Variants:
    return [(WRONG_ACTIVATION, {"wrong_activation": other})
            for other in TRIED_ACTIVATIONS if other != activation]


def _same_error(call: Callable[[], Any], needle: str | None, what: str) -> None:
    try:
        call()
    except ValueError as error:
        if needle is not None and needle not in str(error):
            raise CheckFailed(f"{what} raised ValueError({str(error)!r}), which does not name "
                              f"{needle!r}", NO_ERROR_FOR_BAD_INPUT) from None
        return
    raise CheckFailed(f"{what} did not raise ValueError", NO_ERROR_FOR_BAD_INPUT)


# --- Exercise 4.1: one neuron -------------------------------------------------------------

NEURON_SEED = 41


def _pre_activation(inputs: list[float]) -> float:
    ((weights, biases),) = make_layers([len(inputs), 1], NEURON_SEED)
    return sum(w.data * x for w, x in zip(weights[0], inputs)) + biases[0].data


def _inputs_for(total: float) -> list[float]:
    """(0.8, −0.6, 0.4) scaled so that the neuron's weighted sum is about ``total``."""
    base = [0.8, -0.6, 0.4]
    bias = _pre_activation([0.0, 0.0, 0.0])
    scale = (total - bias) / (_pre_activation(base) - bias)
    return [round(scale * x, 3) for x in base]


# Two inputs for the same weights, one whose weighted sum is positive and one whose sum is
# negative, so ReLU's two branches are both taken (the identity passes a positive sum).
NEURON_INPUTS = [_inputs_for(0.7), _inputs_for(-0.7)]


def neuron_outcome(student: Any, activation: str, inputs: list[float], **switches: Any
                   ) -> Outcome:
    """The student's neuron (``student`` given) or the reference with ``switches``."""
    ((weights, biases),) = layers = make_layers([len(inputs), 1], NEURON_SEED)
    if student is not None:
        out = student.neuron_forward(weights[0], biases[0], list(inputs), activation)
    else:
        out = forward(layers, inputs, activation, last="activated", **switches)
    return outcome(out, params_of(layers))


def _neuron_check(activation: str) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        variants: Variants = [(BIAS_MISSING, {"bias": "missing"}),
                              (BIAS_AFTER_ACTIVATION, {"bias": "after"}),
                              *other_activations(activation)]
        for inputs in NEURON_INPUTS:
            sign = "positive" if _pre_activation(inputs) > 0 else "negative"
            compare_network(neuron_outcome(student, activation, inputs),
                            partial(neuron_outcome, None, activation, inputs),
                            f"neuron_forward(w, b, {[round(x, 3) for x in inputs]}, "
                            f"{activation!r}), a {sign} weighted sum", variants)

    return run


@check_of("4.1", "the lecture neuron")
def neuron_of_the_lecture(student: Any) -> None:
    x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    x2, w2 = Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = student.neuron_forward([w1, w2], b, [x1, x2], "tanh")
    got = outcome(o, [x1, w1, x2, w2, b])
    want = ([0.5**0.5], {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5})
    if not _same(got, want):
        wrong = "; ".join(f"{k}.grad {number(got[1][k])} (expected {number(v)})"
                          for k, v in want[1].items() if not close(got[1][k], v, 1e-9, 1e-12))
        raise CheckFailed(f"o = {number(got[0][0])} (expected 0.707107); {wrong}".rstrip("; "),
                          DETACHED if all(g == 0 for g in got[1].values()) else None)


for _activation in TRIED_ACTIVATIONS:
    check_of("4.1", f"{_activation}: value and gradients, sums of both signs")(
        _neuron_check(_activation))


@check_of("4.1", "rejects an unknown activation and a length mismatch", scores=False)
def neuron_rejects_bad_arguments(student: Any) -> None:
    _same_error(lambda: student.neuron_forward([Value(1.0)], Value(0.0), [1.0], "softplus"),
                "softplus", "neuron_forward(..., 'softplus')")
    _same_error(lambda: student.neuron_forward([Value(1.0), Value(2.0)], Value(0.0), [1.0], "tanh"),
                None, "neuron_forward with 2 weights and 1 input")


@check_of("4.1", "built from Value operations, not nn", scores=False)
def neuron_by_hand(student: Any) -> None:
    refuse_engine(lambda: student.neuron_forward([Value(0.5)], Value(0.1), [1.0], "tanh"),
                  NETWORKS, "neuron_forward")


# --- Exercise 4.2: one layer ---------------------------------------------------------------

LAYER_MISTAKES: Variants = [
    (BIAS_MIXUP, {"bias": "first"}), (BIAS_MIXUP, {"bias": "reversed"}),
    (BIAS_MISSING, {"bias": "missing"}), (BIAS_AFTER_ACTIVATION, {"bias": "after"}),
    (WEIGHTS_TRANSPOSED, {"transposed": True}),
]


def layer_outcome(student: Any, widths: list[int], activation: str, **switches: Any) -> Outcome:
    ((weights, biases),) = layers = make_layers(widths, sum(widths))
    inputs = [0.5, -1.0, 2.0, 0.25][: widths[0]]
    if student is not None:
        out = student.layer_forward(weights, biases, inputs, activation)
    else:
        out = forward(layers, inputs, activation, last="activated", **switches)
    return outcome(out, params_of(layers))


def _layer_check(widths: list[int], activation: str) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        compare_network(layer_outcome(student, widths, activation),
                        lambda **s: layer_outcome(None, widths, activation, **s),
                        f"a layer {widths[0]}→{widths[1]} ({activation})",
                        [*LAYER_MISTAKES, *other_activations(activation)])

    return run


check_of("4.2", "a layer 3→4 with tanh: outputs and gradients")(_layer_check([3, 4], "tanh"))
check_of("4.2", "a layer 3→3 with relu: outputs and gradients")(_layer_check([3, 3], "relu"))
check_of("4.2", "a layer 2→5, linear")(_layer_check([2, 5], "linear"))


@check_of("4.2", "built from Value operations, not nn", scores=False)
def layer_by_hand(student: Any) -> None:
    ((weights, biases),) = make_layers([2, 2], 7)
    refuse_engine(lambda: student.layer_forward(weights, biases, [1.0, 2.0], "tanh"), NETWORKS,
                  "layer_forward")


# --- Exercise 4.3: an MLP -------------------------------------------------------------------

MLP_MISTAKES: Variants = [
    (LAST_LAYER_ACTIVATED, {"last": "activated"}), (LAST_LAYER_DROPPED, {"last": "dropped"}),
    (BIAS_MIXUP, {"bias": "first"}), (BIAS_MIXUP, {"bias": "reversed"}),
    (BIAS_MISSING, {"bias": "missing"}), (BIAS_AFTER_ACTIVATION, {"bias": "after"}),
    (WEIGHTS_TRANSPOSED, {"transposed": True}),
]


def mlp_outcome(student: Any, widths: list[int], activation: str, **switches: Any) -> Outcome:
    layers = make_layers(widths, len(widths))
    inputs = [0.7, -0.4, 0.9][: widths[0]]
    if student is not None:
        out = student.mlp_forward(layers, inputs, activation)
    else:
        out = forward(layers, inputs, activation, **switches)
    return outcome(out, params_of(layers))


def _mlp_check(widths: list[int], activation: str) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        shape = "→".join(map(str, widths))
        compare_network(mlp_outcome(student, widths, activation),
                        lambda **s: mlp_outcome(None, widths, activation, **s),
                        f"an MLP {shape} ({activation}, linear last layer)",
                        [*MLP_MISTAKES, *other_activations(activation)])

    return run


check_of("4.3", "an MLP 2→5→4→3 with relu")(_mlp_check([2, 5, 4, 3], "relu"))
check_of("4.3", "an MLP 3→3→3 with tanh")(_mlp_check([3, 3, 3], "tanh"))
check_of("4.3", "an MLP 2→1 (one linear layer)")(_mlp_check([2, 1], "tanh"))


@check_of("4.3", "built from Value operations, not nn", scores=False)
def mlp_by_hand(student: Any) -> None:
    layers = make_layers([2, 2, 1], 5)
    refuse_engine(lambda: student.mlp_forward(layers, [1.0, 2.0], "tanh"), NETWORKS,
                  "mlp_forward")


# --- hints written for these exercises -------------------------------------------------------

for _number, _what in (("4.1", "the neuron"), ("4.2", "each neuron of the layer"),
                       ("4.3", "each layer")):
    hint(_number, ENGINE_CALL, f"build {_what} from Value operations (w * x, +, .tanh(), "
         ".relu(), .sigmoid()); nn.Neuron, nn.Layer and nn.MLP are the answer, not the tools")
