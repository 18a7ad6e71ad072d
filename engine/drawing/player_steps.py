"""What each step of the notebook player shows: the changing texts, step by step.

``engine.drawing.player`` lays the graph out once; the scripts here say, for
each step, which texts change to what (a grad cell, a running sum, an edge's
"local derivative × upstream gradient = contribution", a data cell), which
node and edges light up, and the caption, all as plain data for
``player.js``. The backward script reads the sweep from
``engine.drawing.trace`` (so from ``engine.graph``'s ``topological_order``
and ``backward_edges``); the forward script follows the topological order.
"""

from __future__ import annotations

import abc
from collections.abc import Callable

from engine.drawing.options import DrawOptions
from engine.drawing.picture import sum_text
from engine.drawing.trace import Visit, backward_visits
from engine.naming import node_names
from engine.node import Node

# State of one changing text: (text, style) where style is "", "pending" or "asked".
State = tuple[str, str]


class Script(abc.ABC):
    """The texts that change and what each step does to them (one subclass per mode).

    A subclass's ``__init__`` walks its steps, recording with ``start`` and
    ``set`` every state each changing text goes through, in order (the first
    before any step, the last after all of them); ``steps(padded)`` turns
    them into per-step changes for the page.
    """

    def __init__(self, order: list[Node], names: dict[Node, str], options: DrawOptions,
                 mode: str) -> None:
        self.order, self.names, self.options, self.mode = order, names, options, mode
        self.fmt: Callable[[float], str] = options.formatter
        self.index = {node: i for i, node in enumerate(order)}
        # Captions and questions name nodes as the picture shows them (engine.naming).
        self.words = node_names(order)
        self.changes: list[list[tuple[str, int]]] = []  # per step: (key, state number)
        self.history: dict[str, list[State]] = {}

    def set(self, key: str, state: State) -> None:
        """Record that the current step moves ``key`` to ``state``."""
        sequence = self.history.setdefault(key, [])
        sequence.append(state)
        self.changes[-1].append((key, len(sequence) - 1))

    def start(self, key: str, state: State) -> None:
        self.history[key] = [state]

    def label(self, node: Node) -> str:
        return self.words[node]

    def states(self) -> dict[str, list[State]]:
        """Every state of every changing text, in the order the steps reach them."""
        return self.history

    @abc.abstractmethod
    def steps(self, padded: dict[str, list[State]]) -> list[dict[str, object]]:
        """Per step: the node, its edges, the texts it changes and its caption."""


class BackwardScript(Script):
    def __init__(self, order: list[Node], names: dict[Node, str], options: DrawOptions,
                 mode: str) -> None:
        super().__init__(order, names, options, mode)
        self.visits = backward_visits(order)
        fmt = self.fmt
        fans_out = {v.node for v in self.visits if len(v.terms) > 1}
        for node in order:
            self.start(f"{names[node]}.grad", ("grad ?", "pending"))
            if node in fans_out:
                self.start(f"{names[node]}.sum", ("", "pending"))
            for position, local in enumerate(node.local_grads):
                self.start(f"{names[node]}.e{position}.a", (fmt(local), ""))
                self.start(f"{names[node]}.e{position}.b", ("", ""))
        terms: dict[Node, list[float]] = {}
        visited: set[Node] = set()
        for visit in self.visits:
            self.changes.append([])
            node = visit.node
            visited.add(node)
            self.set(f"{names[node]}.grad", (f"grad {fmt(visit.grad)}", ""))
            if node in fans_out:
                self.set(f"{names[node]}.sum", (sum_text(terms[node], fmt), ""))
            for edge in visit.passes:
                key = f"{names[node]}.e{edge.position}"
                self.set(f"{key}.a", (f"{fmt(edge.local_grad)} × {fmt(edge.upstream)}", ""))
                self.set(f"{key}.b", (f"= {fmt(edge.contribution)}", ""))
                parent = edge.parent
                terms.setdefault(parent, []).append(edge.contribution)
                if parent not in visited:
                    self.set(f"{names[parent]}.grad",
                             (f"grad {fmt(edge.running_sum)} so far", "pending"))
                    if parent in fans_out:
                        self.set(f"{names[parent]}.sum",
                                 (sum_text(terms[parent], fmt), "pending"))

    def answer(self, visit: Visit) -> str:
        """The chain-rule sum that makes ``visit.grad``, in words and numbers."""
        fmt = self.fmt
        if not visit.terms:
            return (f"{fmt(visit.grad)}: the output itself, d(output)/d(output) = 1 "
                    "seeds the sweep")
        products = " + ".join(f"{fmt(t.local_grad)} × {fmt(t.upstream)}" for t in visit.terms)
        via = ", ".join(f"{self.label(t.node)}" for t in visit.terms)
        return (f"{fmt(visit.grad)} = {products}  (local derivative × upstream gradient, "
                f"summed over its consumers: {via})")

    def steps(self, padded: dict[str, list[State]]) -> list[dict[str, object]]:
        steps: list[dict[str, object]] = []
        total = len(self.visits)
        for number, (visit, changes) in enumerate(zip(self.visits, self.changes), start=1):
            node, fmt = visit.node, self.fmt
            lines = [f"Step {number} of {total}: the sweep visits {self.label(node)}; "
                     f"its gradient is final: {self.answer(visit)}."]
            if visit.passes:
                lines += [f"→ {self.label(e.parent)}: {fmt(e.local_grad)} × {fmt(e.upstream)}"
                          f" = {fmt(e.contribution)}"
                          + (f"  (term {e.term}, sum so far {fmt(e.running_sum)})"
                             if e.term > 1 else "")
                          for e in visit.passes]
            else:
                lines.append("A leaf: nothing to pass on.")
            key = self.names[node]
            steps.append({
                "node": key,
                "edges": [f"{key}.e{e.position}" for e in visit.passes],
                "op": f"op{self.index[node]}" if node.parents else None,
                "set": [[k, *padded[k][state]] for k, state in changes],
                "caption": lines,
                "question": {
                    "ask": f"d(output)/d({self.label(node)}) = ?",
                    "key": f"{key}.grad",
                    "value": visit.grad,
                    "shown": fmt(visit.grad),
                    "answer": self.answer(visit),
                },
            })
        return steps


class ForwardScript(Script):
    def __init__(self, order: list[Node], names: dict[Node, str], options: DrawOptions,
                 mode: str) -> None:
        super().__init__(order, names, options, mode)
        # A node's value and its local derivatives are computed together, in one step.
        for node in order:
            self.start(f"{names[node]}.data", ("data ?", "pending"))
            for position in range(len(node.parents)):
                self.start(f"{names[node]}.e{position}.a", ("", ""))
        for node in order:
            self.changes.append([])
            self.set(f"{names[node]}.data", (f"data {self.fmt(node.data)}", ""))
            for position, local in enumerate(node.local_grads):
                self.set(f"{names[node]}.e{position}.a", (self.fmt(local), ""))

    def steps(self, padded: dict[str, list[State]]) -> list[dict[str, object]]:
        steps: list[dict[str, object]] = []
        fmt = self.fmt
        for number, (node, changes) in enumerate(zip(self.order, self.changes), start=1):
            if node.parents:
                operands = ", ".join(f"{self.label(p)} = {fmt(p.data)}" for p in node.parents)
                names = ", ".join(map(self.label, node.parents))
                locals_ = ", ".join(fmt(g) for g in node.local_grads)
                line = (f"{self.label(node)} = {node.op}({names}) = {fmt(node.data)}, from "
                        f"{operands}; its local derivatives {locals_} are stored with it.")
            else:
                line = f"{self.label(node)} = {fmt(node.data)}: a leaf, given."
            key = self.names[node]
            steps.append({
                "node": key,
                "edges": [f"{key}.e{position}" for position in range(len(node.parents))],
                "op": f"op{self.index[node]}" if node.parents else None,
                "set": [[k, *padded[k][state]] for k, state in changes],
                "caption": [f"Step {number} of {len(self.order)} (topological order): {line}"],
            })
        return steps
