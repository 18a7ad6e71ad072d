"""Modes: how operations record the graph, and whether the collector runs.

- ``no_grad()``: operations compute their value but record no parents, so
  evaluating a model (say, over a grid to plot a decision boundary) builds
  no graph; ``enable_grad()`` records again inside it;
- ``detect_anomaly()``: the first operation whose value is ``nan`` or
  ``inf``, or the first backward step that makes a gradient non-finite,
  raises ``FloatingPointError`` naming the operation and the nodes involved;
- ``gc_paused()``: CPython's cycle collector is off inside the block.

The recording modes live in one small state object per thread, ``state``
(so one thread's ``no_grad`` never silences another's graph); ``special``
says whether any thread is in a mode, so that the hot path in
``Node.__init__`` tests one flag and looks further only when it is set.

Why pausing the collector is safe and worth it: every node is an object
the collector tracks, so while a forward pass allocates them it keeps
stopping to rescan the growing graph, mostly in full collections, which come
each time the tracked objects grow by a quarter (on a 10⁵-link chain, 3 of
them took 200 of the collector's 298 ms; ``sweepgrad bench speed`` shows the
engine with the collector running and paused). The scans cannot find
anything: a node refers only to its parents, which were created before it,
so a graph has no cycles and is freed by reference counting. Cycles other
code makes meanwhile are collected once the block ends. (A node is one
tracked object, not three, because its edges live in its slots: see
``engine.node``. Raising the collector's thresholds would cut the rest, but
they are the whole process's, so the engine leaves them alone.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class ModeState(threading.local):
    """The recording modes in force in one thread (each thread has its own, as in PyTorch)."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly_detection = False

    @property
    def is_default(self) -> bool:
        return self.grad_enabled and not self.anomaly_detection


state = ModeState()
# True while any thread has a mode other than the default: the one flag every
# operation reads. Only then does an operation look up its own thread's state.
special = False
_threads_in_a_mode = 0
_lock = threading.Lock()


def _count_change(was_default: bool, is_default: bool) -> None:
    """Keep ``special`` true exactly while some thread is in a mode."""
    global special, _threads_in_a_mode
    if was_default == is_default:
        return
    with _lock:
        _threads_in_a_mode += 1 if was_default else -1
        special = _threads_in_a_mode > 0


@contextmanager
def _mode(name: str, value: bool) -> Iterator[None]:
    """Set this thread's ``state.<name>`` inside the block; restore it on the way out."""
    previous = getattr(state, name)
    was_default = state.is_default
    setattr(state, name, value)
    _count_change(was_default, state.is_default)
    try:
        yield
    finally:
        inside = state.is_default
        setattr(state, name, previous)
        _count_change(inside, state.is_default)


def no_grad() -> AbstractContextManager[None]:
    """Operations inside the block, in this thread, record no parents (their results are leaves)."""
    return _mode("grad_enabled", False)


def enable_grad() -> AbstractContextManager[None]:
    """Record the graph again inside a ``no_grad()`` block."""
    return _mode("grad_enabled", True)


def detect_anomaly() -> AbstractContextManager[None]:
    """Raise ``FloatingPointError`` at the first non-finite value or gradient (in this thread)."""
    return _mode("anomaly_detection", True)


def is_grad_enabled() -> bool:
    """Whether operations in this thread currently record their parents."""
    return state.grad_enabled


def is_anomaly_detection_enabled() -> bool:
    """Whether ``detect_anomaly()`` is in force in this thread."""
    return state.anomaly_detection


# The collector is one per process: blocks in several threads share one pause,
# which ends when the last of them does.
_pauses = 0
_collector_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cycle collector inside the block (restored when the last such block ends)."""
    global _pauses, _collector_was_enabled
    with _lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()
