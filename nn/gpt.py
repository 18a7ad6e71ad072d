"""A tiny GPT: a character-level transformer built from ``Value``s.

The model of the 2026 lecture code (microgpt), written with sweepgrad's
``Value`` and nn's names. For the tokens t₀ … t_{n−1} of a name it gives,
at every position i, scores for the next token:

    xᵢ = RMSNorm(wte[tᵢ] + wpe[i])                      token + position embeddings
    per head h:  qᵢ, kᵢ, vᵢ = the head's slice of Wq·xᵢ, Wk·xᵢ, Wv·xᵢ
                 aᵢⱼ = softmaxⱼ≤ᵢ(qᵢ·kⱼ / √d)            causal: i sees 0..i only
                 headᵢ = Σⱼ aᵢⱼ vⱼ
    xᵢ ← xᵢ + Wo·[head₁ᵢ, …]                           attention block, residual
    xᵢ ← xᵢ + W₂·relu(W₁·RMSNorm(xᵢ))                  MLP block, residual
    logitsᵢ = W_head · xᵢ

RMSNorm(x) = x / √(mean(x²) + 10⁻⁵), without a gain. The loss of a name is
the mean softmax cross-entropy of each next token (``sequence_loss``).

Nothing in the forward pass reads a value to choose what to build: the
softmax shifts by a ``maximum`` node (``nn.log_sum_exp``) and the targets are
one-hot. So the graphs of all names of one length have one shape, and
``nn.gpt_step`` compiles one per length. The token embedding is the one
place a value picks: ``wte[tᵢ]`` is a row chosen by the token, which the
compiled step handles as an input (see there).

Node groups (``P2.H1.q``, ``.k``, ``.v``, ``.weights``, ``.out``) name each
position's and head's parts, so ``engine.draw(..., collapse="neuron")`` draws
an attention head as boxes (``collapse="layer"``: a box per position and head).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from engine import Value, arguments, no_grad
from nn.argument_checks import Seed, make_rng
from nn.losses import log_sum_exp, mean, one_hot, one_hot_cross_entropy
from nn.module import Module, Tensor

Vector = list[Value]
Matrix = list[list[Value]]


class GPT(Module):
    """One transformer block (attention with ``n_head`` heads, then an MLP) on characters."""

    def __init__(self, vocab_size: int, block_size: int = 12, n_embd: int = 8, n_head: int = 2,
                 *, seed: Seed = 0, init_std: float = 0.1) -> None:
        self.vocab_size = arguments.integer(vocab_size, "vocab_size", minimum=2)
        self.block_size = arguments.integer(block_size, "block_size", minimum=1)
        self.n_embd = arguments.integer(n_embd, "n_embd", minimum=1)
        self.n_head = arguments.integer(n_head, "n_head", minimum=1)
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd={n_embd} must be a multiple of n_head={n_head}")
        rng = make_rng(seed)

        def matrix(rows: int, columns: int, name: str) -> Matrix:
            return [[Value(rng.gauss(0.0, init_std), label=f"{name}[{r}][{c}]")
                     for c in range(columns)] for r in range(rows)]

        e = self.n_embd
        self.wte = matrix(self.vocab_size, e, "wte")
        self.wpe = matrix(self.block_size, e, "wpe")
        self.wq, self.wk = matrix(e, e, "wq"), matrix(e, e, "wk")
        self.wv, self.wo = matrix(e, e, "wv"), matrix(e, e, "wo")
        self.fc1, self.fc2 = matrix(4 * e, e, "fc1"), matrix(e, 4 * e, "fc2")
        self.lm_head = matrix(self.vocab_size, e, "lm_head")

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        names = ("wte", "wpe", "wq", "wk", "wv", "wo", "fc1", "fc2", "lm_head")
        return [(name, getattr(self, name)) for name in names]

    def __call__(self, tokens: Sequence[int]) -> list[Vector]:  # type: ignore[override]
        """The next-token scores at every position of ``tokens``."""
        return self.forward(self.embed(tokens))

    def embed(self, tokens: Sequence[int]) -> list[Vector]:
        """The row of ``wte`` for each token (the rows themselves: their leaves get gradients)."""
        if not 1 <= len(tokens) <= self.block_size:
            raise ValueError(f"GPT reads 1 to block_size={self.block_size} tokens, "
                             f"got {len(tokens)}")
        for t in tokens:
            if not arguments.is_integer(t) or not 0 <= t < self.vocab_size:
                raise ValueError(f"token {t!r} is not an id in 0..{self.vocab_size - 1}")
        return [self.wte[t] for t in tokens]

    def forward(self, token_vectors: Sequence[Vector]) -> list[Vector]:
        """Scores at every position, from each position's token embedding."""
        xs = [rms_norm([a + b for a, b in zip(vector, self.wpe[i])])
              for i, vector in enumerate(token_vectors)]
        qs = [linear(x, self.wq) for x in xs]
        ks = [linear(x, self.wk) for x in xs]
        vs = [linear(x, self.wv) for x in xs]
        d = self.n_embd // self.n_head
        for i in range(len(xs)):
            for h in range(self.n_head):
                part = slice(h * d, (h + 1) * d)
                for name, vectors in (("q", qs), ("k", ks), ("v", vs)):
                    _name(vectors[i][part], f"P{i}.H{h + 1}.{name}")
        for i in range(len(xs)):
            heads: Vector = []
            for h in range(self.n_head):
                part = slice(h * d, (h + 1) * d)
                heads += attention_head(qs[i][part], [k[part] for k in ks[: i + 1]],
                                        [v[part] for v in vs[: i + 1]], f"P{i}.H{h + 1}")
            xs[i] = [a + b for a, b in zip(xs[i], linear(heads, self.wo))]
            hidden = [h.relu() for h in linear(rms_norm(xs[i]), self.fc1)]
            xs[i] = [a + b for a, b in zip(xs[i], linear(hidden, self.fc2))]
        return [linear(x, self.lm_head) for x in xs]

    def __repr__(self) -> str:
        return (f"GPT(vocab_size={self.vocab_size}, block_size={self.block_size}, "
                f"n_embd={self.n_embd}, n_head={self.n_head}) with "
                f"{self.num_parameters()} parameters")


# --- the pieces, as the lecture writes them -------------------------------------------


def linear(x: Sequence[Value], w: Matrix) -> Vector:
    """W·x: one sum of products per row of W."""
    out = []
    for row in w:
        total = row[0] * x[0]
        for wi, xi in zip(row[1:], x[1:]):
            total = total + wi * xi
        out.append(total)
    return out


def rms_norm(x: Sequence[Value]) -> Vector:
    """x / √(mean(x²) + 10⁻⁵)."""
    total = x[0] * x[0]
    for xi in x[1:]:
        total = total + xi * xi
    scale = (total * (1.0 / len(x)) + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def softmax(scores: Sequence[Value]) -> Vector:
    """e^sₖ / Σⱼ e^sⱼ as e^(sₖ − logsumexp(s)): stable, and the same graph whatever the scores."""
    lse = log_sum_exp(scores)
    return [(s - lse).exp() for s in scores]


def attention_head(q: Vector, keys: Sequence[Vector], values: Sequence[Vector],
                   group: str) -> Vector:
    """Σⱼ softmaxⱼ(q·kⱼ/√d) vⱼ: one head at one position, its parts named for drawings."""
    scale = 1.0 / math.sqrt(len(q))
    scores = [linear(q, [k])[0] * scale for k in keys]
    weights = softmax(scores)
    _name(weights, f"{group}.weights")
    out = []
    for c in range(len(q)):
        total = weights[0] * values[0][c]
        for a, v in zip(weights[1:], values[1:]):
            total = total + a * v[c]
        out.append(total)
    _name(out, f"{group}.out")
    return out


def _name(nodes: Sequence[Value], group: str) -> None:
    """Give ``group`` to the nodes computed here (not to leaves)."""
    for node in nodes:
        if node.parents:
            node.group = group


def sequence_loss(logits: Sequence[Vector], targets: Sequence[Sequence[Value | float]]) -> Value:
    """(1/n) Σᵢ cross-entropy(logitsᵢ, one-hot targetᵢ): the mean next-token loss."""
    return mean([one_hot_cross_entropy(scores, target)
                 for scores, target in zip(logits, targets, strict=True)])


def name_loss(model: GPT, tokens: Sequence[int]) -> Value:
    """The mean loss of predicting ``tokens[1:]`` from ``tokens[:-1]``, built afresh."""
    targets = [one_hot(t, model.vocab_size) for t in tokens[1:]]
    return sequence_loss(model(tokens[:-1]), targets)


def sample(model: GPT, bos: int, *, seed: Seed = 0, temperature: float = 1.0) -> list[int]:
    """Tokens drawn one by one from the model's softmax, from ``bos`` until ``bos`` again
    (or ``block_size`` tokens), under ``no_grad()``; the tokens between the two ``bos``."""
    rng = make_rng(seed)
    temperature = arguments.real(temperature, "temperature", minimum=1e-6, finite=True)
    tokens = [bos]
    with no_grad():
        while len(tokens) <= model.block_size:
            scores = model(tokens)[-1]
            top = max(s.data for s in scores)
            weights = [math.exp((s.data - top) / temperature) for s in scores]
            token = rng.choices(range(model.vocab_size), weights=weights)[0]
            if token == bos:
                break
            tokens.append(token)
    return tokens[1:]


def attention_head_graph(model: GPT, tokens: Sequence[int], head: int = 1) -> Value:
    """One head's work at the last position of ``tokens``, as a graph to draw.

    The normalised inputs xⱼ of the positions (computed by the model, under
    ``no_grad``) become leaves ``x0[0]`` …, grouped by position (``P0.x``);
    from them and copies of the head's rows of Wq, Wk, Wv (boxed as
    ``H1.Wq`` …) the head's queries, keys, values, attention weights and
    output are built as in ``GPT.forward``, grouped the same way; the root
    is the sum of the output.
    """
    if not 1 <= head <= model.n_head:
        raise ValueError(f"head must be in 1..{model.n_head}, got {head}")
    with no_grad():
        normed = [rms_norm([a + b for a, b in zip(vector, model.wpe[i])])
                  for i, vector in enumerate(model.embed(tokens))]
    d = model.n_embd // model.n_head
    part = slice((head - 1) * d, head * d)
    xs = [[Value(v.data, label=f"x{i}[{c}]") for c, v in enumerate(x)]
          for i, x in enumerate(normed)]
    for i, x in enumerate(xs):
        for leaf in x:
            leaf.group = f"P{i}.x"  # a position's input, one box
    last = len(xs) - 1
    projected = {}
    for name, weights in (("q", model.wq), ("k", model.wk), ("v", model.wv)):
        # The head's rows of the matrix, copied as leaves boxed together: every position
        # reads them, so uncopied they would be drawn one by one.
        rows = [[Value(w.data, label=f"w{name}[{r}][{c}]") for c, w in enumerate(row)]
                for r, row in enumerate(weights[part], start=part.start)]
        for row in rows:
            for leaf in row:
                leaf.group = f"H{head}.W{name}"
        projected[name] = [linear(x, rows) for x in xs]
        for j, vector in enumerate(projected[name]):
            _name(vector, f"P{j}.H{head}.{name}")
    out = attention_head(projected["q"][last], projected["k"], projected["v"],
                         f"P{last}.H{head}")
    total = out[0]
    for o in out[1:]:
        total = total + o
    total.label = f"Σ head {head} output"
    return total
