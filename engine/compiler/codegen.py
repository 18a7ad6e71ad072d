"""Code generation: a recorded graph as straight-line Python, forward then backward.

What backpropagation compiles to, for o = tanh(x·w + b) with inputs x, w, b::

    def part_0(V, G):
        v0 = V[2]                            # b
        v1 = V[1]                            # w
        v2 = V[0]                            # x
        v3 = v2 * v1
        v4 = v3 + v0
        v5 = tanh(v4)                        # o
        V[3] = v5
        yield
        g5 = 1.0
        g4 = (1.0 - v5) * (1.0 + v5) * g5
        g0 = G[2] + g4
        g2 = G[0] + v1 * g4
        g1 = G[1] + v2 * g4
        G[0] = g2                            # ∂o/∂x
        G[1] = g1                            # ∂o/∂w
        G[2] = g0                            # ∂o/∂b

Forward: one line per op, in topological order, ``vᵢ`` the value of node i
(``engine.compiler.rules`` gives each op's expression). Backward: the sweep of
``engine.backward`` written out in the same order, ``gᵢ`` = ∂root/∂node i:
each node, once all its consumers have added to its gradient, adds
``local derivative · gᵢ`` to each parent's (``g3 = g4`` for a sum is not
written: ``g4`` is used under both names). Constants are literals; nodes that
depend on no input get no gradient at all.

Exactness: the contributions to each gradient are added in the sweep's
order, so every sum rounds as in ``backward()``. An input's total starts from
``G[i]``, which holds 0.0 (or what later parts added), as a leaf's does in
the sweep; an interior gradient starts from its first contribution, which can
differ from the sweep only in the sign of a zero, and that never reaches an
input's total (products keep a zero zero, and the total's leading 0.0 + makes
a −0.0 +0.0, as the sweep's does).

Big graphs are split into parts, each a generator: its forward code runs to
its ``yield``, its backward code when resumed, so each part's values stay in
its own frame in between. Values and gradients that cross parts go through
two lists, ``V`` (the inputs, then one slot per crossing value or constant)
and ``G`` (each slot's gradient). Small functions compile fastest: CPython's
compiler slows down on long ones (measured: 4 µs per line at 250 lines, 12 at
2,000). Parts of a big graph name their slots by parameters (``V[s0]``), so
parts that do the same work on different slots have the same text and are
compiled once (a chain's links, a batch's examples): part boundaries are
placed where the local shape of the graph says (content-defined chunking),
so repeated shapes get repeated boundaries. A big graph's parts carry no
labels in comments (the parts are shared), and a value read once and not
needed backward is written into its use (``engine.compiler.plan``).

The leaves one part alone reads (a chain's weight and bias per link, an
example's data) sit in consecutive slots (``engine.compiler.slot_layout``): the
part takes them in one slice, ``p0, p1, … = V[s0:s0 + n]``, and writes
their gradients back in one, ``G[s0:s0 + n] = gp0, gp1, …``, so a shared
part takes a few slot arguments, not one per leaf. Its gradient variables
are reused once spent (``g0``, ``g1``, …), as a hand-written loop rebinds
one ``g``, and are named on its first line (``g0 = g1 = 0.0``): CPython
numbers a function's locals in the order its code names them and reads
one numbered past 255 with an extra instruction. An own input's gradient
takes the variable of its value once that is spent (``p3 = v8 * g1 or
0.0``), which halves a link's locals (``engine.compiler.part``). A part with
no work (leaves that other parts read) is not called.
"""

from __future__ import annotations

import re

from engine.compiler.part import PartWriter
from engine.compiler.plan import Plan, inlined
from engine.compiler.slot_layout import Layout

# Nodes per generated function: the typical size of a part (see the module docstring).
PART_NODES = 256


class Program:
    """Generated code: the distinct parts, the calls that run them, and the slots.

    ``bodies[k]`` is the text of part k after its ``def`` line; ``params[k]``
    how many slot parameters it takes; ``schedule`` the parts to run, in
    order, each with its slot arguments; ``prefill`` the constants' slots;
    ``input_slots`` each input's slot, by position.
    """

    __slots__ = ("bodies", "params", "schedule", "prefill", "slots", "input_slots",
                 "root_slot", "output_slots", "nodes", "edges")

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.params: list[int] = []
        self.schedule: list[tuple[int, tuple[int, ...]]] = []
        self.prefill: list[tuple[int, float]] = []
        self.slots = 0  # length of V and G
        self.input_slots: list[int] = []
        self.root_slot = 0
        self.output_slots: list[int] = []
        self.nodes = 0
        self.edges = 0

    def definition(self, k: int) -> str:
        """Part k as a ``def`` statement."""
        params = "".join(f", s{m}" for m in range(self.params[k]))
        return f"def part_{k}(V, G{params}):\n{self.bodies[k]}"

    def text(self) -> str:
        """Every part's definition, then (for several parts) the calls in order."""
        definitions = "\n".join(self.definition(k) for k in range(len(self.bodies)))
        if len(self.schedule) == 1 and not self.schedule[0][1]:
            return definitions
        calls = "\n".join(
            f"part_{k}(V, G{''.join(f', {s}' for s in args)})" for k, args in self.schedule
        )
        return f"{definitions}\n# The calls, in order:\n{calls}\n"


def generate(plan: Plan) -> Program:
    """Python source computing the plan's root and its gradient with respect to its inputs.

    The values of the plan's ``outputs`` are kept too (in ``V``); its ``bounds``
    say where the parts start and end.
    """
    order, rules, parents = plan.order, plan.rules, plan.parents
    count = len(order)
    constant = plan.constant
    program = Program()
    program.nodes = count
    program.edges = sum(map(len, parents))
    layout = Layout(plan)
    slot, part_of, readable = layout.slot, layout.part_of, layout.readable
    program.slots = layout.size
    program.input_slots = layout.input_slots
    program.root_slot = slot[count - 1]
    program.output_slots = [slot[i] for i in plan.outputs]
    program.prefill = [(s, float(order[i].data)) for i, s in slot.items() if constant[i]]

    inline = ([False] * count if readable
              else inlined(rules, parents, plan.needs, slot, part_of))
    known: dict[str, int] = {}
    for p, (start, end) in enumerate(plan.bounds):
        writer = PartWriter(plan, layout, inline, start, end, layout.runs[p])
        body, args = writer.write()
        if body == _NOTHING:
            continue  # leaves only, read by other parts: no code to run
        key = f"{len(args)}:{body}"
        if key not in known:
            known[key] = len(program.bodies)
            program.bodies.append(body)
            program.params.append(len(args))
        program.schedule.append((known[key], tuple(args)))
    _fix_unshared_slots(program)
    return program


# The body of a part with no work: its leaves are read where they are used.
_NOTHING = "    yield\n"

_SLOT_PARAMETER = re.compile(r"\bs(\d+)\b")


def _fix_unshared_slots(program: Program) -> None:
    """Write the slot numbers into the parts that run once (most parts of an
    irregular graph): CPython compiles a function with hundreds of parameters
    slowly (measured: 1.7 s against 1.1 s for a random 48,000-node graph)."""
    runs = [0] * len(program.bodies)
    for k, _ in program.schedule:
        runs[k] += 1
    for position, (k, args) in enumerate(program.schedule):
        if runs[k] == 1 and args:
            numbers = [str(s) for s in args]

            def number(match: re.Match[str], numbers: list[str] = numbers) -> str:
                return numbers[int(match.group(1))]

            program.bodies[k] = _SLOT_PARAMETER.sub(number, program.bodies[k])
            program.params[k] = 0
            program.schedule[position] = (k, ())
