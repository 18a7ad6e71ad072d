"""nn.gpt and nn.gpt_step: the tiny GPT's loss and gradients against PyTorch and central
differences, one graph shape per length, compiled and dynamic steps alike, sampling."""

import math

import pytest

import nn
from engine import Value, topological_order
from nn.gpt import GPT, name_loss, sample, sequence_loss
from nn.gpt_step import NameStep
from nn.losses import one_hot
from nn.text import Characters

WORDS = ["emma", "ava", "eve", "mia", "amelia"]


def test_characters_and_the_names_corpus():
    chars = Characters(WORDS)
    assert chars.chars == ["a", "e", "i", "l", "m", "v"] and chars.size == 7
    assert chars.encode("emma") == [6, 1, 4, 4, 0, 6]
    assert chars.decode([6, 1, 4, 4, 0, 6]) == "emma"
    with pytest.raises(ValueError, match=r"lacks: \['z'\]"):
        chars.encode("zeze")
    corpus = nn.names()
    assert len(corpus) == 5163 and corpus[:2] == ["mary", "patricia"]
    assert Characters(corpus).size == 27 and max(map(len, corpus)) == 11


def test_the_first_loss_is_near_uniform_guessing():
    model = GPT(27, seed=0)
    assert name_loss(model, Characters(nn.names()).encode("emma")).data == pytest.approx(
        math.log(27), rel=0.05)


def test_names_of_one_length_build_graphs_of_one_shape():
    # The shape: each node's op and where its operands sit in the order. The token rows are
    # given as fresh leaves (as the compiled step gives them): a name that repeats a letter
    # would otherwise share the row's leaves between positions.
    model, chars = GPT(7, block_size=8, n_embd=4, n_head=2, seed=1), Characters(WORDS)

    def shape(word):
        tokens = chars.encode(word)
        rows = [[Value(v.data) for v in model.wte[t]] for t in tokens[:-1]]
        loss = sequence_loss(model.forward(rows), [one_hot(t, 7) for t in tokens[1:]])
        order = topological_order(loss)
        place = {node: k for k, node in enumerate(order)}
        return [(node.op, tuple(place[p] for p in node.parents)) for node in order]

    assert shape("ava") == shape("eve") == shape("mia")
    assert shape("ava") != shape("emma")


@pytest.mark.torch
def test_loss_and_gradients_match_pytorch_float64():
    torch = pytest.importorskip("torch")
    model, chars = GPT(7, block_size=8, n_embd=4, n_head=2, seed=2, init_std=0.5), \
        Characters(WORDS)
    tokens = chars.encode("amelia")
    loss = name_loss(model, tokens)
    loss.backward()
    t = {name: torch.tensor([[v.data for v in row] for row in tensor], dtype=torch.float64,
                            requires_grad=True) for name, tensor in model.named_tensors()}

    def rms(x):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + 1e-5)

    inputs, targets = tokens[:-1], tokens[1:]
    n, heads, d = len(inputs), 2, 2
    x = rms(t["wte"][inputs] + t["wpe"][:n])
    q, k, v = x @ t["wq"].T, x @ t["wk"].T, x @ t["wv"].T
    outs = []
    for h in range(heads):
        part = slice(h * d, (h + 1) * d)
        scores = q[:, part] @ k[:, part].T / math.sqrt(d)
        scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), -math.inf)
        outs.append(torch.softmax(scores, -1) @ v[:, part])
    x = x + torch.cat(outs, -1) @ t["wo"].T
    x = x + torch.relu(rms(x) @ t["fc1"].T) @ t["fc2"].T
    reference = torch.nn.functional.cross_entropy(x @ t["lm_head"].T, torch.tensor(targets))
    reference.backward()
    assert loss.data == pytest.approx(reference.item(), rel=1e-13)
    for name, tensor in model.named_tensors():
        ours = [v.grad for row in tensor for v in row]
        assert ours == pytest.approx(t[name].grad.flatten().tolist(), rel=1e-10, abs=1e-14), name


def test_gradients_match_central_differences():
    model, chars = GPT(7, block_size=6, n_embd=2, n_head=1, seed=3, init_std=0.5), \
        Characters(WORDS)
    tokens = chars.encode("eve")
    name_loss(model, tokens).backward()
    for p in model.parameters()[::7]:
        saved, h = p.data, 1e-6
        p.data = saved + h
        up = name_loss(model, tokens).data
        p.data = saved - h
        down = name_loss(model, tokens).data
        p.data = saved
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


def test_compiled_and_dynamic_steps_train_alike():
    chars = Characters(WORDS)
    runs = []
    for compiled in (False, True):
        model = GPT(chars.size, block_size=8, n_embd=4, n_head=2, seed=4)
        step = NameStep(model, compiled)
        optimizer = nn.Adam(model.parameters(), lr=0.05)
        losses = []
        for k in range(8):
            optimizer.zero_grad()
            losses.append(step(chars.encode(WORDS[k % len(WORDS)])))
            optimizer.step()
        runs.append((losses, [p.data for p in model.parameters()], step))
    (dynamic, dynamic_params, _), (compiled, compiled_params, step) = runs
    assert compiled == pytest.approx(dynamic, rel=1e-12)
    assert compiled_params == pytest.approx(dynamic_params, rel=1e-10, abs=1e-13)
    assert compiled[5] < compiled[0]  # it learns: "emma" again, after a round of names
    assert sorted(step.replays) == [4, 5, 7]  # one compiled graph per length


def test_sampling_is_seeded_and_stops_at_bos():
    model, chars = GPT(7, block_size=6, n_embd=4, seed=5), Characters(WORDS)
    drawn = [sample(model, chars.bos, seed=s) for s in range(5)]
    assert drawn[0] == sample(model, chars.bos, seed=0)
    assert all(len(tokens) <= 6 and chars.bos not in tokens for tokens in drawn)
    assert len({tuple(tokens) for tokens in drawn}) > 1


def test_one_attention_head_draws_as_boxes_of_its_parts():
    from engine import draw
    from nn.gpt import attention_head_graph

    model, chars = GPT(7, block_size=6, n_embd=4, n_head=2, seed=6), Characters(WORDS)
    root = attention_head_graph(model, chars.encode("ava")[:3], head=2)
    source = draw(root, collapse="neuron").source
    for box in ("P0.x", "H2.Wq", "H2.Wk", "H2.Wv", "P0.H2.k", "P1.H2.v", "P2.H2.q",
                "P2.H2.weights", "P2.H2.out"):
        assert f"<B>{box}</B>" in source, box
    assert "P0.H2.q" not in source  # only the last position asks
    with pytest.raises(ValueError, match="head must be in 1..2"):
        attention_head_graph(model, [6, 1], head=3)
