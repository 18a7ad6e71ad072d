"""Freeing a graph in one loop: dropping the root of a deep graph never recurses.

CPython frees a node when its last reference goes, and freeing it drops
the references to its parents: in a chain of n links that is n nested
deallocations, one C stack frame (or several) each. CPython's "trashcan"
bounds that nesting on some versions and not on others (3.13.0 crashes on a
10⁶-link chain in a thread with a 256 KiB stack, 3.11 and 3.12 do not), and
in the browser Pyodide runs CPython as WebAssembly on the JavaScript stack,
where a chain of a few thousand links overflows it ("Maximum call stack size
exceeded") and kills the kernel.

``release_parents`` is installed as ``Node.__del__`` where it is needed
(``NEEDED``: in the browser, and on CPython 3.13); elsewhere CPython's own
bound holds and the call a node would cost is not paid (measured on 3.11:
freeing a 10⁵-link tanh chain 125 → 386 ms with it installed). It moves the dying
node's references to its parents into one list and, unless a loop further up
the stack is already emptying that list, empties it itself: dropping a parent
from the list may free it, whose ``__del__`` moves its own parents into the
list and returns, so the stack is at most a few frames deep whatever the
graph. The order of freeing changes, nothing else: a node still referenced
elsewhere (a leaf the caller holds, a node shared with another graph) only
loses the list's reference. A node dying in another thread while a loop
runs is left to that loop; one queued in the instant a loop ends waits in the
list until the next graph is freed, which is memory held a little longer,
never a node freed early.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

# Where freeing by reference counting alone can overflow the stack.
NEEDED = sys.platform == "emscripten" or sys.version_info[:2] == (3, 13)

# Parents (and edge markers) of freed nodes, waiting to be dropped by the loop.
_waiting: list[Any] = []
_loop_running = False


def make_release_parents(leaf: object) -> Callable[[Any], None]:
    """The ``__del__`` for nodes whose shape marker ``_b`` is ``leaf`` when they have
    no parents (``engine.node`` keeps the edges in the slots ``_a`` and ``_b``)."""

    def release_parents(node: Any) -> None:
        """Move the node's edges into the waiting list; empty it unless a loop is on it."""
        global _loop_running
        if node._b is leaf:
            return
        waiting = _waiting
        # ``_a`` is the first parent (or, for a node of another shape, the
        # tuple of all of them); ``_b`` the second parent or a shape marker:
        # both are kept alive by the list, then dropped by the loop.
        waiting.append(node._a)
        waiting.append(node._b)
        node._b = leaf
        del node._a
        if _loop_running:
            return
        _loop_running = True
        try:
            pop = waiting.pop
            while waiting:
                pop()  # may free a node, whose __del__ appends and returns
        finally:
            _loop_running = False

    return release_parents
