"""Stopping training at a step boundary when the user presses Ctrl-C.

A ``KeyboardInterrupt`` raised in the middle of a step could leave the
optimizer half way through an update. Inside ``steps_until_interrupted()``
the first Ctrl-C only raises a flag that the training loop reads between
steps, so training stops after the step in progress, with the model whole
and the history kept (Keras stops the same way). A second Ctrl-C raises
``KeyboardInterrupt`` at once, for a loop that is stuck.

Python delivers signals to the main thread only; elsewhere (a notebook's
worker thread, say) the flag is never raised, and a ``KeyboardInterrupt``
that does arrive is caught by ``fit`` as a stop all the same.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class InterruptFlag:
    """Set by the first Ctrl-C inside ``steps_until_interrupted()``."""

    def __init__(self) -> None:
        self.raised = False

    def __bool__(self) -> bool:
        return self.raised


@contextmanager
def steps_until_interrupted() -> Iterator[InterruptFlag]:
    """Turn the first SIGINT into a flag; restore the previous handler afterwards."""
    flag = InterruptFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if flag.raised:  # the second Ctrl-C: the user means it
            raise KeyboardInterrupt
        flag.raised = True

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
