"""Reusable pieces for checks of gradients.

- ``reference_gradients``: d(root)/d(node) by the naive per-edge chain rule,
  with the leaves' checked against central differences (the graph replayed
  at perturbed inputs), so a check's numbers come from two methods;
- ``gradient_diff``: a readable diff of two gradient dicts, naming nodes by
  label;
- ``compare_gradients``: a check that the ``.grad`` of every node (or the
  gradients given) are those, failing with the diff and the diagnosis;
- ``explain_gradients``: which mistake of the backward sweep turns the right
  gradients into the ones given, judged at the first node (from the output
  back) whose gradient is wrong, where the contributions it should have
  received are known.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine import Value, central_difference, naive_gradients, topological_order
from engine.app.classroom.diagnose import close, number
from engine.app.classroom.mistakes import (
    ASSIGN_NOT_ACCUMULATE,
    FORWARD_ORDER,
    MISSING_LOCAL_FACTOR,
    MISSING_UPSTREAM_FACTOR,
    ROOT_NOT_SEEDED,
    VISITED_TWICE,
    WRONG_SIGN,
    Mistake,
)
from engine.app.classroom.results import CheckFailed
from engine.graph import consumers_of
from engine.node import Node


def label_of(node: Node) -> str:
    return repr(node.label) if node.label is not None else f"an unlabelled {node.op or 'leaf'}"


def reference_gradients(root: Node, wrt: Sequence[Node] | None = None) -> dict[Node, float]:
    """d(root)/d(node) for every node (or ``wrt``), by the naive per-edge chain rule.

    The leaves' gradients are checked against central differences too, so a
    check's expected numbers come from two independent methods.
    """
    order = topological_order(root)
    chosen = list(wrt) if wrt is not None else order
    exact = dict(naive_gradients(root, chosen))
    leaves = [n for n in chosen if not n.parents]
    if leaves and len(order) < 200:
        numeric = _numeric(root, order, leaves)
        for leaf, estimate in numeric.items():
            scale = max(1.0, abs(exact[leaf]))
            if not math.isclose(exact[leaf], estimate, rel_tol=1e-4, abs_tol=1e-5 * scale):
                raise AssertionError(f"the checks' own gradients disagree at {label_of(leaf)}")
    return exact


def _numeric(root: Node, order: list[Node], leaves: list[Node]) -> dict[Node, float]:
    """Central differences of root in each leaf, replaying the recorded ops."""
    def replay(values: list[float]) -> Any:
        new: dict[Node, Any] = {}
        for leaf, v in zip(leaves, values):
            new[leaf] = Value(float(v))
        return _rebuild(order, new)

    point = [leaf.data for leaf in leaves]
    result = {}
    for index, leaf in enumerate(leaves):
        result[leaf] = central_difference(lambda *vs: replay(list(vs)), point, index)
    return result


_REPLAY: dict[str, Callable[..., Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "tanh": lambda a: a.tanh(), "exp": lambda a: a.exp(),
    "log": lambda a: a.log(), "relu": lambda a: a.relu(), "sigmoid": lambda a: a.sigmoid(),
    "neg": lambda a: -a,
}


def _rebuild(order: list[Node], new: dict[Node, Any]) -> Any:
    for node in order:
        if node in new:
            continue
        if not node.parents:
            new[node] = Value(node.data)
            continue
        rule = _REPLAY.get(node.op)
        if rule is None and node.op.startswith("**") and len(node.parents) == 1:
            exponent = float(node.op[2:])
            rule = lambda a, n=exponent: a ** n  # noqa: E731
        if rule is None:  # an op without a replay rule: keep its recorded slope around here
            base = sum(g * (new[p].data - p.data) for p, g in zip(node.parents, node.local_grads))
            new[node] = Value(node.data + base)
            continue
        new[node] = rule(*(new[p] for p in node.parents))
    return new[order[-1]]


def gradient_diff(
    got: Mapping[Node, float], expected: Mapping[Node, float], rel: float = 1e-9,
    most: int = 4,
) -> str:
    """``'a': 3 (expected 7); 'c': 0 (expected -1.5)`` for the nodes that differ."""
    scale = max((abs(g) for g in expected.values() if math.isfinite(g)), default=1.0)
    wrong = [(n, g) for n, g in expected.items()
             if not close(got.get(n, 0.0), g, rel, 1e-12 * max(1.0, scale))]
    parts = [f"{label_of(n)}: {number(got.get(n, 0.0))} (expected {number(g)})"
             for n, g in wrong[:most]]
    more = f"; and {len(wrong) - most} more" if len(wrong) > most else ""
    return "; ".join(parts) + more


def wrong_nodes(got: Mapping[Node, float], expected: Mapping[Node, float]) -> list[Node]:
    scale = max((abs(g) for g in expected.values() if math.isfinite(g)), default=1.0)
    return [n for n, g in expected.items()
            if not close(got.get(n, 0.0), g, 1e-9, 1e-12 * max(1.0, scale))]


def explain_gradients(root: Node, got: Mapping[Any, float]) -> tuple[Mistake | None, str]:
    """Which sweep mistake makes ``got`` (gradient per node) out of the right ones.

    Judged at the first wrong node from the output back: its consumers'
    gradients are right, so the contributions it should have received are
    known, and what it holds instead tells the mistake apart.
    """
    order = topological_order(root)
    expected = reference_gradients(root)
    wrong = wrong_nodes(got, expected)
    if not wrong:
        return None, ""
    diff = "gradients that differ: " + gradient_diff(got, expected)
    if not close(got.get(root, 0.0), 1.0):
        return ROOT_NOT_SEEDED, f"the output {label_of(root)} has grad " \
            f"{number(got.get(root, 0.0))}. {diff}"
    if all(got.get(n, 0.0) == 0.0 for n in order if n is not root):
        return ROOT_NOT_SEEDED, f"no gradient was passed on from the output at all. {diff}"
    bad = set(wrong)
    node = next(n for n in reversed(order) if n in bad)
    edges = consumers_of(order).get(node, [])
    shares = [local * expected[child] for child, local in edges]
    g, e = got.get(node, 0.0), expected[node]
    where = f"At {label_of(node)} ({len(edges)} edge{'s' * (len(edges) != 1)} to consumers)"
    say = f"{where}: {number(g)}, expected {number(e)} = " + " + ".join(
        number(s) for s in shares) if shares else f"{where}: {number(g)}, expected {number(e)}"
    mistake: Mistake | None = None
    if len(shares) > 1 and any(close(g, s) for s in shares):
        mistake = ASSIGN_NOT_ACCUMULATE
        say += ": it kept one contribution"
    elif close(g, sum(expected[child] for child, _ in edges)):
        mistake = MISSING_LOCAL_FACTOR
        say += ": it got its consumers' gradients unmultiplied"
    elif close(g, sum(local for _, local in edges)) or (
            len(edges) > 0 and any(close(g, local) for _, local in edges)):
        mistake = MISSING_UPSTREAM_FACTOR
        say += ": it got the local derivatives alone"
    elif close(g, -e) and e != 0:
        mistake = WRONG_SIGN
    elif g == 0.0 and e != 0.0:
        mistake = FORWARD_ORDER
        say += ": nothing reached it, though its consumers' gradients are right"
    elif e != 0.0 and abs(g / e - round(g / e)) < 1e-9 and round(g / e) >= 2:
        mistake = VISITED_TWICE
        say += f": {round(g / e)} times too much"
    return mistake, f"{say}. {diff}"


def compare_gradients(root: Node, got: Mapping[Node, float] | None = None, what: str = "") -> None:
    """Raise ``CheckFailed`` unless ``got`` (default: each node's ``.grad``) is right.

    Right means equal to rounding to the naive chain rule, itself checked
    against central differences; a failure names the nodes that differ and
    the sweep mistake the numbers fit, if any.
    """
    order = topological_order(root)
    grads = dict(got) if got is not None else {node: node.grad for node in order}
    if not wrong_nodes(grads, reference_gradients(root)):
        return
    mistake, detail = explain_gradients(root, grads)
    raise CheckFailed(f"{what}: {detail}" if what else detail, mistake)
