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
"""

from __future__ import annotations

import re

from engine.compiler.plan import (
    GraphReading,
    Templates,
    boundaries,
    inlined,
    needs_gradient,
    read_graph,
)
from engine.compiler.rules import literal
from engine.node import Node

# Nodes per generated function: the typical size of a part (see the module docstring).
PART_NODES = 256

# Where a line's comment starts, in the readable source.
COMMENT_COLUMN = 40


class Program:
    """Generated code: the distinct parts, the calls that run them, and the slots.

    ``bodies[k]`` is the text of part k after its ``def`` line; ``params[k]``
    how many slot parameters it takes; ``schedule`` the parts to run, in
    order, each with its slot arguments; ``prefill`` the constants' slots.
    """

    __slots__ = ("bodies", "params", "schedule", "prefill", "slots", "root_slot",
                 "output_slots", "nodes", "edges")

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.params: list[int] = []
        self.schedule: list[tuple[int, tuple[int, ...]]] = []
        self.prefill: list[tuple[int, float]] = []
        self.slots = 0  # length of V and G
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


def generate(
    order: list[Node],
    positions: dict[Node, int],
    outputs: list[Node],
    part_nodes: int = PART_NODES,
    reading: GraphReading | None = None,
    bounds: list[tuple[int, int]] | None = None,
) -> Program:
    """Python source computing ``order[-1]`` and its gradient with respect to ``positions``.

    ``positions`` maps each input leaf to its index in the values passed in;
    ``outputs`` are further nodes whose values are kept (in ``V``). Raises
    ``NotImplementedError`` for an op without a rule in ``engine.compiler.rules``.
    ``reading`` and ``bounds``: what ``read_graph`` and ``boundaries`` gave for
    these nodes, if already worked out.
    """
    count = len(order)
    rules, parents, shapes, index = reading or read_graph(order, positions)
    constant = [rule is None and node not in positions for rule, node in zip(rules, order)]
    needs = needs_gradient(order, positions, rules, parents)

    program = Program()
    program.nodes = count
    program.edges = sum(map(len, parents))
    bounds = bounds or boundaries(shapes, part_nodes)
    readable = len(bounds) == 1
    slot = {index[leaf]: position for leaf, position in positions.items()}
    size = len(positions)
    part_of = [0] * count
    for p, (start, end) in enumerate(bounds):
        part_of[start:end] = [p] * (end - start)
    for i in range(count):
        part = part_of[i]
        for j in parents[i]:
            if (part_of[j] != part or (constant[j] and not readable)) and j not in slot:
                slot[j] = size
                size += 1
    for node in (order[-1], *outputs):
        if index[node] not in slot:
            slot[index[node]] = size
            size += 1
    program.slots = size
    program.root_slot = slot[count - 1]
    program.output_slots = [slot[index[node]] for node in outputs]
    program.prefill = [(s, order[i].data) for i, s in slot.items() if constant[i]]

    inline = [False] * count if readable else inlined(rules, parents, needs, slot, part_of)
    graph = _Graph(order, rules, parents, constant, needs, slot, readable, inline)
    known: dict[str, int] = {}
    for start, end in bounds:
        body, args = _part(graph, start, end)
        key = f"{len(args)}:{body}"
        if key not in known:
            known[key] = len(program.bodies)
            program.bodies.append(body)
            program.params.append(len(args))
        program.schedule.append((known[key], tuple(args)))
    _fix_unshared_slots(program)
    return program


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


class _Graph:
    """What every part's code generation reads."""

    __slots__ = ("order", "rules", "parents", "constant", "needs", "slot", "readable", "inline")

    def __init__(self, order: list[Node], rules: list[Templates | None],
                 parents: list[list[int]], constant: list[bool], needs: list[bool],
                 slot: dict[int, int], readable: bool, inline: list[bool]) -> None:
        self.order, self.rules, self.parents = order, rules, parents
        self.constant, self.needs, self.slot, self.readable = constant, needs, slot, readable
        self.inline = inline


def _comment(line: str, label: str | None) -> str:
    return line if label is None else f"{line:<{COMMENT_COLUMN - 4}} # {label}"


# Variable names by number, made once: a part's code names thousands of them.
_NAMES: dict[str, list[str]] = {"v": [], "g": [], "a": []}


def _names(prefix: str, count: int) -> list[str]:
    names = _NAMES[prefix]
    if len(names) < count:
        names.extend(f"{prefix}{k}" for k in range(len(names), count))
    return names


def _part(graph: _Graph, start: int, end: int) -> tuple[str, list[int]]:
    """One part's body (forward, ``yield``, backward) and the slots it takes as arguments."""
    order, rules, parents, constant = graph.order, graph.rules, graph.parents, graph.constant
    needs, slot, readable, inline = graph.needs, graph.slot, graph.readable, graph.inline
    size = end - start
    v_names, g_names, a_names = _names("v", size), _names("g", size), _names("a", size)
    lines: list[str] = []
    emit = lines.append
    args: list[int] = []
    slot_names: dict[int, str] = {}
    value_of: dict[int, str] = {}  # how this part writes each node's value
    grad_of: dict[int, str] = {}  # and the variable for its gradient
    externals: list[int] = []  # nodes of other parts (and constants) read here, in order
    # A big graph's part reads every leaf and every node of an earlier part from
    # V, and adds to their gradients in G: one it reads once is written V[s] in
    # place, one it adds to once gets G[s] += ..., with no variable and no line.
    reads: dict[int, int] = {}
    adds: dict[int, int] = {}
    if not readable:
        for i in range(start, end):
            if rules[i] is not None:
                for j in parents[i]:
                    if j < start or rules[j] is None:
                        reads[j] = reads.get(j, 0) + 1
                        if needs[i] and needs[j]:
                            adds[j] = adds.get(j, 0) + 1

    def at(s: int) -> str:
        """How this part writes slot s: a number, or a parameter when parts are shared."""
        if readable:
            return str(s)
        name = slot_names.get(s)
        if name is None:
            name = slot_names[s] = f"s{len(args)}"
            args.append(s)
        return name

    def external(j: int) -> str:
        if readable and constant[j]:
            name = value_of[j] = literal(order[j].data)
            return name
        if reads.get(j) == 1:
            name = value_of[j] = f"V[{at(slot[j])}]"
            return name
        k = len(externals)
        externals.append(j)
        name = value_of[j] = f"x{k}"
        grad_of[j] = f"h{k}"
        line = f"{name} = V[{at(slot[j])}]"
        emit(_comment(line, order[j].label) if readable else line)
        return name

    # --- forward -------------------------------------------------------------
    for i in range(start, end):
        rule = rules[i]
        if rule is None:
            if not readable:
                continue  # read from V where it is used
            if not constant[i]:
                name = value_of[i] = v_names[i - start]
                grad_of[i] = g_names[i - start]
                line = f"{name} = V[{at(slot[i])}]"
                emit(_comment(line, order[i].label) if readable else line)
            elif readable and i in slot:
                emit(f"V[{at(slot[i])}] = {literal(order[i].data)}")
            continue
        offset = i - start
        grad_of[i] = g_names[offset]
        mine = parents[i]
        a = value_of.get(mine[0]) or external(mine[0])
        b = (value_of.get(mine[1]) or external(mine[1])) if len(mine) > 1 else ""
        if rule.aux is not None:
            emit(f"{a_names[offset]} = {rule.aux(a, b, '', '', '')}")
        expression = rule.value(a, b, "", "", a_names[offset])
        if inline[i]:
            value_of[i] = f"({expression})"
            continue
        name = value_of[i] = v_names[offset]
        line = f"{name} = {expression}"
        emit(_comment(line, order[i].label) if readable else line)
        if i in slot:
            emit(f"V[{at(slot[i])}] = {name}")
    emit("yield")

    # --- backward ------------------------------------------------------------
    started: set[int] = set()  # nodes whose gradient is a variable of this part
    alias: dict[int, str] = {}  # nodes whose gradient so far is another node's variable
    root = len(order) - 1
    for i in range(end - 1, start - 1, -1):
        if not needs[i]:
            continue
        rule = rules[i]
        if rule is None and not readable:
            continue  # its gradient went to G as it came
        own = grad_of[i]
        if i == root:
            emit(f"{own} = 1.0")
            started.add(i)
        if rule is None:  # an input: its total is complete
            if i in started:
                line = f"G[{at(slot[i])}] = {own}"
                emit(_comment(line, _partial(order, order[i])) if readable else line)
            continue
        if i in alias:
            own = alias.pop(i)
        elif i not in started:
            # Every consumer is in a later part, which left the sum in G.
            emit(f"{own} = G[{at(slot[i])}]")
        mine = parents[i]
        a = value_of[mine[0]]
        b = value_of[mine[1]] if len(mine) > 1 else ""
        out, aux = v_names[i - start], a_names[i - start]
        for j, template, plain in zip(mine, rule.grads, rule.plain):
            if not needs[j]:
                continue
            if adds.get(j) == 1:
                emit(f"G[{at(slot[j])}] += {template(a, b, own, out, aux)}")
                continue
            name = grad_of[j]
            if j in started:
                emit(f"{name} += {template(a, b, own, out, aux)}")
            elif j in alias:
                emit(f"{name} = {alias.pop(j)} + {template(a, b, own, out, aux)}")
                started.add(j)
            elif j in slot:
                emit(f"{name} = G[{at(slot[j])}] + {template(a, b, own, out, aux)}")
                started.add(j)
            elif plain:
                alias[j] = own  # the same number: no line, one name for both
            else:
                emit(f"{name} = {template(a, b, own, out, aux)}")
                started.add(j)
    for j in externals:
        if j in started:
            line = f"G[{at(slot[j])}] = {grad_of[j]}"
            emit(_comment(line, order[j].label) if readable else line)
    return "    " + "\n    ".join(lines) + "\n", args


def _partial(order: list[Node], node: Node) -> str | None:
    """``∂o/∂w`` for a labelled input, for the comment on its total."""
    if node.label is None:
        return None
    return f"∂{order[-1].label or 'root'}/∂{node.label}"
