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

from engine.compiler.plan import Plan, Templates, inlined
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
    bounds = plan.bounds
    readable = len(bounds) == 1
    part_of = [0] * count
    for p, (start, end) in enumerate(bounds):
        part_of[start:end] = [p] * (end - start)
    layout = _Layout(plan, part_of, constant, readable)
    slot = layout.slot
    program.slots = layout.size
    program.input_slots = layout.input_slots
    program.root_slot = slot[count - 1]
    program.output_slots = [slot[i] for i in plan.outputs]
    program.prefill = [(s, float(order[i].data)) for i, s in slot.items() if constant[i]]

    inline = ([False] * count if readable
              else inlined(rules, parents, plan.needs, slot, part_of))
    known: dict[str, int] = {}
    for p, (start, end) in enumerate(bounds):
        writer = _Part(plan, layout, inline, start, end, layout.runs[p])
        body, args = writer.write()
        key = f"{len(args)}:{body}"
        if key not in known:
            known[key] = len(program.bodies)
            program.bodies.append(body)
            program.params.append(len(args))
        program.schedule.append((known[key], tuple(args)))
    _fix_unshared_slots(program)
    return program


class _Layout:
    """Where each value lives in ``V`` (and its gradient in ``G``): ``slot[node]``.

    A small graph (one readable part) keeps its inputs in the caller's order
    and writes its constants as literals. In a big graph, the leaves that only
    one part reads (a chain's weight and bias per link, a batch example's data)
    are that part's *own*: they get consecutive slots, in the order the part
    reads them, so the part takes them in one slice (``p0, p1, … = V[s:s + n]``)
    into local variables and writes their gradients back in one slice, instead
    of being passed a slot number for each (measured on the chain with a
    weight and a bias per link: 174 slot arguments, each read through
    ``V[s]``, made it 1.4× the hand-written floats). The inputs are then laid
    out in ``V`` in that order, not the caller's: ``input_slots[position]``.
    Then, as before, one slot per value that crosses parts, per other
    constant, for the root and for each output.
    """

    def __init__(self, plan: Plan, part_of: list[int], constant: list[bool],
                 readable: bool) -> None:
        self.constant, self.readable = constant, readable
        self.slot: dict[int, int] = {}
        self.runs: list[tuple[list[int], list[int]]] = [([], []) for _ in plan.bounds]
        index = plan.index
        inputs = [index[leaf] for leaf in plan.positions]  # by position
        if not readable:
            self._own_leaves(plan, part_of)
        size = 0
        for own_inputs, _ in self.runs:
            for j in own_inputs:
                self.slot[j] = size
                size += 1
        for j in inputs:
            if j not in self.slot:
                self.slot[j] = size
                size += 1
        self.input_slots = [self.slot[j] for j in inputs]
        self.size = self._crossing(plan, part_of, size)

    def _own_leaves(self, plan: Plan, part_of: list[int]) -> None:
        """Each part's own leaves (read by no other part), inputs and constants apart,
        in the order the part's forward code first reads them."""
        rules, parents = plan.rules, plan.parents
        reader = [-1] * len(rules)  # the part reading leaf j, or -2 if several do
        for i, mine in enumerate(parents):
            part = part_of[i]
            for j in mine:
                if rules[j] is None and reader[j] != part:
                    reader[j] = part if reader[j] == -1 else -2
        taken = set()
        for p, (start, end) in enumerate(plan.bounds):
            own_inputs, own_constants = self.runs[p]
            for i in range(start, end):
                for j in parents[i]:
                    if reader[j] == p and j not in taken:
                        taken.add(j)
                        (own_constants if self.constant[j] else own_inputs).append(j)

    def _crossing(self, plan: Plan, part_of: list[int], size: int) -> int:
        """Slots for each part's own constants (consecutive), for the values that
        cross parts and the other constants, the root and the outputs; the new size."""
        slot, constant, readable = self.slot, self.constant, self.readable
        parents = plan.parents
        for _, own_constants in self.runs:
            for j in own_constants:
                slot[j] = size
                size += 1
        count = len(parents)
        for i in range(count):
            part = part_of[i]
            for j in parents[i]:
                if (part_of[j] != part or (constant[j] and not readable)) and j not in slot:
                    slot[j] = size
                    size += 1
        for i in (count - 1, *plan.outputs):
            if i not in slot:
                slot[i] = size
                size += 1
        return size


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


def comment_text(text: str) -> str:
    """``text`` as it may stand in a comment of generated code: one line, whatever it
    holds. A line break (or any character that is not printable) is written as its
    escape, ``\\n``, so a label can never end the comment and start a line of code."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _comment(line: str, label: str | None) -> str:
    if label is None:
        return line
    return f"{line:<{COMMENT_COLUMN - 4}} # {comment_text(label)}"


# Variable names by number, made once: a part's code names thousands of them.
_NAMES: dict[str, list[str]] = {"v": [], "g": [], "a": [], "p": [], "gp": [], "c": []}


def _names(prefix: str, count: int) -> list[str]:
    names = _NAMES[prefix]
    if len(names) < count:
        names.extend(f"{prefix}{k}" for k in range(len(names), count))
    return names


class _Part:
    """The code of one part, nodes ``start`` to ``end``: ``write()`` gives its body
    (forward, ``yield``, backward) and the slots it takes as arguments."""

    def __init__(self, plan: Plan, layout: _Layout, inline: list[bool], start: int,
                 end: int, own: tuple[list[int], list[int]]) -> None:
        self.order, self.rules, self.parents = plan.order, plan.rules, plan.parents
        self.needs, self.constant, self.slot = plan.needs, layout.constant, layout.slot
        self.readable, self.inline, self.start, self.end = layout.readable, inline, start, end
        # The leaves only this part reads (``_Layout``), taken in one slice each.
        self.own_inputs, self.own_constants = own
        self.own = {*self.own_inputs, *self.own_constants}
        size = end - start
        self.v_names, self.g_names = _names("v", size), _names("g", size)
        self.a_names = _names("a", size)
        self.lines: list[str] = []
        self.args: list[int] = []
        self.slot_names: dict[int, str] = {}
        self.value_of: dict[int, str] = {}  # how this part writes each node's value
        self.grad_of: dict[int, str] = {}  # and the variable for its gradient
        self.externals: list[int] = []  # nodes of other parts (and constants) read here
        # A big graph's part reads every leaf and every node of an earlier part from
        # V, and adds to their gradients in G: one it reads once is written V[s] in
        # place, one it adds to once gets G[s] += ..., with no variable and no line.
        self.reads: dict[int, int] = {}
        self.adds: dict[int, int] = {}
        if not self.readable:
            self._count_crossings()

    def write(self) -> tuple[str, list[int]]:
        self._take_own()
        self._forward()
        self.lines.append("yield")
        self._backward()
        self._give_own()
        return "    " + "\n    ".join(self.lines) + "\n", self.args

    def _count_crossings(self) -> None:
        rules, needs = self.rules, self.needs
        for i in range(self.start, self.end):
            if rules[i] is not None:
                for j in self.parents[i]:
                    if (j < self.start or rules[j] is None) and j not in self.own:
                        self.reads[j] = self.reads.get(j, 0) + 1
                        if needs[i] and needs[j]:
                            self.adds[j] = self.adds.get(j, 0) + 1

    def _emit(self, line: str, label: str | None = None) -> None:
        self.lines.append(_comment(line, label) if self.readable else line)

    def _at(self, s: int) -> str:
        """How this part writes slot s: a number, or a parameter when parts are shared."""
        if self.readable:
            return str(s)
        name = self.slot_names.get(s)
        if name is None:
            name = self.slot_names[s] = f"s{len(self.args)}"
            self.args.append(s)
        return name

    def _take_own(self) -> None:
        """The part's own inputs and constants, each kind in one slice from ``V``:
        consecutive slots (``_Layout``), read into local variables."""
        for prefix, leaves in (("p", self.own_inputs), ("c", self.own_constants)):
            if not leaves:
                continue
            names = _names(prefix, len(leaves))[: len(leaves)]
            for j, name in zip(leaves, names):
                self.value_of[j] = name
            if prefix == "p":
                for j, name in zip(leaves, _names("gp", len(leaves))):
                    self.grad_of[j] = name
            first = self._at(self.slot[leaves[0]])
            self._emit(f"{', '.join(names)}, = V[{first}:{first} + {len(leaves)}]")

    def _give_own(self) -> None:
        """The own inputs' gradients, complete (no other part reads them), written to
        ``G`` in one slice; an input that got no contribution keeps its 0.0."""
        leaves = self.own_inputs
        if not leaves:
            return
        totals = [self.grad_of[j] if j in self.started else "0.0" for j in leaves]
        first = self._at(self.slot[leaves[0]])
        self._emit(f"G[{first}:{first} + {len(leaves)}] = {', '.join(totals)},")

    def _operand(self, j: int) -> str:
        """How this part writes node j's value where an op reads it."""
        known = self.value_of.get(j)
        if known is not None:
            return known
        if self.readable and self.constant[j]:
            name = self.value_of[j] = literal(self.order[j].data)
            return name
        if self.reads.get(j) == 1:
            name = self.value_of[j] = f"V[{self._at(self.slot[j])}]"
            return name
        k = len(self.externals)
        self.externals.append(j)
        name = self.value_of[j] = f"x{k}"
        self.grad_of[j] = f"h{k}"
        self._emit(f"{name} = V[{self._at(self.slot[j])}]", self.order[j].label)
        return name

    def _forward(self) -> None:
        """One line per op (or its value written into its one use), in order."""
        start, slot = self.start, self.slot
        for i in range(start, self.end):
            rule = self.rules[i]
            if rule is None:
                self._leaf(i)
                continue
            offset = i - start
            self.grad_of[i] = self.g_names[offset]
            mine = self.parents[i]
            a = self._operand(mine[0])
            b = self._operand(mine[1]) if len(mine) > 1 else ""
            if rule.aux is not None:
                self._emit(f"{self.a_names[offset]} = {rule.aux(a, b, '', '', '')}")
            expression = rule.value(a, b, "", "", self.a_names[offset])
            if self.inline[i]:
                self.value_of[i] = f"({expression})"
                continue
            name = self.value_of[i] = self.v_names[offset]
            self._emit(f"{name} = {expression}", self.order[i].label)
            if i in slot:
                self._emit(f"V[{self._at(slot[i])}] = {name}")

    def _leaf(self, i: int) -> None:
        if not self.readable:
            return  # read from V where it is used
        if not self.constant[i]:
            name = self.value_of[i] = self.v_names[i - self.start]
            self.grad_of[i] = self.g_names[i - self.start]
            self._emit(f"{name} = V[{self._at(self.slot[i])}]", self.order[i].label)
        elif i in self.slot:
            self._emit(f"V[{self._at(self.slot[i])}] = {literal(self.order[i].data)}")

    def _backward(self) -> None:
        """The sweep written out: each node, once its consumers have added to its
        gradient, adds ``local derivative · g`` to each parent's, last node first."""
        self.started: set[int] = set()  # nodes whose gradient is a variable of this part
        self.alias: dict[int, str] = {}  # nodes whose gradient so far is another's variable
        root = len(self.order) - 1
        for i in range(self.end - 1, self.start - 1, -1):
            if not self.needs[i]:
                continue
            rule = self.rules[i]
            if rule is None and not self.readable:
                continue  # its gradient went to G as it came
            own = self.grad_of[i]
            if i == root:
                self._emit(f"{own} = 1.0")
                self.started.add(i)
            if rule is None:  # an input: its total is complete
                if i in self.started:
                    self._emit(f"G[{self._at(self.slot[i])}] = {own}",
                               _partial(self.order, self.order[i]))
                continue
            if i in self.alias:
                own = self.alias.pop(i)
            elif i not in self.started:
                # Every consumer is in a later part, which left the sum in G.
                self._emit(f"{own} = G[{self._at(self.slot[i])}]")
            self._contributions(i, rule, own)
        for j in self.externals:
            if j in self.started:
                self._emit(f"G[{self._at(self.slot[j])}] = {self.grad_of[j]}",
                           self.order[j].label)

    def _contributions(self, i: int, rule: Templates, own: str) -> None:
        """Node i's ``local · g`` added to each parent that needs a gradient."""
        mine = self.parents[i]
        a = self.value_of[mine[0]]
        b = self.value_of[mine[1]] if len(mine) > 1 else ""
        out, aux = self.v_names[i - self.start], self.a_names[i - self.start]
        started, alias = self.started, self.alias
        for j, template, plain in zip(mine, rule.grads, rule.plain):
            if not self.needs[j]:
                continue
            term = template(a, b, own, out, aux)
            if self.adds.get(j) == 1:
                self._emit(f"G[{self._at(self.slot[j])}] += {term}")
                continue
            name = self.grad_of[j]
            if j in started:
                self._emit(f"{name} += {term}")
            elif j in alias:
                self._emit(f"{name} = {alias.pop(j)} + {term}")
                started.add(j)
            elif j in self.own:
                # Its total starts from the leaf's 0.0, as in the sweep: 0.0 + t is t
                # but for a −0.0, which becomes 0.0, and so is ``t or 0.0``, which
                # makes no new float.
                self._emit(f"{name} = {term} or 0.0")
                started.add(j)
            elif j in self.slot:
                self._emit(f"{name} = G[{self._at(self.slot[j])}] + {term}")
                started.add(j)
            elif plain:
                alias[j] = own  # the same number: no line, one name for both
            else:
                self._emit(f"{name} = {term}")
                started.add(j)


def _partial(order: list[Node], node: Node) -> str | None:
    """``∂o/∂w`` for a labelled input, for the comment on its total."""
    if node.label is None:
        return None
    return f"∂{order[-1].label or 'root'}/∂{node.label}"
