"""Modes: how operations record the graph, and whether the collector runs.

- ``no_grad()``: operations compute their value but record no parents, so
  evaluating a model (say, over a grid to plot a decision boundary) builds
  no graph; ``enable_grad()`` records again inside it;
- ``detect_anomaly()``: the first operation whose value is ``nan`` or
  ``inf``, or the first backward step that makes a gradient non-finite,
  raises ``FloatingPointError`` naming the operation and the nodes involved;
- ``gc_paused()``: CPython's cycle collector is off inside the block.

The recording modes live in one small state object, ``state``; ``special``
summarises it so that the hot path in ``Node.__init__`` tests one flag.

Why pausing the collector is safe and worth it: every node and its
``parents`` tuple are objects the collector tracks, so while a forward pass
allocates them it keeps stopping to rescan the growing graph (on a 10⁵-link
chain, three times the cost of the arithmetic; ``sweepgrad bench speed``
shows both). The scans cannot find anything: a node refers only to its
parents, which were created before it, so a graph has no cycles and is
freed by reference counting. Cycles other code makes meanwhile are
collected once the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class ModeState:
    """The recording modes in force: read by every operation."""

    __slots__ = ("grad_enabled", "anomaly_detection")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly_detection = False

    @property
    def is_default(self) -> bool:
        return self.grad_enabled and not self.anomaly_detection


state = ModeState()
# True when a mode differs from the default; read on every operation.
special = False


@contextmanager
def _mode(name: str, value: bool) -> Iterator[None]:
    """Set ``state.<name>`` inside the block; restore it on the way out."""
    global special
    previous = getattr(state, name)
    setattr(state, name, value)
    special = not state.is_default
    try:
        yield
    finally:
        setattr(state, name, previous)
        special = not state.is_default


def no_grad() -> AbstractContextManager[None]:
    """Operations inside the block record no parents (their results are leaves)."""
    return _mode("grad_enabled", False)


def enable_grad() -> AbstractContextManager[None]:
    """Record the graph again inside a ``no_grad()`` block."""
    return _mode("grad_enabled", True)


def detect_anomaly() -> AbstractContextManager[None]:
    """Raise ``FloatingPointError`` at the first non-finite value or gradient."""
    return _mode("anomaly_detection", True)


def is_grad_enabled() -> bool:
    """Whether operations currently record their parents."""
    return state.grad_enabled


def is_anomaly_detection_enabled() -> bool:
    """Whether ``detect_anomaly()`` is in force."""
    return state.anomaly_detection


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cycle collector inside the block (restored afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
