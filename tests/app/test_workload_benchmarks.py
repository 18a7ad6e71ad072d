"""The digits and tiny-GPT workloads of ``sweepgrad bench speed``: their plain-float floors
compute the engine's loss and gradients, and the report's seconds follow from the figures."""

import pytest

import nn
from engine.app.benchmarks import workloads
from engine.app.benchmarks.speed import SpeedResult
from engine.app.benchmarks.workload_floats import digits_step_floats, gpt_step_floats


def test_the_digits_floor_is_the_engines_loss_and_gradient():
    data = nn.digits(40, seed=3)
    model = nn.MLP(64, [6, 10], seed=1)
    layers = [[[*(w.data for w in n.weights), n.bias.data] for n in layer.neurons]
              for layer in model.layers]
    loss = nn.mean([nn.softmax_cross_entropy(model(x), y)
                    for x, y in zip(data.inputs, data.targets)])
    loss.backward()
    value, grads = digits_step_floats(layers, data.inputs, data.targets)
    assert value == pytest.approx(loss.data, rel=1e-13)
    flat = [g for layer in grads for neuron in layer for g in neuron]
    assert flat == pytest.approx([p.grad for p in model.parameters()], rel=1e-10, abs=1e-15)


def test_the_gpt_floor_is_the_engines_loss_and_gradient():
    chars = nn.Characters(nn.names())
    model = nn.GPT(chars.size, block_size=8, n_embd=6, n_head=3, seed=2, init_std=0.4)
    tokens = chars.encode("olivia")
    loss = nn.gpt.name_loss(model, tokens)
    loss.backward()
    weights = {name: [[v.data for v in row] for row in tensor]
               for name, tensor in model.named_tensors()}
    value, grads = gpt_step_floats(weights, model.n_head, tokens)
    assert value == pytest.approx(loss.data, rel=1e-13)
    for name, tensor in model.named_tensors():
        ours = [g for row in grads[name] for g in row]
        assert ours == pytest.approx([v.grad for row in tensor for v in row], rel=1e-9,
                                     abs=1e-14), name


def test_the_report_gives_seconds_per_epoch_and_per_step():
    def result(name, nodes):
        return SpeedResult(name, nodes, floats_ns=100.0, running_ns=(600.0, 400.0),
                           paused_ns=(500.0, 300.0), compiled_ns=80.0, compile_seconds=4.0,
                           parts="2 parts, 1 distinct", graph_bytes=100.0, compiled_bytes=9.0)

    text = workloads.report([result("digits step, batch 16", 100_000),
                             result("GPT step, 'amelia'", 20_000), result("chain, 9 links", 30)])
    digits, gpt = text.splitlines()[2:4]
    # 100,000 nodes x 85 steps x 100 ns = 0.85 s of floats; x 800 ns paused; x 80 compiled.
    assert digits.split()[:9] == ["digits", "epoch", "(85", "steps)", "8,500,000", "0.850",
                                  "8.500", "6.800", "0.680"]
    assert gpt.split()[4:8] == ["0.002", "0.020", "0.016", "0.002"]
    assert "chain" not in text
