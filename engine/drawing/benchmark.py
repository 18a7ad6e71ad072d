"""How long drawing a small network takes, in full and collapsed.

    python -m engine.drawing.benchmark

builds the one-sample graph of an MLP(2, [16, 16, 1]) (tanh hidden layers, a
linear output, a squared-error loss), written out from ``Value``s the way
``nn`` builds it (a neuron computes b + Σ wᵢxᵢ, then its activation) with
``node.group`` set on each neuron's nodes, and prints the time to build the
DOT source and to render it to SVG with the Graphviz program found.
``engine`` does not import ``nn``: this is a stand-in of the same shape.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from pathlib import Path

from engine.value import Value


def hand_built_mlp(
    n_inputs: int = 2,
    layer_sizes: tuple[int, ...] = (16, 16, 1),
    seed: int = 0,
    group_parameters: bool = True,
) -> tuple[Value, list[Value]]:
    """The loss of one sample through an MLP, and its inputs.

    As ``nn`` does, neuron j of layer i (1-based) tags its output with the
    group ``f"L{i}.N{j}"``, and its weights and bias too when
    ``group_parameters``; a collapsed drawing infers the nodes in between.
    """
    rng = random.Random(seed)
    inputs = [Value(rng.uniform(-1.0, 1.0), label=f"x{k + 1}") for k in range(n_inputs)]
    activations = inputs
    for layer, size in enumerate(layer_sizes, start=1):
        last = layer == len(layer_sizes)
        outputs = []
        for index in range(1, size + 1):
            group = f"L{layer}.N{index}"
            weights = [Value(rng.uniform(-1.0, 1.0)) for _ in activations]
            bias = Value(0.0)
            total = bias
            for weight, x in zip(weights, activations, strict=True):
                total = total + weight * x
            out = total if last else total.tanh()
            built = [out]
            if group_parameters:
                built += weights + [bias]
            for node in built:
                node.group = group
            outputs.append(out)
        activations = outputs
    target = Value(0.5, label="y")
    loss = (activations[0] - target) ** 2
    loss.label = "loss"
    return loss, inputs


def _time(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> int:
    from engine.drawing import draw, find_renderer, write_image
    from engine.stats import graph_stats

    loss, inputs = hand_built_mlp()
    loss.backward()
    print(f"MLP(2, [16, 16, 1]), one sample: {graph_stats(loss).nodes} value nodes")
    print(f"renderer: {find_renderer()}")
    cases = (("full", dict(max_nodes=None)), ("per neuron", dict(collapse="neuron")),
             ("per layer", dict(collapse="layer")))
    with tempfile.TemporaryDirectory() as folder:
        for name, options in cases:
            build, drawing = _time(lambda options=options: draw(loss, inputs=inputs, **options))
            path = Path(folder) / f"mlp_{name.replace(' ', '_')}.svg"
            render, _ = _time(lambda drawing=drawing, path=path: write_image(drawing, path))
            nodes = len(re.findall(r"^\t(?:v|op|g)\d+ \[", drawing.source, re.MULTILINE))
            print(f"{name:>10}: {nodes:5d} drawn nodes, DOT built in {build:.3f} s, "
                  f"rendered to SVG in {render:.2f} s ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
