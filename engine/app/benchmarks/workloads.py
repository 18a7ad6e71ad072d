"""The bigger workloads of ``sweepgrad bench speed``: a digits step and a tiny-GPT step.

Beside the chain and the two-moons MLP (``engine.app.benchmarks.speed``):

- digits: one minibatch step of ``fit`` on the handwritten digits, an MLP
  64→32→10 with softmax cross-entropy on a batch of 16 (an epoch of the
  1,347 training images is 85 such steps);
- GPT: one step of ``nn.GPT`` (vocabulary 27, 8 dimensions, 2 heads) on a
  six-letter name, seven positions.

Each is a ``speed.Workload``: its graph as nn builds it, with the parameters
as the compiled function's inputs, and its plain-float floor
(``engine.app.benchmarks.workload_floats``). ``report`` turns the per-node
figures into seconds per digits epoch and per GPT step.
"""

from __future__ import annotations

import nn
from engine import Value, format_table, topological_order
from engine.app.benchmarks.speed import SpeedResult, Workload, measure
from engine.app.benchmarks.workload_floats import digits_step_floats, gpt_step_floats

DIGITS_BATCH, DIGITS_HIDDEN = 16, 32
DIGITS_EPOCH_STEPS = 85  # ⌈1,347 / 16⌉: the training set of a 25% test split
GPT_NAME = "amelia"


def digits_workload() -> Workload:
    data = nn.digits(seed=0)
    points, targets = data.inputs[:DIGITS_BATCH], data.targets[:DIGITS_BATCH]
    model = nn.MLP(64, [DIGITS_HIDDEN, 10], seed=0)
    layers = [[[*(w.data for w in neuron.weights), neuron.bias.data] for neuron in layer.neurons]
              for layer in model.layers]

    def build() -> tuple[Value, list[Value]]:
        losses = [nn.softmax_cross_entropy(_scores(model(x)), y) for x, y in zip(points, targets)]
        return nn.mean(losses), model.parameters()

    return Workload(f"digits step, batch {DIGITS_BATCH}", build,
                    lambda: digits_step_floats(layers, points, targets))


def gpt_workload() -> Workload:
    chars = nn.Characters(nn.names())
    model = nn.GPT(chars.size, seed=0)
    tokens = chars.encode(GPT_NAME)
    weights = {name: [[v.data for v in row] for row in matrix]
               for name, matrix in ((name, getattr(model, name)) for name, _ in
                                    model.named_tensors())}

    def build() -> tuple[Value, list[Value]]:
        loss = nn.gpt.name_loss(model, tokens)
        read = set(topological_order(loss))
        return loss, [p for p in model.parameters() if p in read]

    return Workload(f"GPT step, '{GPT_NAME}'", build,
                    lambda: gpt_step_floats(weights, model.n_head, tokens))


def _scores(output: Value | list[Value]) -> list[Value]:
    assert isinstance(output, list), "ten outputs: a list of scores"
    return output


def workloads() -> list[Workload]:
    return [digits_workload(), gpt_workload()]


def run(repeats: int = 5) -> list[SpeedResult]:
    """Both workloads measured as ``speed.measure`` measures the chain and the MLP step."""
    return [measure(workload, repeats) for workload in workloads()]


def report(results: list[SpeedResult]) -> str:
    """Seconds per digits epoch and per GPT step: floats, dynamic (paused), compiled."""
    steps = {f"digits step, batch {DIGITS_BATCH}": (f"digits epoch ({DIGITS_EPOCH_STEPS} steps)",
                                                     DIGITS_EPOCH_STEPS),
             f"GPT step, '{GPT_NAME}'": (f"GPT step ('{GPT_NAME}')", 1)}
    rows = []
    for r in results:
        if r.name not in steps:
            continue
        what, count = steps[r.name]
        seconds = r.nodes * count * 1e-9  # times a time per node in ns
        rows.append((what, f"{r.nodes * count:,}",
                     *(f"{ns * seconds:.3f}" for ns in (r.floats_ns, sum(r.running_ns),
                                                        sum(r.paused_ns), r.compiled_ns)),
                     f"{r.ratio(r.compiled_ns):.2f}", f"{r.compile_seconds:.2f}"))
    header = ("workload", "nodes", "floats s", "dynamic s", "dynamic paused s",
              "compiled s", "compiled x floats", "compile s (once)")
    return format_table(header, rows, left_columns=1)
