"""The code back-end: a plan written as straight-line Python (``engine.compiler.codegen``),
compiled by CPython, and run part by part.

``Code(plan)`` compiles each distinct part once into a generator function;
``run(values)`` runs every part to its ``yield`` (forward, first to last) and
resumes them last to first (backward). Its text is kept compressed, for
``source`` and for ``difference``, which tells a graph built again apart by
the first line of code that changed.
"""

from __future__ import annotations

import builtins
import zlib
from collections.abc import Callable
from operator import itemgetter
from types import CodeType, FunctionType

from engine.compiler.codegen import generate
from engine.compiler.plan import Plan
from engine.compiler.rules import NAMESPACE

_HEADER = """\
# sweepgrad.compile: {what}
# v = a node's value, g = d(root)/d(node). V holds the {inputs} input(s), then the
# values passed between parts and the constants ({slots} slots in all); G holds
# the slots' gradients, from 0.0. A call runs each part to its yield (forward,
# first to last), resumes them last to first (backward), and returns V[{root}]
# and G[:{inputs}].

"""


class Code:
    """A graph as compiled Python functions: ``run(values)`` replays it."""

    mode = "code"

    __slots__ = ("_schedule", "_size", "_tail", "_inputs", "_root_slot", "_output_slots",
                 "_gather", "_scatter", "_source", "_header_chars", "nodes", "edges",
                 "functions")

    def __init__(self, plan: Plan) -> None:
        program = generate(plan)
        inputs = len(plan.positions)
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
        self._inputs = inputs
        self._size = program.slots
        tail = [0.0] * (program.slots - inputs)
        for s, value in program.prefill:
            tail[s - inputs] = value
        self._tail = tail
        self._gather, self._scatter = _permutations(program.input_slots)
        self._root_slot = program.root_slot
        self._output_slots = program.output_slots
        self.nodes = program.nodes
        self.edges = program.edges
        header = _HEADER.format(
            what=f"{program.nodes} nodes, {program.edges} edges, {len(program.schedule)} "
            f"part(s), {len(functions)} distinct",
            inputs=inputs, slots=program.slots, root=program.root_slot,
        )
        self._header_chars = len(header)
        # Kept compressed: the text takes far more room than the code it compiled to.
        self._source = zlib.compress((header + program.text()).encode(), 1)

    @property
    def parts(self) -> int:
        return len(self._schedule)

    @property
    def source(self) -> str:
        """Each part's forward lines, its ``yield``, its backward lines."""
        return zlib.decompress(self._source).decode()

    def run(self, values: list[float]) -> tuple[float, list[float], list[float]]:
        """(root's value, gradients of the inputs, outputs' values) at ``values``."""
        gather, scatter = self._gather, self._scatter
        slots = values + self._tail if gather is None else [*gather(values), *self._tail]
        grads = [0.0] * self._size
        running = [part(slots, grads, *args) for part, args in self._schedule]
        for part in running:  # forward, first part to last
            next(part)
        for part in reversed(running):  # backward, last part to first
            next(part, None)
        outputs = [slots[s] for s in self._output_slots]
        if scatter is not None:
            return slots[self._root_slot], list(scatter(grads)), outputs
        del grads[self._inputs:]  # the inputs' gradients, without copying 10⁴ of them
        return slots[self._root_slot], grads, outputs

    def difference(self, plan: Plan) -> str | None:
        """Where the code of ``plan`` (a graph built again) differs from this code, or None."""
        fresh = generate(plan).text()
        source = self.source
        mine = source[self._header_chars:]
        if fresh == mine:
            return None
        old, new = mine.splitlines(), fresh.splitlines()
        header_lines = source[: self._header_chars].count("\n")
        for number, (before, after) in enumerate(zip(old, new), start=header_lines + 1):
            if before != after:
                return (f"at line {number} of the compiled source, it has {before.strip()!r}, "
                        f"the new graph {after.strip()!r}")
        return (f"the graph changed size: {len(old)} lines of generated code compiled, "
                f"{len(new)} now")

    def describe(self) -> str:
        return f"{self.parts} part(s), {self.functions} distinct"


Permute = Callable[[list[float]], tuple[float, ...]]


def _permutations(input_slots: list[int]) -> tuple[Permute | None, Permute | None]:
    """From the caller's order of inputs to their slots and back (``itemgetter``, in C),
    or None for both where each input is in the slot of its position."""
    if input_slots == list(range(len(input_slots))):
        return None, None
    position_in = [0] * len(input_slots)
    for position, s in enumerate(input_slots):
        position_in[s] = position
    # Two or more inputs here, so itemgetter gives tuples.
    return itemgetter(*position_in), itemgetter(*input_slots)
