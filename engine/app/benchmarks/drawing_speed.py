"""How long drawing a small network takes, in full and collapsed.

``drawing_benchmark()`` draws the one-sample loss of nn's MLP(2, [16, 16, 1])
(the demo's graph, ``engine.app.demonstration.one_sample_mlp_loss``) in full, per
neuron and per layer, and reports the time to build the DOT source and to
render it to SVG with the Graphviz program found.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from engine import graph_stats
from engine.app.demonstration import one_sample_mlp_loss
from engine.drawing import DrawOptions, draw, find_renderer, write_image

CASES = (
    ("full", DrawOptions(max_nodes=None)),
    ("per neuron", DrawOptions(collapse="neuron")),
    ("per layer", DrawOptions(collapse="layer")),
)


def drawing_benchmark() -> list[str]:
    """One line per drawing: nodes drawn, seconds to build DOT and to render SVG."""
    loss, inputs = one_sample_mlp_loss()
    loss.backward()
    lines = [f"MLP(2, [16, 16, 1]), one sample: {graph_stats(loss).nodes} value nodes",
             f"renderer: {find_renderer()}"]
    with tempfile.TemporaryDirectory() as folder:
        for name, options in CASES:
            start = time.perf_counter()
            drawing = draw(loss, options, inputs=tuple(inputs))
            built = time.perf_counter() - start
            path = Path(folder) / f"mlp_{name.replace(' ', '_')}.svg"
            start = time.perf_counter()
            write_image(drawing, path)
            rendered = time.perf_counter() - start
            nodes = len(re.findall(r"^\t(?:v|op|g)\d+ \[", drawing.source, re.MULTILINE))
            lines.append(f"{name:>10}: {nodes:5d} drawn nodes, DOT built in {built:.3f} s, "
                         f"rendered to SVG in {rendered:.2f} s "
                         f"({path.stat().st_size // 1024} KiB)")
    return lines
