"""Which way a drawing runs, and how big it may be: fitting a notebook's column.

A notebook's output column is about 1,000 CSS pixels wide. Graphviz scales
a drawing down to its ``size`` attribute (inches; 96 pixels to the inch in
PNG and, at 72 points to the inch, in SVG as a browser shows it), so
``DrawOptions.max_width`` becomes ``size``; how much it has to shrink
depends on the direction:

- left to right (``LR``), the width grows with the depth of the graph: one
  column per value and one per operation;
- top to bottom (``TB``), it grows with the widest level: every value that
  sits at the same depth side by side.

``rankdir="auto"`` estimates both widths from the labels' lengths (Courier
and Helvetica at 12 points are about 7 points per character) and keeps the
conventional left to right when it fits, else takes the narrower one. The
estimate only has to rank the two directions, not predict Graphviz's
pixels. Levels come from one pass over ``topological_order`` backwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.graph import consumers_of
from engine.node import Node

POINTS_PER_CHARACTER = 7.0
PIXELS_PER_INCH = 96
VALUE_PADDING = 30.0  # cell borders and padding around a value's texts, in points
OP_COLUMN = 75.0  # an operation's ellipse and the edge labels around it, left to right
NODE_GAP = 18.0  # Graphviz's nodesep, between values side by side


def levels(order: list[Node]) -> dict[Node, int]:
    """Each node's level, counted back from the root: as close to its users as it can be.

    The root is level 0 and every other node one below its nearest consumer
    (so levels are negative). Graphviz's ranking keeps edges short, which for
    a tree (a neuron, a loss) is exactly this: each operand right behind the
    operation that uses it.
    """
    consumers = consumers_of(order)
    level: dict[Node, int] = {}
    # Reverse topological order: every consumer has its level before its operands.
    for node in reversed(order):
        users = consumers[node]
        level[node] = min((level[consumer] for consumer, _ in users), default=1) - 1
    return level


def estimated_widths(items: Iterable[tuple[int, int]]) -> dict[str, float]:
    """Rough widths in points of the drawing laid out ``LR`` and ``TB``.

    ``items``: ``(level, characters)`` for each node drawn, characters being
    the length of its longest line of text.
    """
    by_level: dict[int, list[float]] = {}
    for level, characters in items:
        width = characters * POINTS_PER_CHARACTER + VALUE_PADDING
        by_level.setdefault(level, []).append(width)
    if not by_level:
        return {"LR": 0.0, "TB": 0.0}
    left_to_right = sum(max(widths) + OP_COLUMN for widths in by_level.values())
    top_to_bottom = max(sum(widths) + NODE_GAP * (len(widths) - 1)
                        for widths in by_level.values())
    return {"LR": left_to_right, "TB": top_to_bottom}


def choose_rankdir(widths: Mapping[str, float], max_width: int | None) -> str:
    """``LR`` when it fits in ``max_width`` pixels (or there is no limit), else the narrower."""
    limit = None if max_width is None else max_width * 72 / PIXELS_PER_INCH
    if limit is None or widths["LR"] <= limit or widths["LR"] <= widths["TB"]:
        return "LR"
    return "TB"


def size_attribute(max_width: int | None) -> str | None:
    """Graphviz's ``size`` for a width limit in pixels: shrink to fit, never enlarge."""
    if max_width is None:
        return None
    # The height is left free: a notebook scrolls down, not sideways.
    return f"{max_width / PIXELS_PER_INCH:.3f},1000"
