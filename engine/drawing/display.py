"""``Drawing``: the ``graphviz.Digraph`` that ``draw`` returns, shown inline with our renderer.

Jupyter shows a ``Digraph`` through its ``_repr_mimebundle_``, which runs
Graphviz's ``dot`` itself: with only ``graphviz-pure`` installed it fails,
and it has no time limit. A ``Drawing`` renders with the same program lookup
and timeout as ``render`` (``engine.drawing.renderer``); when no program is
found or the layout takes too long, the cell shows the reason as text
instead of a traceback, and ``.source`` still holds the DOT text. Its
``repr`` names what it is, not a memory address. The picture scales down to
the width of the column that shows it.
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


class Drawing(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
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
        return {"image/svg+xml": fit_column(svg)}


def fit_column(svg: str) -> str:
    """The SVG drawn at its size, but never wider than the column it is shown in.

    Graphviz sizes a drawing up to ``max_width`` (1,000 px); a notebook's
    column is often narrower (JupyterLab's is 850–950 px at 1280 px), and a
    front end that does not scale outputs itself would cut the drawing off.
    """
    return svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
