"""Checks of chapter 6 (``matrix_form``): backpropagation with numpy.

The expected numbers come from the scalar engine (the same network built
from Values and swept). A wrong answer is diagnosed on a square network,
where every variant of the formulas runs without a shape error: a missing
or extra transpose, Θ′ taken at the wrong layer or left out, the last
layer activated or dropped, the factor 2 or the sign of δ; one is named
only when exactly one variant gives the student's numbers there. A shape
error on the other networks is reported with the shapes involved, and with
no name unless the square network singles one out.

numpy is imported by the first check that uses it (``numpy_on_demand``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from engine import Value
from engine import backward as engine_backward
from engine.app.classroom.checks.numpy_on_demand import Array, np
from engine.app.classroom.diagnose import refuse_engine, versus
from engine.app.classroom.mistakes import (
    DERIVATIVE_WRONG_LAYER,
    ENGINE_CALL,
    GRADS_REVERSED,
    LAST_LAYER_ACTIVATED,
    LAST_LAYER_DROPPED,
    MISSING_DERIVATIVE,
    MISSING_TWO,
    OUTPUT_NOT_ACTIVATED,
    OUTPUT_SLOPE_MISSING,
    SQUARED_NORM,
    TRANSPOSE,
    WRONG_ACTIVATION_DERIVATIVE,
    WRONG_DELTA,
    WRONG_MESSAGE,
    WRONG_SIGN,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed

exercise("6.1", "matrix_form", ("two_layer_gradients",), "two layers in matrix form", points=3)
exercise("6.2", "matrix_form", ("deep_gradients",), "any depth in matrix form", points=3)
exercise("6.3", "matrix_form", ("output_gradients",),
         "the output layer, linear or activated, as the lecture writes it", points=2)


def engine_gradients(weights: Sequence[Array], x: Array, y: Array, output: str = "linear"
                     ) -> tuple[float, list[Array]]:
    """The same network from Values (tanh hidden layers, the last ``output``: linear or
    tanh, squared loss), swept."""
    params = [[[Value(float(w)) for w in row] for row in W] for W in weights]
    activations: list[Any] = [float(v) for v in x]
    for index, W in enumerate(params):
        sums = []
        for row in W:
            total = Value(0.0)
            for w, a in zip(row, activations):
                total = total + w * a
            sums.append(total)
        linear = index == len(params) - 1 and output == "linear"
        activations = sums if linear else [s.tanh() for s in sums]
    loss = Value(0.0)
    for out, target in zip(activations, y):
        loss = loss + (out - float(target)) ** 2
    loss.backward()
    return loss.data, [np.array([[w.grad for w in row] for row in W]) for W in params]


def deep_reference(weights: Sequence[Array], x: Array, y: Array, *, slope_at: int = 0,
                   slope: bool = True, last: str = "linear", transposed: bool = False,
                   two: float = 2.0, outer_swapped: bool = False, slope_of_sums: bool = False,
                   reverse_list: bool = False) -> tuple[float, list[Array]]:
    """The δ recursion, right by default; each keyword switches one mistake on.

    ``slope_at`` = +1 or −1 takes Θ′ one layer above or below its own;
    ``last`` = "activated" applies tanh to the last layer (and its Θ′ to δ),
    "activated forward" only the tanh, "dropped" leaves the layer out.
    """
    count = len(weights) - (last == "dropped")
    acts = [np.asarray(x, dtype=float)]
    sums = [acts[0]]
    for index, W in enumerate(weights[:count]):
        s = W @ acts[-1]
        sums.append(s)
        activated = index < len(weights) - 1 or last in ("activated", "activated forward")
        acts.append(np.tanh(s) if activated else s)
    out = acts[-1]
    loss = float(np.sum((out - y) ** 2))
    delta = two * (out - y)
    if last == "activated":
        delta = delta * (1.0 - out**2)
    grads: list[Array] = [np.empty(0)] * count
    for index in range(count - 1, -1, -1):
        grads[index] = np.outer(acts[index], delta) if outer_swapped else np.outer(
            delta, acts[index])
        if index > 0:
            down = (weights[index] if transposed else weights[index].T) @ delta
            if slope:
                below = sums if slope_of_sums else acts
                delta = down * (1.0 - below[index + slope_at] ** 2)
            else:
                delta = down
    return loss, grads[::-1] if reverse_list else grads


DEEP_MISTAKES: list[tuple[Mistake, dict[str, Any]]] = [
    (TRANSPOSE, {"transposed": True}), (TRANSPOSE, {"outer_swapped": True}),
    (DERIVATIVE_WRONG_LAYER, {"slope_at": 1}), (DERIVATIVE_WRONG_LAYER, {"slope_at": -1}),
    (MISSING_DERIVATIVE, {"slope": False}),
    (WRONG_ACTIVATION_DERIVATIVE, {"slope_of_sums": True}),
    (LAST_LAYER_ACTIVATED, {"last": "activated"}),
    (LAST_LAYER_ACTIVATED, {"last": "activated forward"}),
    (LAST_LAYER_DROPPED, {"last": "dropped"}), (MISSING_TWO, {"two": 1.0}),
    (WRONG_SIGN, {"two": -2.0}), (GRADS_REVERSED, {"reverse_list": True}),
]


def network(widths: Sequence[int], seed: int) -> tuple[list[Array], Array, Array]:
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(widths[i + 1], widths[i])) / math.sqrt(widths[i])
               for i in range(len(widths) - 1)]
    return weights, rng.normal(size=widths[0]), rng.normal(size=widths[-1])


def _shapes(weights: Sequence[Array], x: Array, y: Array) -> str:
    mats = ", ".join(f"W{i + 1} is {W.shape[0]}×{W.shape[1]}" for i, W in enumerate(weights))
    return f"{mats}; x has {x.size} entries, y has {y.size}"


def _same(got: tuple[float, list[Array]], want: tuple[float, list[Array]]) -> bool:
    loss, grads = got
    return (math.isclose(loss, want[0], rel_tol=1e-10, abs_tol=1e-12)
            and len(grads) == len(want[1])
            and all(g.shape == w.shape and np.allclose(g, w, rtol=1e-9, atol=1e-12)
                    for g, w in zip(grads, want[1])))


def _first_difference(got: tuple[float, list[Array]], want: tuple[float, list[Array]],
                      names: Sequence[str]) -> str:
    loss, grads = got
    if not math.isclose(loss, want[0], rel_tol=1e-10, abs_tol=1e-12):
        return f"ℓ = {versus(loss, want[0])}"
    if len(grads) != len(want[1]):
        return f"{len(grads)} gradients for {len(want[1])} weight matrices"
    for name, g, w in zip(names, grads, want[1]):
        if g.shape != w.shape:
            return f"{name} has shape {g.shape}, expected {w.shape} (the shape of its matrix)"
        if not np.allclose(g, w, rtol=1e-9, atol=1e-12):
            j, i = np.unravel_index(int(np.argmax(np.abs(g - w))), w.shape)
            return f"{name}[{j}, {i}] is {versus(float(g[j, i]), float(w[j, i]))}"
    return ""


def _as_result(raw: Any, pieces: int, what: str) -> tuple[float, list[Array]]:
    if not isinstance(raw, tuple) or len(raw) != pieces:
        raise CheckFailed(f"{what} returned {type(raw).__name__}, expected a tuple of {pieces}",
                          WRONG_TYPE)
    loss, *rest = raw
    grads = rest if pieces == 3 else list(rest[0])
    arrays = [np.asarray(g, dtype=float) for g in grads]
    return float(loss), arrays


def _transposed_gradient(got: tuple[float, list[Array]], want: tuple[float, list[Array]]
                         ) -> bool:
    """Some gradient is exactly the transpose of the right one (z δᵀ for δ zᵀ), the
    others right."""
    if len(got[1]) != len(want[1]):
        return False
    transposed = [g.shape == w.T.shape != w.shape and np.allclose(g, w.T, rtol=1e-9, atol=1e-12)
                  for g, w in zip(got[1], want[1])]
    right = [g.shape == w.shape and np.allclose(g, w, rtol=1e-9, atol=1e-12)
             for g, w in zip(got[1], want[1])]
    return any(transposed) and all(t or r for t, r in zip(transposed, right))


def _which_part(got: tuple[float, list[Array]], want: tuple[float, list[Array]],
                out_size: int) -> Mistake | None:
    """A loss that is the mean squared error; with the loss right, a wrong last-layer
    gradient means δ is wrong, a right one the message passed down."""
    if not math.isclose(got[0], want[0], rel_tol=1e-10, abs_tol=1e-12):
        mean = want[0] / out_size
        return SQUARED_NORM if out_size > 1 and math.isclose(got[0], mean) else None
    last_right = got[1][-1].shape == want[1][-1].shape and np.allclose(
        got[1][-1], want[1][-1], rtol=1e-9, atol=1e-12)
    return WRONG_MESSAGE if last_right else WRONG_DELTA


class _Case:
    """One exercise's calling convention: weights in, (loss, gradients) out."""

    def __init__(self, name: str, call: Callable[[Any, list[Array], Array, Array], Any],
                 pieces: int, names: Callable[[int], list[str]], widths: Sequence[int]):
        self.name, self.call, self.pieces, self.names = name, call, pieces, names
        self.square = widths  # the network every variant runs on

    def result(self, student: Any, weights: list[Array], x: Array, y: Array
               ) -> tuple[float, list[Array]]:
        return _as_result(self.call(student, weights, x, y), self.pieces, self.name)

    def diagnose(self, student: Any) -> Mistake | None:
        """The one mistake whose variant gives the student's numbers on the square
        network, or None (none fits, or several do)."""
        weights, x, y = network(self.square, 60)
        try:
            got = self.result(student, weights, x, y)
        except Exception:
            return None
        fits: set[Mistake] = set()
        for mistake, switches in DEEP_MISTAKES:
            try:
                want = deep_reference(weights, x, y, **switches)
            except ValueError:
                continue
            if self.pieces == 3:  # two_layer_gradients returns (ℓ, ∂V, ∂W): V first
                want = (want[0], want[1])
            if _same(got, want):
                fits.add(mistake)
        return fits.pop() if len(fits) == 1 else None

    def compare(self, student: Any, widths: Sequence[int], seed: int) -> None:
        weights, x, y = network(widths, seed)
        want = engine_gradients(weights, x, y)
        names = self.names(len(weights))
        shapes = _shapes(weights, x, y)
        try:
            got = self.result(student, weights, x, y)
        except ValueError as error:  # numpy: mismatched shapes in a product or a broadcast
            raise CheckFailed(f"{self.name} raised ValueError: {error}. Shapes: {shapes}",
                              self.diagnose(student)) from None
        if _same(got, want):
            return
        difference = _first_difference(got, want, names)
        mistake: Mistake | None = self.diagnose(student)
        if mistake is None and _transposed_gradient(got, want):
            mistake = TRANSPOSE
        if mistake is None and len(got[1]) == len(want[1]) - 1 and all(
                g.shape == w.shape for g, w in zip(got[1], want[1])):
            mistake = LAST_LAYER_DROPPED
        if mistake is None and len(got[1]) == len(want[1]) and "shape" not in difference:
            mistake = _which_part(got, want, len(y))
        raise CheckFailed(f"network {'→'.join(map(str, widths))}: {difference}. Shapes: {shapes}",
                          mistake)


TWO_LAYERS = _Case("two_layer_gradients",
                   lambda s, w, x, y: s.two_layer_gradients(w[0], w[1], x, y), 3,
                   lambda n: ["∂ℓ/∂V", "∂ℓ/∂W"], (3, 3, 3))
DEEP = _Case("deep_gradients", lambda s, w, x, y: s.deep_gradients(list(w), x, y), 2,
             lambda n: [f"∂ℓ/∂W{i + 1}" for i in range(n)], (3, 3, 3, 3))

def _forbidden() -> dict[str, Callable[..., Any]]:
    """What the student may not call (nn.matrix_form needs numpy: imported here)."""
    np.ndarray  # noqa: B018  # the clear message if numpy is missing
    import nn.matrix_form

    return {"Value.backward": Value.backward, "engine.backward": engine_backward,
            "nn.matrix_form.MatrixNetwork.backward": nn.matrix_form.MatrixNetwork.backward}


# --- Exercise 6.1 ------------------------------------------------------------------------

def _compare(case: _Case, widths: tuple[int, ...], seed: int) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        case.compare(student, widths, seed)

    return run


for _seed in (0, 1, 2):
    check_of("6.1", f"d = 3, M = 4, K = 2, seed {_seed}")(_compare(TWO_LAYERS, (3, 4, 2), _seed))
check_of("6.1", "a square network, d = M = K = 3")(_compare(TWO_LAYERS, (3, 3, 3), 5))


@check_of("6.1", "numpy formulas, not the engine's sweep", scores=False)
def two_layers_by_hand(student: Any) -> None:
    weights, x, y = network((2, 3, 2), 9)
    refuse_engine(lambda: TWO_LAYERS.result(student, weights, x, y), _forbidden(),
                  "two_layer_gradients")


# --- Exercise 6.2 ------------------------------------------------------------------------

for _widths in ((2, 1), (3, 5, 2), (2, 4, 4, 4, 3), (3, 3, 3, 3)):
    check_of("6.2", f"a network {'→'.join(map(str, _widths))}")(
        _compare(DEEP, _widths, len(_widths)))


@check_of("6.2", "one layer is least squares")
def deep_one_layer(student: Any) -> None:
    W = np.array([[1.0, 2.0]])
    x, y = np.array([3.0, -1.0]), np.array([0.5])
    loss, grads = DEEP.result(student, [W], x, y)
    if not (math.isclose(loss, 0.25) and len(grads) == 1 and grads[0].shape == (1, 2)
            and np.allclose(grads[0], [[3.0, -1.0]])):
        raise CheckFailed(f"W = [[1, 2]], x = [3, −1], y = [0.5]: ℓ = {loss:.6g} (expected 0.25),"
                          f" ∂ℓ/∂W = {[g.tolist() for g in grads]} (expected [[3, −1]])",
                          DEEP.diagnose(student))


@check_of("6.2", "numpy formulas, not the engine's sweep", scores=False)
def deep_by_hand(student: Any) -> None:
    weights, x, y = network((2, 3, 2), 9)
    refuse_engine(lambda: DEEP.result(student, weights, x, y), _forbidden(), "deep_gradients")


# --- Exercise 6.3 ------------------------------------------------------------------------

# What each setting of ``output`` may be confused with, as switches of deep_reference.
OUTPUT_VARIANTS: dict[str, list[tuple[Mistake, dict[str, Any]]]] = {
    "linear": [(LAST_LAYER_ACTIVATED, {"last": "activated"}),
               (LAST_LAYER_ACTIVATED, {"last": "activated forward"})],
    "tanh": [(OUTPUT_NOT_ACTIVATED, {"last": "linear"}),
             (OUTPUT_SLOPE_MISSING, {"last": "activated forward"})],
}
OUTPUT_REFERENCE: dict[str, dict[str, Any]] = {"linear": {"last": "linear"},
                                               "tanh": {"last": "activated"}}


def compare_output(student: Any, widths: tuple[int, ...], output: str, seed: int) -> None:
    weights, x, y = network(widths, seed)
    want = engine_gradients(weights, x, y, output)
    assert _same(deep_reference(weights, x, y, **OUTPUT_REFERENCE[output]), want)
    names = [f"∂ℓ/∂W{i + 1}" for i in range(len(weights))]
    got = _as_result(student.output_gradients(list(weights), x, y, output), 2,
                     "output_gradients")
    if _same(got, want):
        return
    fits = {m for m, switches in OUTPUT_VARIANTS[output]
            if _same(got, deep_reference(weights, x, y, **switches))}
    shape = "→".join(map(str, widths))
    raise CheckFailed(f"network {shape}, output={output!r}: {_first_difference(got, want, names)}",
                      fits.pop() if len(fits) == 1 else None)


for _output in ("linear", "tanh"):
    for _widths, _seed in (((3, 4, 2), 31), ((2, 3, 3, 2), 32)):
        check_of("6.3", f"output={_output!r}, a network {'→'.join(map(str, _widths))}")(
            partial(compare_output, widths=_widths, output=_output, seed=_seed))


@check_of("6.3", "numpy formulas, not the engine's sweep", scores=False)
def output_by_hand(student: Any) -> None:
    weights, x, y = network((2, 3, 2), 9)
    refuse_engine(lambda: student.output_gradients(list(weights), x, y, "tanh"), _forbidden(),
                  "output_gradients")


# --- hints written for these exercises -------------------------------------------------------

for _number in ("6.1", "6.2", "6.3"):
    hint(_number, ENGINE_CALL, "compute with numpy arrays only: the forward pass, δ, "
         "np.outer(δ, z) and Wᵀδ; no Value and no backward()")
    hint(_number, WRONG_SIGN, "δ = 2(out − y): the output minus the target")
