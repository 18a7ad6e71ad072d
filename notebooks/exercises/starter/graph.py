"""Chapter 2: topological order and the backward sweep.

The lecture on backpropagation: the backward pass visits the nodes from the output back to the
inputs, so that every node's gradient is complete before it is passed on:

    parent.grad += (∂node/∂parent) · node.grad

Both functions must work on graphs a million nodes deep, so no recursion:
Python's call stack stops at about 1,000 frames. Use a list as a stack.

Each node ``v`` has ``v.parents`` (a tuple; ``x * x`` lists x twice) and
``v.local_grads`` (one float per parent, in the same order).

Check your work:  SWEEPGRAD_EXERCISES=starter pytest tests/exercises -m exercise_2_1
"""

from __future__ import annotations

from engine import Value
from engine import topological_order as engine_topological_order  # noqa: F401 (you will need it)

# --- Exercise 2.1: topological order --------------------------------------------


def topological_order(root: Value) -> list[Value]:
    """Exercise 2.1: every node ``root`` depends on, each after all of its parents, root last.

    Each node appears exactly once (``x * x`` lists x twice as a parent, but x
    is one node). Iterative: an explicit stack instead of recursion. One way:
    a depth-first search that pushes a node twice, the second time as a marker
    meaning "its parents are done, emit it now".
    """
    raise NotImplementedError(
        "Exercise 2.1: implement graph.topological_order (read its docstring)"
    )


# --- Exercise 2.2: the backward sweep -------------------------------------------


def backward(root: Value) -> None:
    """Exercise 2.2: set ``node.grad`` = d(root)/d(node) for every node behind ``root``.

    Assume every ``.grad`` starts at 0. Set root.grad = 1, then visit the nodes
    in reverse topological order and, for each parent p with local derivative
    g, do ``p.grad += g * node.grad``. Use the engine's order (imported here as
    ``engine_topological_order``) so this exercise does not depend on 2.1.
    """
    raise NotImplementedError(
        "Exercise 2.2: implement graph.backward (read its docstring)"
    )
