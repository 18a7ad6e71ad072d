"""Reusable pieces for checks of gradients.

- ``reference_gradients``: d(root)/d(node) by the naive per-edge chain rule,
  with the leaves' checked against central differences (the graph replayed
  at perturbed inputs), so a check's numbers come from two methods;
- ``gradient_diff``: a readable diff of two gradient dicts, naming nodes as
  the drawings do (``engine.naming``: the label, else the op and value, with
  the place in the order where two names would repeat);
- ``compare_gradients``: a check that the ``.grad`` of every node (or the
  gradients given) are those, failing with the diff and the diagnosis;
- ``explain_gradients``: what went wrong, judged at the first node (from the
  output back) whose gradient is wrong, where the contributions it should
  have received are known: a mistake of the sweep when exactly one fits the
  numbers there, otherwise the observation in words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine import Value, central_difference, naive_gradients, topological_order
from engine.app.classroom.diagnose import apart, close, number, versus
from engine.app.classroom.mistakes import (
    ASSIGN_NOT_ACCUMULATE,
    MISSING_LOCAL_FACTOR,
    MISSING_UPSTREAM_FACTOR,
    NOTHING_PASSED_ON,
    VISITED_TWICE,
    WRONG_SIGN,
    Mistake,
)
from engine.app.classroom.results import CheckFailed
from engine.graph import consumers_of
from engine.naming import node_name, node_names
from engine.node import Node


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
                raise AssertionError(f"the checks' own gradients disagree at {node_name(leaf)}")
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
    most: int = 4, names: Mapping[Node, str] | None = None,
) -> str:
    """``'a': 3 (expected 7); 'c': 0 (expected -1.5)`` for the nodes that differ.

    ``names`` (default: ``node_names`` of the nodes of ``expected``) tells
    two nodes with the same label apart.
    """
    names = names if names is not None else node_names(expected)
    scale = max((abs(g) for g in expected.values() if math.isfinite(g)), default=1.0)
    wrong = [(n, g) for n, g in expected.items()
             if not close(got.get(n, 0.0), g, rel, 1e-12 * max(1.0, scale))]
    shown = [(names.get(n) or node_name(n), *apart(got.get(n, 0.0), g)) for n, g in wrong]
    parts = [f"{name}: {a} (expected {b})" for name, a, b in shown[:most]]
    more = f"; and {len(wrong) - most} more" if len(wrong) > most else ""
    return "; ".join(parts) + more


def wrong_nodes(got: Mapping[Node, float], expected: Mapping[Node, float]) -> list[Node]:
    scale = max((abs(g) for g in expected.values() if math.isfinite(g)), default=1.0)
    return [n for n, g in expected.items()
            if not close(got.get(n, 0.0), g, 1e-9, 1e-12 * max(1.0, scale))]


def explain_gradients(root: Node, got: Mapping[Any, float]) -> tuple[Mistake | None, str]:
    """(the mistake, the sentence) of ``gradient_failure``; no mistake when none is singled out."""
    failure = gradient_failure(root, got)
    return (failure.mistake, failure.detail) if failure else (None, "")


def gradient_failure(root: Node, got: Mapping[Any, float], what: str = ""
                     ) -> CheckFailed | None:
    """What turned the right gradients into ``got`` (gradient per node), in words.

    Judged at the first wrong node from the output back: its consumers'
    gradients are right, so the contributions it should have received are
    known. A mistake is named only when exactly one of ``=`` for ``+=``, the
    local or the upstream factor dropped, or the sign flipped gives the
    number it holds; where several do, they are the candidates. None when
    ``got`` is right.
    """
    order = topological_order(root)
    names = node_names(order)
    expected = reference_gradients(root)
    wrong = wrong_nodes(got, expected)
    if not wrong:
        return None

    def fail(detail: str, mistake: Mistake | None = None,
             candidates: tuple[Mistake, ...] = ()) -> CheckFailed:
        return CheckFailed(f"{what}: {detail}" if what else detail, mistake,
                           candidates=candidates)

    diff = "Gradients that differ: " + gradient_diff(got, expected, names=names)
    seed = got.get(root, 0.0)
    if len(order) > 1 and all(got.get(n, 0.0) == 0.0 for n in order if n is not root):
        said = (f"no gradient reached any node below the output (the output {names[root]} "
                f"has grad {number(seed)}). {diff}")
        return fail(said, NOTHING_PASSED_ON if close(seed, 1.0) else None)
    if not close(seed, 1.0):
        return fail(f"the output {names[root]} has grad {versus(seed, 1.0)} "
                    f"(d(out)/d(out) = 1). {diff}")
    bad = set(wrong)
    node = next(n for n in reversed(order) if n in bad)
    edges = consumers_of(order).get(node, [])
    shares = [local * expected[child] for child, local in edges]
    g, e = got.get(node, 0.0), expected[node]
    count = f"{len(edges)} edge{'s' * (len(edges) != 1)} to consumers"
    say = f"At {names[node]} ({count}): {versus(g, e)}"
    if len(shares) > 1:
        say += " = " + " + ".join(number(s) for s in shares)
    fits: dict[Mistake, str] = {}
    if len(shares) > 1 and any(close(g, s) for s in shares):
        fits[ASSIGN_NOT_ACCUMULATE] = "it kept one contribution"
    if edges and close(g, sum(expected[child] for child, _ in edges)):
        fits[MISSING_LOCAL_FACTOR] = "it got its consumers' gradients unmultiplied"
    if edges and (close(g, sum(local for _, local in edges))
                  or any(close(g, local) for _, local in edges)):
        fits[MISSING_UPSTREAM_FACTOR] = "it got the local derivatives alone"
    if e != 0.0 and close(g, -e):
        fits[WRONG_SIGN] = "it has the opposite sign"
    times = round(g / e) if e != 0.0 else 0
    if times >= 2 and abs(g / e - times) < 1e-9:
        # a consumer swept k times hands its (right) gradient on k times
        fits[VISITED_TWICE] = f"{times} times too much: its consumers' shares added {times} times"
    if len(fits) == 1:
        (mistake, why), = fits.items()
        return fail(f"{say}: {why}. {diff}", mistake)
    if fits:
        return fail(f"{say}: {'; or '.join(fits.values())}. {diff}", candidates=tuple(fits))
    if g == 0.0 and e != 0.0:
        say += ": nothing reached it, though its consumers' gradients are right"
    return fail(f"{say}. {diff}")


def compare_gradients(root: Node, got: Mapping[Node, float] | None = None, what: str = "") -> None:
    """Raise ``CheckFailed`` unless ``got`` (default: each node's ``.grad``) is right.

    Right means equal to rounding to the naive chain rule, itself checked
    against central differences; a failure names the nodes that differ and
    the sweep mistake the numbers single out, if any.
    """
    order = topological_order(root)
    grads = dict(got) if got is not None else {node: node.grad for node in order}
    failure = gradient_failure(root, grads, what)
    if failure is not None:
        raise failure
