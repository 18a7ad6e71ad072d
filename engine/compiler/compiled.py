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
"""

from __future__ import annotations

import builtins
import zlib
from collections.abc import Sequence
from numbers import Real
from types import CodeType, FunctionType

from engine.backward import sweep_gradients
from engine.compiler.codegen import PART_NODES, Program, generate
from engine.compiler.plan import boundaries, read_graph, shares_little
from engine.compiler.rules import NAMESPACE
from engine.compiler.tape import Tape
from engine.graph import require_node, topological_order
from engine.ieee import same_float
from engine.node import Node, describe

_HEADER = """\
# sweepgrad.compile: {what}
# v = a node's value, g = d(root)/d(node). V holds the {inputs} input(s), then the
# values passed between parts and the constants ({slots} slots in all); G holds
# the slots' gradients, from 0.0. A call runs each part to its yield (forward,
# first to last), resumes them last to first (backward), and returns V[{root}]
# and G[:{inputs}].

"""


class Compiled:
    """A graph compiled by ``engine.compile``: ``compiled(values) -> (value, grads)``."""

    __slots__ = ("_schedule", "_size", "_tail", "_inputs", "_root_slot", "_output_slots",
                 "_names", "_source", "_header_chars", "_part_nodes", "_output_indices",
                 "_tape", "nodes", "edges", "functions")

    _schedule: tuple[tuple[FunctionType, tuple[int, ...]], ...]

    def __init__(
        self, program: Program | None, names: list[str], part_nodes: int,
        output_indices: list[int], tape: Tape | None = None,
    ) -> None:
        self._names = names
        self._inputs = len(names)
        self._part_nodes = part_nodes
        self._output_indices = output_indices
        self._tape = tape
        if program is None:
            assert tape is not None
            self._schedule = ()
            self.functions = 0
            self._tail = tape.constants
            self.nodes, self.edges = tape.nodes, tape.edges
            self._header_chars = 0
            self._source = b""
            return
        namespace = dict(NAMESPACE)
        functions = []
        for k in range(len(program.bodies)):
            code = builtins.compile(program.definition(k), f"<sweepgrad.compile part {k}>",
                                    "exec")
            function_code = next(c for c in code.co_consts if isinstance(c, CodeType))
            functions.append(FunctionType(function_code, namespace))
        # Equal slot numbers share one int object: the schedule holds many of them.
        numbers: dict[int, int] = {}
        self._schedule = tuple(
            (functions[k], tuple(numbers.setdefault(s, s) for s in args))
            for k, args in program.schedule
        )
        self.functions = len(functions)
        self._size = program.slots
        tail = [0.0] * (program.slots - len(names))
        for s, value in program.prefill:
            tail[s - len(names)] = value
        self._tail = tail
        self._root_slot = program.root_slot
        self._output_slots = program.output_slots
        self.nodes = program.nodes
        self.edges = program.edges
        header = _HEADER.format(
            what=f"{program.nodes} nodes, {program.edges} edges, {len(program.schedule)} "
            f"part(s), {len(functions)} distinct",
            inputs=len(names), slots=program.slots, root=program.root_slot,
        )
        self._header_chars = len(header)
        # Kept compressed: the text takes far more room than the code it compiled to.
        self._source = zlib.compress((header + program.text()).encode(), 1)

    @property
    def mode(self) -> str:
        """``"code"`` (straight-line Python) or ``"tape"`` (``engine.compiler.tape``)."""
        return "code" if self._tape is None else "tape"

    @property
    def source(self) -> str:
        """The generated Python: each part's forward lines, its ``yield``, its backward lines.

        For a tape, the work it does written as that Python (``Tape.listing``).
        """
        if self._tape is not None:
            tape = self._tape
            return _TAPE_HEADER.format(nodes=tape.nodes, edges=tape.edges, ops=len(tape),
                                       inputs=self._inputs) + tape.listing()
        return zlib.decompress(self._source).decode()

    @property
    def parts(self) -> int:
        """How many generated functions a call runs (``functions`` of them distinct)."""
        return len(self._schedule)

    @property
    def inputs(self) -> int:
        """How many values a call takes."""
        return self._inputs

    def __call__(self, values: Sequence[float]) -> tuple[float, list[float]]:
        """(the root's value, [∂root/∂input for each input]) at ``values``, one per input."""
        value, grads, _ = self.run(values)
        return value, grads

    def run(self, values: Sequence[float]) -> tuple[float, list[float], list[float]]:
        """Like a call, and also the values of the ``outputs`` given to ``compile``."""
        slots = self._slots(values)
        if self._tape is not None:
            return self._tape.run(slots)
        grads = [0.0] * self._size
        running = [part(slots, grads, *args) for part, args in self._schedule]
        for part in running:  # forward, first part to last
            next(part)
        for part in reversed(running):  # backward, last part to first
            next(part, None)
        outputs = [slots[s] for s in self._output_slots]
        return slots[self._root_slot], grads[: self._inputs], outputs

    def _slots(self, values: Sequence[float]) -> list:
        """The values as floats, followed by the slots of crossing values and constants."""
        try:
            count = len(values)
        except TypeError:
            raise TypeError(
                f"compiled function takes a list of {self._inputs} numbers, got "
                f"{type(values).__name__}"
            ) from None
        if isinstance(values, (str, bytes)) or count != self._inputs:
            raise ValueError(
                f"compiled function of {self._inputs} inputs ({self._describe_inputs()}) got "
                f"{count} values: give one number per input, in the order compile was given"
            )
        if set(map(type, values)) <= _FLOAT:
            return [*values, *self._tail]
        return [*map(self._number, range(count), values), *self._tail]
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
        constants (the first differing line of generated code is named:
        Python control flow that depends on values took another branch), or
        if its value or gradients differ from this function's at the inputs'
        values. Leaves every ``.grad`` as it was. Costs about one code
        generation and one dynamic sweep: far less than compiling.
        """
        order, positions = _prepare(root, inputs, "check")
        kept = [i for i in self._output_indices if i < len(order)]
        if self._tape is not None:
            rules, parents, _, _ = read_graph(order, positions)
            change = self._tape.difference(
                Tape(order, positions, rules, parents, kept))
            if change is not None:
                raise ValueError(
                    f"check: the graph's shape or constants changed: {change}. Python code "
                    "that reads values while building the graph took another branch (or a "
                    "constant changed): compile this graph again"
                )
            self._check_numbers(root, positions)
            return
        program = generate(order, positions, [order[i] for i in kept], self._part_nodes)
        fresh = program.text()
        mine = self.source[self._header_chars :]
        if fresh != mine:
            _raise_shape_change(mine, fresh, self.source[: self._header_chars].count("\n"))
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
                    f"check: gradient with respect to {describe(leaf)}: compiled {grad!r}, "
                    f"dynamic engine {dynamic!r}"
                )

    def __repr__(self) -> str:
        if self._tape is not None:
            return f"Compiled({self.nodes} nodes, {self._inputs} inputs, a tape)"
        return (f"Compiled({self.nodes} nodes, {self._inputs} inputs, "
                f"{self.parts} part(s), {self.functions} distinct)")


_FLOAT = {float}

_TAPE_HEADER = """\
# sweepgrad.compile: {nodes} nodes, {edges} edges, recorded as a tape of {ops} ops
# (engine.compiler.tape), which a loop replays; this is its work written as Python.
# v = a node's value, g = d(root)/d(node); v0 ... are the {inputs} input(s), then
# the constants, then the ops. Every g starts at 0.0.

"""




def _raise_shape_change(compiled: str, fresh: str, header_lines: int) -> None:
    old, new = compiled.splitlines(), fresh.splitlines()
    for number, (before, after) in enumerate(zip(old, new), start=header_lines + 1):
        if before != after:
            raise ValueError(
                f"check: the graph's shape or constants changed at line {number} of the "
                f"compiled source: it has {before.strip()!r}, the new graph {after.strip()!r}. "
                "Python code that reads values while building the graph took another branch "
                "(or a constant changed): compile this graph again"
            )
    raise ValueError(
        f"check: the graph changed size: {len(old)} lines of generated code compiled, "
        f"{len(new)} now: compile this graph again"
    )


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
                f"{where}: inputs[{position}], {describe(leaf)}, is not in the root's graph: "
                "the root does not depend on it"
            )
        if leaf.parents:
            raise ValueError(
                f"{where}: inputs[{position}], {describe(leaf)}, is computed by {leaf.op!r}, "
                "not a leaf: inputs must be leaves (parameters, data), which the graph "
                "does not compute"
            )
        if leaf in positions:
            raise ValueError(
                f"{where}: inputs[{position}], {describe(leaf)}, is listed twice (also at "
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
            raise ValueError(f"compile: outputs[{position}], {describe(node)}, is not in "
                             "the root's graph")
        watched.append(node)
    if part_nodes < 1:
        raise ValueError(f"compile: part_nodes must be at least 1, got {part_nodes}")
    if mode not in _MODES:
        raise ValueError(f"compile: mode must be one of {', '.join(map(repr, _MODES))}, "
                         f"got {mode!r}")
    graph = read_graph(order, positions)
    names = [leaf.label or f"#{position}" for leaf, position in positions.items()]
    output_indices = [index[node] for node in watched]
    bounds = None if mode == "tape" else boundaries(graph[2], part_nodes)
    if bounds is None or (mode == "auto" and shares_little(graph[2], bounds)):
        tape = Tape(order, positions, graph[0], graph[1], output_indices)
        return Compiled(None, names, part_nodes, output_indices, tape)
    program = generate(order, positions, watched, part_nodes, graph, bounds)
    return Compiled(program, names, part_nodes, output_indices)


_MODES = ("auto", "code", "tape")
