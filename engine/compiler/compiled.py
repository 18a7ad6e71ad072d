"""``compile(root, inputs)``: replay a recorded graph at new inputs, at plain-float speed.

The dynamic engine builds a ``Value`` per operation, every time. A graph whose
shape does not change (a model's training step: same layers, same batch size)
can instead be recorded once and compiled to straight-line Python
(``engine.compiler.codegen``): one line per op for the forward pass, one per edge for
the backward sweep, on plain floats, with no objects allocated per node::

    >>> x, w, b = Value(0.5), Value(0.9), Value(0.1)
    >>> f = compile((x * w + b).tanh(), [x, w, b])
    >>> value, grads = f([0.3, -1.2, 0.0])     # o and [∂o/∂x, ∂o/∂w, ∂o/∂b]
    >>> print(f.source)                        # what backpropagation compiles to

It gives what a fresh dynamic forward and ``backward()`` give at the same
values, bit for bit: every op recomputes its value and local derivative from
the new inputs (relu's branch included) with ``engine.ieee``'s rules, and
every gradient sums its contributions in the sweep's order.

What is frozen, as in any tracing compiler: the graph's shape. Python code
that looked at values while the graph was built (``if x.data > 0:``, a
``max`` over ``.data``, a loop whose length depends on a value) took one
branch, and the compiled function replays that branch at every input. Leaves
not listed in ``inputs`` are constants, baked in with the values they held.
``compiled.check(new_root, inputs)`` compares the compiled function with
a graph built again by the same code at new values: same shape, same
numbers, or a ValueError naming the first difference. The compiled function
does not look at ``no_grad`` or ``detect_anomaly``.

A big graph whose parts mostly differ (no repeated shapes) would compile
nearly every line anew; for it ``compile`` records a flat tape instead
(``engine.compiler.tape``), with the same numbers and the same ``check``; ``mode``
chooses, and ``compiled.mode`` says which it is.

The pipeline, each step once: the arguments checked and the graph put in
topological order (``_prepare``); the graph read into a plan
(``engine.compiler.plan``); code or tape chosen from the plan; the back-end
built from the plan (``engine.compiler.code.Code`` or
``engine.compiler.tape.Tape``, one interface: ``run``, ``source``,
``difference``); ``Compiled`` around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real
from operator import countOf
from typing import Protocol

from engine.backward import sweep_gradients
from engine.compiler.code import Code
from engine.compiler.codegen import PART_NODES
from engine.compiler.plan import Plan, read_plan
from engine.compiler.tape import Tape
from engine.graph import require_node, topological_order
from engine.ieee import same_float
from engine.naming import node_name
from engine.node import Node


class Backend(Protocol):
    """What ``Compiled`` runs: compiled code (``Code``) or a tape (``Tape``)."""

    mode: str
    nodes: int
    edges: int

    @property
    def parts(self) -> int: ...

    @property
    def functions(self) -> int: ...

    @property
    def source(self) -> str: ...

    def run(self, values: list[float]) -> tuple[float, list[float], list[float]]: ...

    def difference(self, plan: Plan) -> str | None: ...

    def describe(self) -> str: ...


BACKENDS: dict[str, type[Code] | type[Tape]] = {"code": Code, "tape": Tape}


class Compiled:
    """A graph compiled by ``engine.compile``: ``compiled(values) -> (value, grads)``."""

    __slots__ = ("_backend", "_names", "_part_nodes", "_outputs")

    def __init__(self, backend: Backend, names: list[str], part_nodes: int,
                 outputs: list[int]) -> None:
        self._backend = backend
        self._names = names
        self._part_nodes = part_nodes
        self._outputs = outputs  # the outputs' indices in the topological order

    @property
    def mode(self) -> str:
        """``"code"`` (straight-line Python) or ``"tape"`` (``engine.compiler.tape``)."""
        return self._backend.mode

    @property
    def source(self) -> str:
        """The generated Python: each part's forward lines, its ``yield``, its backward lines.

        For a tape, the work it does written as that Python (``Tape.listing``).
        """
        return self._backend.source

    @property
    def parts(self) -> int:
        """How many generated functions a call runs (``functions`` of them distinct)."""
        return self._backend.parts

    @property
    def functions(self) -> int:
        """How many distinct functions were compiled (0 for a tape)."""
        return self._backend.functions

    @property
    def nodes(self) -> int:
        return self._backend.nodes

    @property
    def edges(self) -> int:
        return self._backend.edges

    @property
    def inputs(self) -> int:
        """How many values a call takes."""
        return len(self._names)

    def __call__(self, values: Sequence[float]) -> tuple[float, list[float]]:
        """(the root's value, [∂root/∂input for each input]) at ``values``, one per input."""
        value, grads, _ = self._backend.run(self._floats(values))
        return value, grads

    def run(self, values: Sequence[float]) -> tuple[float, list[float], list[float]]:
        """Like a call, and also the values of the ``outputs`` given to ``compile``."""
        return self._backend.run(self._floats(values))

    def _floats(self, values: Sequence[float]) -> list[float]:
        """The values as floats, one per input, or an error that says what is wrong."""
        try:
            count = len(values)
        except TypeError:
            raise TypeError(
                f"compiled function takes a list of {self.inputs} numbers, got "
                f"{type(values).__name__}"
            ) from None
        if isinstance(values, (str, bytes)) or count != self.inputs:
            raise ValueError(
                f"compiled function of {self.inputs} inputs ({self._describe_inputs()}) got "
                f"{count} values: give one number per input, in the order compile was given"
            )
        # Counting in C: a third quicker than collecting the types in a set, which
        # took a sixth of a replay of 2·10⁴ inputs on 5·10⁴ nodes.
        if countOf(map(type, values), float) == count:
            return values if type(values) is list else list(values)
        return list(map(self._number, range(count), values))

    def _number(self, position: int, x: object) -> float:
        if isinstance(x, Real) and not isinstance(x, bool):
            return float(x)
        hint = " (use v.data for a Value)" if isinstance(x, Node) else ""
        raise TypeError(
            f"compiled function: value {position} (input {self._names[position]}) is "
            f"{type(x).__name__}, not a number{hint}"
        )

    def _describe_inputs(self) -> str:
        shown = ", ".join(self._names[:4])
        return shown + (", ..." if len(self._names) > 4 else "")

    def check(self, root: Node, inputs: Sequence[Node]) -> None:
        """Check this function against a graph built again, by the same code, at new values.

        ``root`` is the new graph, ``inputs`` its input leaves (as given to
        ``compile``). Raises ValueError if the new graph differs in shape or
        constants (the first differing line of generated code, or op of the
        tape, is named: Python control flow that depends on values took
        another branch), or if its value or gradients differ from this
        function's at the inputs' values. Leaves every ``.grad`` as it was.
        Costs about one code generation and one dynamic sweep: far less than
        compiling.
        """
        order, positions = _prepare(root, inputs, "check")
        kept = [i for i in self._outputs if i < len(order)]
        plan = read_plan(order, positions, kept, self._part_nodes, cut=self.mode == "code")
        change = self._backend.difference(plan)
        if change is not None:
            raise ValueError(
                f"check: the graph's shape or constants changed: {change}. Python code "
                "that reads values while building the graph took another branch (or a "
                "constant changed): compile this graph again"
            )
        self._check_numbers(root, positions)

    def _check_numbers(self, root: Node, positions: dict[Node, int]) -> None:
        """This function's value and gradients against the dynamic engine's at the leaves."""
        values = [leaf.data for leaf in positions]
        value, grads = self(values)
        expected = sweep_gradients(root, list(positions))
        if not same_float(value, root.data):
            raise ValueError(f"check: compiled value {value!r}, dynamic engine {root.data!r}")
        for leaf, grad in zip(positions, grads):
            dynamic = 0.0 + expected[leaf]  # what backward() leaves on a zeroed leaf
            if not same_float(grad, dynamic):
                raise ValueError(
                    f"check: gradient with respect to {node_name(leaf)}: compiled {grad!r}, "
                    f"dynamic engine {dynamic!r}"
                )

    def __repr__(self) -> str:
        return (f"Compiled({self.nodes} nodes, {self.inputs} inputs, "
                f"{self._backend.describe()})")



def _prepare(
    root: object, inputs: Sequence[Node], where: str
) -> tuple[list[Node], dict[Node, int]]:
    """The topological order and each input's position, with every argument checked."""
    node = require_node(root, f"{where}(root)")
    if isinstance(inputs, Node) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"{where}: inputs must be a list of Values (the leaves to vary), got "
            f"{type(inputs).__name__}"
        )
    order = topological_order(node)
    in_graph = set(order)
    positions: dict[Node, int] = {}
    for position, leaf in enumerate(inputs):
        require_node(leaf, f"{where}: inputs[{position}]")
        if leaf not in in_graph:
            raise ValueError(
                f"{where}: inputs[{position}], {node_name(leaf)}, is not in the root's graph: "
                "the root does not depend on it"
            )
        if leaf.parents:
            raise ValueError(
                f"{where}: inputs[{position}], {node_name(leaf)}, is computed by {leaf.op!r}, "
                "not a leaf: inputs must be leaves (parameters, data), which the graph "
                "does not compute"
            )
        if leaf in positions:
            raise ValueError(
                f"{where}: inputs[{position}], {node_name(leaf)}, is listed twice (also at "
                f"{positions[leaf]}): give each input once"
            )
        positions[leaf] = position
    return order, positions


def compile(
    root: Node,
    inputs: Sequence[Node],
    *,
    outputs: Sequence[Node] = (),
    part_nodes: int = PART_NODES,
    mode: str = "auto",
) -> Compiled:
    """The graph behind ``root`` as a function of the leaves ``inputs``.

    ``compile(root, inputs)(values)`` returns ``(value, grads)``: the root's
    value and ``[∂root/∂input for each input]`` with each input set to the
    matching number, every other leaf fixed at the value it holds now.
    ``outputs``: further nodes whose values ``compiled.run(values)`` also
    returns (a model's scores, say). ``part_nodes``: nodes per generated
    function. ``mode``: ``"code"`` writes straight-line Python
    (``engine.compiler.codegen``); ``"tape"`` records a flat tape (``engine.compiler.tape``:
    9 bytes an op, compiled at once, replayed a few times slower);
    ``"auto"`` (the default) writes code unless the graph is big and its
    parts mostly differ, so that code would compile nearly every line anew.
    The recorded graph is not kept: drop it once compiled.
    """
    order, positions = _prepare(root, inputs, "compile")
    watched = []
    index = {node: i for i, node in enumerate(order)}
    for position, node in enumerate(outputs):
        require_node(node, f"compile: outputs[{position}]")
        if node not in index:
            raise ValueError(f"compile: outputs[{position}], {node_name(node)}, is not in "
                             "the root's graph")
        watched.append(node)
    if part_nodes < 1:
        raise ValueError(f"compile: part_nodes must be at least 1, got {part_nodes}")
    if mode not in _MODES:
        raise ValueError(f"compile: mode must be one of {', '.join(map(repr, _MODES))}, "
                         f"got {mode!r}")
    kept = [index[node] for node in watched]
    plan = read_plan(order, positions, kept, part_nodes, cut=mode != "tape")
    backend = BACKENDS[plan.mode(mode)](plan)
    # An unlabelled input is named by its place: its value at compile time says nothing later.
    names = [node_name(leaf) if leaf.label else f"#{position}"
             for leaf, position in positions.items()]
    return Compiled(backend, names, part_nodes, kept)


_MODES = ("auto", "code", "tape")
