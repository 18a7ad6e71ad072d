"""Checks of chapter 2 (``graph``): topological order and the backward sweep.

The order is checked for what defines it (each node once, after its
parents, the root last, nothing missing); the sweep against the naive chain
rule and central differences. A wrong sweep is compared with the known
wrong ones (``=`` for ``+=``, a factor dropped, the order not reversed, a
node swept twice) and otherwise judged at the first wrong node. Recursion
is measured on a shallow graph before any deep one is tried, so a raised
recursion limit cannot crash the process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import engine.graph
from engine import Node, Value, naive_gradients, path_gradients, sweep_gradients, topological_order
from engine import backward as engine_backward
from engine.app.classroom import probes, recipes
from engine.app.classroom.diagnose import (
    close,
    deepest_recursion,
    number,
    refuse_engine,
    versus,
)
from engine.app.classroom.gradient_diagnosis import (
    gradient_failure,
    reference_gradients,
)
from engine.app.classroom.mistakes import (
    ASSIGN_NOT_ACCUMULATE,
    ENGINE_CALL,
    FORWARD_ORDER,
    MISSING_LOCAL_FACTOR,
    MISSING_NODES,
    MISSING_UPSTREAM_FACTOR,
    NOTHING_PASSED_ON,
    PARENT_AFTER_NODE,
    RECURSION,
    REVERSED_ORDER,
    ROOT_NOT_SEEDED,
    VISITED_TWICE,
    WRONG_SIGN,
    WRONG_TYPE,
    Mistake,
)
from engine.app.classroom.registry import check_of, exercise, hint
from engine.app.classroom.results import CheckFailed
from engine.naming import node_names

exercise("2.1", "graph", ("topological_order",), "topological order", points=3)
exercise("2.2", "graph", ("backward",), "the backward sweep", points=3)

DEEP = 20_000  # links: far deeper than Python's default recursion limit of 1,000
SHALLOW = 300  # links: deep enough to see recursion, shallow enough to survive it
recipes.needed_by("2.1", "tanh_chain", DEEP)  # made before the judge forks for a submission
recipes.needed_by("2.2", "tanh_chain", DEEP)
PAST_THE_LIMIT = 1_500  # links: more than Python's default recursion limit of 1,000

SWEEPS = {
    "engine.topological_order": engine.graph.topological_order,
    "engine.backward": engine_backward,
    "Value.backward": Value.backward,
    "engine.sweep_gradients": sweep_gradients,
    "engine.naive_gradients": naive_gradients,
    "engine.path_gradients": path_gradients,
}


def refuse_recursion(function: Callable[[Value], Any], what: str) -> None:
    """Fail with RECURSION when ``function`` nests itself on a 300-link chain."""
    root = probes.tanh_chain(SHALLOW)
    try:
        _, depth, raised = deepest_recursion(lambda: function(root))
    except RecursionError:
        raise CheckFailed(f"{what} raised RecursionError on a chain of {SHALLOW} links",
                          RECURSION) from None
    if depth > 50:
        extra = " and raises sys.setrecursionlimit" if raised else ""
        raise CheckFailed(
            f"{what} calls itself {depth} deep on a chain of {SHALLOW} links{extra}; "
            f"on the {DEEP}-link chain that would crash Python", RECURSION)
    # The depth may be measured in the student's own process (the grader's sandbox), where
    # it could be forged; a chain deeper than the recursion limit, which the sandbox pins,
    # shows recursion whatever the measurement said.
    try:
        function(probes.tanh_chain(PAST_THE_LIMIT))
    except RecursionError:
        raise CheckFailed(f"{what} raised RecursionError on a chain of {PAST_THE_LIMIT:,} "
                          "links", RECURSION) from None
    except Exception:  # other errors are for the other checks to report
        pass


# --- Exercise 2.1: topological order ------------------------------------------------------


def check_order(order: Any, root: Value, what: str) -> None:
    """Each node once, every parent before its node, the root last, nothing missing."""
    if not isinstance(order, list):
        raise CheckFailed(f"{what} returned {type(order).__name__}, expected a list of nodes",
                          WRONG_TYPE)
    want = topological_order(root)
    names: dict[Any, str] = {}

    def label_of(node: Any) -> str:
        if not names:  # named only when a message needs it: a deep chain has 60,001 nodes
            names.update(node_names(want))
        return names.get(node, "a node outside the graph")

    seen: dict[Any, int] = {}
    for index, node in enumerate(order):
        if node in seen:
            raise CheckFailed(
                f"{what}: {label_of(node)} appears twice (places {seen[node]} and {index}) "
                f"in a list of {len(order)} for a graph of {len(want)} nodes", VISITED_TWICE)
        seen[node] = index
    missing = [n for n in want if n not in seen]
    if missing:
        some = ", ".join(label_of(n) for n in missing[:3])
        raise CheckFailed(f"{what}: {len(missing)} of {len(want)} nodes missing, e.g. {some}",
                          MISSING_NODES)
    if len(order) != len(want):
        raise CheckFailed(f"{what} lists {len(order) - len(want)} nodes the root does not "
                          "depend on", MISSING_NODES)
    if order and order[0] is root and len(order) > 1:
        raise CheckFailed(f"{what}: the root {label_of(root)} comes first", REVERSED_ORDER)
    for node in order:
        for parent in node.parents:
            if seen[parent] > seen[node]:
                raise CheckFailed(
                    f"{what}: {label_of(parent)} (place {seen[parent]}) comes after "
                    f"{label_of(node)} (place {seen[node]}), which uses it", PARENT_AFTER_NODE)
    if order[-1] is not root:
        raise CheckFailed(f"{what}: the root {label_of(root)} is not last", PARENT_AFTER_NODE)


@check_of("2.1", "no recursion (a 300-link chain)", scores=False)
def order_without_recursion(student: Any) -> None:
    refuse_recursion(student.topological_order, "topological_order")


@check_of("2.1", "the lecture neuron")
def order_of_the_neuron(student: Any) -> None:
    root = probes.lecture_neuron()
    check_order(student.topological_order(root), root, "topological_order(o)")


@check_of("2.1", "x * x, fan-out and a single leaf")
def order_of_small_graphs(student: Any) -> None:
    x = Value(3.0, label="x")
    square = x * x
    square.label = "x*x"
    check_order(student.topological_order(square), square, "topological_order(x*x)")
    root = probes.fan_out()
    check_order(student.topological_order(root), root, "topological_order(out)")
    leaf = Value(1.0, label="leaf")
    check_order(student.topological_order(leaf), leaf, "topological_order(leaf)")


@check_of("2.1", "8 random graphs with shared nodes")
def order_of_random_graphs(student: Any) -> None:
    for seed in range(8):
        root = probes.random_graph(seed)
        check_order(student.topological_order(root), root, f"random graph {seed}")


@check_of("2.1", f"a chain {DEEP:,} links deep")
def order_of_a_deep_chain(student: Any) -> None:
    refuse_recursion(student.topological_order, "topological_order")
    root = probes.tanh_chain(DEEP)
    check_order(student.topological_order(root), root, f"the {DEEP}-link chain")


@check_of("2.1", "its own traversal, not the engine's", scores=False)
def order_by_hand(student: Any) -> None:
    root = probes.fan_out()
    refuse_engine(lambda: student.topological_order(root), SWEEPS, "topological_order")


# --- Exercise 2.2: the backward sweep -----------------------------------------------------


def _sweep(root: Value, order: list, update: Callable[[Value, float, float], None],
           seed: bool = True) -> None:
    if seed:
        root.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            update(parent, local, node.grad)


def _add(p: Value, local: float, grad: float) -> None:
    p.grad += local * grad


def _assign(p: Value, local: float, grad: float) -> None:
    p.grad = local * grad


def _no_local(p: Value, local: float, grad: float) -> None:
    p.grad += grad


def _no_upstream(p: Value, local: float, grad: float) -> None:
    p.grad += local


def _order_with_repeats(root: Node) -> list[Node]:
    """Depth-first, without a visited set: a node once per path to it."""
    order: list[Node] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack and len(order) < 100_000:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((p, False) for p in node.parents)
    return order


WRONG_SWEEPS: dict[Mistake, Callable[[Value], None]] = {
    ASSIGN_NOT_ACCUMULATE: lambda r: _sweep(r, topological_order(r)[::-1], _assign),
    MISSING_LOCAL_FACTOR: lambda r: _sweep(r, topological_order(r)[::-1], _no_local),
    MISSING_UPSTREAM_FACTOR: lambda r: _sweep(r, topological_order(r)[::-1], _no_upstream),
    FORWARD_ORDER: lambda r: _sweep(r, topological_order(r), _add),
    ROOT_NOT_SEEDED: lambda r: _sweep(r, topological_order(r)[::-1], _add, seed=False),
    VISITED_TWICE: lambda r: _sweep(r, _order_with_repeats(r)[::-1], _add),
}


def diagnose_sweep(build: probes.Builder, root: Value, what: str,
                   backward: Callable[[Value], Any] | None = None) -> None:
    """Fail, naming the mistake, when the ``.grad``s on ``root``'s graph are wrong.

    A mistake is named when the gradients equal those of a known wrong sweep
    on the same graph. Nothing reaching any node fits both a sweep that never
    sets the output's gradient and one that passes nothing on; ``backward``
    (the student's) is then run once more on a graph whose output already
    holds 0.5, which tells the two apart.
    """
    got = probes.gradients(root)
    expected = reference_gradients(root)
    order = topological_order(root)
    if all(close(g, expected[n], 1e-9, 1e-12) for g, n in zip(got, order)):
        return
    failure = gradient_failure(root, probes.by_node(root, got), what)
    assert failure is not None
    if all(g == 0.0 for g in got) and len(order) > 1:
        raise _nothing_passed_on(build, what, backward, failure.detail)
    for mistake, wrong in WRONG_SWEEPS.items():
        copy = build()
        wrong(copy)
        if all(close(g, w, 1e-9, 1e-12) for g, w in zip(got, probes.gradients(copy))):
            raise CheckFailed(failure.detail, mistake)
    raise failure


def _nothing_passed_on(build: probes.Builder, what: str,
                       backward: Callable[[Value], Any] | None, detail: str) -> CheckFailed:
    """Every .grad is 0, the output's too: was it never seeded, or was nothing passed on?"""
    observed = f"{what}: every .grad is still 0 after backward, the output's included"
    if backward is None:
        return CheckFailed(observed, candidates=(ROOT_NOT_SEEDED, NOTHING_PASSED_ON))
    copy = build()
    copy.grad = 0.5
    backward(copy)
    grads = probes.gradients(copy)
    expected = [0.5 * g for g in probes.gradients(_swept(build))]
    if copy.grad != 0.5:
        return CheckFailed(f"{observed}; on a graph whose output holds grad 0.5 beforehand, "
                           f"backward sets it to {number(copy.grad)}: the sweep starts from "
                           "d(out)/d(out) = 1", ROOT_NOT_SEEDED)
    if all(close(g, w, 1e-9, 1e-12) for g, w in zip(grads, expected)):
        return CheckFailed(f"{observed}; on a graph whose output already holds grad 0.5 every "
                           "gradient comes out half the right one: the sweep passes on what "
                           "it finds at the output", ROOT_NOT_SEEDED)
    if all(g == 0.0 for g in grads[:-1]):
        return CheckFailed(f"{observed}; and on a graph whose output already holds grad 0.5, "
                           "still no gradient reaches any other node: nothing is passed on "
                           "along the edges", NOTHING_PASSED_ON)
    return CheckFailed(f"{observed}. {detail}", candidates=(ROOT_NOT_SEEDED, NOTHING_PASSED_ON))


def _swept(build: probes.Builder) -> Value:
    root = build()
    engine_backward(root)
    return root


def _sweep_check(build: probes.Builder, what: str) -> Callable[[Any], None]:
    def run(student: Any) -> None:
        root = build()
        student.backward(root)
        diagnose_sweep(build, root, what, student.backward)

    return run


check_of("2.2", "the lecture neuron")(_sweep_check(probes.lecture_neuron, "the lecture neuron"))
check_of("2.2", "fan-out and x*x")(_sweep_check(probes.fan_out, "out = (c + a)²·b + c"))


@check_of("2.2", "8 random graphs with shared nodes")
def sweep_random_graphs(student: Any) -> None:
    for seed in range(8):
        _sweep_check(probes.random_builder(seed), f"random graph {seed}")(student)


@check_of("2.2", f"a chain {DEEP:,} links deep")
def sweep_a_deep_chain(student: Any) -> None:
    refuse_recursion(student.backward, "backward")
    root = probes.tanh_chain(DEEP)
    student.backward(root)
    x, want = probes.chain_input(root), probes.chain_derivative(DEEP)
    if not close(x.grad, want, 1e-9, 1e-300):
        raise CheckFailed(f"the input 'x' of the {DEEP}-link chain has grad "
                          f"{versus(x.grad, want)}")


@check_of("2.2", "its own sweep, not the engine's backward", scores=False)
def sweep_by_hand(student: Any) -> None:
    root = probes.fan_out()
    allowed = dict(SWEEPS)
    allowed.pop("engine.topological_order")  # the docstring says to use the engine's order
    refuse_engine(lambda: student.backward(root), allowed, "backward")


# --- hints written for these exercises -------------------------------------------------------

hint("2.1", ENGINE_CALL, "walk the graph yourself: a stack of (node, parents done?) pairs and "
     "a set of visited nodes; only .parents is needed")
hint("2.2", ENGINE_CALL, "loop over reversed(topological_order(root)) yourself and add "
     "local_grad * node.grad to each parent's .grad; do not call root.backward()")
hint("2.2", ROOT_NOT_SEEDED, "start the sweep with root.grad = 1.0 (d(root)/d(root) = 1), "
     "before the loop")
hint("2.2", WRONG_SIGN, "each edge adds +local_grad * node.grad: the local derivatives "
     "already carry their signs")
