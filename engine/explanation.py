"""``explain(node, root)``: the chain-rule sum behind a node's gradient, with its numbers.

After ``root.backward()``, every node's gradient is the sum the sweep built
for it (the lecture on backpropagation, the multivariate chain rule):

    ∂root/∂node = Σ over the edges node → c of  ∂c/∂node · ∂root/∂c

one term per edge into a node c that uses it: the local derivative c
recorded, times c's gradient. ``explain`` lists those terms, in the order
the sweep added them, with the total, and says where they come from: a node
used by several others (fan-out) gets one term from each, and a node used
twice by one op (``x * x``) one term per operand. It also says when
``node.grad`` is not that sum, and why that can be: a leaf accumulates over
``backward()`` calls, a hook may replace a gradient, or ``backward()`` ran
on another root.

The root is an argument because a node refers only to its parents: the
nodes that use it are found from the root. (Remembering the last root of
``backward()`` would keep its whole graph alive.)

An ``Explanation`` prints as text; in Jupyter it shows as Markdown (a table
and the sum in LaTeX) and has ``_repr_latex_`` for the sum alone.
"""

from __future__ import annotations

from typing import NamedTuple

from engine.graph import require_node, topological_order
from engine.naming import node_name, node_names
from engine.node import Node, hooks_of
from engine.table import format_table

_INFIX = {"+": "+", "-": "-", "*": "*", "/": "/", "**": "**"}


class Term(NamedTuple):
    """One edge's share: ``local_grad · consumer_grad``."""

    consumer: Node
    operand: int  # which operand of the consumer the node is, from 0
    local_grad: float  # ∂consumer/∂node
    consumer_grad: float  # ∂root/∂consumer
    product: float  # multiplied as the sweep multiplies (a selected zero gives 0)


def explain(node: Node, root: Node) -> Explanation:
    """Why ``node.grad`` is what it is after ``root.backward()``: see the module's docstring."""
    require_node(node, "explain(node)")
    require_node(root, "explain(node, root)")
    order = topological_order(root)
    names = node_names(order)  # as the player and the exercise checks name them
    if node not in names:
        raise ValueError(
            f"explain: {node_name(node)} is not in the graph behind the root: the root does "
            "not depend on it. Pass the root that backward() ran on."
        )
    terms = []
    for consumer in reversed(order):  # the order in which the sweep adds the terms
        for operand, (parent, local_grad) in enumerate(
                zip(consumer.parents, consumer.local_grads, strict=True)):
            if parent is node:
                terms.append(Term(consumer, operand, local_grad, consumer.grad,
                                  local_grad * consumer.grad))
    return Explanation(node, root, tuple(terms), names)


class Explanation:
    """The terms of one node's gradient, their sum, and what ``node.grad`` holds."""

    def __init__(self, node: Node, root: Node, terms: tuple[Term, ...],
                 names: dict[Node, str]) -> None:
        self.node = node
        self.root = root
        self.terms = terms
        self._names = names
        total = 1.0 if node is root else 0.0  # the seed, or the sweep's running sum
        for term in terms:
            total += term.product
        self.total = total
        self.grad = node.grad

    # --- what the terms are ---------------------------------------------------------

    @property
    def consumers(self) -> int:
        """How many distinct nodes use the node."""
        return len({id(term.consumer) for term in self.terms})

    @property
    def fan_out(self) -> bool:
        """True when several nodes use the node: each adds its own term."""
        return self.consumers > 1

    def source(self, term: Term) -> str:
        """Where a term comes from, in words."""
        uses = sum(1 for t in self.terms if t.consumer is term.consumer)
        parts = ["fan-out"] if self.fan_out else []
        if uses > 1:
            parts.append(f"{self._names[term.consumer]} uses {self._name} {_times(uses)}")
        return ", ".join(parts) or "the only edge"

    def notes(self) -> list[str]:
        """What the reader should know beyond the sum."""
        name, notes = self._name, []
        if self.root.grad != 1.0:
            notes.append(f"the root {self._names[self.root]} has grad {self.root.grad:.6g}, "
                         "not 1: call backward() on it first; the numbers are what the nodes "
                         "hold now.")
        if self.node is self.root:
            notes.append(f"{name} is the root: its gradient is the seed, ∂{name}/∂{name} = 1.")
        elif not self.terms:
            notes.append(f"no node uses {name}")
        if self.fan_out:
            notes.append(f"fan-out: {name} feeds {self.consumers} nodes over {len(self.terms)} "
                         f"edges, so its gradient adds {len(self.terms)} terms, one per edge.")
        elif len(self.terms) > 1:
            consumer = self.terms[0].consumer
            notes.append(f"{self._names[consumer]} = {self._expression(consumer)} uses {name} "
                         f"{_times(len(self.terms))}: one term per operand.")
        if hooks_of(self.node):
            notes.append(f"{name} has a hook, which may have replaced this sum: its grad "
                         "holds what the hook returned.")
        if self.grad != self.total and not (self.grad != self.grad and self.total != self.total):
            if not self.node.parents and self.node is not self.root:
                notes.append(f"{name} is a leaf: backward() adds each sweep's total to what it "
                             f"held, so its grad = {self.grad:.6g} = "
                             f"{self.grad - self.total:.6g} from before + {self.total:.6g} "
                             "(reset it with grad = 0 or zero_grad()).")
            elif not hooks_of(self.node):
                notes.append(f"{name} has grad {self.grad:.6g}, not this sum: its gradient came "
                             "from another backward() (on another root?) or was set by hand.")
        return notes

    @property
    def _name(self) -> str:
        return self._names[self.node]

    def _expression(self, consumer: Node) -> str:
        operands = [self._names.get(p, "?") for p in consumer.parents]
        op = consumer.op
        if op in _INFIX and len(operands) == 2:
            return f"{operands[0]} {_INFIX[op]} {operands[1]}"
        if op.startswith("**") and len(operands) == 1:
            return f"{operands[0]}{op}"
        if op == "neg":
            return f"-{operands[0]}"
        return f"{op}({', '.join(operands)})"

    def _rows(self) -> list[list[str]]:
        return [[str(k), f"{self._names[t.consumer]} = {self._expression(t.consumer)}",
                 f"{t.operand + 1} of {len(t.consumer.parents)}", self.source(t),
                 f"{t.local_grad:.6g}", f"{t.consumer_grad:.6g}", f"{t.product:.6g}"]
                for k, t in enumerate(self.terms, start=1)]

    # --- how it shows -----------------------------------------------------------------

    def _header(self) -> list[str]:
        return ["term", "consumer", "operand", "from", f"∂consumer/∂{self._name}",
                "consumer.grad", "product"]

    def _sum_text(self) -> str:
        root, name = self._names[self.root], self._name
        if self.node is self.root:
            return f"∂{root}/∂{name} = 1"
        products = " + ".join(f"{t.local_grad:.6g}·{t.consumer_grad:.6g}" for t in self.terms)
        return f"∂{root}/∂{name} = {products or '0'} = {self.total:.6g}"

    def __str__(self) -> str:
        name = self._name
        parts = [f"∂{self._names[self.root]}/∂{name}: the chain rule sums, over the edges from "
                 f"{name} to the nodes that use it, ∂consumer/∂{name} · consumer.grad"]
        if self.terms:
            parts.append(format_table(self._header(), self._rows(), left_columns=4))
        parts.append(f"{self._sum_text()}   ({name} has grad {self.grad:.6g})")
        parts += [f"- {note}" for note in self.notes()]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"Explanation({self._sum_text()})"

    def _repr_markdown_(self) -> str:
        lines = [f"$${self._repr_latex_().strip('$')}$$", ""]
        if self.terms:
            header = self._header()
            lines.append("| " + " | ".join(_markdown(cell) for cell in header) + " |")
            lines.append("|" + "---|" * len(header))
            for row in self._rows():
                lines.append("| " + " | ".join(_markdown(cell) for cell in row) + " |")
            lines.append("")
        lines += [f"- {_markdown(note)}" for note in self.notes()]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        root, name = _latex(self._names[self.root]), _latex(self._name)
        left = rf"\frac{{\partial {root}}}{{\partial {name}}}"
        if self.node is self.root:
            return f"${left} = 1$"
        terms = " + ".join(
            rf"\underbrace{{{_number(t.local_grad)} \cdot {_number(t.consumer_grad)}}}"
            rf"_{{{_latex(self._names[t.consumer])}}}" for t in self.terms)
        return f"${left} = {terms or '0'} = {_number(self.total)}$"


def _times(count: int) -> str:
    return {2: "twice", 3: "three times"}.get(count, f"{count} times")


def _number(x: float) -> str:
    text = f"{x:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{nan}"}.get(text, text)


def _latex(name: str) -> str:
    """A node's name as upright LaTeX text, its special characters and spaces escaped."""
    escaped = "".join({"\\": r"\backslash ", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
                       "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}",
                       # In maths a quote is a prime: node names quote their labels.
                       "'": r"\text{'}", " ": r"\ "}.get(c, c)
                      for c in name)
    return rf"\mathrm{{{escaped}}}"


def _markdown(text: str) -> str:
    """A table cell: pipes and markup characters escaped."""
    return "".join("\\" + c if c in "|*_`[]<>$\\" else c for c in text)
