"""The drawings ``sweepgrad demo`` shows: a neuron, its sweep, a collapsed MLP.

``demo_drawings(neuron, out_dir)`` writes them and returns their paths. With
no Graphviz program it writes the DOT sources (``.gv``) instead and says how
to install one, so the demo never stops on a missing renderer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from engine.drawing.benchmark import hand_built_mlp
from engine.drawing.graph import draw
from engine.drawing.renderer import GraphvizNotFoundError, find_renderer, write_image
from engine.drawing.steps import save_backward_animation
from engine.value import Value


def demo_drawings(
    neuron: Value, out_dir: str | Path, parameters: Iterable[Value] | None = None
) -> list[Path]:
    """Write neuron.svg, neuron_backward.gif, mlp_neurons.svg and mlp_layers.svg.

    ``neuron`` should have run ``backward()``; ``parameters`` are coloured as such.
    """
    out_dir = Path(out_dir)
    parameters = list(parameters) if parameters is not None else None
    loss, inputs = hand_built_mlp()
    loss.backward()
    drawings = {
        "neuron": draw(neuron, parameters=parameters, number_steps=True),
        "mlp_neurons": draw(loss, inputs=inputs, collapse="neuron"),
        "mlp_layers": draw(loss, inputs=inputs, collapse="layer"),
    }
    try:
        find_renderer()
    except GraphvizNotFoundError as error:
        print(error, file=sys.stderr)
        return [write_image(d, out_dir / f"{name}.gv") for name, d in drawings.items()]
    paths = [write_image(drawings["neuron"], out_dir / "neuron.svg")]
    paths.append(save_backward_animation(neuron, out_dir / "neuron_backward.gif",
                                         parameters=parameters))
    paths += [write_image(drawings[name], out_dir / f"{name}.svg")
              for name in ("mlp_neurons", "mlp_layers")]
    return paths
