"""``Module``: the parameters of a model, their gradients, and saving them.

A model is a list of ``Value`` leaves, its parameters. ``Module`` gives every
model the PyTorch names students will meet next:

- ``model(x)``: the forward pass (every subclass defines ``__call__``);
- ``parameters()``: the leaves, as a list in a stable order: the children's
  parameters in order (``children()``), or for a module without children its
  tensors in ``named_tensors()`` order;
- ``zero_grad()``: reset their gradients (leaves accumulate across sweeps);
- ``num_parameters()``;
- ``state_dict()`` / ``load_state_dict()``: the numbers as plain nested lists
  of floats keyed by name (``{"L1.weight": [[...], ...], "L1.bias": [...]}``),
  JSON-serialisable;
- ``save(path)`` / ``load(path)``: that dictionary as JSON (never pickle, so a
  file cannot run code when it is loaded).

Saving is atomic (``engine.write_atomically``): a full disk or a killed
process leaves the old file whole. It refuses a parameter that is nan or
±inf (a diverged run), naming it, since JSON has no such numbers and the
model would be of no use. Loading reads only a regular file (a FIFO or
``/dev/zero`` is refused, not waited on or read for ever) and never more
than ``MAX_MODEL_BYTES`` of it (liftable with ``max_bytes=``), then checks
every name, shape and number before changing anything: on the first problem
it raises ``ValueError`` saying what is wrong, and the model is untouched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from numbers import Real
from pathlib import Path
from typing import Any

from engine import (
    FileTooLarge,
    NotARegularFile,
    Value,
    arguments,
    read_regular_file,
    write_atomically,
)

# A tensor is a Value, or a list of tensors (a vector of Values, a matrix...).
Tensor = Value | list["Tensor"]

FORMAT = "sweepgrad.nn.state/1"
MAX_MODEL_BYTES = 64 * 2**20  # 64 MiB: a million parameters take about 25 MB


class Module:
    """Base class of ``Neuron``, ``Layer``, ``MLP`` and user models.

    A subclass defines ``__call__`` (the forward pass) and ``named_tensors()``
    (its parameters by name, for state dicts), and ``children()`` when it is
    made of other modules; everything else follows from them.
    """

    def __call__(self, xs: Sequence[Value | float]) -> Value | list[Value]:
        """The forward pass on one input vector."""
        raise NotImplementedError(f"{type(self).__name__} must define __call__ (its forward pass)")

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        """``(name, tensor)`` pairs that hold every parameter exactly once."""
        raise NotImplementedError(
            f"{type(self).__name__} must define named_tensors() to list its parameters"
        )

    def children(self) -> list[Module]:
        """The modules this one is made of, in parameter order (none by default)."""
        return []

    def parameters(self) -> list[Value]:
        """Every parameter once: the children's in order, else this module's tensors.

        Modules are expanded with a stack, not by recursion; a module without
        children contributes its ``named_tensors()`` in order.
        """
        params: list[Value] = []
        stack: list[Module] = [self]
        while stack:
            module = stack.pop()
            children = module.children()
            if children:
                stack.extend(reversed(children))
                continue
            for _, tensor in module.named_tensors():
                _flatten(tensor, params)
        return params

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (before the next ``backward()``)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        return len(self.parameters())

    # --- state -------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{name: floats}`` with the shape of each tensor, JSON-serialisable."""
        return {name: _floats(tensor) for name, tensor in self.named_tensors()}

    def load_state_dict(self, state: object) -> None:
        """Copy numbers from ``state`` into the parameters, after checking all of them.

        Raises ``ValueError`` naming the first missing or unexpected name, the
        first shape that differs, or the first entry that is not a real number;
        in that case no parameter has changed.
        """
        if not isinstance(state, dict):
            raise ValueError(
                f"load_state_dict expects a dict of name -> list of floats, "
                f"got {type(state).__name__}"
            )
        tensors = self.named_tensors()
        names = [name for name, _ in tensors]
        for name in names:
            if name not in state:
                raise ValueError(f"state is missing {name!r} (expected names: {names})")
        for name in state:
            if name not in names:
                raise ValueError(f"state has unexpected entry {name!r} (expected names: {names})")
        # Check everything first, collecting (parameter, number) pairs, then assign.
        assignments: list[tuple[Value, float]] = []
        for name, tensor in tensors:
            _match(tensor, state[name], name, assignments)
        for parameter, number in assignments:
            parameter.data = number

    def save(self, path: str | Path) -> Path:
        """Write ``state_dict()`` as JSON to ``path``, atomically; returns the path."""
        for name, tensor in self.named_tensors():
            _check_finite(tensor, name)
        return write_atomically(path, _document(repr(self), self.state_dict()))

    def load(self, path: str | Path, max_bytes: int = MAX_MODEL_BYTES) -> None:
        """Read a file written by ``save`` into this model (see ``load_state_dict``).

        Anything but a regular file is refused, and so is a file of more than
        ``max_bytes`` (no more than that is ever read).
        """
        path = Path(path)
        max_bytes = arguments.integer(max_bytes, "max_bytes", minimum=1)
        try:
            text = read_regular_file(path, max_bytes)
        except NotARegularFile as error:
            raise ValueError(f"cannot load a model: {error}") from None
        except FileTooLarge as error:
            raise ValueError(
                f"cannot load a model: {error}: it is not a model file of this size; pass a "
                "larger max_bytes to read it anyway"
            ) from None
        try:
            document = json.loads(text.decode("utf-8"), parse_constant=_no_constant)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"{path} is not a JSON file written by Module.save: {error}") from None
        except RecursionError:
            raise ValueError(f"{path} nests its lists too deeply for a model file") from None
        except ValueError as error:  # digits beyond Python's limit, nan or inf
            raise ValueError(f"{path} is not a model file written by Module.save: {error}") \
                from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(
                f"{path} is not a sweepgrad model file (expected format {FORMAT!r})"
            )
        self.load_state_dict(document.get("state"))


# --- helpers ---------------------------------------------------------------


def _flatten(tensor: Tensor, out: list[Value]) -> None:
    """Append the Values of a nested list in row-major order (iteratively)."""
    stack = [tensor]
    while stack:
        item = stack.pop()
        if isinstance(item, Value):
            out.append(item)
        else:
            stack.extend(reversed(item))


def _document(model: str, state: dict[str, Any]) -> str:
    """The JSON of a saved model, a line per tensor.

    Written piece by piece with ``json.dumps``'s C encoder: asked to indent,
    json falls back to its Python encoder, whose nested closures refer to
    one another and are left for the cycle collector (33 objects a save).
    """
    lines = [f"  {json.dumps(name)}: {json.dumps(values, allow_nan=False)}"
             for name, values in state.items()]
    return (
        f'{{\n "format": {json.dumps(FORMAT)},\n "model": {json.dumps(model)},\n "state": {{\n'
        + ",\n".join(lines) + "\n }\n}\n"
    )


def _no_constant(name: str) -> float:
    raise ValueError(f"it holds {name}, which parameters cannot be")


def _check_finite(tensor: Tensor, name: str) -> None:
    """A ValueError naming the first parameter that is nan or ±inf."""
    values: list[Value] = []
    _flatten(tensor, values)
    for index, value in enumerate(values):
        if not math.isfinite(value.data):
            label = value.label or f"{name}[{index}]"
            raise ValueError(
                f"cannot save: parameter {label} is {value.data} (training diverged?); "
                "save a model whose parameters are all finite numbers"
            )


def _floats(tensor: Tensor) -> Any:
    if isinstance(tensor, Value):
        return tensor.data
    return [_floats(item) for item in tensor]


def _match(tensor: Tensor, given: Any, where: str, out: list[tuple[Value, float]]) -> None:
    """Check ``given`` has the shape of ``tensor`` and holds numbers; collect pairs."""
    if isinstance(tensor, Value):
        if isinstance(given, bool) or not isinstance(given, Real):
            raise ValueError(f"{where}: expected a number, got {type(given).__name__} {given!r}")
        try:
            number = float(given)
        except OverflowError:
            raise ValueError(f"{where}: {given!r} is too large for a float") from None
        if not math.isfinite(number):
            raise ValueError(f"{where}: got {number}, parameters must be finite numbers")
        out.append((tensor, number))
        return
    if not isinstance(given, list):
        raise ValueError(
            f"{where}: expected a list of {len(tensor)}, got {type(given).__name__}"
        )
    if len(given) != len(tensor):
        raise ValueError(f"{where}: expected {len(tensor)} entries, got {len(given)}")
    for index, (item, value) in enumerate(zip(tensor, given)):
        _match(item, value, f"{where}[{index}]", out)
