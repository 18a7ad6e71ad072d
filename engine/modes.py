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
from contextlib import AbstractContextManager, contextmanager

grad_enabled = True
anomaly_detection = False
# True when either mode differs from the default; read on every operation.
special = False


@contextmanager
def _mode(name: str, value: bool) -> Iterator[None]:
    """Set the module flag ``name`` inside the block; restore it on the way out."""
    global special
    previous = globals()[name]
    globals()[name] = value
    special = (not grad_enabled) or anomaly_detection
    try:
        yield
    finally:
        globals()[name] = previous
        special = (not grad_enabled) or anomaly_detection


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
    return grad_enabled
