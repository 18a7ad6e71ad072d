"""Recording modes: ``no_grad()`` and ``detect_anomaly()``.

Both are context managers that change how ``Value`` operations build nodes:

- under ``no_grad()`` an operation computes its value but records no parents,
  so evaluating a model (say, over a grid to plot a decision boundary) builds
  no graph and frees every node at once;
- under ``detect_anomaly()`` the first operation whose value is ``nan`` or
  ``inf``, or the first backward step that makes a gradient non-finite, raises
  ``FloatingPointError`` naming the operation and the nodes involved.

The state is kept in this module, and ``special`` summarises it so that the
hot path in ``Value.__init__`` tests a single flag.
"""

from collections.abc import Iterator
from contextlib import contextmanager

grad_enabled = True
anomaly_detection = False
# True when either mode differs from the default; read on every operation.
special = False


def _update_summary() -> None:
    global special
    special = (not grad_enabled) or anomaly_detection


@contextmanager
def no_grad() -> Iterator[None]:
    """Operations inside the block record no parents (their results are leaves)."""
    global grad_enabled
    previous = grad_enabled
    grad_enabled = False
    _update_summary()
    try:
        yield
    finally:
        grad_enabled = previous
        _update_summary()


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record the graph again inside a ``no_grad()`` block."""
    global grad_enabled
    previous = grad_enabled
    grad_enabled = True
    _update_summary()
    try:
        yield
    finally:
        grad_enabled = previous
        _update_summary()


def is_grad_enabled() -> bool:
    """Whether operations currently record their parents."""
    return grad_enabled


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``FloatingPointError`` at the first non-finite value or gradient."""
    global anomaly_detection
    previous = anomaly_detection
    anomaly_detection = True
    _update_summary()
    try:
        yield
    finally:
        anomaly_detection = previous
        _update_summary()
