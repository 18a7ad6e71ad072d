"""``Drawing``: the ``graphviz.Digraph`` that ``draw`` returns, shown inline with our renderer.

Jupyter shows a ``Digraph`` through its ``_repr_mimebundle_``, which runs
Graphviz's ``dot`` itself: with only ``graphviz-pure`` installed it fails,
and it has no time limit. A ``Drawing`` renders with the same program lookup
and timeout as ``render`` (``engine.drawing.renderer``); when no program is
found or the layout takes too long, the cell shows the reason as text
instead of a traceback, and ``.source`` still holds the DOT text. Its
``repr`` names what it is, not a memory address.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import graphviz

from engine.drawing.renderer import (
    DEFAULT_TIMEOUT,
    GraphvizNotFoundError,
    RenderTimeoutError,
    run_renderer,
)


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose inline display uses sweepgrad's renderer."""

    #: Seconds the inline display may spend in Graphviz.
    display_timeout: float | None = DEFAULT_TIMEOUT

    def __repr__(self) -> str:
        # Never a memory address: Jupyter saves this text beside the picture.
        return f"<sweepgrad drawing: {len(self.body)} DOT statements; .source is the DOT text>"

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
        **_: Any,
    ) -> dict[str, str]:
        try:
            svg = run_renderer(self.source, "svg", self.display_timeout).decode("utf-8")
        except (GraphvizNotFoundError, RenderTimeoutError) as error:
            return {"text/plain": f"{error}\n(the DOT text is in .source)"}
        return {"image/svg+xml": svg}
