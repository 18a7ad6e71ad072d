"""The code of one part of a compiled graph: its forward lines, ``yield``, its backward lines.

``engine.compiler.codegen`` cuts a graph into parts and asks ``PartWriter``
for each part's body: one line per op in topological order (a value read
once and not needed backward written into its use), then the sweep written
out, last node first, each node adding ``local derivative · g`` to its
parents' gradients (``engine.compiler.rules`` gives the text of both).
Values and gradients that cross parts go through ``V`` and ``G`` at the
slots ``engine.compiler.slot_layout`` gives.
"""

from __future__ import annotations

from engine.compiler.plan import Plan, Templates
from engine.compiler.rules import literal
from engine.compiler.slot_layout import Layout
from engine.node import Node

# Where a line's comment starts, in the readable source.
COMMENT_COLUMN = 40


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


# The most items a tuple display builds at once (CPython's STACK_USE_GUIDELINE).
_TUPLE_ITEMS = 30

# Variable names by number, made once: a part's code names thousands of them.
_NAMES: dict[str, list[str]] = {"v": [], "g": [], "a": [], "p": [], "gp": [], "c": []}


def _names(prefix: str, count: int) -> list[str]:
    names = _NAMES[prefix]
    if len(names) < count:
        names.extend(f"{prefix}{k}" for k in range(len(names), count))
    return names


class _Registers:
    """Names for the gradients of a big graph's part, each reused once the gradient it
    held is spent (its node's contributions written): the float it held is then
    freed at once and its memory reused while in cache, as a hand-written sweep
    rebinds one ``g``. A name is free once nothing holds it: the node whose
    gradient it is, and the parents that share it (a sum passes g on as it is)."""

    def __init__(self) -> None:
        self.free: list[str] = []
        self.holders: dict[str, int] = {}

    def take(self) -> str:
        name = self.free.pop() if self.free else f"g{len(self.holders)}"
        self.holders[name] = 1
        return name

    def hold(self, name: str) -> None:
        if name in self.holders:
            self.holders[name] += 1

    def drop(self, name: str) -> None:
        if name in self.holders:
            self.holders[name] -= 1
            if self.holders[name] == 0:
                self.free.append(name)


class PartWriter:
    """The code of one part, nodes ``start`` to ``end``: ``write()`` gives its body
    (forward, ``yield``, backward) and the slots it takes as arguments."""

    def __init__(self, plan: Plan, layout: Layout, inline: list[bool], start: int,
                 end: int, own: tuple[list[int], list[int]]) -> None:
        self.order, self.rules, self.parents = plan.order, plan.rules, plan.parents
        self.needs, self.constant, self.slot = plan.needs, layout.constant, layout.slot
        self.readable, self.inline, self.start, self.end = layout.readable, inline, start, end
        # The leaves only this part reads (``engine.compiler.slot_layout``), one slice each.
        self.own_inputs, self.own_constants = own
        self.own = {*self.own_inputs, *self.own_constants}
        # An own input one op reads, once, beside no other input: once that op's
        # contributions are written its value is spent, and its gradient takes its
        # variable. A part of a big graph then holds about half as many locals
        # (measured on the chain with a weight and bias per link: 265 in place of
        # 437, and 5% fewer instructions a replay), each cleared when it ends.
        self.spent = layout.spent
        size = end - start
        self.v_names, self.g_names = _names("v", size), _names("g", size)
        self.a_names = _names("a", size)
        self.names = _Registers()  # a readable part names gradients by node instead
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
        if self.names.holders:
            # The registers named first: CPython numbers a function's local variables
            # in the order its code names them, and a local numbered past 255 costs
            # an extra instruction (EXTENDED_ARG) at each use. A part of a big graph
            # has hundreds of locals (a link's own inputs and their gradients); its
            # registers are the ones it uses most.
            self.lines.insert(0, " = ".join(self.names.holders) + " = 0.0")
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
        consecutive slots (``engine.compiler.slot_layout``), read into local variables."""
        for prefix, leaves in (("p", self.own_inputs), ("c", self.own_constants)):
            if not leaves:
                continue
            names = _names(prefix, len(leaves))[: len(leaves)]
            for j, name in zip(leaves, names):
                self.value_of[j] = name
            if prefix == "p":
                for j, name, grad in zip(leaves, names, _names("gp", len(leaves))):
                    self.grad_of[j] = name if j in self.spent else grad
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
        # In slices of at most 30: CPython builds a longer tuple item by item.
        for k in range(0, len(totals), _TUPLE_ITEMS):
            chunk = totals[k:k + _TUPLE_ITEMS]
            start = f"{first} + {k}" if k else first
            self._emit(f"G[{start}:{first} + {k + len(chunk)}] = {', '.join(chunk)},")

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
            if i == root:
                self._emit(f"{self._start(i)} = 1.0")
            if rule is None:  # an input: its total is complete
                if i in self.started:
                    self._emit(f"G[{self._at(self.slot[i])}] = {self.grad_of[i]}",
                               _partial(self.order, self.order[i]))
                continue
            if i in self.alias:
                own = self.alias.pop(i)
            elif i in self.started:
                own = self.grad_of[i]
            else:
                # Every consumer is in a later part, which left the sum in G.
                own = self._start(i)
                self._emit(f"{own} = G[{self._at(self.slot[i])}]")
            self._contributions(i, rule, own)
            self.names.drop(own)  # node i's gradient is spent
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
        terms = list(zip(mine, rule.grads, rule.plain))
        if len(mine) == 2 and mine[0] in self.spent:
            # An input whose gradient takes its value's variable gets its term last,
            # once the other term has read the value (the terms go to different
            # gradients, so their order changes no sum).
            terms.reverse()
        for j, template, plain in terms:
            if not self.needs[j]:
                continue
            term = template(a, b, own, out, aux)
            if self.adds.get(j) == 1:
                self._emit(f"G[{self._at(self.slot[j])}] += {term}")
                continue
            if j in started:
                self._emit(f"{self.grad_of[j]} += {term}")
            elif j in alias:
                shared = alias.pop(j)
                self._emit(f"{self._start(j)} = {shared} + {term}")
                self.names.drop(shared)
            elif j in self.own:
                # Its total starts from the leaf's 0.0, as in the sweep: 0.0 + t is t
                # but for a −0.0, which becomes 0.0, and so is ``t or 0.0``, which
                # makes no new float.
                self._emit(f"{self.grad_of[j]} = {term} or 0.0")
                started.add(j)
            elif j in self.slot:
                self._emit(f"{self._start(j)} = G[{self._at(self.slot[j])}] + {term}")
            elif plain:
                alias[j] = own  # the same number: no line, one name for both
                self.names.hold(own)
            else:
                self._emit(f"{self._start(j)} = {term}")

    def _start(self, j: int) -> str:
        """The variable that will hold node j's gradient, from its first contribution:
        ``g`` and j's number in a readable part, a free one in a big graph's part."""
        name = self.g_names[j - self.start] if self.readable else self.names.take()
        self.grad_of[j] = name
        self.started.add(j)
        return name


def _partial(order: list[Node], node: Node) -> str | None:
    """``∂o/∂w`` for a labelled input, for the comment on its total."""
    if node.label is None:
        return None
    return f"∂{order[-1].label or 'root'}/∂{node.label}"
