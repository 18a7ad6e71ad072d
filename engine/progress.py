"""A small progress bar for long loops (benchmarks, training).

On a terminal it redraws one line in place; when output is not a terminal
(a notebook capture, a CI log, a pipe) it stays silent unless forced, so logs
are not flooded with carriage returns. ``quiet=True`` turns it off entirely.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress(total, "training") as bar: bar.update(postfix="loss 0.31")``."""

    def __init__(
        self,
        total: int,
        description: str = "",
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        width: int = 24,
    ) -> None:
        if total < 0:
            raise ValueError(f"total must be >= 0, got {total}")
        self.total = total
        self.description = description
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.count = 0
        self.postfix = ""
        self.started = time.perf_counter()
        is_terminal = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = not quiet and is_terminal

    def update(self, steps: int = 1, postfix: str | None = None) -> None:
        """Advance by ``steps`` and redraw; ``postfix`` replaces the trailing text."""
        self.count = min(self.total, self.count + steps)
        if postfix is not None:
            self.postfix = postfix
        if self.enabled:
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def line(self) -> str:
        """The bar as text: ``training |#######.....| 7/12 1.3s loss 0.31``."""
        done = self.count / self.total if self.total else 1.0
        filled = int(round(done * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.perf_counter() - self.started
        text = f"{self.description} |{bar}| {self.count}/{self.total} {elapsed:.1f}s"
        return f"{text} {self.postfix}".rstrip()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
