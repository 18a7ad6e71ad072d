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
kind reaches the student's code as a ``codec.Foreign`` placeholder. Loss
functions such as ``squared`` live here too, so they cross by name.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import nn
from engine import Value
from engine.app.classroom.codec import random_state, set_random_state


@dataclass(frozen=True)
class Kind:
    """How objects of one type cross between the judge and the sandbox."""

    name: str
    type: type
    fields: Callable[[Any], dict[str, Any]]  # the object's state as plain values and nodes
    build: Callable[[dict[str, Any]], Any]  # a new object from its fields (student side)
    update: Callable[[Any, dict[str, Any]], None]  # the judge's object after the call


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def kind_of(obj: object) -> Kind | None:
    """The kind registered for ``type(obj)`` exactly (a subclass is not the same kind)."""
    for kind in KINDS.values():
        if type(obj) is kind.type:
            return kind
    return None


def _nothing(obj: Any, fields: dict[str, Any]) -> None:
    """Parameters are nodes: they come back on their own."""


# --- random.Random -----------------------------------------------------------------------


def _build_random(fields: dict[str, Any]) -> random.Random:
    rng = random.Random()
    set_random_state(rng, fields["state"])
    return rng


register(Kind("random.Random", random.Random, lambda r: {"state": random_state(r)},
              _build_random, lambda r, f: set_random_state(r, f["state"])))

# --- nn modules and the optimizer --------------------------------------------------------


def _bind_parameters(module: nn.Module, parameters: Sequence[Value]) -> None:
    """Make ``parameters`` (in ``module.parameters()`` order) the module's own nodes."""
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


def _module_kind(cls: type, spec: Callable[[Any], dict[str, Any]]) -> Kind:
    def fields(module: Any) -> dict[str, Any]:
        return {"spec": spec(module), "parameters": module.parameters()}

    def build(f: dict[str, Any]) -> Any:
        module = cls(**f["spec"], seed=0)
        _bind_parameters(module, f["parameters"])
        return module

    return register(Kind(f"nn.{cls.__name__}", cls, fields, build, _nothing))


_module_kind(nn.Neuron, lambda m: {"nin": m.nin, "activation": m.activation, "name": m.name})
_module_kind(nn.Layer, lambda m: {"nin": m.nin, "nout": m.nout, "activation": m.activation,
                                  "name": m.name})
_module_kind(nn.MLP, lambda m: {"nin": m.nin, "sizes": list(m.sizes), "activation": m.activation,
                                "output_activation": m.output_activation})

register(Kind("nn.SGD", nn.SGD, lambda o: {"params": list(o.params), "lr": o.lr},
              lambda f: nn.SGD(f["params"], f["lr"]), _nothing))

# --- chapter 7's recording model, and the losses checks pass --------------------------------


def squared(prediction: Value, target: float) -> Value:
    """(prediction − target)², the loss chapter 7's checks train with."""
    return (prediction - target) ** 2


class Recording:
    """A model that remembers which examples it saw under which parameters."""

    def __init__(self, model: nn.MLP, inputs: Sequence[Sequence[float]]) -> None:
        self.model = model
        self.inputs = inputs
        self.index = {id(x): i for i, x in enumerate(inputs)}
        self.lookup = {tuple(x): i for i, x in enumerate(inputs)}
        self.seen: list[tuple[tuple[float, ...], int]] = []

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
        return self.model.parameters()

    def zero_grad(self) -> None:
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
    return recording


def _update_recording(recording: Recording, f: dict[str, Any]) -> None:
    seen = f["seen"]
    if not isinstance(seen, list) or not all(
            isinstance(s, tuple) and len(s) == 2 and isinstance(s[0], tuple)
            and isinstance(s[1], int) for s in seen):
        raise ValueError("seen must be a list of (parameters, index)")
    recording.seen = seen


register(Kind("Recording", Recording,
              lambda r: {"model": r.model, "inputs": r.inputs, "seen": list(r.seen)},
              _build_recording, _update_recording))
