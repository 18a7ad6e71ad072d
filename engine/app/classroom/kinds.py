"""The objects checks hand to a student's code, by kind: how each crosses to
the sandbox and back (``engine.app.classroom.codec``).

A kind says how to read an object's state as plain fields, how to build
a new one from them on the student's side, and how to bring the judge's
object up to date from the fields sent back after the call. Graph nodes in
the fields (an ``nn`` module's parameters) keep their identity, so a model
the student trains moves the judge's own parameters.

Registered here: ``random.Random`` (by its state), ``nn.Neuron``,
``nn.Layer`` and ``nn.MLP`` (by their constructor's arguments and their
parameters), ``nn.SGD`` (parameters and learning rate) and ``Recording``, the
model chapter 7 trains that notes which examples it saw under which
parameters. A new kind is one ``register(Kind(...))`` call; an object of no
kind reaches the student's code as a ``plain_values.Foreign`` placeholder. Loss
functions such as ``squared`` and ``skewed`` live here too, so they cross by name.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from engine import Value


class Kind(NamedTuple):
    """How objects of one type cross between the judge and the sandbox.

    The type is named (``"nn.layers.MLP"``), not held, so the runner imports
    ``nn`` only when a model actually crosses. (A named tuple rather than a
    dataclass: every sandbox imports this module, and ``dataclasses`` would
    add a tenth to its start.)
    """

    name: str
    type_name: str  # module and qualified name of the type, exactly
    fields: Callable[[Any], dict[str, Any]]  # the object's state as plain values and nodes
    build: Callable[[dict[str, Any]], Any]  # a new object from its fields (student side)
    update: Callable[[Any, dict[str, Any]], None]  # the judge's object after the call


KINDS: dict[str, Kind] = {}


_BY_TYPE: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = _BY_TYPE[kind.type_name] = kind
    return kind


def kind_of(obj: object) -> Kind | None:
    """The kind registered for ``type(obj)`` exactly (a subclass is not the same kind)."""
    cls = type(obj)
    return _BY_TYPE.get(f"{cls.__module__}.{cls.__qualname__}")


def _nothing(obj: Any, fields: dict[str, Any]) -> None:
    """Parameters are nodes: they come back on their own."""


# --- random.Random -----------------------------------------------------------------------


def random_state(rng: random.Random) -> list[Any]:
    """A ``Random``'s state as plain lists (and back with ``set_random_state``)."""
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def set_random_state(rng: random.Random, state: object) -> None:
    if not (isinstance(state, list) and len(state) == 3 and isinstance(state[1], list)
            and len(state[1]) == 625 and all(isinstance(x, int) for x in state[1])):
        raise ValueError("a random state is [version, 625 ints, gauss]")
    rng.setstate((state[0], tuple(state[1]), state[2]))


def _build_random(fields: dict[str, Any]) -> random.Random:
    rng = random.Random()
    set_random_state(rng, fields["state"])
    return rng


register(Kind("random.Random", "random.Random", lambda r: {"state": random_state(r)},
              _build_random, lambda r, f: set_random_state(r, f["state"])))

# --- nn modules and the optimizer --------------------------------------------------------


def _bind_parameters(module: Any, parameters: Sequence[Value]) -> None:
    """Make ``parameters`` (in ``module.parameters()`` order) the module's own nodes."""
    import nn  # noqa: PLC0415 (only when a model crosses: see Kind)

    if isinstance(module, nn.Neuron):
        neurons = [module]
    elif isinstance(module, nn.Layer):
        neurons = list(module.neurons)
    elif isinstance(module, nn.MLP):
        neurons = [n for layer in module.layers for n in layer.neurons]
    else:
        raise ValueError(f"{type(module).__name__} is not a Neuron, Layer or MLP")
    need = sum(len(n.weights) + 1 for n in neurons)
    if len(parameters) != need or not all(isinstance(p, Value) for p in parameters):
        raise ValueError(f"{need} parameters expected, {len(parameters)} given")
    at = 0
    for neuron in neurons:
        count = len(neuron.weights)
        neuron.weights = list(parameters[at : at + count])
        neuron.bias = parameters[at + count]
        at += count + 1


def _module_kind(name: str, module: str, spec: Callable[[Any], dict[str, Any]]) -> Kind:
    def fields(obj: Any) -> dict[str, Any]:
        return {"spec": spec(obj), "parameters": obj.parameters()}

    def build(f: dict[str, Any]) -> Any:
        import nn  # noqa: PLC0415 (only when a model crosses: see Kind)

        obj = getattr(nn, name)(**f["spec"], seed=0)
        _bind_parameters(obj, f["parameters"])
        return obj

    return register(Kind(f"nn.{name}", f"{module}.{name}", fields, build, _nothing))


_module_kind("Neuron", "nn.layers", lambda m: {"nin": m.nin, "activation": m.activation,
                                               "name": m.name})
_module_kind("Layer", "nn.layers", lambda m: {"nin": m.nin, "nout": m.nout,
                                              "activation": m.activation, "name": m.name})
_module_kind("MLP", "nn.layers", lambda m: {"nin": m.nin, "sizes": list(m.sizes),
                                            "activation": m.activation,
                                            "output_activation": m.output_activation})


def _build_sgd(f: dict[str, Any]) -> Any:
    import nn  # noqa: PLC0415 (only when an optimizer crosses: see Kind)

    return nn.SGD(f["params"], f["lr"])


register(Kind("nn.SGD", "nn.optim.SGD", lambda o: {"params": list(o.params), "lr": o.lr},
              _build_sgd, _nothing))

# --- chapter 7's recording model, and the losses checks pass --------------------------------


def squared(prediction: Value, target: float) -> Value:
    """(prediction − target)², the loss chapter 7's checks train with."""
    return (prediction - target) ** 2


def skewed(prediction: Value, target: float) -> Value:
    """(ŷ − y)² + ½(ŷ − y): an over-estimate costs more than an under-estimate, so
    ``skewed(y, ŷ)`` differs from ``skewed(ŷ, y)`` (a loss called the wrong way round shows)."""
    error = prediction - target
    return error * error + error * 0.5


class Recording:
    """A model that remembers which examples it saw under which parameters.

    ``seen`` holds, per call, the parameters' values and the index of the
    input (−1 for one it was not given); ``zeroed`` holds, per call of
    ``zero_grad``, whether any gradient was non-zero just before.
    """

    def __init__(self, model: Any, inputs: Sequence[Sequence[float]]) -> None:
        self.model = model
        self.inputs = inputs
        self.index = {id(x): i for i, x in enumerate(inputs)}
        self.lookup = {tuple(x): i for i, x in enumerate(inputs)}
        self.seen: list[tuple[tuple[float, ...], int]] = []
        self.zeroed: list[bool] = []

    def __call__(self, x: Sequence[Any]) -> Any:
        index = self.index.get(id(x))
        if index is None:
            try:
                index = self.lookup.get(tuple(float(v) for v in x), -1)
            except (TypeError, ValueError):
                index = -1
        self.seen.append((tuple(p.data for p in self.model.parameters()), index))
        return self.model(x)

    def parameters(self) -> list[Value]:
        parameters: list[Value] = self.model.parameters()
        return parameters

    def zero_grad(self) -> None:
        self.zeroed.append(any(p.grad != 0.0 for p in self.model.parameters()))
        self.model.zero_grad()

    def batches(self) -> list[list[int]]:
        """The examples seen, cut wherever the parameters changed."""
        groups: list[list[int]] = []
        state = None
        for params, index in self.seen:
            if params != state:
                groups.append([])
                state = params
            groups[-1].append(index)
        return groups


def _build_recording(f: dict[str, Any]) -> Recording:
    recording = Recording(f["model"], f["inputs"])
    recording.seen = list(f["seen"])
    recording.zeroed = list(f["zeroed"])
    return recording


def _update_recording(recording: Recording, f: dict[str, Any]) -> None:
    seen = f["seen"]
    if not isinstance(seen, list) or not all(
            isinstance(s, tuple) and len(s) == 2 and isinstance(s[0], tuple)
            and isinstance(s[1], int) for s in seen):
        raise ValueError("seen must be a list of (parameters, index)")
    zeroed = f["zeroed"]
    if not isinstance(zeroed, list) or not all(isinstance(z, bool) for z in zeroed):
        raise ValueError("zeroed must be a list of booleans")
    recording.seen = seen
    recording.zeroed = zeroed


register(Kind("Recording", "engine.app.classroom.kinds.Recording",
              lambda r: {"model": r.model, "inputs": r.inputs, "seen": list(r.seen),
                         "zeroed": list(r.zeroed)},
              _build_recording, _update_recording))
