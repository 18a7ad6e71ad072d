"""``gc_paused()``: build and sweep big graphs without the cycle collector.

CPython frees most objects by reference counting; its cycle collector exists
for objects that refer to each other in a loop. Every ``Value`` and its
``parents`` tuple are objects the collector tracks, so while a forward pass
allocates them, it keeps stopping to rescan the growing graph: on a
10⁵-link chain that rescanning costs three times the arithmetic
(``sweepgrad bench speed`` shows the figures both ways).

The scans cannot find anything here: a node refers only to its parents,
which were created before it, so a graph has no cycles and is freed by
reference counting the moment its root is dropped. Pausing the collector
during training loses nothing; cycles that other code creates meanwhile are
collected when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
